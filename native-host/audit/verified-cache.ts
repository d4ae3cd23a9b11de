import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from '../../shared/protocol/zod';
import { writePrivateFile } from '../config/private-file';
import { journalKey } from './key';

/**
 * The journal viewer's per-day verification results, kept beside the journal
 * (`<state>/audit/verified.json`) so that the first request after a host start does not verify
 * six months of day files again (docs/audit.md, "Persisted verification cache").
 *
 * File: a header line `mssante-journal-verified <version> <HMAC hex>`, then one JSON object (day
 * file name → its record). The HMAC-SHA-256 is over the version line and the JSON, under a key
 * derived from the journal's own key (key.ts), so that a file this install's host did not write
 * — edited, corrupted, copied from another install — is ignored as a whole. A record is then
 * used only when the day file's current stat and last line are exactly the recorded ones (the
 * caller checks, as for its in-memory cache).
 */
export const VERIFIED_FILE = 'verified.json';
const MAGIC = 'mssante-journal-verified';
const VERSION = 1;

/** The MAC key: the journal key, bound to this use (the journal key also makes INS pseudonyms). */
function macKey(dir: string): Buffer {
  return createHmac('sha256', journalKey(dir)).update(`${MAGIC} key`).digest();
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${MAGIC} ${VERSION}\n`).update(body).digest();
}

const seq = z.number().check(z.int());

/** What one day file says about itself (see journal-query.ts summarizeDay). */
const daySummary = z.object({
  first: z.nullable(z.object({ seq, prev: z.string() })),
  last: z.nullable(z.object({ seq, hash: z.string() })),
  /** A problem on the first line: reported against the entry expected from the day before. */
  firstLine: z.optional(z.union([z.literal('unparsable'), z.object({ changedSeq: seq })])),
  /** The first problem after the first line, fully known from this file. */
  problem: z.optional(z.object({ firstBad: seq, detail: z.string() })),
});
export type DaySummary = z.infer<typeof daySummary>;

/** A record as `saveVerified` writes it; anything else makes the whole file ignored. */
const dayRecord = z.object({
  /** device:inode:size:mtimeNs:ctimeNs of the day file when it was verified. */
  key: z.string(),
  /** SHA-256 (hex) of its last non-empty line, or null for an empty file. */
  lastLine: z.nullable(z.string()),
  summary: daySummary,
});
export type DayRecord = z.infer<typeof dayRecord>;
const records = z.record(z.string(), dayRecord);

/**
 * The records of `dir`'s file, or an empty map when there is none or it is not exactly one this
 * install wrote in this format (any parse error, MAC mismatch, other version: all ignored).
 */
export function loadVerified(dir: string): Map<string, DayRecord> {
  const found = new Map<string, DayRecord>();
  let text: string;
  try {
    text = readFileSync(path.join(dir, VERIFIED_FILE), 'utf8');
  } catch {
    return found;
  }
  try {
    const cut = text.indexOf('\n');
    if (cut < 0) return found;
    const header = text.slice(0, cut).split(' ');
    const body = text.slice(cut + 1);
    if (header.length !== 3 || header[0] !== MAGIC || header[1] !== String(VERSION)) return found;
    const given = Buffer.from(header[2]!, 'hex');
    const expected = mac(macKey(dir), body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return found;
    const parsed = records.safeParse(JSON.parse(body));
    if (!parsed.success) return found;
    for (const [file, record] of Object.entries(parsed.data)) found.set(file, record);
  } catch {
    return new Map();
  }
  return found;
}

/** Writes `dir`'s records (0600, temporary file then rename). A failure only costs speed. */
export function saveVerified(dir: string, records: Map<string, DayRecord>): boolean {
  try {
    const body = JSON.stringify(Object.fromEntries(records));
    const header = `${MAGIC} ${VERSION} ${mac(macKey(dir), body).toString('hex')}`;
    writePrivateFile(path.join(dir, VERIFIED_FILE), `${header}\n${body}`);
    return true;
  } catch {
    return false;
  }
}
