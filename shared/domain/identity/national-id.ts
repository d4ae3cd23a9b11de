/**
 * National ids of health professionals as Pro Santé Connect knows them (`preferred_username`,
 * `SubjectNameID`, and what a CIBA `login_hint` carries). One rule for every place that checks
 * one: the popup, the protocol, the live-check configuration.
 *
 * - `digits`: 6 to 20 digits — `8` + RPPS, `1` + FINESS, … (the only form accepted before);
 * - `adeli`: `0` + the 9 characters of an ADELI number, letters possible (`02A…` in Corsica);
 * - `staff`: `3`, `5` or `6` + the structure's id (FINESS, SIRET, RPPS rank) + `/` + the id the
 *   structure gave its employee, e.g. `500000001815646/CPAT00045` (establishment staff, the usual
 *   users of ORG mailboxes);
 * - `bas-test`: PSC BAS test accounts, `ANS` + digits, e.g. `ANS20231122132732`.
 *
 * Nothing else: no spaces, no control characters, no lower-case ADELI, at most 64 characters.
 */
export type NationalIdForm = 'digits' | 'adeli' | 'staff' | 'bas-test';

export const NATIONAL_ID_MAX_LENGTH = 64;

const FORMS: ReadonlyArray<readonly [NationalIdForm, RegExp]> = [
  ['digits', /^\d{6,20}$/],
  ['adeli', /^0[0-9A-Z]{9}$/],
  ['staff', /^[356][0-9A-Z]{8,20}\/[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/],
  ['bas-test', /^ANS\d{6,20}$/],
];

/** Which documented form the id has, or undefined when it has none. */
export function nationalIdForm(value: string): NationalIdForm | undefined {
  if (value.length > NATIONAL_ID_MAX_LENGTH) return undefined;
  return FORMS.find(([, pattern]) => pattern.test(value))?.[0];
}

/** True when the id has one of PSC's documented forms. */
export function isNationalId(value: string): boolean {
  return nationalIdForm(value) !== undefined;
}
