#!/usr/bin/env node
// `npm test [-- --grep PATTERN]`: builds, then runs every layer (unit, integration, e2e) with
// mocha, printing mocha's summary per layer and one closing total line, and writing mocha's JSON
// results to test-results/<layer>.json. Arguments after `--` go to every layer's mocha.
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
for (const layer of layers) {
  if (only && !only.includes(layer.name)) continue;
  const files = specFiles(path.join(root, 'test', layer.name));
  const output = path.join(resultsDir, `${layer.name}.json`);
  rmSync(output, { force: true });
  rmSync(path.join(resultsDir, layer.name), { recursive: true, force: true }); // failure artifacts
  if (files.length === 0) continue;
  console.log(`\n=== ${layer.name} tests ===`);
  const code = run(process.execPath, [
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
  ]);
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
