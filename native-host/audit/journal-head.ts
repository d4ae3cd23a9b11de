import { createHmac, timingSafeEqual } from 'node:crypto';
import { closeSync, fdatasyncSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../config/private-file';
import { readInstallKey } from '../storage/install-key';

/**
 * The journal's keyed ends (docs/audit.md, "Keyed head"): `head.json` names the newest entry
 * (its sequence number and hash) and `pruned.json` where the chain continues after pruning, each
 * with an HMAC-SHA-256 under a key derived from the journal key (`journal.key`). The hash chain
 * alone lets anyone who can write the folder cut the newest entries or write a `pruned.json` of
 * their own; without the key they cannot make the MAC the host and `mssante audit verify` check.
 */
export const HEAD = 'head.json';
export const PRUNED = 'pruned.json';
const VERSION = 1;

export interface ChainPoint {
  seq: number;
  hash: string;
}

export interface PrunedPoint extends ChainPoint {
  /** The day before which files were deleted (local day, YYYY-MM-DD). */
  before: string;
}

/** The key that signs the journal's ends: the journal key bound to this use. */
export function sealKey(journalKey: Uint8Array): Buffer {
  return createHmac('sha256', journalKey).update('mssante-journal-seal key').digest();
}

/** The sealing key of `dir`'s journal, or null when it has no (well-formed) key: never creates one. */
export function readSealKey(dir: string): Buffer | null {
  const key = readInstallKey(path.join(dir, 'journal.key'), { action: 'replace' });
  return key ? sealKey(key) : null;
}

function mac(key: Buffer, what: 'head' | 'pruned', fields: (string | number)[]): string {
  return createHmac('sha256', key)
    .update(`mssante-journal-${what} ${VERSION}\n${fields.join('\n')}`)
    .digest('hex');
}

function macMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** What a sealed file holds: absent, unreadable or unsigned, or its signed point. */
export type Sealed<T> =
  { state: 'absent' } | { state: 'invalid'; value?: T; why: string } | { state: 'valid'; value: T };

function readJson(file: string): { found: false } | { found: true; value: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { found: false };
    return { found: true, value: undefined };
  }
  try {
    return { found: true, value: JSON.parse(text) as unknown };
  } catch {
    return { found: true, value: undefined };
  }
}

function isPoint(value: unknown): value is ChainPoint & Record<string, unknown> {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(v.seq) &&
    (v.seq as number) >= 0 &&
    typeof v.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(v.hash)
  );
}

/**
 * The head file's fixed size: one write of at most one 512-byte sector, which a disk writes whole
 * or not at all (the assumption PostgreSQL makes for pg_control), so the head can be overwritten
 * in place; with an unchanged size, flushing it needs no file-system metadata.
 */
const HEAD_BYTES = 256;

/**
 * Writes the head: the newest entry, signed. The first time through a temporary file renamed into
 * place (`writePrivateFile`); then overwritten in place and flushed (`fdatasync`), which costs
 * about one flush where a new file and a rename cost three (docs/security.md, measured).
 */
export function writeHead(dir: string, key: Buffer, point: ChainPoint): void {
  const body = { v: VERSION, seq: point.seq, hash: point.hash };
  const text = JSON.stringify({ ...body, mac: mac(key, 'head', [point.seq, point.hash]) });
  const padded = Buffer.from(text.padEnd(HEAD_BYTES - 1, ' ') + '\n', 'utf8');
  const file = path.join(dir, HEAD);
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return writePrivateFile(file, padded);
  }
  let inPlace = false;
  try {
    if (fstatSync(fd).size === HEAD_BYTES && fstatSync(fd).nlink === 1) {
      if (writeSync(fd, padded, 0, HEAD_BYTES, 0) !== HEAD_BYTES) throw new Error('short write');
      fdatasyncSync(fd);
      inPlace = true;
    }
  } finally {
    closeSync(fd);
  }
  if (!inPlace) writePrivateFile(file, padded);
}

export function readHead(dir: string, key: Buffer | null): Sealed<ChainPoint> {
  const read = readJson(path.join(dir, HEAD));
  if (!read.found) return { state: 'absent' };
  if (!isPoint(read.value)) return { state: 'invalid', why: 'head.json is not a journal head' };
  const value = { seq: read.value.seq, hash: read.value.hash };
  if (!key) return { state: 'invalid', value, why: 'no journal key to check head.json with' };
  if (!macMatches(read.value.mac, mac(key, 'head', [value.seq, value.hash])))
    return { state: 'invalid', value, why: 'head.json is not signed with the journal key' };
  return { state: 'valid', value };
}

/** Writes `pruned.json`: where the chain continues after the deleted days, signed. */
export function writePruned(dir: string, key: Buffer, point: PrunedPoint): void {
  const fields = [point.seq, point.hash, point.before];
  const signed = { seq: point.seq, hash: point.hash, before: point.before };
  writePrivateFile(
    path.join(dir, PRUNED),
    JSON.stringify({ ...signed, mac: mac(key, 'pruned', fields) }) + '\n',
  );
}

export function readPruned(dir: string, key: Buffer | null): Sealed<PrunedPoint> {
  const read = readJson(path.join(dir, PRUNED));
  if (!read.found) return { state: 'absent' };
  if (!isPoint(read.value)) return { state: 'invalid', why: 'pruned.json is not a pruning record' };
  const before = typeof read.value.before === 'string' ? read.value.before : '';
  const value = { seq: read.value.seq, hash: read.value.hash, before };
  if (!key) return { state: 'invalid', value, why: 'no journal key to check pruned.json with' };
  if (!macMatches(read.value.mac, mac(key, 'pruned', [value.seq, value.hash, before])))
    return { state: 'invalid', value, why: 'pruned.json is not signed with the journal key' };
  return { state: 'valid', value };
}
