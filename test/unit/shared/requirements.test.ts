import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUIREMENTS } from '../../../shared/requirements';

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
    const seed = readFileSync(
      path.join(ROOT, '..', 'shared', 'seeds', '001_62bd433bc192b2a8.txt'),
      'utf8',
    );
    const inSeed = [...new Set(seed.match(/ECO\.\d+\.\d+\.\d+/g))].sort();
    assert.deepEqual(REQUIREMENTS.map((r) => r.id).sort(), inSeed);
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
