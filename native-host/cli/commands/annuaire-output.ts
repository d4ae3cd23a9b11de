import type { AnnuaireEntry } from '../../../shared/domain/annuaire/entry';

/** One entry on one line: who, address, type, profession, where. */
export function entryLine(e: AnnuaireEntry): string {
  const who =
    [e.civility, e.lastName, e.firstName].filter(Boolean).join(' ') || e.organisation || e.mail;
  const what = [e.profession.label, e.speciality.label].filter(Boolean).join(', ');
  const where = [
    e.lastName ? e.organisation : e.service,
    [e.postalCode, e.city].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  return `${who} <${e.mail}> [${e.mailboxType}]${what ? ` — ${what}` : ''}${where ? ` — ${where}` : ''}`;
}
