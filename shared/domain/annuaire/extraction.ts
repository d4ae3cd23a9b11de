import { MssanteError } from '../../errors/mssante-error';
import {
  type AnnuaireEntry,
  EXTRACTION_COLUMNS,
  EXTRACTION_COLUMN_ALIASES,
  type ExtractionColumn,
} from './entry';

/**
 * Parsing of the public extraction file `Extraction_Correspondance_MSSante*.txt` (ECO.3.1.4):
 * UTF-8, `|`-separated, one header line, 31 columns (EXTRACTION_COLUMNS, or the older names of
 * EXTRACTION_COLUMN_ALIASES). Pure: the host feeds it lines (see LineSplitter), one at a time;
 * nothing here holds the whole file.
 */

/** Columns without which a line cannot become a useful entry: the header must name them all. */
export const KEY_COLUMNS: readonly ExtractionColumn[] = [
  'Type de BAL',
  'Adresse BAL',
  "Nom d'exercice",
  "Prénom d'exercice",
];

/** Why a data line was skipped. */
export type MalformedReason = 'columns' | 'empty-address' | 'invalid-address' | 'invalid-type';

/** Where each known column sits in the file; columns the header does not name are absent. */
export interface ExtractionHeader {
  readonly index: ReadonlyMap<ExtractionColumn, number>;
  /**
   * Known columns the header does not name, in EXTRACTION_COLUMNS order: their fields are empty
   * in every entry, so the searches that use them find nothing (the import report says so).
   */
  readonly missing: readonly ExtractionColumn[];
  /** Fields per line, a trailing empty field after a final `|` not counted. */
  readonly fieldCount: number;
}

export type LineResult =
  | { readonly ok: true; readonly entry: AnnuaireEntry }
  | { readonly ok: false; readonly reason: MalformedReason };

/**
 * A column name compared without case, accents, quotes, spacing or apostrophe style:
 * `"Prenom d’exercice"` and `Prénom d'exercice` are the same column.
 */
export function columnKey(name: string): string {
  return unquote(name.trim())
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\s_]+/g, ' ')
    .trim()
    .toLowerCase();
}

const KNOWN = new Map<string, ExtractionColumn>([
  ...Object.entries(EXTRACTION_COLUMN_ALIASES).map(([alias, c]) => [columnKey(alias), c] as const),
  ...EXTRACTION_COLUMNS.map((c) => [columnKey(c), c] as const),
]);

/**
 * Splits one line on `|`. A field that starts with `"` and ends with `"` before the next `|`
 * is quoted (`""` inside is one quote, `|` inside is kept); anything else is taken literally,
 * quotes included, so a stray quote never swallows the rest of the line.
 */
export function splitFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      const quoted = readQuoted(line, i);
      if (quoted) {
        fields.push(quoted.value);
        i = quoted.next;
        if (i >= n) return fields;
        i++; // the `|`
        continue;
      }
    }
    const bar = line.indexOf('|', i);
    if (bar < 0) {
      fields.push(line.slice(i));
      return fields;
    }
    fields.push(line.slice(i, bar));
    i = bar + 1;
  }
}

/** A quoted field starting at `start`, or undefined when its closing quote is not followed by `|` or the end. */
function readQuoted(line: string, start: number): { value: string; next: number } | undefined {
  let value = '';
  let i = start + 1;
  const n = line.length;
  while (i < n) {
    const q = line.indexOf('"', i);
    if (q < 0) return undefined;
    if (line.charCodeAt(q + 1) === 34) {
      value += line.slice(i, q) + '"';
      i = q + 2;
      continue;
    }
    if (q + 1 === n || line.charCodeAt(q + 1) === 124) {
      return { value: value + line.slice(i, q), next: q + 1 };
    }
    return undefined;
  }
  return undefined;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** A trailing empty field after a final `|` is the file's style, not a column. */
function dropTrailingEmpty(fields: string[], wanted?: number): string[] {
  if (fields.length > 1 && fields[fields.length - 1]!.trim() === '') {
    if (wanted === undefined || fields.length === wanted + 1) return fields.slice(0, -1);
  }
  return fields;
}

/**
 * Reads the header line. Columns are found by name (any order, unknown columns ignored); a header
 * without every KEY_COLUMNS name is not an extraction file: E_ANNUAIRE_EXTRACTION_HEADER.
 */
export function parseExtractionHeader(line: string): ExtractionHeader {
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  const fields = dropTrailingEmpty(splitFields(text));
  const index = new Map<ExtractionColumn, number>();
  fields.forEach((name, i) => {
    const column = KNOWN.get(columnKey(name));
    if (column && !index.has(column)) index.set(column, i);
  });
  const missing = KEY_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new MssanteError('E_ANNUAIRE_EXTRACTION_HEADER', {
      detail: `missing ${missing.map((c) => `"${c}"`).join(', ')}`,
    });
  }
  return {
    index,
    missing: EXTRACTION_COLUMNS.filter((c) => !index.has(c)),
    fieldCount: fields.length,
  };
}

/** Shape check of an address: one `@`, no spaces or controls, a dotted domain, ≤ 254 characters. */
export function isPlausibleAddress(mail: string): boolean {
  if (mail.length > 254) return false;
  return /^[^\s@"<>()[\],;:\\\u0000-\u001f\u007f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
    mail,
  );
}

const TYPES = new Set(['PER', 'ORG', 'APP']);

/** One data line into an entry, or why it was skipped. Never throws. */
export function parseExtractionLine(line: string, header: ExtractionHeader): LineResult {
  const fields = dropTrailingEmpty(splitFields(line), header.fieldCount);
  if (fields.length !== header.fieldCount) return { ok: false, reason: 'columns' };
  const get = (column: ExtractionColumn): string => {
    const at = header.index.get(column);
    return at === undefined ? '' : fields[at]!.trim();
  };
  const mail = get('Adresse BAL');
  if (mail === '') return { ok: false, reason: 'empty-address' };
  if (!isPlausibleAddress(mail)) return { ok: false, reason: 'invalid-address' };
  const type = get('Type de BAL').toUpperCase();
  if (!TYPES.has(type)) return { ok: false, reason: 'invalid-type' };

  const street = [
    get('L4NUMEROVOIE'),
    get('L4COMPLEMENTNUMEROVOIE'),
    get('NL4TYPEVOIE'),
    get('L4LIBELLEVOIE'),
  ]
    .filter((s) => s !== '')
    .join(' ');
  const addressLines = [
    get('L2COMPLEMENTLOCALISATION'),
    street,
    get('L5LIEUDITMENTION'),
    get('L3COMPLEMENTDISTRIBUTION'),
  ].filter((s) => s !== '');
  const postalCode = get('Code postal');
  return {
    ok: true,
    entry: {
      mail,
      mailboxType: type as AnnuaireEntry['mailboxType'],
      nationalId: get('Identification nationale PP') || get('Identification Structure'),
      civility: get("Civilité d'exercice"),
      lastName: get("Nom d'exercice"),
      firstName: get("Prénom d'exercice"),
      profession: { code: get('Code Profession'), label: get('Libellé Profession') },
      speciality: { code: get('Code savoir-faire'), label: get('Libellé savoir-faire') },
      organisation:
        get('Raison Sociale structure BAL') || get('Enseigne commerciale structure BAL'),
      service: get('Service de rattachement'),
      addressLines,
      postalCode,
      city: cityOf(get('L6LIGNEACHEMINEMENT'), postalCode),
      department: get('Département'),
    },
  };
}

/**
 * The city as a user reads it: the file has no commune column, so it is the routing line
 * (L6, `75013 PARIS`, `13008 MARSEILLE CEDEX 08`) without its leading postal code (the line's own
 * five characters, or the postal code column's value).
 */
export function cityOf(routing: string, postalCode: string): string {
  let city = routing.trim();
  if (postalCode !== '' && city.startsWith(postalCode)) city = city.slice(postalCode.length);
  else city = city.replace(/^\d[\dAB]\d{3}(?=\s|$)/i, '');
  return city.trim();
}

/** Counts of one parse, for the import report. */
export interface ExtractionCounts {
  /** Data lines read (the header and blank lines not counted). */
  lines: number;
  /** Lines that gave an entry. */
  entries: number;
  malformed: Record<MalformedReason | 'overlong', number>;
}

export function emptyCounts(): ExtractionCounts {
  return {
    lines: 0,
    entries: 0,
    malformed: {
      columns: 0,
      'empty-address': 0,
      'invalid-address': 0,
      'invalid-type': 0,
      overlong: 0,
    },
  };
}

/**
 * Line-by-line parser: the first non-blank line is the header, every later non-blank line an
 * entry or a counted refusal. `push` returns the entry or undefined.
 */
export class ExtractionParser {
  readonly counts: ExtractionCounts = emptyCounts();
  private header: ExtractionHeader | undefined;

  /** Known columns the header did not name (empty before the header is read). */
  get missingColumns(): readonly ExtractionColumn[] {
    return this.header?.missing ?? [];
  }

  push(line: string): AnnuaireEntry | undefined {
    if (line.trim() === '') return undefined;
    if (!this.header) {
      this.header = parseExtractionHeader(line);
      return undefined;
    }
    this.counts.lines++;
    const result = parseExtractionLine(line, this.header);
    if (!result.ok) {
      this.counts.malformed[result.reason]++;
      return undefined;
    }
    this.counts.entries++;
    return result.entry;
  }

  /** Throws E_ANNUAIRE_EXTRACTION_HEADER when no header was ever seen (an empty file). */
  finish(overlongLines = 0): ExtractionCounts {
    if (!this.header)
      throw new MssanteError('E_ANNUAIRE_EXTRACTION_HEADER', { detail: 'empty file' });
    this.counts.malformed.overlong += overlongLines;
    this.counts.lines += overlongLines;
    return this.counts;
  }
}
