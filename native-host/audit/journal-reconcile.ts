import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditInput } from './journal-format';
import { type ChainPoint, readHead, readPruned, writeHead } from './journal-head';

/** The action of the entry that says the journal was signed from then on. */
const SEALED_ACTION = 'sealed';
/** The action of an entry that says what the host found wrong with the journal at start. */
export const INTEGRITY_ACTION = 'integrity';

const DAY_FILE = /^journal-\d{4}-\d{2}-\d{2}\.jsonl$/;

/**
 * Was this journal signed before? Then a missing head.json was removed, not never written: a
 * signed pruned.json, or a `sealed` entry in a day file (read only when head.json is missing).
 */
function wasSealed(dir: string, seal: Buffer, files: string[]): boolean {
  if (readPruned(dir, seal).state === 'valid') return true;
  const marker = `"action":"${SEALED_ACTION}"`;
  return files.some((f) => readFileSync(path.join(dir, f), 'utf8').includes(marker));
}

/**
 * At start, after a torn tail was cut: compares the signed head with the newest entry of the
 * files, journals what does not match (so that it stays in the chain after the head is signed
 * again), and signs the head. One entry after the head is the crash window between an entry's
 * flush and its head's (re-signed silently); more were written without the key, or the head's
 * rename was lost with power: journaled as `recovered`.
 */
export function reconcileHead(
  dir: string,
  seal: Buffer,
  last: ChainPoint,
  record: (input: AuditInput) => unknown,
  files: () => string[] = () => [],
): void {
  const head = readHead(dir, seal);
  const note = (input: Omit<AuditInput, 'author'>) => record({ author: 'system', ...input });
  if (head.state === 'absent') {
    if (last.seq === 0) return;
    if (
      wasSealed(
        dir,
        seal,
        files().filter((f) => DAY_FILE.test(f)),
      )
    )
      note({
        action: INTEGRITY_ACTION,
        outcome: 'failed',
        code: 'E_AUDIT_HEAD_INVALID',
        request: `head.json was removed; the files end at entry ${last.seq}`,
      });
    else
      note({
        action: SEALED_ACTION,
        outcome: 'ok',
        request: `journal signed from entry ${last.seq}`,
      });
    return;
  }
  if (head.state === 'invalid') {
    note({
      action: INTEGRITY_ACTION,
      outcome: 'failed',
      code: 'E_AUDIT_HEAD_INVALID',
      request: `${head.why}; the files end at entry ${last.seq}`,
    });
    return;
  }
  const signed = head.value;
  if (signed.seq === last.seq && signed.hash === last.hash) return;
  if (signed.seq > last.seq)
    note({
      action: INTEGRITY_ACTION,
      outcome: 'failed',
      code: 'E_AUDIT_TRUNCATED',
      request: `head.json named entry ${signed.seq}; the files end at entry ${last.seq}`,
    });
  else if (signed.seq === last.seq)
    note({
      action: INTEGRITY_ACTION,
      outcome: 'failed',
      code: 'E_AUDIT_HEAD_INVALID',
      request: `entry ${last.seq} is not the one head.json signed`,
    });
  else if (last.seq - signed.seq > 1)
    note({
      action: 'recovered',
      outcome: 'ok',
      request: `${last.seq - signed.seq} entries after the signed head (entry ${signed.seq}) signed at start`,
    });
  else writeHead(dir, seal, last);
}
