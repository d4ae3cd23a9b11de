import assert from 'node:assert/strict';
import path from 'node:path';
import { writeReport } from '../../native-host/conformance/report-file';
import { BIO, buildXdm } from '../../lab/fixtures/xdm/generate';
import { trueCopies } from '../../lab/fixtures/pdf-copies';
import { PAUL } from '../../lab/sandbox/people';
import { type AxeReport, type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { syntheticReport } from '../fixtures/conformance-report';
import { e2eWorld } from './lib/world';

type Read = Record<string, { text: string; hidden: boolean; data: Record<string, string> } | null>;

/** The violations a page may not have: axe's "serious" and "critical" impacts. */
const blocking = (report: AxeReport) =>
  report.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** One line per violation, for the failure message and the log: rule, impact, where. */
const describeViolations = (violations: AxeReport['violations']) =>
  violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .join('\n');

describe('[e2e] accessibility: axe-core on every add-on page in Thunderbird, light and dark themes', function () {
  const world = e2eWorld({ name: 'a11y', signIn: 'ciba', mailboxes: ['PER'] });
  let suite: ThunderbirdSuite;
  let identityId: string;
  const read = (bc: number, selectors: Record<string, string>) =>
    suite.page<Read>(bc, 'read', selectors);

  before(async function () {
    this.timeout(120_000);
    ({ suite } = world);
    ({ identityId } = await world.account('PER'));
    writeReport(path.join(suite.stateDir, 'conformance'), syntheticReport(new Date()));
  });

  /** Each page, opened and brought to the state a user sees; returns its browsing context. */
  const pages: Record<string, () => Promise<number>> = {
    popup: async () => {
      const bc = await suite.openPage('ui/popup/popup.html');
      await waitFor('the popup', async () => {
        const v = await read(bc, { s: '#psc-state', m: '#mailbox-list li' });
        return v.s?.data.state === 'signed-in' && v.m !== null;
      });
      return bc;
    },
    setup: async () => {
      const bc = await suite.openPage('ui/setup/setup.html');
      await waitFor('the setup page', async () => (await read(bc, { h: 'h1' })).h?.text);
      return bc;
    },
    'compose panel': async () => {
      // A page of the add-on of its own to call the compose API from (as the compose tests do).
      const agent = await suite.openPage('ui/popup/popup.html');
      const call = <T>(api: string, ...args: unknown[]) =>
        suite.page<T>(agent, 'call', { api, args });
      const { id: tab } = await call<{ id: number }>('compose.beginNew', {
        identityId,
        isPlainText: true,
        to: [PAUL.mailbox],
        subject: 'Accessibilité',
        plainTextBody: 'Bonjour.',
      });
      const xdm = buildXdm({ documents: [BIO] });
      for (const [name, bytes] of [
        ['IHE_XDM.ZIP', xdm],
        ['bilan.pdf', (await trueCopies(xdm))[0]!.bytes],
      ] as const)
        await suite.page(agent, 'attach', {
          tabId: tab,
          name,
          base64: Buffer.from(bytes).toString('base64'),
        });
      await suite.closePage(agent);
      const bc = await suite.openPage(`ui/compose-panel/panel.html?tabId=${tab}`);
      await waitFor('the panel with the XDM', async () => {
        const v = await read(bc, { s: '#cp-status', x: '#cp-xdm' });
        return v.s?.data.mssante === 'true' && !v.x?.hidden;
      });
      return bc;
    },
    journal: async () => {
      const bc = await suite.openPage('ui/journal/journal.html');
      await waitFor('the journal', async () => {
        const v = await read(bc, { t: '#entries' });
        return v.t && v.t.data.state !== 'loading';
      });
      return bc;
    },
    conformance: async () => {
      const bc = await suite.openPage('ui/conformance/conformance.html');
      await waitFor('the report', async () => {
        const v = await read(bc, { t: '#requirements' });
        return v.t && v.t.data.state !== 'loading';
      });
      return bc;
    },
    annuaire: async () => {
      const bc = await suite.openPage('ui/annuaire/annuaire.html');
      await waitFor('the dialog', async () => (await read(bc, { s: '#offline-info' })).s?.text);
      return bc;
    },
  };

  for (const scheme of ['light', 'dark'] as const)
    for (const [name, open] of Object.entries(pages))
      it(`[e2e] the ${name} page in the ${scheme} theme has no serious or critical axe-core violation`, async function () {
        this.timeout(120_000);
        await suite.colorScheme(scheme);
        const bc = await open();
        const style = await suite.page<{ prefersDark: boolean }>(bc, 'style', {
          selector: 'body',
          props: ['color'],
        });
        assert.equal(style.prefersDark, scheme === 'dark', 'the page sees the theme');
        const report = await suite.axe(bc);
        // The figures of the closing note: every violation, whatever its impact.
        console.log(
          `      axe ${name} ${scheme}: ${JSON.stringify(report.violations.map((v) => [v.id, v.impact, v.nodes.length]))}`,
        );
        await suite.closePage(bc);
        const bad = blocking(report);
        assert.equal(bad.length, 0, describeViolations(bad));
      });
});
