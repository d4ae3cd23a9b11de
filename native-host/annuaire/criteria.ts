import { AndFilter, EqualityFilter, type Filter, OrFilter, SubstringFilter } from 'ldapts';
import type { MailboxType } from '../../shared/domain/annuaire/entry';
import { MssanteError } from '../../shared/errors/mssante-error';
import { LDAP_ATTRIBUTES as A } from './mapping';

/**
 * LDAP filters for Annuaire searches (ECO.3.1.4). Every user value goes into an ldapts filter
 * object as a value, never into filter text: the filter is sent as BER, where a value is an
 * octet string and `*`, `(`, `)`, `\` and NUL are plain characters; `toString()` shows it with
 * RFC 4515 escapes. No filter text is ever parsed from user input.
 *
 * A value holding a control character (NUL…) can match nothing: no Annuaire value holds one.
 * Such a query is not sent at all (`null`), because C servers may cut a value at NUL, which would
 * turn `mail=\00*` into `mail=*` (seen with slapd on IA5 attributes).
 */

/** Multi-criteria search; each given criterion must match (AND). Empty values are ignored. */
export interface AnnuaireCriteria {
  /** Last name, prefix. */
  name?: string;
  /** First name, prefix. */
  firstName?: string;
  /** Profession code (`10`) exactly, or a prefix of its label (`Médecin`). */
  profession?: string;
  /** Speciality (savoir-faire) code (`SM54`) exactly, or a prefix of its label. */
  speciality?: string;
  /** Postal code, prefix (`75` finds the whole department). */
  postalCode?: string;
  /** City, prefix. */
  city?: string;
  /** Organisation (raison sociale), prefix. */
  organisation?: string;
  mailboxType?: string;
  /** National id (RPPS-based `8…` or structure IdNat), exactly. */
  nationalId?: string;
  /** Mail address, prefix. */
  mail?: string;
}

/** Longest value accepted in one criterion (the Annuaire's fields are far shorter). */
export const MAX_CRITERION_LENGTH = 128;
/** Most words an autocomplete query is split into. */
export const MAX_AUTOCOMPLETE_WORDS = 6;

const MAILBOX_TYPES: readonly MailboxType[] = ['PER', 'ORG', 'APP'];
const PROFESSION_CODE = /^\d{1,3}$/;
const SPECIALITY_CODE = /^S[A-Z]{1,3}\d{1,3}$/i;

/** Thrown inside the builders when a value can match nothing; becomes a `null` filter. */
class MatchesNothing {}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function clean(value: string | undefined): string {
  const text = (value ?? '').trim();
  if (text.length > MAX_CRITERION_LENGTH)
    throw new MssanteError('E_ANNUAIRE_CRITERIA_INVALID', {
      detail: `> ${MAX_CRITERION_LENGTH} characters`,
    });
  if (CONTROL.test(text)) throw new MatchesNothing();
  return text;
}

function orNothing(build: () => Filter): Filter | null {
  try {
    return build();
  } catch (error) {
    if (error instanceof MatchesNothing) return null;
    throw error;
  }
}

const prefix = (attribute: string, value: string) =>
  new SubstringFilter({ attribute, initial: value });
const equal = (attribute: string, value: string) => new EqualityFilter({ attribute, value });

function and(filters: Filter[]): Filter {
  return filters.length === 1 ? filters[0]! : new AndFilter({ filters });
}

/**
 * The filter of a multi-criteria search; E_ANNUAIRE_NO_CRITERIA when nothing is given, `null`
 * when a value can match nothing.
 */
export function criteriaFilter(criteria: AnnuaireCriteria): Filter | null {
  if (!Object.values(criteria).some((v) => typeof v === 'string' && v.trim() !== ''))
    throw new MssanteError('E_ANNUAIRE_NO_CRITERIA');
  return orNothing(() => criteriaFilterOf(criteria));
}

function criteriaFilterOf(criteria: AnnuaireCriteria): Filter {
  const filters: Filter[] = [];
  const add = (value: string | undefined, build: (text: string) => Filter) => {
    const text = clean(value);
    if (text) filters.push(build(text));
  };
  add(criteria.name, (v) => prefix(A.lastName, v));
  add(criteria.firstName, (v) => prefix(A.firstName, v));
  add(criteria.profession, (v) =>
    PROFESSION_CODE.test(v) ? equal(A.professionCode, v) : prefix(A.professionLabel, v),
  );
  add(criteria.speciality, (v) =>
    SPECIALITY_CODE.test(v)
      ? equal(A.specialityCode, v.toUpperCase())
      : prefix(A.specialityLabel, v),
  );
  add(criteria.postalCode, (v) => prefix(A.postalCode, v));
  add(criteria.city, (v) => prefix(A.city, v));
  add(criteria.organisation, (v) => prefix(A.organisation, v));
  add(criteria.mailboxType, (v) => {
    const type = v.toUpperCase();
    if (!(MAILBOX_TYPES as readonly string[]).includes(type))
      throw new MssanteError('E_ANNUAIRE_CRITERIA_INVALID', { detail: 'mailbox type' });
    return equal(A.mailboxType, type);
  });
  add(criteria.nationalId, (v) => equal(A.nationalId, v));
  add(criteria.mail, (v) => prefix(A.mail, v));
  if (filters.length === 0) throw new MssanteError('E_ANNUAIRE_NO_CRITERIA');
  return and(filters);
}

/**
 * The autocomplete filter: every word typed must start the last name, the first name, the
 * mail address or the organisation (`mar dur` finds Paul DURAND's colleague Marie DURAND).
 */
export function autocompleteFilter(text: string): Filter | null {
  if (text.trim() === '') throw new MssanteError('E_ANNUAIRE_NO_CRITERIA');
  return orNothing(() => autocompleteFilterOf(text));
}

function autocompleteFilterOf(text: string): Filter {
  const words = clean(text).split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new MssanteError('E_ANNUAIRE_NO_CRITERIA');
  if (words.length > MAX_AUTOCOMPLETE_WORDS)
    throw new MssanteError('E_ANNUAIRE_CRITERIA_INVALID', { detail: 'too many words' });
  return and(
    words.map(
      (word) =>
        new OrFilter({
          filters: [A.lastName, A.firstName, A.mail, A.organisation].map((a) => prefix(a, word)),
        }),
    ),
  );
}
