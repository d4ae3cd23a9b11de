import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type ChainPoint, readPruned, sealKey, writeHead, writePruned } from './journal-head';
import { reconcileHead } from './journal-reconcile';
import { recoverTornTail, type TornTail } from './journal-tail';
import { journalKey } from './key';

export * from './journal-format';

import {
  type AuditEntry,
  type AuditInput,
  GENESIS,
  hashOf,
  journalFiles,
  JOURNAL_FILE,
  localTimestamp,
} from './journal-format';
export const DEFAULT_RETENTION_DAYS = 183;
export { PRUNED } from './journal-head';

/** A parsed entry's place in the chain, or null for a line that is not one. */
function chainPointOf(line: string): ChainPoint | null {
  try {
    const entry = JSON.parse(line) as Partial<AuditEntry> | null;
    return entry && typeof entry.seq === 'number' && typeof entry.hash === 'string'
      ? { seq: entry.seq, hash: entry.hash }
      : null;
  } catch {
    return null;
  }
}

/** The newest entry that parses (an unparsable line is verify's to report, not a reason to stop). */
function lastEntry(dir: string, seal: Buffer): ChainPoint {
  for (const file of journalFiles(dir).reverse()) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean);
    for (const line of lines.reverse()) {
      const point = chainPointOf(line);
      if (point) return point;
    }
  }
  const pruned = readPruned(dir, seal);
  if (pruned.state !== 'absent' && pruned.value) return pruned.value;
  return { seq: 0, hash: GENESIS };
}

/** Appends one line and flushes it; on any failure the file is cut back to where it was. */
function appendLine(file: string, line: string): void {
  const fd = openSync(file, 'a', 0o600);
  let size = -1;
  try {
    size = fstatSync(fd).size;
    const bytes = Buffer.from(line, 'utf8');
    for (let done = 0; done < bytes.length;)
      done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (error) {
    try {
      if (size >= 0) ftruncateSync(fd, size);
    } catch {
      // The torn tail is then cut at the next start (journal-tail.ts).
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}

function writeFailed(error: unknown): MssanteError {
  const errno = (error as NodeJS.ErrnoException).code;
  return new MssanteError('E_AUDIT_WRITE_FAILED', {
    ...(errno ? { detail: errno } : {}),
    cause: error,
  });
}

export class AuditJournal {
  private seq: number;
  private prev: string;
  /** Signs head.json and pruned.json (journal-head.ts). */
  private readonly seal: Buffer;

  /**
   * Opens the journal at start: cuts a torn last line (journaled as `recovered`), then checks
   * the signed head against the files (journal-reconcile.ts). Throws E_AUDIT_WRITE_FAILED when
   * what it has to journal cannot be written.
   */
  constructor(
    /** Where the day files are (the journal viewer reads them, see journal-query.ts). */
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
    /** The journal key (key.ts); read or made in `dir` when not given. */
    key?: Uint8Array,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.seal = sealKey(key ?? journalKey(dir));
    const newest = journalFiles(dir).at(-1);
    let torn: TornTail | null = null;
    try {
      torn = newest ? recoverTornTail(dir, newest) : null;
    } catch (error) {
      throw writeFailed(error);
    }
    const last = lastEntry(dir, this.seal);
    this.seq = last.seq;
    this.prev = last.hash;
    if (torn)
      this.record({
        author: 'system',
        action: 'recovered',
        request: `${torn.file}: torn last line dropped (${torn.bytes} bytes, sha256 ${torn.sha256})`,
        outcome: 'ok',
      });
    try {
      reconcileHead(
        dir,
        this.seal,
        this.head,
        (input) => this.record(input),
        () => journalFiles(dir),
      );
    } catch (error) {
      throw error instanceof MssanteError ? error : writeFailed(error);
    }
  }

  /** The newest entry written. */
  get head(): ChainPoint {
    return { seq: this.seq, hash: this.prev };
  }

  /**
   * Appends one entry, flushed, then signs the head. Throws E_AUDIT_WRITE_FAILED (and leaves
   * the file as it was) when the entry cannot be written: the caller fails closed.
   */
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
    try {
      appendLine(
        path.join(this.dir, `journal-${ts.slice(0, 10)}.jsonl`),
        JSON.stringify(entry) + '\n',
      );
    } catch (error) {
      throw writeFailed(error);
    }
    this.seq = entry.seq;
    this.prev = entry.hash;
    try {
      writeHead(this.dir, this.seal, this.head);
    } catch (error) {
      // The entry is in the file; its head is one behind until the next entry or start.
      throw writeFailed(error);
    }
    return entry;
  }

  /** Deletes day files older than the retention, remembering (signed) where the chain continues. */
  prune(retentionDays = DEFAULT_RETENTION_DAYS): string[] {
    const cutoff = localTimestamp(
      new Date(this.now().getTime() - retentionDays * 86_400_000),
    ).slice(0, 10);
    const old = journalFiles(this.dir).filter((f) => JOURNAL_FILE.exec(f)![1]! < cutoff);
    if (old.length === 0) return [];
    const lastOld = readFileSync(path.join(this.dir, old.at(-1)!), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(chainPointOf)
      .filter((p) => p !== null)
      .at(-1);
    try {
      if (lastOld) writePruned(this.dir, this.seal, { ...lastOld, before: cutoff });
    } catch (error) {
      throw writeFailed(error);
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

export { type VerifyResult, verifyJournal } from './journal-verify';
