import type { LookupFunction } from 'node:net';
import type { HostPscSession } from '../psc/session-port';
import type { UpstreamTarget } from '../upstream/starttls';

/** How the bridge logs in upstream for one mailbox. */
export type UpstreamCredentials =
  /** PER/ORG (ECO.1.2.1): XOAUTH2 with the PSC session's access token (throws when PSC is not configured). */
  | { kind: 'psc'; session: () => HostPscSession }
  /** APP (ECO.1.3.1): the ORG AUTH_CLI certificate during TLS, then PLAIN with the address. */
  | { kind: 'app'; pfx: Buffer; passphrase: string; password: string; subject: string };

export interface BridgeMailbox {
  address: string;
  profile: 'PER' | 'ORG' | 'APP';
  imap: { host: string; port: number };
  smtp: { host: string; port: number };
  lookup?: LookupFunction;
  /** The local password Thunderbird uses for this mailbox (random; never the PSC token). */
  secret: string;
  credentials: UpstreamCredentials;
}

/** Who the journal names as the author of an operation (ECO.4.1.2). */
export function authorOf(mailbox: BridgeMailbox): string {
  const c = mailbox.credentials;
  if (c.kind === 'app') return c.subject;
  try {
    return c.session().facts.identity?.nationalId ?? 'unknown';
  } catch {
    return 'unknown'; // PSC not configured
  }
}

/** Where and how to open a mailbox's upstream IMAP or SMTP (the APP certificate when APP). */
export function upstreamTarget(mailbox: BridgeMailbox, protocol: 'imap' | 'smtp'): UpstreamTarget {
  const c = mailbox.credentials;
  const endpoint = protocol === 'imap' ? mailbox.imap : mailbox.smtp;
  return {
    protocol,
    host: endpoint.host,
    port: endpoint.port,
    ...(protocol === 'smtp' ? { ehloName: 'localhost' } : {}),
    ...(mailbox.lookup ? { lookup: mailbox.lookup } : {}),
    ...(c.kind === 'app' ? { clientCertificate: { pfx: c.pfx, passphrase: c.passphrase } } : {}),
  };
}
