import * as z from '../zod';

/** A local calendar day, as the journal's day files are named (journal-YYYY-MM-DD.jsonl). */
const day = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/));

/** Most entries one reply may carry; with the field caps below the reply stays far under 1 MiB. */
export const AUDIT_QUERY_MAX_LIMIT = 500;
export const AUDIT_QUERY_DEFAULT_LIMIT = 200;

/**
 * Characters kept of each text field in a reply (the journal keeps them whole). The host also
 * measures the reply and stops adding entries before a byte budget (see journal-query.ts).
 */
export const AUDIT_FIELD_CAPS = {
  author: 160,
  mailbox: 254,
  action: 40,
  request: 240,
  response: 240,
  code: 48,
} as const;

/** Actions the journal records (docs/audit.md); unknown IMAP verbs are recorded lower-cased. */
export const AUDIT_ACTIONS = [
  'connect',
  'authenticate',
  'select',
  'fetch',
  'store',
  'delete',
  'undelete',
  'copy',
  'move',
  'expunge',
  'append',
  'create-folder',
  'delete-folder',
  'rename-folder',
  'search',
  'list',
  'subscribe',
  'unsubscribe',
  'close',
  'send',
  'disconnect',
  'logout',
  'psc-login',
  'psc-token-renewed',
  'psc-session-end',
  'mailbox-add',
] as const;

export const auditOutcome = z.enum(['ok', 'failed']);

export const auditEntry = z.object({
  seq: z.int().check(z.positive()),
  /** Local time with its UTC offset, as written in the journal. */
  ts: z.string(),
  author: z.string(),
  mailbox: z.optional(z.string()),
  action: z.string(),
  request: z.optional(z.string()),
  response: z.optional(z.string()),
  outcome: auditOutcome,
  code: z.optional(z.string()),
});

/**
 * The journal viewer's query (ECO.4.1.1, 4.1.2): entries newest first, filtered by local day
 * range, mailbox, action and outcome; `before` pages to older entries (a `seq` of the previous
 * page). `verified` tells whether the hash chain holds over the requested days.
 */
export const auditQuery = {
  type: 'audit.query',
  params: z
    .object({
      from: z.optional(day),
      to: z.optional(day),
      mailbox: z.optional(z.string().check(z.maxLength(254))),
      action: z.optional(z.string().check(z.maxLength(40))),
      outcome: z.optional(auditOutcome),
      limit: z._default(
        z.int().check(z.gte(1), z.lte(AUDIT_QUERY_MAX_LIMIT)),
        AUDIT_QUERY_DEFAULT_LIMIT,
      ),
      before: z.optional(z.int().check(z.positive())),
    })
    .check(
      z.refine((p) => !p.from || !p.to || p.from <= p.to, {
        message: 'from must not be after to',
      }),
    ),
  result: z.object({
    entries: z.array(auditEntry),
    /** Older entries match the filters beyond this page. */
    more: z.boolean(),
    verified: z.object({
      ok: z.boolean(),
      /** The first entry (seq) where the chain does not hold. */
      firstBad: z.optional(z.int()),
      /** What is wrong there (English, technical: file, line, kind of problem). */
      detail: z.optional(z.string()),
    }),
  }),
} as const;
