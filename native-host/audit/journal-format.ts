import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';

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
export const JOURNAL_FILE = /^journal-(\d{4}-\d{2}-\d{2})\.jsonl$/;

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
        .filter((f) => JOURNAL_FILE.test(f))
        .sort()
    : [];
}
