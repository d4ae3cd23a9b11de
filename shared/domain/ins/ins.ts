import { MssanteError } from '../../errors/mssante-error';

export const PATIENT_DOMAIN = 'patient.mssante.fr';

/** What a 15-character INS matricule (NIR or NIA + key) says once checked. */
export interface InsInfo {
  /** The 15 characters, spaces removed, Corsica letters upper-cased. */
  readonly value: string;
  /** NIA numbers (foreign-born people registered by the CNAV) start with 7 or 8. */
  readonly kind: 'NIR' | 'NIA';
  readonly key: string;
  readonly sex: 'M' | 'F';
  /** Two digits as written in the number. */
  readonly birthYearDigits: string;
  /** Four digits, with the century chosen against `referenceYear` (the number does not say it). */
  readonly birthYear: number;
  /** 1–12, or null when the number carries a special month (20–42, 50–99: unknown). */
  readonly birthMonth: number | null;
  /** `75`, `2A`, `971`…; `99` for people born abroad. */
  readonly birthDepartement: string;
  readonly bornAbroad: boolean;
}

const SHAPE = /^[1-478]\d{4}(?:\d{2}|2A|2B)\d{6}\d{2}$/;

/** Removes spaces, dots and dashes people type, and upper-cases 2a/2b. */
export function normalizeIns(input: string): string {
  return input.replace(/[\s.-]/g, '').toUpperCase();
}

/** Key = 97 − (first 13 digits mod 97), 2A counted as 19 and 2B as 18. */
export function insKey(first13: string): string {
  const digits = first13.replace('2A', '19').replace('2B', '18');
  if (!/^\d{13}$/.test(digits)) throw new MssanteError('E_INS_FORMAT');
  let mod = 0;
  for (const c of digits) mod = (mod * 10 + (c.charCodeAt(0) - 48)) % 97;
  return String(97 - mod).padStart(2, '0');
}

/**
 * Checks an INS matricule (ECO.2.2.6 derogation: the key is checked and the sex and birth
 * year/month it encodes are shown to the professional for confirmation).
 */
export function checkIns(input: string, referenceYear: number): InsInfo {
  const value = normalizeIns(input);
  if (value.length !== 15 || !SHAPE.test(value)) throw new MssanteError('E_INS_FORMAT');
  const key = value.slice(13);
  if (insKey(value.slice(0, 13)) !== key) throw new MssanteError('E_INS_KEY');
  const first = value[0]!;
  const yy = value.slice(1, 3);
  const mm = Number(value.slice(3, 5));
  const currentCentury = referenceYear - (referenceYear % 100);
  const birthYear =
    Number(yy) > referenceYear % 100
      ? currentCentury - 100 + Number(yy)
      : currentCentury + Number(yy);
  let departement = value.slice(5, 7);
  if (departement === '97' || departement === '98') departement = value.slice(5, 8);
  return {
    value,
    kind: first === '7' || first === '8' ? 'NIA' : 'NIR',
    key,
    sex: Number(first) % 2 === 1 ? 'M' : 'F',
    birthYearDigits: yy,
    birthYear,
    birthMonth: mm >= 1 && mm <= 12 ? mm : null,
    birthDepartement: departement,
    bornAbroad: departement === '99',
  };
}

/** True when the value is a well-formed INS with a correct key. */
export function isValidIns(input: string): boolean {
  try {
    checkIns(input, 2000);
    return true;
  } catch {
    return false;
  }
}

/** `<INS>@patient.mssante.fr` (MES address); the key is checked first. */
export function patientAddress(input: string, domain: string = PATIENT_DOMAIN): string {
  const { value } = checkIns(input, 2000);
  return `${value}@${domain}`;
}
