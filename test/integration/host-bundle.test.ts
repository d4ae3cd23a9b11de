import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const META = path.join(ROOT, 'dist', 'host.meta.json');

/** Packages only the lab and the tests use (devDependencies): never in what ships. */
const LAB_PACKAGES = ['oidc-provider', 'imapflow', 'nodemailer', 'mocha', 'fast-check', 'tsx'];

describe('the shipped host bundle (dist/host/mssante.mjs and its chunks) holds product code only', () => {
  let inputs: string[];
  before(() => {
    assert.ok(existsSync(META), 'node scripts/build.mjs writes dist/host.meta.json');
    const meta = JSON.parse(readFileSync(META, 'utf8')) as { inputs: Record<string, unknown> };
    inputs = Object.keys(meta.inputs);
  });

  it('takes its sources from native-host/ and shared/ only: nothing of lab/, test/, bench/ or scripts/', () => {
    // (A checkout whose node_modules is a link elsewhere names packages by that path.)
    const ours = inputs.filter((file) => !file.includes('node_modules/'));
    assert.ok(ours.some((file) => file === 'native-host/main.ts'));
    assert.deepEqual(
      ours.filter((file) => !/^(native-host|shared)\//.test(file)),
      [],
      'source files outside the product',
    );
  });

  it('bundles none of the lab’s packages (the PSC stub’s oidc-provider, the test mail clients)', () => {
    const packages = new Set(
      inputs
        .filter((file) => file.includes('node_modules/'))
        .map((file) => {
          const parts = file.slice(file.lastIndexOf('node_modules/')).split('/');
          return parts[1]!.startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1]!;
        }),
    );
    assert.deepEqual(
      LAB_PACKAGES.filter((name) => packages.has(name)),
      [],
    );
  });
});

describe('the intermediate LPS server bundle (dist/lps/mssante-lps.mjs) holds product code only', () => {
  it('takes its sources from lps-server/, native-host/ and shared/ only, and none of the lab’s packages', () => {
    const meta = path.join(ROOT, 'dist', 'lps.meta.json');
    assert.ok(existsSync(meta), 'node scripts/build.mjs writes dist/lps.meta.json');
    const inputs = Object.keys(
      (JSON.parse(readFileSync(meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs,
    );
    assert.ok(inputs.includes('lps-server/main.ts'));
    assert.deepEqual(
      inputs.filter(
        (file) =>
          !file.includes('node_modules/') && !/^(lps-server|native-host|shared)\//.test(file),
      ),
      [],
    );
    assert.deepEqual(
      LAB_PACKAGES.filter((name) => inputs.some((file) => file.includes(`node_modules/${name}/`))),
      [],
    );
  });
});
