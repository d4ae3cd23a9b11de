import type { Result } from '../../shared/protocol/index';

type Mailbox = Result<'mailbox.list'>['mailboxes'][number];

/** What a Thunderbird account needs from the bridge of this host start (19.1). */
export interface BridgeEndpoint {
  imapPort: number;
  smtpPort: number;
  secret: string;
  tlsCertificate: string;
}

/** The bridge of this host start: its ports, local secret and certificate; null while unbound. */
export function endpointOf(
  mailbox: Pick<Mailbox, 'imapPort' | 'smtpPort' | 'secret' | 'tlsCertificate'>,
): BridgeEndpoint | null {
  const { imapPort, smtpPort, secret, tlsCertificate } = mailbox;
  if (secret === undefined || tlsCertificate === undefined) return null;
  return { imapPort, smtpPort, secret, tlsCertificate };
}

/**
 * Which host mailboxes the sync points Thunderbird at (bound: this start's endpoint), and which
 * it leaves alone because their bridge is not bound (a port taken: E_BRIDGE_PORT_TAKEN).
 */
export function syncPlan(mailboxes: Mailbox[]): {
  bound: Array<{ mailbox: Mailbox; endpoint: BridgeEndpoint }>;
  unbound: string[];
} {
  const bound: Array<{ mailbox: Mailbox; endpoint: BridgeEndpoint }> = [];
  const unbound: string[] = [];
  for (const mailbox of mailboxes) {
    const endpoint = endpointOf(mailbox);
    if (endpoint) bound.push({ mailbox, endpoint });
    else unbound.push(mailbox.address);
  }
  return { bound, unbound };
}
