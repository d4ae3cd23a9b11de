import type { AnnuaireCriteria } from '../../annuaire/criteria';

/** The search criteria of `mssante annuaire search` (LDAP and `--offline`), as parseArgs options. */
export const CRITERIA_OPTIONS = {
  name: { type: 'string' },
  'first-name': { type: 'string' },
  profession: { type: 'string' },
  speciality: { type: 'string' },
  'postal-code': { type: 'string' },
  city: { type: 'string' },
  organisation: { type: 'string' },
  type: { type: 'string' },
  id: { type: 'string' },
  mail: { type: 'string' },
} as const;

const FIELDS: Record<keyof typeof CRITERIA_OPTIONS, keyof AnnuaireCriteria> = {
  name: 'name',
  'first-name': 'firstName',
  profession: 'profession',
  speciality: 'speciality',
  'postal-code': 'postalCode',
  city: 'city',
  organisation: 'organisation',
  type: 'mailboxType',
  id: 'nationalId',
  mail: 'mail',
};

/** The criteria given on the command line (options left out are not criteria). */
export function criteriaFromArgs(
  values: Partial<Record<keyof typeof CRITERIA_OPTIONS, string | boolean | undefined>>,
): AnnuaireCriteria {
  const criteria: AnnuaireCriteria = {};
  for (const [option, field] of Object.entries(FIELDS) as Array<
    [keyof typeof CRITERIA_OPTIONS, keyof AnnuaireCriteria]
  >) {
    const value = values[option];
    if (typeof value === 'string') (criteria as Record<string, string>)[field] = value;
  }
  return criteria;
}
