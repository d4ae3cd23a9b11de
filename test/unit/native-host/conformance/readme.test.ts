import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  readmeSection,
  reportMarkdown,
  withReadmeSection,
} from '../../../../native-host/conformance/markdown';
import type { Report } from '../../../../native-host/conformance/report';
import { REQUIREMENTS } from '../../../../shared/requirements';

const root = path.resolve(import.meta.dirname, '../../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const sample = JSON.parse(
  readFileSync(path.join(root, 'docs/conformance-sample.json'), 'utf8'),
) as Report;

describe('conformance: the README says what the report says', () => {
  it('the README’s requirement table is, word for word, the kept report of the last full run', () => {
    assert.equal(readmeSection(readme), reportMarkdown(sample));
  });

  it('that report covers every requirement of shared/requirements.ts and all three layers', () => {
    assert.deepEqual(
      sample.rows.map((r) => r.id),
      REQUIREMENTS.map((r) => r.id),
    );
    const layers = new Set(sample.rows.flatMap((r) => r.tests.map((t) => t.layer)));
    assert.deepEqual([...layers].sort(), ['e2e', 'integration', 'unit']);
  });

  it('rewriting the section keeps the rest of the README and is stable', () => {
    const once = withReadmeSection(readme, sample)!;
    assert.equal(once, readme);
    assert.equal(withReadmeSection('no markers here', sample), null);
    const failing: Report = {
      ...sample,
      rows: sample.rows.map((r, i) => (i === 0 ? { ...r, status: 'failing' } : r)),
    };
    const changed = withReadmeSection(readme, failing)!;
    assert.match(
      readmeSection(changed)!,
      new RegExp(`\\| ${sample.rows[0]!.id} \\|[^\\n]*\\| failing \\|`),
    );
    assert.equal(
      changed.slice(0, changed.indexOf('<!-- conformance:begin')),
      readme.slice(0, readme.indexOf('<!-- conformance:begin')),
    );
  });
});
