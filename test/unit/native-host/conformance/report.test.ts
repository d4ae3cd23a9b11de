import assert from 'node:assert/strict';
import { renderHtml } from '../../../../native-host/conformance/html';
import type { LiveRun } from '../../../../native-host/conformance/live/types';
import {
  buildReport,
  mergeLive,
  resultsFromMochaJson,
} from '../../../../native-host/conformance/report';
import type { Requirement } from '../../../../shared/requirements';

const req = (
  id: string,
  level: Requirement['level'],
  profiles: Requirement['profiles'] = ['PER', 'ORG', 'APP'],
  coverage: Requirement['coverage'] = 'product',
): Requirement => ({
  id,
  level,
  profiles,
  en: `en ${id}`,
  fr: `fr ${id} <é>`,
  coverage,
});

describe('conformance report', () => {
  const requirements = [
    req('ECO.1.1.1', 'DOIT'),
    req('ECO.1.1.2', 'PEUT'),
    req('ECO.1.1.3', 'DOIT'),
    req('ECO.1.3.1', 'DOIT', ['APP']),
    req('ECO.2.2.1', 'DOIT'),
    req('ECO.2.1.3', 'DOIT', ['PER', 'ORG', 'APP'], 'core'),
  ];
  const t = (title: string, suite = 'suite') => ({ title, fullTitle: `${suite} ${title}` });
  const results = [
    ...resultsFromMochaJson('unit', {
      passes: [
        t('ECO.1.1.1 offers TLS 1.2', 'tls (ECO.2.2.1)'),
        t('ECO.2.1.3 composes the subject'),
      ],
      failures: [t('ECO.1.1.3 refuses CBC-SHA1')],
    }),
    ...resultsFromMochaJson('e2e', {
      passes: [t('[e2e] ECO.1.1.1 ECO.1.1.3 connects'), t('[e2e] ECO.1.1.2 TLS 1.3')],
    }),
  ];
  const report = buildReport({
    requirements,
    results,
    profiles: ['PER', 'ORG'],
    platform: 'sandbox',
    versions: { Node: 'v20' },
    now: new Date('2026-11-25T00:00:00Z'),
  });
  const row = (id: string) => report.rows.find((r) => r.id === id)!;

  it('marks a requirement proved when its tests pass, end to end or not', () => {
    assert.equal(row('ECO.1.1.1').status, 'proved');
    assert.equal(row('ECO.1.1.1').endToEnd, true);
    assert.deepEqual(
      row('ECO.1.1.1').tests.map((t) => t.layer),
      ['unit', 'e2e'],
    );
  });

  it('marks it failing when any of its tests failed, even if others passed', () => {
    assert.equal(row('ECO.1.1.3').status, 'failing');
  });

  it('marks it not covered without a test (an id in a suite name does not count), and not applicable outside the profiles tested', () => {
    assert.equal(row('ECO.2.2.1').status, 'not-covered');
    assert.equal(row('ECO.1.3.1').status, 'not-applicable');
  });

  it('says "logic proved, not yet in Thunderbird" when the requirement is covered by the core only', () => {
    assert.equal(row('ECO.2.1.3').status, 'core-only');
  });

  it('says which mandatory requirements are not proved (the exit code follows)', () => {
    assert.equal(report.summary.mandatoryProved, false);
    assert.deepEqual(report.summary.mandatoryMissing, ['ECO.1.1.3', 'ECO.2.2.1', 'ECO.2.1.3']);
    assert.deepEqual(
      [
        report.summary.proved,
        report.summary['core-only'],
        report.summary.failing,
        report.summary['not-covered'],
        report.summary['not-applicable'],
      ],
      [2, 1, 1, 1, 1],
    );
  });

  it('renders a bilingual page with no script and escaped text', () => {
    const html = renderHtml(report);
    assert.match(html, /Rapport de conformité/);
    assert.match(html, /Conformance report/);
    assert.match(html, /fr ECO\.1\.1\.1 &#60;é&#62;/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /3 exigence\(s\) obligatoire\(s\) non prouvée\(s\)/);
  });
});

describe('conformance report: live runs merged per platform', () => {
  const requirements = [
    req('ECO.1.1.3', 'DOIT'),
    req('ECO.1.1.5', 'DOIT'),
    req('ECO.1.2.1', 'DOIT'),
  ];
  const base = buildReport({
    requirements,
    results: resultsFromMochaJson('unit', {
      passes: [{ title: 'ECO.1.1.3 six suites', fullTitle: 'tls ECO.1.1.3 six suites' }],
    }),
    profiles: ['PER'],
    platform: 'sandbox',
    versions: {},
    now: new Date('2026-11-25T00:00:00Z'),
  });
  const live = (
    platform: string,
    results: Array<[string, string, 'proved' | 'failing' | 'not-run']>,
  ): LiveRun => ({
    platform,
    date: '2026-11-26T00:00:00.000Z',
    target: { imap: 'imap.op.test:143' },
    results: results.map(([check, id, status]) => ({
      check,
      ids: [id],
      status,
      fr: `fr ${check} <b>`,
      en: `en ${check}`,
      evidence: { code: 'E_TRUST_EXPIRED', detail: 'until <then>' },
    })),
  });
  const a = live('Opérateur A', [
    ['tls.imap', 'ECO.1.1.3', 'proved'],
    ['tls.smtp', 'ECO.1.1.3', 'failing'],
    ['tls.imap', 'ECO.1.1.5', 'proved'],
    ['xoauth2.imap', 'ECO.1.2.1', 'not-run'],
  ]);
  const merged = mergeLive(base, a);
  const row = (r: typeof merged, id: string) => r.rows.find((x) => x.id === id)!;

  it('gives each requirement the platform’s verdict: failing if any result fails, proved if one proves, else not run', () => {
    assert.deepEqual(
      merged.rows.map((r) => [r.id, r.live?.map((l) => l.status)]),
      [
        ['ECO.1.1.3', ['failing']],
        ['ECO.1.1.5', ['proved']],
        ['ECO.1.2.1', ['not-run']],
      ],
    );
    assert.deepEqual(
      row(merged, 'ECO.1.1.3').live![0]!.results.map((r) => r.check),
      ['tls.imap', 'tls.smtp'],
    );
  });

  it('keeps the rows’ status and the summary from the tests (live evidence is about a platform)', () => {
    assert.equal(row(merged, 'ECO.1.1.3').status, 'proved');
    assert.deepEqual(merged.summary, base.summary);
  });

  it('replaces a platform’s previous run and keeps the other platforms’ runs', () => {
    const b = live('Opérateur B', [['tls.imap', 'ECO.1.1.5', 'failing']]);
    const again = live('Opérateur A', [['tls.imap', 'ECO.1.1.3', 'proved']]);
    const report = mergeLive(mergeLive(merged, b), again);
    assert.deepEqual(
      report.live!.map((r) => r.platform),
      ['Opérateur B', 'Opérateur A'],
    );
    assert.deepEqual(row(report, 'ECO.1.1.3').live, [
      {
        platform: 'Opérateur A',
        status: 'proved',
        results: [
          { check: 'tls.imap', status: 'proved', fr: 'fr tls.imap <b>', en: 'en tls.imap' },
        ],
      },
    ]);
    assert.deepEqual(
      row(report, 'ECO.1.1.5').live!.map((l) => [l.platform, l.status]),
      [['Opérateur B', 'failing']],
    );
    assert.equal(row(report, 'ECO.1.2.1').live, undefined);
  });

  it('renders a live column and one section per platform with escaped findings and evidence', () => {
    const html = renderHtml(merged);
    assert.match(html, /<th>En direct<br><span class="en">Live<\/span><\/th>/);
    assert.match(html, /Vérification en direct : Opérateur A/);
    assert.match(html, /fr tls\.imap &#60;b&#62;/);
    assert.match(html, /until &#60;then&#62;/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(renderHtml(base), /En direct/);
  });
});
