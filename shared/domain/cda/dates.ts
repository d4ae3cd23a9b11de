/**
 * HL7 v3 TS values (`YYYY[MM[DD[HHMM[SS]]]][.f][±ZZZZ]`) reduced to the date part, keeping
 * partial precision: a birth date may be known to the year or the month only, and INS
 * "lunar" dates write the unknown parts as `00` (`19780000`).
 */
export interface PartialDate {
  readonly year: number;
  /** 1–12, absent when unknown. */
  readonly month?: number;
  /** 1–31, absent when unknown (or when the month is unknown). */
  readonly day?: number;
}

export function parseHl7Date(value: string | undefined): PartialDate | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})(\d{2})?(\d{2})?(?:\d{2,6})?(?:\.\d+)?(?:[+-]\d{4})?$/.exec(value.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 0 : Number(m[2]);
  const day = m[3] === undefined ? 0 : Number(m[3]);
  if (month > 12 || day > 31) return undefined;
  if (month === 0) return { year };
  if (day === 0) return { year, month };
  if (day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number | undefined, width = 2) => String(n ?? 0).padStart(width, '0');

/** `1978-11-26`, `1985-04` or `1978`. */
export function toIsoPartial(date: PartialDate): string {
  if (date.month === undefined) return pad(date.year, 4);
  if (date.day === undefined) return `${pad(date.year, 4)}-${pad(date.month)}`;
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** `26/11/1978`, with `00` for unknown parts (`00/04/1985`, `00/00/1978`). */
export function toFrenchDate(date: PartialDate): string {
  return `${pad(date.day)}/${pad(date.month)}/${pad(date.year, 4)}`;
}

/** `19781126`, with `00` for unknown parts (PDF names, ECO.2.1.6). */
export function toCompactDate(date: PartialDate): string {
  return `${pad(date.year, 4)}${pad(date.month)}${pad(date.day)}`;
}

/** Reads `JJ/MM/AAAA` back (lunar parts allowed). */
export function parseFrenchDate(text: string): PartialDate | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = Number(m[2]);
  if (month === 0 && day !== 0) return undefined;
  return parseHl7Date(`${m[3]}${m[2]}${m[1]}`);
}
