import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Params, Result } from '../../shared/protocol/index';
import { AUDIT_FIELD_CAPS } from '../../shared/protocol/messages/audit';
import { type AuditEntry, GENESIS, hashOf, journalFiles, PRUNED } from './journal';
import { readHead, readSealKey } from './journal-head';
import { type DayRecord, type DaySummary, loadVerified, saveVerified } from './verified-cache';

/**
 * The journal viewer's reads (ECO.4.1.1, 4.1.2): only the day files of the requested range are
 * opened, each streamed line by line, and at most `limit + 1` matching entries are held at a
 * time, so six months of journal are never in memory at once.
 */
export type AuditQuery = Params<'audit.query'>;
export type AuditQueryResult = Result<'audit.query'>;
type ViewEntry = AuditQueryResult['entries'][number];

/**
 * Bytes of entries one reply may carry. Thunderbird drops a native reply over 1 MiB (the host
 * refuses it with E_REPLY_TOO_LARGE); with half of that for entries, the envelope and the
 * integrity detail always fit, whatever the entries hold (escaped or multi-byte text).
 */
export const REPLY_ENTRY_BUDGET_BYTES = 512 * 1024;
const DETAIL_CAP = 300;

const DAY_FILE = /^journal-(\d{4}-\d{2}-\d{2})\.jsonl$/;

function dayOf(file: string): string {
  return DAY_FILE.exec(file)![1]!;
}

/** Lines of one file, streamed; the file is closed when the caller stops early. */
async function* lines(file: string): AsyncGenerator<{ line: string; number: number }> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of reader) {
      number += 1;
      if (line) yield { line, number };
    }
  } finally {
    reader.close();
    stream.destroy();
  }
}

function parse(line: string): AuditEntry | null {
  try {
    const value = JSON.parse(line) as AuditEntry;
    return typeof value === 'object' && value !== null && typeof value.seq === 'number'
      ? value
      : null;
  } catch {
    return null;
  }
}

/** The last non-empty line of a file, read from its end (day files can be large). */
function lastLine(file: string): string | null {
  const fd = openSync(file, 'r');
  try {
    let end = fstatSync(fd).size;
    let tail = '';
    const chunk = Buffer.alloc(16 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const read = readSync(fd, chunk, 0, end - start, start);
      tail = chunk.subarray(0, read).toString('latin1') + tail;
      end = start;
      const trimmed = tail.replace(/\n+$/, '');
      const cut = trimmed.lastIndexOf('\n');
      if (cut >= 0) return Buffer.from(trimmed.slice(cut + 1), 'latin1').toString('utf8');
    }
    const all = tail.replace(/\n+$/, '');
    return all ? Buffer.from(all, 'latin1').toString('utf8') : null;
  } finally {
    closeSync(fd);
  }
}

async function firstLine(file: string): Promise<string | null> {
  for await (const { line } of lines(file)) return line;
  return null;
}

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  if (query.before !== undefined && entry.seq >= query.before) return false;
  if (query.action !== undefined && entry.action !== query.action) return false;
  if (query.outcome !== undefined && entry.outcome !== query.outcome) return false;
  if (query.mailbox !== undefined && entry.mailbox?.toLowerCase() !== query.mailbox.toLowerCase())
    return false;
  return true;
}

const cap = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** What the viewer sees of an entry: no chain fields, text fields cut to their caps. */
function view(entry: AuditEntry): ViewEntry {
  const out: ViewEntry = {
    seq: entry.seq,
    ts: String(entry.ts).slice(0, 40),
    author: cap(String(entry.author ?? ''), AUDIT_FIELD_CAPS.author),
    action: cap(String(entry.action ?? ''), AUDIT_FIELD_CAPS.action),
    outcome: entry.outcome === 'ok' ? 'ok' : 'failed',
  };
  if (entry.mailbox !== undefined)
    out.mailbox = cap(String(entry.mailbox), AUDIT_FIELD_CAPS.mailbox);
  if (entry.request !== undefined)
    out.request = cap(String(entry.request), AUDIT_FIELD_CAPS.request);
  if (entry.response !== undefined)
    out.response = cap(String(entry.response), AUDIT_FIELD_CAPS.response);
  if (entry.code !== undefined) out.code = cap(String(entry.code), AUDIT_FIELD_CAPS.code);
  return out;
}

/** The day files of the range, oldest first. */
function filesInRange(all: string[], query: AuditQuery): string[] {
  return all.filter((f) => {
    const d = dayOf(f);
    return (!query.from || d >= query.from) && (!query.to || d <= query.to);
  });
}

/** Entries of the range that match the filters, newest first, at most `limit + 1`. */
async function collect(dir: string, files: string[], query: AuditQuery): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for (const file of [...files].reverse()) {
    const need = query.limit + 1 - found.length;
    if (need <= 0) break;
    // Lines are oldest first within a day: keep the newest `need` matches of this file.
    const kept: AuditEntry[] = [];
    for await (const { line } of lines(path.join(dir, file))) {
      // A line without the action's text cannot match. Only for lines without a backslash: there
      // every JSON string is written as it is, so the value's text is in the line.
      if (query.action !== undefined && !line.includes(query.action) && !line.includes('\\'))
        continue;
      const entry = parse(line);
      if (!entry || !matches(entry, query)) continue;
      kept.push(entry);
      if (kept.length > need) kept.shift();
    }
    found.push(...kept.reverse());
  }
  return found;
}

export interface RangeVerification {
  ok: boolean;
  firstBad?: number;
  detail?: string;
}

/**
 * Per-day verification results (what a day file says about itself: its first entry, when it
 * parses and its own hash holds, to link it to the day before, its last good entry, and its
 * first internal problem — only the links between days depend on other files), kept across
 * requests in the host process (the viewer pages and filters over the same six months again and
 * again) and across host starts in `verified.json` (verified-cache.ts). A result is reused only
 * while the file is the same file (device, inode) with the same size, modification and change
 * times (ns), and the same last line; any write to the file — an appended entry, an edit in
 * place even with its mtime put back (the change time moves), a truncation, a replacement —
 * verifies it again.
 */
interface DirCache {
  days: Map<string, DayRecord>;
  /** A day was verified since the file was last written. */
  dirty: boolean;
}
const DIR_CACHES = new Map<string, DirCache>();
const DIR_CACHE_MAX = 8;
const DAY_CACHE_MAX = 1024;

/**
 * Forgets every cached day verification held in memory, as a host restart does; `verified.json`
 * stays (benchmarks measure the first request after a restart with it, and without it).
 */
export function clearVerificationCache(): void {
  DIR_CACHES.clear();
}

let daysVerified = 0;
/** How many day files have been read and verified since the process started (tests, bench). */
export function dayVerificationCount(): number {
  return daysVerified;
}

/** `dir`'s cache, loaded from its `verified.json` on first use in this process. */
function dirCache(dir: string): DirCache {
  let cache = DIR_CACHES.get(dir);
  if (!cache) {
    cache = { days: loadVerified(dir), dirty: false };
    DIR_CACHES.set(dir, cache);
    if (DIR_CACHES.size > DIR_CACHE_MAX) DIR_CACHES.delete(DIR_CACHES.keys().next().value!);
  }
  return cache;
}

/** Writes `dir`'s verified days when some were verified, dropping the days no longer listed. */
function persist(dir: string, all: string[]): void {
  const cache = DIR_CACHES.get(dir);
  if (!cache?.dirty) return;
  const listed = new Set(all);
  for (const file of cache.days.keys()) if (!listed.has(file)) cache.days.delete(file);
  if (saveVerified(dir, cache.days)) cache.dirty = false;
}

function fileKey(file: string): string | null {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return null;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function summarizeDay(dir: string, file: string): Promise<DaySummary> {
  const summary: DaySummary = { first: null, last: null };
  let expected: { seq: number; hash: string } | null = null;
  let index = 0;
  for await (const { line, number } of lines(path.join(dir, file))) {
    index += 1;
    const where = `${file}:${number}`;
    const entry = parse(line);
    if (!entry) {
      if (index === 1) summary.firstLine = 'unparsable';
      else
        summary.problem = {
          firstBad: (expected?.seq ?? 0) + 1,
          detail: `${where}: not a journal entry`,
        };
      return summary;
    }
    const { hash, ...body } = entry;
    if (hashOf(body) !== hash) {
      if (index === 1) summary.firstLine = { changedSeq: entry.seq };
      else
        summary.problem = {
          firstBad: entry.seq,
          detail: `${where}: entry ${entry.seq} was changed (hash mismatch)`,
        };
      return summary;
    }
    if (index === 1) summary.first = { seq: entry.seq, prev: entry.prev };
    else if (expected && entry.seq !== expected.seq + 1) {
      summary.problem = {
        firstBad: Math.min(entry.seq, expected.seq + 1),
        detail: `${where}: expected entry ${expected.seq + 1}, found ${entry.seq} (entries missing or reordered)`,
      };
      return summary;
    } else if (expected && entry.prev !== expected.hash) {
      summary.problem = {
        firstBad: entry.seq,
        detail: `${where}: entry ${entry.seq} does not follow the previous entry (chain broken)`,
      };
      return summary;
    }
    expected = { seq: entry.seq, hash };
    summary.last = expected;
  }
  return summary;
}

/** One day's summary, from the cache when the file has not changed since it was verified. */
async function daySummary(dir: string, file: string): Promise<DaySummary> {
  const full = path.join(dir, file);
  // Stat before reading: a write during the read leaves a stale key, so the next request
  // verifies again.
  const key = fileKey(full);
  const line = key === null ? null : lastLine(full);
  const last = line === null ? null : sha256(line);
  const cache = dirCache(dir);
  const cached = cache.days.get(file);
  if (key !== null && cached && cached.key === key && cached.lastLine === last)
    return cached.summary;
  const summary = await summarizeDay(dir, file);
  daysVerified += 1;
  if (key !== null) {
    cache.days.delete(file);
    cache.days.set(file, { key, lastLine: last, summary });
    if (cache.days.size > DAY_CACHE_MAX) cache.days.delete(cache.days.keys().next().value!);
    cache.dirty = true;
  }
  return summary;
}

/**
 * Checks the hash chain over the day files of the range: every entry's own hash, the sequence
 * without gaps, each entry's link to the previous one (the first entry of the range is linked to
 * the last entry before it, or to the chain's start), and that the day after the range follows
 * the range's last entry (entries cut from the end of the range). Stops at the first problem.
 * Each day's own checks come from the cache when the day file is unchanged (see CachedDay).
 */
export async function verifyRange(
  dir: string,
  all: string[],
  range: string[],
): Promise<RangeVerification> {
  if (range.length === 0) return { ok: true };
  const first = all.indexOf(range[0]!);
  let expected: { seq: number; hash: string } | null;
  if (first === 0) {
    const pruned = path.join(dir, PRUNED);
    expected = existsSync(pruned)
      ? (JSON.parse(readFileSync(pruned, 'utf8')) as { seq: number; hash: string })
      : { seq: 0, hash: GENESIS };
  } else {
    // Anchored on the previous day's last entry; if that one is unreadable the range cannot be
    // linked to it, and only its own entries are checked.
    const previous = lastLine(path.join(dir, all[first - 1]!));
    const entry = previous ? parse(previous) : null;
    expected = entry ? { seq: entry.seq, hash: entry.hash } : null;
  }
  const bad = (firstBad: number, detail: string): RangeVerification => ({
    ok: false,
    firstBad,
    detail: cap(detail, DETAIL_CAP),
  });
  for (const file of range) {
    const day = await daySummary(dir, file);
    const where = `${file}:1`;
    if (day.firstLine === 'unparsable')
      return bad((expected?.seq ?? 0) + 1, `${where}: not a journal entry`);
    if (day.firstLine)
      return bad(
        day.firstLine.changedSeq,
        `${where}: entry ${day.firstLine.changedSeq} was changed (hash mismatch)`,
      );
    if (day.first && expected && day.first.seq !== expected.seq + 1)
      return bad(
        Math.min(day.first.seq, expected.seq + 1),
        `${where}: expected entry ${expected.seq + 1}, found ${day.first.seq} (entries missing or reordered)`,
      );
    if (day.first && expected && day.first.prev !== expected.hash)
      return bad(
        day.first.seq,
        `${where}: entry ${day.first.seq} does not follow the previous entry (chain broken)`,
      );
    if (day.problem) return bad(day.problem.firstBad, day.problem.detail);
    if (day.last) expected = day.last;
  }
  const next = all[all.indexOf(range.at(-1)!) + 1];
  if (next && expected) {
    const line = await firstLine(path.join(dir, next));
    const entry = line ? parse(line) : null;
    if (entry && (entry.seq !== expected.seq + 1 || entry.prev !== expected.hash))
      return bad(
        expected.seq + 1,
        `${next}:1: entry ${entry.seq} does not follow entry ${expected.seq} (entries missing at the end of the range)`,
      );
  }
  return { ok: true };
}

/**
 * The newest entries cut: the signed head (journal-head.ts) names a later entry than the newest
 * day file ends with. Checked when the range reaches the newest day; a head missing or not
 * signed is the host start's to journal (journal-reconcile.ts), and `mssante audit verify`'s.
 */
function headCheck(dir: string, all: string[], range: string[]): RangeVerification {
  const newest = all.at(-1);
  if (!newest || range.at(-1) !== newest) return { ok: true };
  const head = readHead(dir, readSealKey(dir));
  if (head.state !== 'valid') return { ok: true };
  const line = lastLine(path.join(dir, newest));
  const entry = line ? parse(line) : null;
  if (!entry || head.value.seq <= entry.seq) return { ok: true };
  return {
    ok: false,
    firstBad: entry.seq + 1,
    detail: cap(
      `E_AUDIT_TRUNCATED head.json: the signed head is entry ${head.value.seq}; ${newest} ends at entry ${entry.seq} (newest entries removed)`,
      DETAIL_CAP,
    ),
  };
}

/** Answers `audit.query`: a page of entries, newest first, and the chain's state over the range. */
export async function queryJournal(
  dir: string,
  query: AuditQuery,
  budgetBytes = REPLY_ENTRY_BUDGET_BYTES,
): Promise<AuditQueryResult> {
  const all = journalFiles(dir);
  const range = filesInRange(all, query);
  const found = await collect(dir, range, query);
  let more = found.length > query.limit;
  const entries: ViewEntry[] = [];
  let bytes = 0;
  for (const entry of found.slice(0, query.limit)) {
    const shown = view(entry);
    bytes += Buffer.byteLength(JSON.stringify(shown)) + 1;
    if (bytes > budgetBytes) {
      more = true;
      break;
    }
    entries.push(shown);
  }
  const chain = await verifyRange(dir, all, range);
  const verified = chain.ok ? headCheck(dir, all, range) : chain;
  persist(dir, all);
  return { entries, more, verified };
}
