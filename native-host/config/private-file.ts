import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
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
 * The host's private files: config.json (the PSC client secret of the intermediate LPS server)
 * and mailboxes.json (each mailbox's local secret, the sealed APP certificates). Every writer —
 * the host, `npm start`'s setup (scripts/start.ts), the sandbox's live platform, the test
 * harnesses — goes through `writePrivateFile`, so the file is 0600 and its folder 0700 whatever
 * the umask and whatever mode an older copy had (a mode given to writeFileSync only applies to a
 * file it creates). See docs/configuration.md ("File permissions").
 */

/** Bits that let anyone but the owner read, write or enter. */
const NOT_OWNER = 0o077;

/** The command that fixes a file's mode, quoted for a POSIX shell. */
export function chmodCommand(file: string): string {
  return `chmod 600 '${file.replace(/'/g, `'\\''`)}'`;
}

/**
 * Writes `content` to `file` as the owner's only: the folder is created or narrowed to 0700
 * (`keepDirMode`: created 0700 but an existing one left as it is, for a folder other programs
 * share), the bytes go to a temporary 0600 file beside it (flushed), which then replaces `file`
 * in one rename.
 */
export function writePrivateFile(
  file: string,
  content: string | Buffer,
  options: { keepDirMode?: boolean } = {},
): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!options.keepDirMode) chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/** The host's config.json in a state folder, written through writePrivateFile. */
export function writeHostConfig(stateDir: string, config: unknown): void {
  writePrivateFile(path.join(stateDir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}

/**
 * Reads the host's config.json, or null when there is none. A file that group or others may
 * read or write is refused with E_CONFIG_READABLE (its detail is the chmod to run): the host never
 * writes config.json itself, so a loose mode means another tool wrote it and the PSC client
 * secret may already have been read; tightening it silently would hide that.
 */
export function readHostConfigText(stateDir: string): string | null {
  const file = path.join(stateDir, 'config.json');
  if (!existsSync(file)) return null;
  const mode = statSync(file).mode & 0o777;
  if ((mode & NOT_OWNER) !== 0)
    throw new MssanteError('E_CONFIG_READABLE', {
      detail: `${chmodCommand(file)} (mode ${mode.toString(8)})`,
    });
  return readFileSync(file, 'utf8');
}

/**
 * For a file the host wrote itself (mailboxes.json): narrows a mode that lets group or others
 * in back to 0600, and returns the mode it had (for the journal), or null when nothing was done.
 */
export function tightenPrivateFile(file: string): number | null {
  if (!existsSync(file)) return null;
  const mode = statSync(file).mode & 0o777;
  if ((mode & NOT_OWNER) === 0) return null;
  chmodSync(file, 0o600);
  return mode;
}
