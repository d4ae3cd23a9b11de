import assert from 'node:assert/strict';
import path from 'node:path';
import { writeReport } from '../../native-host/conformance/report-file';
import type { Report } from '../../native-host/conformance/report';
import { REQUIREMENTS } from '../../shared/requirements';
import { syntheticReport } from '../fixtures/conformance-report';
import { ThunderbirdSuite, waitFor, withThunderbird } from '../../lab/thunderbird/harness';

type View = Record<string, { text: string; hidden: boolean; data: Record<string, string> } | null>;

describe('[e2e] the conformance report page in Thunderbird (a generated report in the host’s state)', function () {
  const suite = new ThunderbirdSuite({ name: 'conformance-page', locale: 'fr' });
  let report: Report;
  let page: number;
  const read = (bc: number, fields: Record<string, string>) => suite.page<View>(bc, 'read', fields);
  const row = (id: string) => `#rows tr[data-id="${id}"]`;

  withThunderbird(suite, async () => {
    // The real generator's report of synthetic test results, where the host looks first.
    report = syntheticReport(new Date());
    writeReport(path.join(suite.stateDir, 'conformance'), report);
  });

  it('[e2e] opens from the popup’s button in a tab, in French, with the totals per status and the DOIT verdict', async function () {
    this.timeout(60_000);
    const popup = await suite.openPopup();
    await waitFor(
      'the host',
      async () => (await read(popup, { s: '#state' })).s!.data.status === 'connected',
    );
    const button = await read(popup, { b: '#open-conformance' });
    assert.equal(button.b!.text.trim(), 'Rapport de conformité');
    const url = await suite.page<string>(popup, 'call', {
      api: 'runtime.getURL',
      args: ['ui/conformance/conformance.html'],
    });
    await suite.page(popup, 'click', '#open-conformance');
    await suite.closePopup();
    page = await waitFor('the conformance tab', () => suite.tabBrowsingContext(url));
    const shown = await waitFor('the report', async () => {
      const v = await read(page, {
        title: 'h1',
        report: '#report',
        meta: '#meta',
        mandatory: '#mandatory',
        proved: '#count-proved',
        failing: '#count-failing',
        coreOnly: '#count-core-only',
        notCovered: '#count-not-covered',
        notApplicable: '#count-not-applicable',
        live: '#live-runs li',
        error: '#error',
        shownCount: '#shown',
      });
      return v.report!.data.state === 'ready' && v;
    });
    const s = report.summary;
    assert.equal(shown.error!.hidden, true);
    assert.equal(shown.title!.text, 'Rapport de conformité MSSanté');
    assert.match(
      shown.meta!.text,
      /^Rapport produit le .+ · plateforme : local sandbox · profils testés : PER, ORG$/,
    );
    assert.deepEqual(
      [shown.proved, shown.failing, shown.coreOnly, shown.notCovered, shown.notApplicable].map(
        (f) => Number(f!.text),
      ),
      [s.proved, s.failing, s['core-only'], s['not-covered'], s['not-applicable']],
    );
    assert.deepEqual([s.proved, s.failing, s['not-applicable']], [3, 1, 2]);
    assert.equal(shown.mandatory!.data.state, 'missing');
    assert.equal(
      shown.mandatory!.text,
      `${s.mandatoryMissing.length} exigence(s) obligatoire(s) (DOIT) non prouvée(s) : ${s.mandatoryMissing.join(', ')}`,
    );
    assert.match(
      shown.live!.text,
      /^Opérateur Exemple \(.+\) : vérifiés 1, en échec 1, non vérifiés 1$/,
    );
    assert.equal(
      shown.shownCount!.text,
      `${REQUIREMENTS.length} exigence(s) affichée(s) sur ${REQUIREMENTS.length}`,
    );
  });

  it('[e2e] shows a proved row and a failing row with their tests, end-to-end proof and live verdicts', async function () {
    this.timeout(60_000);
    const v = await read(page, {
      proved: row('ECO.1.1.1'),
      provedStatus: `${row('ECO.1.1.1')} td.status`,
      provedLevel: `${row('ECO.1.1.1')} td.level`,
      provedSummary: `${row('ECO.1.1.1')} td.summary`,
      provedTests: `${row('ECO.1.1.1')} td.tests`,
      provedE2e: `${row('ECO.1.1.1')} td.e2e`,
      provedLive: `${row('ECO.1.1.1')} td.live li`,
      failing: row('ECO.1.1.3'),
      failingStatus: `${row('ECO.1.1.3')} td.status`,
      failingFirstTest: `${row('ECO.1.1.3')} td.tests li`,
      failingLive: `${row('ECO.1.1.3')} td.live li`,
      failingE2e: `${row('ECO.1.1.3')} td.e2e`,
      notApplicable: `${row('ECO.1.3.1')} td.status`,
    });
    assert.equal(v.proved!.data.status, 'proved');
    assert.equal(v.provedStatus!.text, 'Prouvée');
    assert.equal(v.provedLevel!.text, 'DOIT');
    assert.equal(v.provedSummary!.text, 'TLS 1.2 avec l’API LPS de l’opérateur');
    assert.match(
      v.provedTests!.text,
      /^2 test\(s\)unitaire · trust policy ECO\.1\.1\.1 offers TLS 1\.2 and nothing older.*bout en bout · \[e2e\] mailbox \[e2e\] ECO\.1\.1\.1 reads INBOX/,
    );
    assert.equal(v.provedE2e!.text, 'Oui');
    assert.equal(v.provedLive!.text, 'Opérateur Exemple : Vérifiée');
    assert.equal(v.failing!.data.status, 'failing');
    assert.equal(v.failingStatus!.text, 'En échec');
    assert.equal(v.failingFirstTest!.data.state, 'failed');
    assert.equal(
      v.failingFirstTest!.text,
      'unitaire · trust policy ECO.1.1.3 refuses a CBC-SHA1 suite',
    );
    assert.equal(v.failingLive!.text, 'Opérateur Exemple : En échec');
    assert.equal(v.failingE2e!.text, '');
    assert.equal(v.notApplicable!.text, 'Non applicable');
    await suite.saveScreenshot('conformance.png');
  });

  it('[e2e] filters by status and by level: only the matching rows remain', async function () {
    this.timeout(60_000);
    const fields = {
      shown: '#shown',
      empty: '#empty',
      r111: row('ECO.1.1.1'),
      r112: row('ECO.1.1.2'),
      r113: row('ECO.1.1.3'),
    };
    const count = (level: string) => REQUIREMENTS.filter((r) => r.level === level).length;

    await suite.page(page, 'fill', { selector: '#status', value: 'failing' });
    let v = await read(page, fields);
    assert.equal(v.shown!.text, `1 exigence(s) affichée(s) sur ${REQUIREMENTS.length}`);
    assert.deepEqual([v.r111!.hidden, v.r112!.hidden, v.r113!.hidden], [true, true, false]);

    await suite.page(page, 'fill', { selector: '#status', value: '' });
    await suite.page(page, 'fill', { selector: '#level', value: 'PEUT' });
    v = await read(page, fields);
    assert.equal(
      v.shown!.text,
      `${count('PEUT')} exigence(s) affichée(s) sur ${REQUIREMENTS.length}`,
    );
    assert.deepEqual([v.r111!.hidden, v.r112!.hidden, v.r113!.hidden], [true, false, true]);

    await suite.page(page, 'fill', { selector: '#status', value: 'proved' });
    v = await read(page, fields);
    assert.equal(v.shown!.text, `1 exigence(s) affichée(s) sur ${REQUIREMENTS.length}`);
    assert.equal(v.r112!.hidden, false);

    await suite.page(page, 'fill', { selector: '#status', value: 'failing' });
    v = await read(page, fields);
    assert.equal(v.empty!.hidden, false);
    assert.equal(v.empty!.text, 'Aucune exigence ne correspond à ces filtres.');
  });
});
