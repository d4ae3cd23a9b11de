import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The installation's journal key (for patient address pseudonyms), created on first use. */
export function journalKey(dir: string): Uint8Array {
  const file = path.join(dir, 'journal.key');
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  return key;
}
