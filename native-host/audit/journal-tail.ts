import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/**
 * The end of the newest day file after a crash. An entry is appended with one write and then
 * flushed; power lost or a full disk in between can leave part of a line (or zeros the file
 * system had allocated) after the last newline. Such a tail was never a completed entry: the
 * host cuts the file back to its last whole line and journals what it dropped (docs/audit.md,
 * "The journal under faults").
 */
export interface TornTail {
  file: string;
  /** Bytes dropped after the last newline. */
  bytes: number;
  /** SHA-256 (hex) of the dropped bytes: what was lost is named, not copied. */
  sha256: string;
}

const CHUNK = 64 * 1024;

/** The offset just after the last newline of the open file (0 when it has none). */
function lastLineEnd(fd: number, size: number): number {
  const chunk = Buffer.alloc(CHUNK);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const read = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

function hashRange(fd: number, from: number, to: number): string {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(CHUNK);
  for (let at = from; at < to;) {
    const read = readSync(fd, chunk, 0, Math.min(CHUNK, to - at), at);
    if (read === 0) break;
    hash.update(chunk.subarray(0, read));
    at += read;
  }
  return hash.digest('hex');
}

/** Cuts `file` (in `dir`) back to its last whole line; null when it already ends with one. */
export function recoverTornTail(dir: string, file: string): TornTail | null {
  const fd = openSync(path.join(dir, file), 'r+');
  try {
    const size = fstatSync(fd).size;
    const keep = size === 0 ? 0 : lastLineEnd(fd, size);
    if (keep === size) return null;
    const sha256 = hashRange(fd, keep, size);
    ftruncateSync(fd, keep);
    fsyncSync(fd);
    return { file, bytes: size - keep, sha256 };
  } finally {
    closeSync(fd);
  }
}
