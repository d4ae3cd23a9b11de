import assert from 'node:assert/strict';
import { ANESTH, buildXdm, pseudoPdf } from '../../lab/fixtures/xdm/generate';
import { ORG, PAUL } from '../../lab/sandbox/people';
import { KEY, type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { mailIn } from './lib/operator-flow';
import { e2eWorld } from './lib/world';

type Read = Record<
  string,
  { text: string; hidden: boolean; data: Record<string, string>; value?: string } | null
>;
interface Focused {
  id: string;
  tag: string;
  type: string | null;
  name: string | null;
  checked: boolean | null;
  data: Record<string, string>;
  text: string;
  focusVisible: boolean;
  outlineStyle: string;
  outlineWidth: string;
}

describe('[e2e] keyboard only: adding a mailbox and sending an XDM from the compose panel, with the focus always visible', function () {
  const world = e2eWorld({
    name: 'keyboard',
    signIn: 'ciba',
    webCa: true,
    // Ctrl+Enter sends at once, as a user who turned Thunderbird's confirmation off.
    prefs: { 'mail.warn_on_send_accel_key': false },
  });
  let suite: ThunderbirdSuite;
  const read = (bc: number, selectors: Record<string, string>) =>
    suite.page<Read>(bc, 'read', selectors);
  const focused = (bc: number) => suite.page<Focused>(bc, 'focus');

  before(function () {
    ({ suite } = world);
  });

  /**
   * Presses Tab until `wanted` holds for the focused control (at most `max` presses), checking
   * on each stop that the focus is visible: :focus-visible matches and draws a solid outline.
   */
  async function tabTo(bc: number, wanted: (f: Focused) => boolean, max = 40): Promise<Focused> {
    for (let i = 0; i < max; i++) {
      await suite.keys(KEY.tab);
      const f = await focused(bc);
      if (!f || f.tag === 'body') continue;
      assert.ok(f.focusVisible, `focus visible on ${f.tag}#${f.id}`);
      assert.equal(f.outlineStyle, 'solid', `outline on ${f.tag}#${f.id}`);
      assert.notEqual(f.outlineWidth, '0px', `outline width on ${f.tag}#${f.id}`);
      if (wanted(f)) return f;
    }
    throw new Error('the control was not reached with Tab');
  }

  it('[e2e] adds an ORG mailbox on the setup page with the keyboard only: address, Enter, arrow to the type, the entity typed, Enter; the connection test passes', async function () {
    this.timeout(180_000);
    const setup = await suite.openPage('ui/setup/setup.html');
    await suite.focusTab(setup);
    const address = await tabTo(setup, (f) => f.id === 'address');
    assert.equal(address.tag, 'input');
    await suite.keys(ORG.address, KEY.enter);
    await waitFor(
      'the settings found',
      async () => !(await read(setup, { k: '#step-kind' })).k!.hidden,
      { timeoutMs: 30_000 },
    );
    const radio = await tabTo(setup, (f) => f.name === 'profile');
    assert.equal(radio.checked, true);
    // Arrow keys move through a radio group: PER → ORG.
    await suite.keys(KEY.down);
    const org = await focused(setup);
    assert.equal(org.name, 'profile');
    assert.equal(org.checked, true);
    await waitFor(
      'the entity field',
      async () => !(await read(setup, { e: '#entity-field' })).e!.hidden,
    );
    await tabTo(setup, (f) => f.id === 'entity');
    await suite.keys('Secretariat de cardiologie');
    await tabTo(setup, (f) => f.id === 'create');
    await suite.keys(KEY.enter);
    const done = await waitFor(
      'the end of the setup',
      async () => {
        const v = await read(setup, { done: '#done', error: '#setup-error-text' });
        return !v.done!.hidden && v;
      },
      { timeoutMs: 90_000 },
    );
    assert.equal(done.done!.data.done, 'ok', done.error!.text);
    await suite.closePage(setup);
  });

  it('[e2e] sends an XDM from the compose panel with the keyboard only: Enter on “attach the PDF” clears the blocker, Space asks a read receipt, Ctrl+Enter sends', async function () {
    this.timeout(180_000);
    const { identityId } = await world.account('PER');
    const agent = await suite.openPage('ui/popup/popup.html');
    const call = <T>(api: string, ...args: unknown[]) =>
      suite.page<T>(agent, 'call', { api, args });
    const body = 'Envoi au clavier seul.';
    // The user attached the XDM (the native file picker is not drivable under Xvfb): an N1
    // document whose PDF the archive embeds, not yet attached, so sending is blocked.
    const { id: tab } = await call<{ id: number }>('compose.beginNew', {
      identityId,
      isPlainText: true,
      to: [PAUL.mailbox],
      subject: 'Clavier seul',
      plainTextBody: body,
    });
    const xdm = buildXdm({ documents: [{ ...ANESTH, pdf: pseudoPdf(5000, 91) }] });
    await suite.page(agent, 'attach', {
      tabId: tab,
      name: 'IHE_XDM.ZIP',
      base64: Buffer.from(xdm).toString('base64'),
    });
    await suite.closePage(agent);
    const panel = await suite.openPage(`ui/compose-panel/panel.html?tabId=${tab}`);
    await waitFor('the blocker and the offer in the panel', async () => {
      const v = await read(panel, {
        missing: '#cp-problems li.blocking[data-code="E_COMPOSE_PDF_MISSING"]',
        offer: '#cp-pdf-actions button[data-embedded]',
      });
      return v.missing && v.offer;
    });
    await suite.focusTab(panel);
    await tabTo(panel, (f) => f.tag === 'button' && 'embedded' in f.data);
    await suite.keys(KEY.enter);
    await waitFor(
      'the blocker gone',
      async () => {
        const v = await read(panel, {
          missing: '#cp-problems li.blocking',
          ok: '#cp-no-problem',
        });
        return v.missing === null && !v.ok!.hidden;
      },
      { timeoutMs: 30_000 },
    );
    // The pressed button is gone with the new view; the focus did not fall to the page's body:
    // it is on the section that held it (patient and documents), visibly, and Tab goes on from
    // there to the receipts below.
    const kept = await focused(panel);
    assert.deepEqual([kept.tag, kept.id], ['section', 'cp-xdm']);
    assert.equal(kept.focusVisible, true);
    await tabTo(panel, (f) => f.id === 'cp-mdn', 8);
    await suite.keys(KEY.space);
    assert.equal((await focused(panel)).checked, true);
    await suite.saveScreenshot('compose-panel-keyboard.png');
    // A view pushed while the focus is on a generated button (a patient's, rebuilt with every
    // view): a file attached, then removed, each pushes one. The focus comes back to the rebuilt
    // button of the same patient, visibly, not to the page's body.
    const onPatient = await tabTo(
      panel,
      (f) => f.tag === 'button' && ('ins' in f.data || 'checkIns' in f.data),
      12,
    );
    const patientButton =
      'ins' in onPatient.data
        ? `#cp-patients button[data-ins="${onPatient.data.ins}"]`
        : `#cp-patients button[data-check-ins="${onPatient.data.checkIns}"]`;
    const focusBack = async (change: () => Promise<unknown>) => {
      // The button's value marks this very element: a rebuilt one has none.
      await suite.page(panel, 'fill', { selector: patientButton, value: 'before the view' });
      await change();
      await waitFor('the patients rebuilt by the new view', async () => {
        const v = await read(panel, { b: patientButton });
        return v.b?.value === '';
      });
      const f = await focused(panel);
      assert.deepEqual([f.tag, f.data], ['button', onPatient.data]);
      assert.equal(f.focusVisible, true);
    };
    let note = 0;
    await focusBack(async () => {
      ({ id: note } = await suite.page<{ id: number }>(panel, 'attach', {
        tabId: tab,
        name: 'note.txt',
        base64: Buffer.from('Une note.').toString('base64'),
      }));
    });
    await focusBack(() =>
      suite.page(panel, 'call', { api: 'compose.removeAttachment', args: [tab, note] }),
    );
    await suite.closePage(panel);
    // Thunderbird's own keyboard command in the compose window: Ctrl+Enter, send now.
    await suite.inWindow('msgcompose', () => suite.keys({ with: KEY.control, key: KEY.enter }));
    const raw = (await mailIn(world.operator, PAUL.mailbox, (m) => m.includes(body))).replace(
      /\r\n/g,
      '\n',
    );
    assert.match(raw, /^Disposition-Notification-To: /m);
    assert.match(raw, /^X-MSS-CODECDA: /m);
    // The XDM subject (ECO.2.1.3) replaced the typed one, and the document's PDF went with it.
    assert.match(raw, /^Subject: =\?UTF-8\?Q\?XDM\/1=2E0\/DDM\+/m);
    assert.match(raw, /^Content-Type: application\/pdf/m);
  });
});
