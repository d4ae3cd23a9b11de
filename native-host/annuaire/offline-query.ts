/**
 * User input → FTS5 query text, without ever letting the input be FTS5 syntax: every word becomes
 * one double-quoted string (inner `"` doubled), which FTS5 treats as a phrase of plain tokens, so
 * `NEAR`, `AND`, `*`, `(`, `)`, `:` or `'; DROP` are searched for as text. Column names come from
 * this file only. The resulting string is bound as a parameter, never spliced into SQL.
 */

/** FTS5 columns of the index, in table order (see offline-schema.ts). */
export const FTS_COLUMNS = [
  'last_name',
  'first_name',
  /** The address's local part only: domain words (`mssante`, `fr`) would match every row. */
  'mail',
  'organisation',
  'city',
  'profession',
  'speciality',
] as const;
export type FtsColumn = (typeof FTS_COLUMNS)[number];

/** Columns the autocomplete looks in. */
export const AUTOCOMPLETE_COLUMNS: readonly FtsColumn[] = [
  'last_name',
  'first_name',
  'mail',
  'organisation',
];

/** Bounds on a query: enough for any real name, small enough to keep every query cheap. */
export const MAX_WORDS = 8;
export const MAX_WORD_LENGTH = 64;

/**
 * The words of an input that can match something: FTS5's unicode61 tokenizer keeps letters and
 * digits only, so a word with neither (`*`, `)`, `"`) can never be found in a token and is dropped.
 */
export function queryWords(input: string): string[] {
  return input
    .normalize('NFC')
    .split(/\s+/u)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, MAX_WORDS)
    .map((w) => w.slice(0, MAX_WORD_LENGTH));
}

/** One word as a quoted FTS5 prefix phrase: `O"Neil` → `"O""Neil"*`. */
export function prefixPhrase(word: string): string {
  return `"${word.replace(/"/g, '""')}"*`;
}

/** `{cols} : ("w1"* AND "w2"*)`, or undefined when no word can match. */
export function columnsMatch(columns: readonly FtsColumn[], input: string): string | undefined {
  const words = queryWords(input);
  if (words.length === 0) return undefined;
  return `{${columns.join(' ')}} : (${words.map(prefixPhrase).join(' AND ')})`;
}

/** The autocomplete's full-text query: every word at the start of a word of any AUTOCOMPLETE_COLUMNS. */
export function autocompleteMatch(input: string): string | undefined {
  return columnsMatch(AUTOCOMPLETE_COLUMNS, input);
}
