import assert from 'node:assert/strict';
import { servePanelPort } from '../../../extension/background/compose/port';
import { PanelClient } from '../../../extension/ui/compose-panel/client';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  makePanelEvent,
  makePanelRequest,
  makePanelResult,
  panelDeadline,
  type PanelRequest,
} from '../../../shared/protocol/compose-panel/index';
import { VIEW } from '../../fixtures/compose-panel-view';
import { FakePort, FakeTimers, tick } from './fakes';

/** The panel's end: a client over a fake port whose other end is the test. */
function panel() {
  const port = new FakePort();
  const timers = new FakeTimers();
  let n = 0;
  const views: unknown[] = [];
  const problems: MssanteError[] = [];
  const client = new PanelClient(port, {
    timers,
    newId: () => `p${++n}`,
    onView: (v) => views.push(v),
    onProblem: (e) => problems.push(e),
  });
  return { port, timers, client, views, problems };
}

/** The background's end: a served port whose other end is the test. */
function background(handle: (request: PanelRequest) => Promise<unknown>) {
  const port = new FakePort();
  let disconnected = false;
  servePanelPort(port, { locale: 'fr', handle, onDisconnect: () => (disconnected = true) });
  return { port, disconnected: () => disconnected };
}

describe('compose panel client (extension/ui/compose-panel/client)', () => {
  it('sends typed, versioned requests and resolves them with the validated view', async () => {
    const { port, client } = panel();
    const pending = client.request('receipts.toggle', { key: 'dsn', value: true });
    assert.deepEqual(port.sent, [
      { v: 1, id: 'p1', type: 'receipts.toggle', params: { key: 'dsn', value: true } },
    ]);
    port.reply(makePanelResult('receipts.toggle', 'p1', VIEW));
    assert.deepEqual(await pending, VIEW);
  });

  it('rejects a request unanswered at its deadline with E_COMPOSE_PANEL_TIMEOUT, and drops the late reply', async () => {
    const { port, timers, client, problems } = panel();
    let settled = false;
    const pending = client.request('sender.setNil', { nil: 'X' });
    void pending.catch(() => undefined).finally(() => (settled = true));
    timers.advance(panelDeadline('sender.setNil') - 1);
    await tick();
    assert.equal(settled, false);
    timers.advance(1);
    await assert.rejects(pending, { code: 'E_COMPOSE_PANEL_TIMEOUT' });
    port.reply(makePanelResult('sender.setNil', 'p1', VIEW));
    port.reply({
      v: 1,
      id: 'p1',
      type: 'sender.setNil',
      ok: false,
      error: { code: 'E_INTERNAL', message: 'late' },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(timers.pending(), []);
  });

  it('waits for a PDF/A copy longer than for a plain action', async () => {
    const { timers, client } = panel();
    let pdfa = false;
    void client
      .request('pdf.attachPdfA', {
        attachment: 'IHE_XDM.ZIP',
        entryName: 'D.XML',
        pdfName: 'x.pdf',
      })
      .catch((e: MssanteError) => (pdfa = e.code === 'E_COMPOSE_PANEL_TIMEOUT'));
    const nil = client.request('sender.setNil', { nil: '' });
    timers.advance(panelDeadline('sender.setNil'));
    await assert.rejects(nil, { code: 'E_COMPOSE_PANEL_TIMEOUT' });
    await tick();
    assert.equal(pdfa, false);
    timers.advance(panelDeadline('pdf.attachPdfA'));
    await tick();
    assert.equal(pdfa, true);
  });

  it('rejects with the background’s code and sentence', async () => {
    const { port, client } = panel();
    const pending = client.request('patient.add', { ins: '1' });
    port.reply({
      v: 1,
      id: 'p1',
      type: 'patient.add',
      ok: false,
      error: { code: 'E_COMPOSE_PATIENT_UNCHECKED', message: 'phrase' },
    });
    await assert.rejects(
      pending,
      (e: MssanteError) =>
        e.code === 'E_COMPOSE_PATIENT_UNCHECKED' && e.toWire().message === 'phrase',
    );
  });

  it('fails a request whose reply breaks the protocol with E_COMPOSE_PANEL_INVALID, without waiting', async () => {
    const { port, client, timers } = panel();
    const pending = client.request('sender.fixLabel', {});
    port.reply(makePanelResult('sender.fixLabel', 'p1', { ...VIEW, patients: 'none' } as never));
    await assert.rejects(pending, { code: 'E_COMPOSE_PANEL_INVALID' });
    assert.deepEqual(timers.pending(), []);
  });

  it('hands on pushed views once validated, and reports a broken or foreign message as a coded problem', () => {
    const { port, views, problems } = panel();
    port.reply(makePanelEvent(VIEW));
    port.reply({ kind: 'view', view: VIEW });
    port.reply({ ...makePanelEvent(VIEW), v: 2 });
    port.reply(null);
    port.reply({
      v: 1,
      id: null,
      type: null,
      ok: false,
      error: { code: 'E_COMPOSE_PANEL_INVALID', message: 'm' },
    });
    assert.deepEqual(views, [VIEW]);
    assert.deepEqual(
      problems.map((e) => e.code),
      [
        'E_COMPOSE_PANEL_INVALID',
        'E_COMPOSE_PANEL_VERSION',
        'E_COMPOSE_PANEL_INVALID',
        'E_COMPOSE_PANEL_INVALID',
      ],
    );
  });

  it('rejects everything pending, and what comes after, when the port closes', async () => {
    const { port, client, timers } = panel();
    const pending = client.request('receipts.saveDefaults', {});
    port.die();
    await assert.rejects(pending, { code: 'E_COMPOSE_PANEL_DISCONNECTED' });
    await assert.rejects(client.request('receipts.saveDefaults', {}), {
      code: 'E_COMPOSE_PANEL_DISCONNECTED',
    });
    assert.deepEqual(timers.pending(), []);
  });
});

describe('compose panel port, background end (extension/background/compose/port)', () => {
  it('hands a valid request to its handler, typed, and answers its result', async () => {
    const seen: PanelRequest[] = [];
    const { port } = background(async (request) => (seen.push(request), VIEW));
    port.reply(makePanelRequest('panel.attach', 'p1', { tabId: 7 }));
    await tick();
    assert.deepEqual(seen, [{ v: 1, id: 'p1', type: 'panel.attach', params: { tabId: 7 } }]);
    assert.deepEqual(port.sent, [makePanelResult('panel.attach', 'p1', VIEW)]);
  });

  const refusals: Array<[string, unknown, string, string | null]> = [
    ['the old untyped shape', { id: 1, op: 'attach', tabId: 7 }, 'E_COMPOSE_PANEL_INVALID', null],
    [
      'another version',
      { v: 2, id: 'p1', type: 'panel.attach', params: { tabId: 7 } },
      'E_COMPOSE_PANEL_VERSION',
      'p1',
    ],
    [
      'an unknown type',
      { v: 1, id: 'p2', type: 'view', params: {} },
      'E_COMPOSE_PANEL_UNKNOWN_TYPE',
      'p2',
    ],
    [
      'bad params',
      { v: 1, id: 'p3', type: 'receipts.toggle', params: { key: 'x', value: 1 } },
      'E_COMPOSE_PANEL_INVALID',
      'p3',
    ],
  ];
  for (const [what, raw, code, id] of refusals)
    it(`answers ${what} with ${code} in French, without calling a handler`, async () => {
      let called = false;
      const { port } = background(async () => (called = true));
      port.reply(raw);
      await tick();
      assert.equal(called, false);
      assert.equal(port.sent.length, 1);
      assert.equal(port.sent[0].ok, false);
      assert.equal(port.sent[0].id, id);
      assert.equal(port.sent[0].error.code, code);
      assert.match(port.sent[0].error.message, /panneau MSSanté|module/);
    });

  it('answers a handler’s refusal with its code, anything else thrown as E_INTERNAL', async () => {
    const { port } = background(async (request) => {
      if (request.type === 'patient.add') throw new MssanteError('E_COMPOSE_PATIENT_UNCHECKED');
      throw new TypeError('tab gone');
    });
    port.reply(makePanelRequest('patient.add', 'p1', { ins: '1' }));
    port.reply(makePanelRequest('sender.fixLabel', 'p2', {}));
    await tick();
    assert.deepEqual(
      port.sent.map((r) => [r.id, r.type, r.error.code]),
      [
        ['p1', 'patient.add', 'E_COMPOSE_PATIENT_UNCHECKED'],
        ['p2', 'sender.fixLabel', 'E_INTERNAL'],
      ],
    );
  });

  it('does not throw when the panel closed before its answer', async () => {
    const { port, disconnected } = background(async () => VIEW);
    port.reply(makePanelRequest('sender.setNil', 'p1', { nil: '' }));
    port.die();
    await tick();
    assert.equal(disconnected(), true);
    assert.deepEqual(port.sent, []);
  });

  it('serves the panel client end to end', async () => {
    const toPanel = new FakePort();
    const timers = new FakeTimers();
    const client = new PanelClient(toPanel, {
      timers,
      newId: () => 'p1',
      onView: () => undefined,
      onProblem: () => undefined,
    });
    const { port: toBackground } = background(async () => VIEW);
    const pending = client.request('panel.attach', { tabId: 7 });
    toBackground.reply(toPanel.sent[0]);
    await tick();
    toPanel.reply(toBackground.sent[0]);
    assert.deepEqual(await pending, VIEW);
  });
});
