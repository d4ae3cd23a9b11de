import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { MssanteError } from '../../shared/errors/mssante-error';

/**
 * One host per state folder (docs/security.md, "The journal under faults (19.5)"): two hosts
 * appending to one journal would fork its chain, and would both rewrite mailboxes.json. Node has
 * no flock, so the lock is a file made with O_EXCL (`<state>/host.lock`, 0600) naming its
 * holder: pid and the process's start time (from /proc, so that a pid reused by another
 * process after a crash is not taken for the holder). A lock whose holder is gone is stale and
 * taken over.
 */
export const LOCK_FILE = 'host.lock';

interface Holder {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot), or null where there is no /proc. */
  start: string | null;
}

/** The start time of `pid`, or null when it is not running (or /proc cannot tell). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return Number.isSafeInteger(value.pid) && (value.pid as number) > 0
      ? { pid: value.pid as number, start: typeof value.start === 'string' ? value.start : null }
      : null;
  } catch {
    return null;
  }
}

/** The holder still runs: same pid, and the same process (its start time), not a reused pid. */
function holds(holder: Holder): boolean {
  if (holder.pid === process.pid) return true;
  if (!alive(holder.pid)) return false;
  const start = processStart(holder.pid);
  return holder.start === null || start === null || start === holder.start;
}

export class StateLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly file: string,
    private readonly content: string,
  ) {
    process.once('exit', this.onExit);
  }

  /**
   * Takes the lock of `dir`, or throws E_STATE_LOCKED naming the running holder. A stale lock
   * (holder gone, or its pid now another process) is moved aside and the lock made again.
   */
  static acquire(dir: string): StateLock {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, LOCK_FILE);
    const content = JSON.stringify({ pid: process.pid, start: processStart(process.pid) }) + '\n';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (create(file, content)) return new StateLock(file, content);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // released meanwhile: try again
      }
      const holder = parseHolder(text);
      // A lock file being written (empty for an instant) is the other host's: not stale.
      if ((text === '' && !leftEmpty(file)) || (holder && holds(holder)))
        throw new MssanteError('E_STATE_LOCKED', { detail: `pid ${holder?.pid ?? '?'}` });
      takeOver(file, text);
    }
    throw new MssanteError('E_STATE_LOCKED', { detail: 'lock contended' });
  }

  /**
   * `acquire`, retried for a short while when another host holds the lock: the host Thunderbird
   * replaces (a restart, a reconnection) may still be closing its bridges when the new one starts.
   */
  static async acquireWaiting(dir: string, waitMs = 3_000): Promise<StateLock> {
    const until = Date.now() + waitMs;
    for (;;) {
      try {
        return StateLock.acquire(dir);
      } catch (error) {
        if ((error as MssanteError).code !== 'E_STATE_LOCKED' || Date.now() >= until) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Removes the lock if it is still this process's. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      if (readFileSync(this.file, 'utf8') === this.content) rmSync(this.file);
    } catch {
      // Already gone.
    }
  }
}

/** An empty lock older than a few seconds: its maker died between creating and writing it. */
function leftEmpty(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > 5_000;
  } catch {
    return false;
  }
}

/** Makes the lock file with O_EXCL; false when it exists. */
function create(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Moves a stale lock aside (rename is atomic: of two hosts taking over, one moves it). If what
 * was moved is no longer the stale content — another host took over in between and this moved
 * its fresh lock — it is put back (a hard link fails if a lock is there again).
 */
function takeOver(file: string, stale: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return;
  }
  try {
    if (readFileSync(aside, 'utf8') !== stale) linkSync(aside, file);
  } catch {
    // A lock is there again: the next attempt reads it.
  } finally {
    rmSync(aside, { force: true });
  }
}
