#!/usr/bin/env node
// `npm test [-- --grep PATTERN]`: builds, then runs every layer (unit, integration, e2e) with
// mocha, printing mocha's summary per layer and one closing total line, and writing mocha's JSON
// results to test-results/<layer>.json. Arguments after `--` go to every layer's mocha.
//
// The e2e layer runs once per supported Thunderbird ESR: the installed one (test-results/e2e.json)
// and 140 ESR (test-results/e2e-tb140.json), which lab/thunderbird/esr.ts fetches from Debian and
// unpacks beside it. MSSANTE_E2E_THUNDERBIRDS=installed (or =140) keeps to one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
const layers = [
  { name: 'unit', timeout: 10_000 },
  { name: 'integration', timeout: 60_000 },
  { name: 'e2e', timeout: 180_000 },
];
const only = process.env.MSSANTE_TEST_LAYERS?.split(',');
const thunderbirds = (process.env.MSSANTE_E2E_THUNDERBIRDS ?? 'installed,140').split(',');

/** The e2e layer once per Thunderbird: the installed one, then each other ESR asked for. */
function e2eRuns(layer) {
  return thunderbirds.map((tb) => {
    if (tb === 'installed') return { ...layer, output: 'e2e', env: {} };
    const binary = spawnSync(process.execPath, ['--import', 'tsx', 'lab/thunderbird/esr.ts', tb], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (binary.status !== 0) return { ...layer, output: `e2e-tb${tb}`, broken: true };
    const env = { MSSANTE_THUNDERBIRD: binary.stdout.trim(), MSSANTE_E2E_VARIANT: `tb${tb}` };
    return { ...layer, output: `e2e-tb${tb}`, env, title: `e2e tests on Thunderbird ${tb} ESR` };
  });
}

function run(cmd, argv, env = {}) {
  return (
    spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ??
    1
  );
}

function specFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...specFiles(full));
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

if (run(process.execPath, ['scripts/build.mjs']) !== 0) process.exit(1);

const resultsDir = path.join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
let passed = 0;
let failed = 0;
let status = 0;
const runs = layers
  .filter((layer) => !only || only.includes(layer.name))
  .flatMap((layer) =>
    layer.name === 'e2e' ? e2eRuns(layer) : [{ ...layer, output: layer.name, env: {} }],
  );
for (const layer of runs) {
  const files = specFiles(path.join(root, 'test', layer.name));
  const output = path.join(resultsDir, `${layer.output}.json`);
  rmSync(output, { force: true });
  rmSync(path.join(resultsDir, layer.output), { recursive: true, force: true }); // failure artifacts
  if (files.length === 0) continue;
  console.log(`\n=== ${layer.title ?? `${layer.name} tests`} ===`);
  if (layer.broken) {
    console.log(`Thunderbird could not be fetched for ${layer.output}: 1 failing`);
    status = 1;
    failed += 1;
    continue;
  }
  const code = run(
    process.execPath,
    [
      '--import',
      'tsx',
      'node_modules/mocha/bin/mocha.js',
      '--reporter',
      path.join(root, 'test/reporter.cjs'),
      '--reporter-option',
      `output=${output}`,
      '--timeout',
      String(layer.timeout),
      ...args,
      ...files,
    ],
    layer.env,
  );
  if (code !== 0) status = 1;
  if (existsSync(output)) {
    const stats = JSON.parse(readFileSync(output, 'utf8')).stats;
    passed += stats.passes;
    failed += stats.failures;
  } else if (code !== 0) {
    failed += 1;
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(status);
