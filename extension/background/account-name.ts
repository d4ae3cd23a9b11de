import { fromLabelFor, type MailboxProfile } from '../../shared/domain/mail/from-label';
import type { Result } from '../../shared/protocol/index';

/**
 * The name of an account the background has to create again for a host mailbox (the setup page
 * names new ones itself): the name chosen at setup, which the host keeps with the mailbox
 * (ECO.2.2.7: the PER label, the ORG/APP entity); for a mailbox set up before the host kept it,
 * PER from the PSC identity when the session is open, else the address.
 */
export function accountName(
  mailbox: { address: string; profile: MailboxProfile; displayName?: string | undefined },
  psc: Result<'psc.status'> | null,
): string {
  if (mailbox.displayName?.trim()) return mailbox.displayName;
  if (mailbox.profile !== 'PER' || !psc?.identity) return mailbox.address;
  try {
    return fromLabelFor('PER', psc.identity, '');
  } catch {
    return mailbox.address;
  }
}
