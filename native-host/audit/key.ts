import path from 'node:path';
import { installKey } from '../storage/install-key';

/**
 * The installation's journal key (for patient address pseudonyms and the verification cache's
 * MAC), created on first use. A malformed key file is replaced, and `replaced` is told so that
 * the caller can journal it: pseudonyms made before then no longer match the new ones.
 */
export function journalKey(dir: string, replaced?: (length: number) => void): Uint8Array {
  return installKey(path.join(dir, 'journal.key'), {
    action: 'replace',
    ...(replaced ? { replaced } : {}),
  });
}
