import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Report } from '../../../../native-host/conformance/report';
import {
  loadReportView,
  reportFiles,
  reportView,
} from '../../../../native-host/conformance/report-view';
import { handleConformanceReport } from '../../../../native-host/handlers/conformance';
import type { HostContext } from '../../../../native-host/handlers/context';
import { MssanteError } from '../../../../shared/errors/mssante-error';
import { makeResult, parseResponse } from '../../../../shared/protocol/index';
import { CONFORMANCE_CAPS } from '../../../../shared/protocol/messages/conformance';
import { syntheticReport } from '../../../fixtures/conformance-report';

const MIB = 1024 * 1024;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? error.code : `not coded: ${String(error)}`;
  }
  return 'no error';
};
/** The reply as Thunderbird would get it: the envelope, checked against the message's schema. */
const wire = (view: ReturnType<typeof reportView>) => {
  const frame = JSON.stringify(makeResult('conformance.report', 'r1', view));
  const parsed = parseResponse(JSON.parse(frame));
  assert.equal(parsed.ok, true);
  return { bytes: Buffer.byteLength(frame), parsed };
};

describe('conformance.report: the last report shaped for the add-on’s page', () => {
  const report = syntheticReport();
  const view = reportView(report, '/state/conformance/report.json');
  const row = (id: string) => view.rows.find((r) => r.id === id)!;

  it('carries the date, the versions, the profiles and the totals per status of the generator', () => {
    assert.equal(view.date, '2026-11-25T10:00:00.000Z');
    assert.equal(view.file, '/state/conformance/report.json');
    assert.deepEqual(
      view.versions.map((v) => v.name),
      ['Thunderbird', 'add-on', 'host', 'Node', 'system'],
    );
    assert.deepEqual(view.profiles, ['PER', 'ORG']);
    const { mandatoryProved, mandatoryMissing, ...totals } = report.summary;
    assert.deepEqual(view.totals, totals);
    assert.equal(view.mandatoryProved, mandatoryProved);
    assert.deepEqual(view.mandatoryMissing, mandatoryMissing);
    assert.equal(view.rows.length, report.rows.length);
    assert.equal(view.rowsOmitted, 0);
    wire(view);
  });

  it('gives each row its level, profiles, summaries, status, test count and names, e2e flag and live verdicts', () => {
    assert.deepEqual(row('ECO.1.1.1'), {
      id: 'ECO.1.1.1',
      level: 'DOIT',
      profiles: ['PER', 'ORG', 'APP'],
      fr: 'TLS 1.2 avec l’API LPS de l’opérateur',
      en: 'TLS 1.2 with the operator API LPS',
      status: 'proved',
      endToEnd: true,
      testCount: 2,
      tests: [
        {
          title: 'trust policy ECO.1.1.1 offers TLS 1.2 and nothing older',
          layer: 'unit',
          state: 'passed',
        },
        {
          title: '[e2e] mailbox [e2e] ECO.1.1.1 reads INBOX through the bridge',
          layer: 'e2e',
          state: 'passed',
        },
      ],
      live: [{ platform: 'Opérateur Exemple', status: 'proved' }],
    });
    assert.equal(row('ECO.1.3.1').status, 'not-applicable');
    assert.equal(row('ECO.2.1.3').status, 'core-only');
    assert.deepEqual(view.live, [
      {
        platform: 'Opérateur Exemple',
        date: '2026-11-25T11:00:00.000Z',
        proved: 1,
        failing: 1,
        notRun: 1,
      },
    ]);
  });

  it('puts the failing tests of a failing row first', () => {
    const failing = row('ECO.1.1.3');
    assert.equal(failing.status, 'failing');
    assert.deepEqual(
      failing.tests.map((t) => t.state),
      ['failed', 'passed'],
    );
    assert.deepEqual(failing.live, [{ platform: 'Opérateur Exemple', status: 'failing' }]);
  });

  it('caps names per row and the lengths of names and summaries, keeping the real test count', () => {
    const base = report.rows[0]!;
    const big: Report = {
      ...report,
      rows: [
        {
          ...base,
          fr: 'é'.repeat(1000),
          en: `${'a'.repeat(CONFORMANCE_CAPS.summary - 1)}😀 and more`,
          tests: Array.from({ length: 50 }, (_, i) => ({
            title: `${i} ${'x'.repeat(1000)}`,
            layer: 'unit' as const,
            state: 'passed' as const,
          })),
        },
      ],
    };
    const shaped = reportView(big, 'f').rows[0]!;
    assert.equal(shaped.testCount, 50);
    assert.equal(shaped.tests.length, CONFORMANCE_CAPS.testsPerRow);
    assert.ok(shaped.tests.every((t) => t.title.length === CONFORMANCE_CAPS.testTitle));
    assert.equal(shaped.fr.length, CONFORMANCE_CAPS.summary);
    // Never half of a surrogate pair: the emoji straddling the cap goes as a whole.
    assert.equal(shaped.en, 'a'.repeat(CONFORMANCE_CAPS.summary - 1));
  });

  it('stays under 1 MiB in the worst case: thousands of rows, each text at its cap and escaped character by character', () => {
    const nasty = (n: number) => '\u0001"\\'.repeat(Math.ceil(n / 3)).slice(0, n);
    const long = nasty(5000);
    const short = nasty(500);
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      ...report.rows[0]!,
      id: `ECO.9.${Math.floor(i / 100)}.${i % 100}`,
      status: i % 2 ? ('failing' as const) : ('proved' as const),
      fr: long,
      en: long,
      tests: Array.from({ length: 200 }, () => ({
        title: long,
        layer: 'e2e' as const,
        state: 'failed' as const,
      })),
      live: Array.from({ length: 40 }, () => ({
        platform: short,
        status: 'failing' as const,
        results: [],
      })),
    }));
    const worst: Report = {
      ...report,
      platform: long,
      versions: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${i}${short}`, long])),
      rows,
      live: Array.from({ length: 40 }, (_, i) => ({
        platform: `${i}${short}`,
        date: short,
        target: {},
        results: [],
      })),
    };
    const shaped = reportView(worst, long);
    const { bytes } = wire(shaped);
    assert.ok(bytes < MIB, `${bytes} bytes`);
    assert.ok(shaped.rowsOmitted > 0 && shaped.rows.length > 0);
    assert.equal(shaped.rows.length + shaped.rowsOmitted, 3000);
    // The totals and the DOIT verdict still count every row of the file.
    assert.equal(shaped.totals.proved, 1500);
    assert.equal(shaped.totals.failing, 1500);
    assert.equal(shaped.mandatoryProved, false);
  });

  it('leaves out (and counts) rows of the file that are not requirement rows', () => {
    const odd = {
      ...report,
      rows: [
        report.rows[0]!,
        { id: 'ECO.1.1.1', level: 'SHOULD', status: 'proved' },
        { id: '<script>', level: 'DOIT', status: 'proved' },
        { ...report.rows[1]!, status: 'great' },
        null,
      ],
    } as unknown as Report;
    const shaped = reportView(odd, 'f');
    assert.deepEqual(
      shaped.rows.map((r) => r.id),
      [report.rows[0]!.id],
    );
    assert.equal(shaped.rowsOmitted, 4);
    wire(shaped);
  });

  describe('reading the file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'conformance-view-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (sub: string, content: string) => {
      mkdirSync(path.join(dir, sub, 'conformance'), { recursive: true });
      writeFileSync(path.join(dir, sub, 'conformance', 'report.json'), content);
    };

    it('says no report was produced yet (E_CONFORMANCE_NO_REPORT) when there is none, or the file is not a report', () => {
      const files = reportFiles(path.join(dir, 'state'), path.join(dir, 'project'));
      assert.equal(
        codeOf(() => loadReportView(files)),
        'E_CONFORMANCE_NO_REPORT',
      );
      write('state', '{ not json');
      write('project', JSON.stringify({ rows: 'no' }));
      assert.equal(
        codeOf(() => loadReportView(files)),
        'E_CONFORMANCE_NO_REPORT',
      );
    });

    it('reads the state directory’s report first, else the project’s', () => {
      const files = reportFiles(path.join(dir, 'state'), path.join(dir, 'project'));
      write('project', JSON.stringify(syntheticReport(new Date('2026-01-01T00:00:00Z'))));
      assert.equal(loadReportView(files).date, '2026-01-01T00:00:00.000Z');
      write('state', JSON.stringify(syntheticReport(new Date('2025-06-01T00:00:00Z'))));
      assert.equal(loadReportView(files).date, '2025-06-01T00:00:00.000Z');
      assert.equal(loadReportView(files).file, path.join(dir, 'state/conformance/report.json'));
    });

    it('the handler reads from the host’s state directory ($MSSANTE_STATE_DIR)', async () => {
      write('state', JSON.stringify(syntheticReport()));
      const before = process.env.MSSANTE_STATE_DIR;
      process.env.MSSANTE_STATE_DIR = path.join(dir, 'state');
      try {
        const view = await handleConformanceReport({}, {} as HostContext);
        assert.equal(view.file, path.join(dir, 'state/conformance/report.json'));
        assert.equal(view.totals.proved, syntheticReport().summary.proved);
      } finally {
        if (before === undefined) delete process.env.MSSANTE_STATE_DIR;
        else process.env.MSSANTE_STATE_DIR = before;
      }
    });
  });
});
