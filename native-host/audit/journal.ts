import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/**
 * The ECO.4 audit journal: one JSON line per operation on an MSSanté mailbox, append-only,
 * hash-chained (each entry holds the SHA-256 of the previous one, across days), flushed per
 * entry, one file per local day, 6 months kept by default. Entries hold no credentials, no
 * message content and no health data: callers pass redacted requests (see redact.ts).
 */
export interface AuditInput {
  /** PSC national id, or the APP certificate subject, or `system`. */
  author: string;
  mailbox?: string;
  /** connect, authenticate, select, fetch, store, move, expunge, append, send, logout, trust… */
  action: string;
  /** The request made to the server, redacted. */
  request?: string;
  /** The server's answer status (OK/NO/BAD, SMTP code…), or the error code of a failure. */
  response?: string;
  outcome: 'ok' | 'failed';
  code?: string;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  /** Local time with its UTC offset (ECO.4.1.2 "horodatage local"). */
  ts: string;
  prev: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);
export const DEFAULT_RETENTION_DAYS = 183;
const FILE = /^journal-(\d{4}-\d{2}-\d{2})\.jsonl$/;
export const PRUNED = 'pruned.json';

/** ISO 8601 local time with offset, e.g. 2026-11-25T04:29:39.123+01:00. */
export function localTimestamp(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const local = new Date(date.getTime() + offset * 60_000);
  const sign = offset >= 0 ? '+' : '-';
  return `${local.toISOString().slice(0, 23)}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

export function hashOf(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex');
}

/** The day files, oldest first. */
export function journalFiles(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => FILE.test(f))
        .sort()
    : [];
}

function lastEntry(dir: string): { seq: number; hash: string } {
  for (const file of journalFiles(dir).reverse()) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean);
    const last = lines.at(-1);
    if (last) {
      const entry = JSON.parse(last) as AuditEntry;
      return { seq: entry.seq, hash: entry.hash };
    }
  }
  const pruned = path.join(dir, PRUNED);
  if (existsSync(pruned))
    return JSON.parse(readFileSync(pruned, 'utf8')) as { seq: number; hash: string };
  return { seq: 0, hash: GENESIS };
}

export class AuditJournal {
  private seq: number;
  private prev: string;

  constructor(
    /** Where the day files are (the journal viewer reads them, see journal-query.ts). */
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const last = lastEntry(dir);
    this.seq = last.seq;
    this.prev = last.hash;
  }

  record(input: AuditInput): AuditEntry {
    const date = this.now();
    const ts = localTimestamp(date);
    const body: Omit<AuditEntry, 'hash'> = {
      seq: this.seq + 1,
      ts,
      prev: this.prev,
      ...definedOnly(input),
    };
    const entry: AuditEntry = { ...body, hash: hashOf(body) };
    const fd = openSync(path.join(this.dir, `journal-${ts.slice(0, 10)}.jsonl`), 'a', 0o600);
    try {
      appendFileSync(fd, JSON.stringify(entry) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.seq = entry.seq;
    this.prev = entry.hash;
    return entry;
  }

  /** Deletes day files older than the retention, remembering where the chain continues. */
  prune(retentionDays = DEFAULT_RETENTION_DAYS): string[] {
    const cutoff = localTimestamp(
      new Date(this.now().getTime() - retentionDays * 86_400_000),
    ).slice(0, 10);
    const old = journalFiles(this.dir).filter((f) => FILE.exec(f)![1]! < cutoff);
    if (old.length === 0) return [];
    const lastOld = readFileSync(path.join(this.dir, old.at(-1)!), 'utf8')
      .split('\n')
      .filter(Boolean)
      .at(-1);
    if (lastOld) {
      const entry = JSON.parse(lastOld) as AuditEntry;
      writeFileSync(
        path.join(this.dir, PRUNED),
        JSON.stringify({ seq: entry.seq, hash: entry.hash, before: cutoff }) + '\n',
      );
    }
    for (const f of old) rmSync(path.join(this.dir, f));
    return old;
  }
}

function definedOnly(input: AuditInput): AuditInput {
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as unknown as AuditInput;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  files: number;
  problems: string[];
}

/** Walks every day file: detects a changed, removed, reordered or inserted entry, or a missing file. */
export function verifyJournal(dir: string): VerifyResult {
  const problems: string[] = [];
  const prunedFile = path.join(dir, PRUNED);
  let expected = existsSync(prunedFile)
    ? (JSON.parse(readFileSync(prunedFile, 'utf8')) as { seq: number; hash: string })
    : { seq: 0, hash: GENESIS };
  let count = 0;
  const list = journalFiles(dir);
  for (const file of list) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (!line) return;
      const where = `${file}:${index + 1}`;
      let entry: AuditEntry;
      try {
        entry = JSON.parse(line) as AuditEntry;
      } catch {
        problems.push(`${where}: not JSON`);
        return;
      }
      count += 1;
      const { hash, ...body } = entry;
      if (hashOf(body) !== hash)
        problems.push(`${where}: entry ${entry.seq} was changed (hash mismatch)`);
      if (entry.seq !== expected.seq + 1)
        problems.push(
          `${where}: expected entry ${expected.seq + 1}, found ${entry.seq} (entries missing or reordered)`,
        );
      if (entry.prev !== expected.hash)
        problems.push(
          `${where}: entry ${entry.seq} does not follow the previous entry (chain broken)`,
        );
      expected = { seq: entry.seq, hash };
    });
  }
  return { ok: problems.length === 0, entries: count, files: list.length, problems };
}
