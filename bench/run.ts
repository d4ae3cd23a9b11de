// `npm run bench`: builds, runs every benchmark, prints one JSON document on stdout.
// `npm run bench -- crl bridge` runs only the benchmarks named (host, xdm, crl, handshake, …).
// Figures are measured here and reported; no test asserts on them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchHost } from './host';

const root = path.resolve(import.meta.dirname ?? '', '..');
const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0) process.exit(1);

const results: Record<string, unknown> = {
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  date: new Date().toISOString(),
  ...(wanted('host') ? { host: await benchHost() } : {}),
};

// Benchmarks of other modules register here as they land (bench/<module>.ts exporting bench<Module>).
for (const [name, file, fn] of [
  ['xdm', './xdm.ts', 'benchXdm'],
  ['xdmHostile', './xdm-hostile.ts', 'benchXdmHostile'],
  ['crl', './crl.ts', 'benchCrl'],
  ['handshake', './handshake.ts', 'benchHandshake'],
  ['sandbox', './sandbox.ts', 'benchSandbox'],
  ['bridge', './bridge.ts', 'benchBridge'],
  ['audit', './audit.ts', 'benchAudit'],
  ['journalAppend', './journal-append.ts', 'benchJournalAppend'],
  ['annuaireLdap', './annuaire-ldap.ts', 'benchAnnuaireLdap'],
  ['annuaireOffline', './annuaire-offline.ts', 'benchAnnuaireOffline'],
  ['pdfa', './pdfa.ts', 'benchPdfa'],
  ['peers', './peers.ts', 'benchPeers'],
  ['lpsServer', './lps-server.ts', 'benchLpsServer'],
  ['hostStart', './host-start.ts', 'benchHostStart'],
] as const) {
  if (!wanted(name) || !existsSync(path.join(root, 'bench', file))) continue;
  const module = (await import(file)) as Record<string, () => Promise<Record<string, unknown>>>;
  results[name] = await module[fn]!();
}

process.stdout.write(JSON.stringify(results, null, 2) + '\n');
