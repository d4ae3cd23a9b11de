import type { Result } from '../../shared/protocol/index';

/**
 * Annuaire entries as Thunderbird contacts (ECO.3.1.4): what the address book provider returns
 * to the compose window's autocomplete and the address book window. Manifest V3 providers return
 * vCard 4.0 text (RFC 6350), one per contact.
 */
export type AnnuaireWireEntry = Result<'annuaire.search'>['entries'][number];

/** The name shown and put in the recipient: "First LAST", or the organisation (and service). */
export function displayName(e: AnnuaireWireEntry): string {
  const person = [e.firstName, e.lastName].filter(Boolean).join(' ');
  if (person) return person;
  return [e.organisation, e.service].filter(Boolean).join(' — ') || e.mail;
}

/** RFC 6350 §3.4 text value escaping. */
function escape(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/** One structured value (N, ORG, ADR): components escaped, joined by `;`. */
const components = (...parts: string[]) => parts.map(escape).join(';');

/** A vCard 4.0 for one entry: name, address, organisation, profession, speciality, city. */
export function entryVCard(e: AnnuaireWireEntry): string {
  const lines = [
    'BEGIN:VCARD',
    'VERSION:4.0',
    `UID:${escape(`urn:mssante:annuaire:${e.mail.toLowerCase()}`)}`,
    `FN:${escape(displayName(e))}`,
    `N:${components(e.lastName, e.firstName, '', e.civility, '')}`,
    `EMAIL;PREF=1:${escape(e.mail)}`,
  ];
  if (e.organisation || e.service) lines.push(`ORG:${components(e.organisation, e.service)}`);
  const title = [e.profession, e.speciality].filter(Boolean).join(' — ');
  if (title) lines.push(`TITLE:${escape(title)}`);
  if (e.city || e.postalCode)
    lines.push(`ADR;TYPE=work:${components('', '', '', e.city, '', e.postalCode, 'France')}`);
  lines.push(`NOTE:${escape(`Annuaire Santé (MSSanté) · BAL ${e.mailboxType}`)}`);
  lines.push('END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

/** `Name <address>` for a compose recipient field, the name quoted when it must be (RFC 5322). */
export function recipient(e: AnnuaireWireEntry): string {
  const name = displayName(e);
  if (name === e.mail) return e.mail;
  const safe = /^[\p{L}\p{N} !#$%&'*+\-/=?^_`{|}~]+$/u.test(name);
  return `${safe ? name : `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`} <${e.mail}>`;
}
