import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUIREMENTS } from '../../../shared/requirements';

/** The requirement ids of seed 001 (ANS Référentiel #2 v1.0). */
const SEED_IDS = [
  'ECO.1.0.1',
  'ECO.1.0.2',
  'ECO.1.1.1',
  'ECO.1.1.10',
  'ECO.1.1.2',
  'ECO.1.1.3',
  'ECO.1.1.5',
  'ECO.1.1.6',
  'ECO.1.1.7',
  'ECO.1.1.9',
  'ECO.1.2.1',
  'ECO.1.2.3',
  'ECO.1.2.5',
  'ECO.1.2.6',
  'ECO.1.2.7',
  'ECO.1.3.1',
  'ECO.2.1.1',
  'ECO.2.1.2',
  'ECO.2.1.3',
  'ECO.2.1.5',
  'ECO.2.1.6',
  'ECO.2.2.1',
  'ECO.2.2.2',
  'ECO.2.2.3',
  'ECO.2.2.4',
  'ECO.2.2.5',
  'ECO.2.2.6',
  'ECO.2.2.7',
  'ECO.2.2.8',
  'ECO.2.3.1',
  'ECO.2.3.2',
  'ECO.2.4.1',
  'ECO.2.4.2',
  'ECO.2.4.3',
  'ECO.3.1.1',
  'ECO.3.1.2',
  'ECO.3.1.3',
  'ECO.3.1.4',
  'ECO.3.1.5',
  'ECO.3.1.6',
  'ECO.3.2.1',
  'ECO.3.2.2',
  'ECO.3.2.3',
  'ECO.4.1.1',
  'ECO.4.1.2',
];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(full) : e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Requirement ids that appear in test names (`it('ECO.x.y.z …')`), per file. */
function idsInTestNames(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of testFiles(path.join(ROOT, 'test'))) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/\bit\(\s*(['"`])(.*?)\1/g)) {
      for (const id of m[2]!.match(/ECO\.\d+\.\d+\.\d+/g) ?? []) {
        found.set(id, [...(found.get(id) ?? []), path.relative(ROOT, file)]);
      }
    }
  }
  return found;
}

describe('requirements list', () => {
  const tested = idsInTestNames();

  it('lists every requirement of seed 001 once, with a level, profiles and both summaries', () => {
    // The seed sits beside the repository (../shared); its ids are also recorded in SEED_IDS so
    // the check holds on a machine without it.
    const seedFile = path.join(ROOT, '..', 'shared', 'seeds', '001_62bd433bc192b2a8.txt');
    if (existsSync(seedFile)) {
      const inSeed = [
        ...new Set(readFileSync(seedFile, 'utf8').match(/ECO\.\d+\.\d+\.\d+/g)),
      ].sort();
      assert.deepEqual(inSeed, SEED_IDS, 'seed 001 changed: update SEED_IDS and REQUIREMENTS');
    }
    assert.deepEqual(REQUIREMENTS.map((r) => r.id).sort(), SEED_IDS);
    for (const r of REQUIREMENTS) {
      assert.ok(r.profiles.length > 0 && r.en && r.fr, r.id);
    }
  });

  it('has a test carrying the id of every requirement it covers', () => {
    const missing = REQUIREMENTS.filter((r) => r.coverage !== 'none' && !tested.has(r.id)).map(
      (r) => r.id,
    );
    assert.deepEqual(missing, [], `covered without a test named after them: ${missing.join(', ')}`);
  });

  it('names no requirement that does not exist in test names', () => {
    const known = new Set(REQUIREMENTS.map((r) => r.id));
    const unknown = [...tested.keys()].filter((id) => !known.has(id));
    assert.deepEqual(unknown, []);
  });
});
