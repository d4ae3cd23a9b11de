// Another Thunderbird ESR beside the installed one, for the e2e suite: Debian ships both supported
// ESRs (1:140.x in bookworm main, 1:153.x in bookworm-security). The one apt did not install is
// fetched with `apt-get download` (with its French langpack, the add-on's default locale) and
// unpacked with `dpkg -x` under .state/thunderbird/<version>/, once; its binary runs against the
// system libraries the installed Thunderbird already pulled in.
//
//   node --import tsx lab/thunderbird/esr.ts 140   → prints the binary's path
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = ['thunderbird', 'thunderbird-l10n-fr'];

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  }
  return r.stdout;
}

/** Debian's versions of a package, newest first (`apt-cache madison`). */
function versions(pkg: string): string[] {
  return run('apt-cache', ['madison', pkg])
    .split('\n')
    .map((line) => line.split('|')[1]?.trim())
    .filter((v): v is string => Boolean(v));
}

/** The newest Debian version of Thunderbird in that ESR series (e.g. 1:140.12.0esr-1~deb12u1). */
export function debianVersion(major: string): string {
  const pick = () => versions('thunderbird').find((v) => v.startsWith(`1:${major}.`));
  let found = pick();
  if (!found) {
    run('apt-get', ['update']);
    found = pick();
  }
  if (!found) throw new Error(`no Thunderbird ${major} ESR in Debian's package lists`);
  return found;
}

/** The path of Thunderbird <major>'s binary, fetched and unpacked if needed. */
export function thunderbirdEsr(major: string): string {
  const version = debianVersion(major);
  const dir = path.join(ROOT, '.state', 'thunderbird', version.replace(/[^\w.~-]/g, '_'));
  const binary = path.join(dir, 'usr', 'lib', 'thunderbird', 'thunderbird');
  if (existsSync(binary)) return binary;
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run('apt-get', ['download', ...PACKAGES.map((p) => `${p}=${version}`)], work);
  for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb'))) {
    run('dpkg', ['-x', deb, '.'], work);
    rmSync(path.join(work, deb));
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir); // whole or absent: an interrupted download is redone
  if (!existsSync(binary)) throw new Error(`no binary at ${binary} after unpacking ${version}`);
  return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const major = process.argv[2];
  if (!major || !/^\d+$/.test(major)) {
    console.error('usage: node --import tsx lab/thunderbird/esr.ts MAJOR');
    process.exit(2);
  }
  console.log(thunderbirdEsr(major));
}
