import { decodePostalAddress, encodePostalAddress } from 'ldapts';
import type { AnnuaireEntry, MailboxType } from '../../shared/domain/annuaire/entry';

/**
 * The LDAP attributes of an Annuaire mailbox entry (docs/annuaire.md): standard inetOrgPerson /
 * COSINE attributes where one fits, the sandbox's small `mssante` schema for the rest. One place
 * for the names: the host's client reads with it, the sandbox's slapd is loaded with it.
 */
export const LDAP_ATTRIBUTES = {
  mail: 'mail',
  mailboxType: 'mssanteTypeBAL',
  nationalId: 'mssanteIdNat',
  civility: 'mssanteCivilite',
  lastName: 'sn',
  firstName: 'givenName',
  professionCode: 'mssanteCodeProfession',
  professionLabel: 'mssanteLibelleProfession',
  specialityCode: 'mssanteCodeSavoirFaire',
  specialityLabel: 'mssanteLibelleSavoirFaire',
  organisation: 'o',
  service: 'ou',
  /** The address lines, in order (RFC 4517 Postal Address: lines joined by `$`). */
  addressLines: 'postalAddress',
  postalCode: 'postalCode',
  city: 'l',
  department: 'mssanteDepartement',
} as const;

/** The attributes a search asks for. */
export const SEARCH_ATTRIBUTES: string[] = Object.values(LDAP_ATTRIBUTES);

type LdapValue = string | string[] | Buffer | Buffer[];

const MAILBOX_TYPES: readonly MailboxType[] = ['PER', 'ORG', 'APP'];

/** The first value of an attribute, looked up without regard to case (servers may re-case). */
function first(record: Record<string, LdapValue>, name: string): string {
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return '';
  const value = record[key];
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return '';
  return Buffer.isBuffer(one) ? one.toString('utf8') : one;
}

/** One search entry (as ldapts returns it) as an AnnuaireEntry. */
export function entryFromLdap(record: Record<string, LdapValue>): AnnuaireEntry {
  const get = (name: string) => first(record, name);
  const type = get(LDAP_ATTRIBUTES.mailboxType).toUpperCase();
  const postal = get(LDAP_ATTRIBUTES.addressLines);
  return {
    mail: get(LDAP_ATTRIBUTES.mail),
    mailboxType: (MAILBOX_TYPES as readonly string[]).includes(type)
      ? (type as MailboxType)
      : 'PER',
    nationalId: get(LDAP_ATTRIBUTES.nationalId),
    civility: get(LDAP_ATTRIBUTES.civility),
    lastName: get(LDAP_ATTRIBUTES.lastName),
    firstName: get(LDAP_ATTRIBUTES.firstName),
    profession: {
      code: get(LDAP_ATTRIBUTES.professionCode),
      label: get(LDAP_ATTRIBUTES.professionLabel),
    },
    speciality: {
      code: get(LDAP_ATTRIBUTES.specialityCode),
      label: get(LDAP_ATTRIBUTES.specialityLabel),
    },
    organisation: get(LDAP_ATTRIBUTES.organisation),
    service: get(LDAP_ATTRIBUTES.service),
    addressLines: postal ? decodePostalAddress(postal).split('\n') : [],
    postalCode: get(LDAP_ATTRIBUTES.postalCode),
    city: get(LDAP_ATTRIBUTES.city),
    department: get(LDAP_ATTRIBUTES.department),
  };
}

/**
 * An entry's LDAP attributes (empty values left out), plus the standard `cn`, `street` and
 * `title` that generic LDAP clients show. Used to load the sandbox's directory.
 */
export function ldapAttributesOf(entry: AnnuaireEntry): Array<[string, string]> {
  const person = [entry.firstName, entry.lastName].filter(Boolean).join(' ');
  const label = [entry.organisation, entry.service].filter(Boolean).join(' — ');
  const pairs: Array<[string, string]> = [
    [LDAP_ATTRIBUTES.mail, entry.mail],
    ['cn', person || label || entry.mail],
    [LDAP_ATTRIBUTES.mailboxType, entry.mailboxType],
    [LDAP_ATTRIBUTES.nationalId, entry.nationalId],
    [LDAP_ATTRIBUTES.civility, entry.civility],
    [LDAP_ATTRIBUTES.lastName, entry.lastName],
    [LDAP_ATTRIBUTES.firstName, entry.firstName],
    [LDAP_ATTRIBUTES.professionCode, entry.profession.code],
    [LDAP_ATTRIBUTES.professionLabel, entry.profession.label],
    ['title', entry.profession.label],
    [LDAP_ATTRIBUTES.specialityCode, entry.speciality.code],
    [LDAP_ATTRIBUTES.specialityLabel, entry.speciality.label],
    [LDAP_ATTRIBUTES.organisation, entry.organisation],
    [LDAP_ATTRIBUTES.service, entry.service],
    [LDAP_ATTRIBUTES.addressLines, encodePostalAddress(entry.addressLines.join('\n'))],
    ['street', entry.addressLines[entry.addressLines.length - 1] ?? ''],
    [LDAP_ATTRIBUTES.postalCode, entry.postalCode],
    [LDAP_ATTRIBUTES.city, entry.city],
    [LDAP_ATTRIBUTES.department, entry.department],
  ];
  return pairs.filter(([, value]) => value !== '');
}
