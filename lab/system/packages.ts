import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A command the scripts need, and the Debian package that provides it. */
export interface Requirement {
  command: string;
  pkg: string;
}

/** What Thunderbird end-to-end tests and `npm start` need from Debian. */
export const THUNDERBIRD_PACKAGES: Requirement[] = [
  { command: 'thunderbird', pkg: 'thunderbird' },
  { command: 'Xvfb', pkg: 'xvfb' },
  { command: 'xauth', pkg: 'xauth' },
  // French UI for the add-on's default locale; the langpack has no command, test its file.
  {
    command: '/usr/lib/thunderbird/extensions/langpack-fr@thunderbird.mozilla.org.xpi',
    pkg: 'thunderbird-l10n-fr',
  },
];

/** PDF tools (text extraction, font listing, structure) for the PDF/A tests. */
export const PDF_TOOL_PACKAGES: Requirement[] = [
  { command: 'pdftotext', pkg: 'poppler-utils' },
  { command: 'pdffonts', pkg: 'poppler-utils' },
  { command: 'pdfinfo', pkg: 'poppler-utils' },
  { command: 'qpdf', pkg: 'qpdf' },
];

/** Debian's wine (64-bit), to run the Windows host executable of `npm run dist`. */
export const WINE_PACKAGES: Requirement[] = [
  { command: 'wine', pkg: 'wine' },
  { command: '/usr/lib/wine/wine64', pkg: 'wine64' },
];

export function which(command: string): string | null {
  if (command.startsWith('/')) return existsSync(command) ? command : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const full = path.join(dir, command);
    if (dir && existsSync(full)) return full;
  }
  return null;
}

/**
 * Installs missing Debian packages with `apt-get update` then `apt-get install -y` when running
 * as root; otherwise fails with the exact command to run.
 */
export function ensurePackages(
  requirements: Requirement[],
  log: (line: string) => void = console.error,
): void {
  const missing = [...new Set(requirements.filter((r) => !which(r.command)).map((r) => r.pkg))];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing system packages: ${missing.join(' ')} — run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const result = spawnSync('apt-get', argv, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0)
      throw new Error(`apt-get ${argv.join(' ')} failed (exit ${result.status})`);
  }
}
