import * as z from '../zod';
import { EXTRACTION_COLUMNS } from '../../domain/annuaire/entry';

/**
 * The Annuaire Santé through the host (ECO.3.1.4): autocomplete while the user types a recipient,
 * multi-criteria search in the search dialog, import of the public extraction file for the offline
 * index, and the configured source. Patients (`…@patient.mssante.fr`) are never returned: they come
 * from the patient picker.
 */

/** The Référentiel's cap per query. */
export const ANNUAIRE_MAX_LIMIT = 100;
/** What the compose window's autocomplete asks for when it does not say. */
export const ANNUAIRE_DEFAULT_AUTOCOMPLETE_LIMIT = 20;
/** Characters of one criterion or of the typed text (the host refuses longer ones too). */
const MAX_TEXT = 128;
const text = z.string().check(z.maxLength(MAX_TEXT));
const count = z.int().check(z.gte(0));

export const annuaireSource = z.enum(['ldap', 'offline']);

/** The fields a user needs to choose a recipient. */
export const annuaireEntry = z.object({
  mail: z.string(),
  mailboxType: z.enum(['PER', 'ORG', 'APP']),
  civility: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  /** Labels as published (`Médecin`, `Médecine générale`). */
  profession: z.string(),
  speciality: z.string(),
  organisation: z.string(),
  service: z.string(),
  postalCode: z.string(),
  city: z.string(),
});

const searchResult = z.object({
  entries: z.array(annuaireEntry),
  /** More entries match than were returned: the user should refine the search. */
  truncated: z.boolean(),
  /** Where the answer came from (`offline` also when LDAP was unreachable and an index exists). */
  source: annuaireSource,
});

export const annuaireCriteria = z.object({
  name: z.optional(text),
  firstName: z.optional(text),
  profession: z.optional(text),
  speciality: z.optional(text),
  postalCode: z.optional(text),
  city: z.optional(text),
  organisation: z.optional(text),
  mailboxType: z.optional(text),
  nationalId: z.optional(text),
  mail: z.optional(text),
});

export const annuaireAutocomplete = {
  type: 'annuaire.autocomplete',
  params: z.object({
    query: text,
    limit: z._default(
      z.int().check(z.gte(1), z.lte(ANNUAIRE_MAX_LIMIT)),
      ANNUAIRE_DEFAULT_AUTOCOMPLETE_LIMIT,
    ),
  }),
  result: searchResult,
} as const;

export const annuaireSearch = {
  type: 'annuaire.search',
  params: z.object({ criteria: annuaireCriteria }),
  result: searchResult,
} as const;

/** What an import made of the file (the offline index's report). */
export const annuaireImportReport = z.object({
  /** The text file's name (inside the ZIP when it came in one). */
  source: z.string(),
  importedAt: z.string(),
  lines: count,
  entries: count,
  duplicates: count,
  /** Lines skipped, in all (their reasons are in the CLI's `info`). */
  skipped: count,
  /** Known columns the file's header lacked: searches by them find nothing. */
  missingColumns: z.array(z.enum(EXTRACTION_COLUMNS)),
});

/**
 * Starts an import of an extraction file (path on the host's machine) in a worker thread and
 * answers at once; progress and the outcome come as `annuaire-progress` events.
 */
export const annuaireImport = {
  type: 'annuaire.import',
  params: z.object({ path: z.string().check(z.minLength(1), z.maxLength(4096)) }),
  result: z.object({ importId: z.string() }),
} as const;

/** The `annuaire-progress` event: one import's progress, then its end (`done` or `failed`). */
export const annuaireProgress = z.object({
  importId: z.string(),
  phase: z.enum(['reading', 'indexing', 'done', 'failed']),
  rowsRead: count,
  bytesRead: count,
  totalBytes: count,
  report: z.optional(annuaireImportReport),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
});

export const annuaireStatus = {
  type: 'annuaire.status',
  params: z.object({}),
  result: z.object({
    source: annuaireSource,
    ldap: z.optional(z.object({ url: z.string(), base: z.string() })),
    /** The offline index, when one was imported. */
    offline: z.optional(annuaireImportReport),
    /** The import running now, if any. */
    importing: z.optional(annuaireProgress),
  }),
} as const;
