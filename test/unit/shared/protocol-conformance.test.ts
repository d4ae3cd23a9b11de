import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  makeResult,
  parseRequest,
  parseResponse,
  type Result,
} from '../../../shared/protocol/index';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? error.code : `not coded: ${String(error)}`;
  }
  return 'no error';
};

const row: Result<'conformance.report'>['rows'][number] = {
  id: 'ECO.1.1.3',
  level: 'DOIT',
  profiles: ['PER', 'ORG', 'APP'],
  fr: 'Six suites',
  en: 'Six suites',
  status: 'failing',
  endToEnd: false,
  testCount: 1,
  tests: [{ title: 'trust ECO.1.1.3 refuses CBC', layer: 'unit', state: 'failed' }],
  live: [{ platform: 'Opérateur A', status: 'failing' }],
};
const result: Result<'conformance.report'> = {
  date: '2026-11-25T10:00:00.000Z',
  platform: 'local sandbox',
  file: '/x/conformance/report.json',
  versions: [{ name: 'Node', value: 'v20' }],
  profiles: ['PER'],
  totals: { proved: 0, 'core-only': 0, failing: 1, 'not-covered': 0, 'not-applicable': 0 },
  mandatoryProved: false,
  mandatoryMissing: ['ECO.1.1.3'],
  live: [{ platform: 'Opérateur A', date: '2026-11-25', proved: 0, failing: 1, notRun: 0 }],
  rows: [row],
  rowsOmitted: 0,
};
const reply = (r: unknown) =>
  JSON.parse(JSON.stringify(makeResult('conformance.report', 'c1', r as never)));

describe('shared/protocol conformance.report', () => {
  it('takes no parameters', () => {
    const parsed = parseRequest({ v: 1, id: 'c1', type: 'conformance.report', params: {} });
    assert.deepEqual(parsed.params, {});
  });

  it('accepts a report with its totals, rows, tests and live verdicts', () => {
    const parsed = parseResponse(reply(result));
    assert.equal(parsed.ok, true);
    assert.deepEqual(parsed.ok && parsed.result, result);
  });

  const refusals: Array<[string, unknown]> = [
    ['an unknown status', { ...result, rows: [{ ...row, status: 'great' }] }],
    ['an unknown level', { ...result, rows: [{ ...row, level: 'SHOULD' }] }],
    [
      'an unknown live verdict',
      { ...result, rows: [{ ...row, live: [{ platform: 'A', status: 'ok' }] }] },
    ],
    ['a negative total', { ...result, totals: { ...result.totals, proved: -1 } }],
    [
      'a test of an unknown layer',
      { ...result, rows: [{ ...row, tests: [{ title: 'x', layer: 'manual', state: 'passed' }] }] },
    ],
    ['no rows field', { ...result, rows: undefined }],
  ];
  for (const [name, bad] of refusals)
    it(`refuses a reply with ${name}: E_PROTOCOL_INVALID`, () =>
      assert.equal(
        codeOf(() => parseResponse(reply(bad))),
        'E_PROTOCOL_INVALID',
      ));
});
