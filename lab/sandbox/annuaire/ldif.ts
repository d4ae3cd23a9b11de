import type { AnnuaireEntry } from '../../../shared/domain/annuaire/entry';
import { ldapAttributesOf } from '../../../native-host/annuaire/mapping';

/** The Annuaire's base, as in the real directory. */
export const ANNUAIRE_BASE = 'ou=bal,o=mssante,c=fr';

/** RFC 4514 escaping of an attribute value inside a DN. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ')
    .replace(/\0/g, '\\00');
}

/** The DN of an entry: its mail address under the base. */
export function entryDn(entry: AnnuaireEntry, base = ANNUAIRE_BASE): string {
  return `mail=${escapeDnValue(entry.mail)},${base}`;
}

/** RFC 2849 SAFE-STRING: else the value goes base64 (`attr:: …`). */
const SAFE = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

function line(name: string, value: string): string {
  if (value === '' || SAFE.test(value)) return `${name}: ${value}\n`;
  return `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}\n`;
}

/** One LDIF record: PER as inetOrgPerson, ORG/APP as organizationalRole, both mssanteBAL. */
export function entryLdif(entry: AnnuaireEntry, base = ANNUAIRE_BASE): string {
  const attributes = ldapAttributesOf(entry);
  const person = entry.mailboxType === 'PER';
  // inetOrgPerson requires sn: a PER entry without a last name gets its address there.
  if (person && !attributes.some(([name]) => name === 'sn')) attributes.push(['sn', entry.mail]);
  let text = line('dn', entryDn(entry, base));
  text += line('objectClass', person ? 'inetOrgPerson' : 'organizationalRole');
  text += line('objectClass', 'mssanteBAL');
  for (const [name, value] of attributes) text += line(name, value);
  return text;
}

/** The whole directory as LDIF: the base entry, then every entry. */
export function directoryLdif(entries: readonly AnnuaireEntry[], base = ANNUAIRE_BASE): string {
  const rdn = /^ou=([^,]+)/.exec(base)?.[1] ?? 'bal';
  const parts = [`dn: ${base}\nobjectClass: organizationalUnit\nou: ${rdn}\n`];
  for (const entry of entries) parts.push(entryLdif(entry, base));
  return parts.join('\n');
}
