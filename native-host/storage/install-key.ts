import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MssanteError } from '../../shared/errors/mssante-error';

/** The length of every per-install key (AES-256, HMAC-SHA-256). */
export const INSTALL_KEY_BYTES = 32;

/** What a caller does with a key file of the wrong length (damaged, truncated, edited). */
export type OnMalformedKey =
  /** Throw this error: what the key protects cannot be had without the original key. */
  | { action: 'refuse'; error: (length: number) => MssanteError }
  /** Make a new key in its place (what the old one protected is lost); `replaced` is told. */
  | { action: 'replace'; replaced?: (length: number) => void };

/**
 * The per-install key kept in `file`, or null when there is none. A malformed file is refused
 * (thrown) or, under `replace`, counts as none: it is replaced only by `installKey`.
 */
export function readInstallKey(file: string, onMalformed: OnMalformedKey): Buffer | null {
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (key.length === INSTALL_KEY_BYTES) return key;
  if (onMalformed.action === 'refuse') throw onMalformed.error(key.length);
  return null;
}

/**
 * The per-install key kept in `file`, made on first use: 32 random bytes, mode 0600, its folder
 * 0700. The new file is written aside and hard-linked into place, so it never shows half written
 * and two processes making it at once end with one key.
 */
export function installKey(file: string, onMalformed: OnMalformedKey): Buffer {
  const existing = readInstallKey(file, onMalformed);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, randomBytes(INSTALL_KEY_BYTES), { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      rmSync(tmp, { force: true });
      throw error;
    }
    return replaceMalformed(file, tmp, onMalformed);
  }
  rmSync(tmp, { force: true });
  return readFileSync(file);
}

/** `file` is there after all: another process made it, or it is malformed (`readInstallKey`). */
function replaceMalformed(file: string, tmp: string, onMalformed: OnMalformedKey): Buffer {
  const current = readFileSync(file);
  if (current.length === INSTALL_KEY_BYTES || onMalformed.action === 'refuse') {
    rmSync(tmp, { force: true });
    if (onMalformed.action === 'refuse' && current.length !== INSTALL_KEY_BYTES)
      throw onMalformed.error(current.length);
    return current;
  }
  renameSync(tmp, file);
  onMalformed.replaced?.(current.length);
  return readFileSync(file);
}
