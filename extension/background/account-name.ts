import { composeFromLabel, type MailboxProfile } from '../../shared/domain/mail/from-label';
import { MssanteError } from '../../shared/errors/mssante-error';
import type { Result } from '../../shared/protocol/index';

type PscIdentity = NonNullable<Result<'psc.status'>['identity']>;

/** PSC's `codeCivilite` as people write it before a name (`DR` → `Dr`, `MME` → `Mme`). */
export function displayTitle(civility: string | undefined): string {
  const c = (civility ?? '').trim().toUpperCase();
  const known: Record<string, string> = { DR: 'Dr', PR: 'Pr', M: 'M.', MME: 'Mme', MLLE: 'Mlle' };
  if (!c) return '';
  return known[c] ?? c.charAt(0) + c.slice(1).toLowerCase();
}

/**
 * ECO.2.2.7: the From display name of the new mailbox. PER from the PSC identity (`Dr Marie
 * MARTIN`, plus the entity when the user typed one); ORG and APP: the functional entity typed.
 */
export function fromLabelFor(
  profile: MailboxProfile,
  identity: PscIdentity | undefined,
  entity: string,
): string {
  if (profile !== 'PER') return composeFromLabel(profile, { entity });
  if (!identity) throw new MssanteError('E_PSC_NOT_SIGNED_IN');
  return composeFromLabel('PER', {
    title: displayTitle(identity.civility),
    firstName: identity.givenName,
    lastName: identity.familyName,
    ...(entity.trim() ? { entity } : {}),
  });
}

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
