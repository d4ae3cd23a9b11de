import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../app/private-file';
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

/** What one day file says about itself (see journal-query.ts DaySummary). */
export interface DaySummary {
  first: { seq: number; prev: string } | null;
  last: { seq: number; hash: string } | null;
  /** A problem on the first line: reported against the entry expected from the day before. */
  firstLine?: 'unparsable' | { changedSeq: number };
  /** The first problem after the first line, fully known from this file. */
  problem?: { firstBad: number; detail: string };
}

export interface DayRecord {
  /** device:inode:size:mtimeNs:ctimeNs of the day file when it was verified. */
  key: string;
  /** SHA-256 (hex) of its last non-empty line, or null for an empty file. */
  lastLine: string | null;
  summary: DaySummary;
}

/** The MAC key: the journal key, bound to this use (the journal key also makes INS pseudonyms). */
function macKey(dir: string): Buffer {
  return createHmac('sha256', journalKey(dir)).update(`${MAGIC} key`).digest();
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${MAGIC} ${VERSION}\n`).update(body).digest();
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isSummary(v: unknown): v is DaySummary {
  if (!isObj(v)) return false;
  const { first, last, firstLine, problem } = v;
  if (first !== null && !(isObj(first) && isInt(first.seq) && isStr(first.prev))) return false;
  if (last !== null && !(isObj(last) && isInt(last.seq) && isStr(last.hash))) return false;
  if (
    firstLine !== undefined &&
    firstLine !== 'unparsable' &&
    !(isObj(firstLine) && isInt(firstLine.changedSeq))
  )
    return false;
  if (
    problem !== undefined &&
    !(isObj(problem) && isInt(problem.firstBad) && isStr(problem.detail))
  )
    return false;
  return true;
}

function isRecord(v: unknown): v is DayRecord {
  return (
    isObj(v) && isStr(v.key) && (v.lastLine === null || isStr(v.lastLine)) && isSummary(v.summary)
  );
}

/**
 * The records of `dir`'s file, or an empty map when there is none or it is not exactly one this
 * install wrote in this format (any parse error, MAC mismatch, other version: all ignored).
 */
export function loadVerified(dir: string): Map<string, DayRecord> {
  const records = new Map<string, DayRecord>();
  let text: string;
  try {
    text = readFileSync(path.join(dir, VERIFIED_FILE), 'utf8');
  } catch {
    return records;
  }
  try {
    const cut = text.indexOf('\n');
    if (cut < 0) return records;
    const header = text.slice(0, cut).split(' ');
    const body = text.slice(cut + 1);
    if (header.length !== 3 || header[0] !== MAGIC || header[1] !== String(VERSION)) return records;
    const given = Buffer.from(header[2]!, 'hex');
    const expected = mac(macKey(dir), body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return records;
    const value: unknown = JSON.parse(body);
    if (!isObj(value)) return records;
    for (const [file, record] of Object.entries(value)) {
      if (!isRecord(record)) return new Map();
      records.set(file, record);
    }
  } catch {
    return new Map();
  }
  return records;
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
