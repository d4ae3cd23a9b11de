import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  COMPOSE_PANEL_VERSION,
  PANEL_MESSAGES,
  makePanelEvent,
  makePanelRequest,
  makePanelResult,
  panelDeadline,
  panelRequestIdOf,
  parsePanelMessage,
  parsePanelRequest,
} from '../../../shared/protocol/compose-panel/index';
import { VIEW } from '../../fixtures/compose-panel-view';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? error.code : `not coded: ${String(error)}`;
  }
  return 'no error';
};

describe('compose panel protocol (shared/protocol/compose-panel)', () => {
  it('writes the envelope (v, id, type) before the params, at its own version', () => {
    const text = JSON.stringify(
      makePanelRequest('receipts.toggle', 'p1', { key: 'dsn', value: true }),
    );
    assert.ok(text.startsWith(`{"v":${COMPOSE_PANEL_VERSION},"id":"p1","type":"receipts.toggle",`));
  });

  it('accepts a valid request and returns it typed', () => {
    const request = parsePanelRequest(makePanelRequest('panel.attach', 'p1', { tabId: 3 }));
    assert.equal(request.type, 'panel.attach');
    assert.deepEqual(request.params, { tabId: 3 });
  });

  const refusals: Array<[string, unknown, string]> = [
    ['a non-object', 'attach', 'E_COMPOSE_PANEL_INVALID'],
    ['the old untyped shape', { id: 1, op: 'attach', tabId: 3 }, 'E_COMPOSE_PANEL_INVALID'],
    ['no id', { v: 1, type: 'panel.attach', params: { tabId: 3 } }, 'E_COMPOSE_PANEL_INVALID'],
    [
      'another version',
      { v: 2, id: 'p', type: 'panel.attach', params: { tabId: 3 } },
      'E_COMPOSE_PANEL_VERSION',
    ],
    [
      'an unknown type',
      { v: 1, id: 'p', type: 'attach', params: {} },
      'E_COMPOSE_PANEL_UNKNOWN_TYPE',
    ],
    [
      'an inherited property as type',
      { v: 1, id: 'p', type: 'toString', params: {} },
      'E_COMPOSE_PANEL_UNKNOWN_TYPE',
    ],
    ['no params', { v: 1, id: 'p', type: 'panel.attach' }, 'E_COMPOSE_PANEL_INVALID'],
    [
      'a tab id that is no tab',
      { v: 1, id: 'p', type: 'panel.attach', params: { tabId: 0 } },
      'E_COMPOSE_PANEL_INVALID',
    ],
    [
      'a toggle outside dsn, mdn, fin',
      { v: 1, id: 'p', type: 'receipts.toggle', params: { key: 'returnReceipt', value: true } },
      'E_COMPOSE_PANEL_INVALID',
    ],
    [
      'a toggle value that is no boolean',
      { v: 1, id: 'p', type: 'receipts.toggle', params: { key: 'dsn', value: 'true' } },
      'E_COMPOSE_PANEL_INVALID',
    ],
    [
      'a NIR confirmation without sex',
      {
        v: 1,
        id: 'p',
        type: 'patient.confirmNir',
        params: {
          nir: '2850275123456',
          birthYear: 1985,
          birthMonth: 2,
          birthName: '',
          firstName: '',
        },
      },
      'E_COMPOSE_PANEL_INVALID',
    ],
    [
      'a PDF name over 255 characters',
      {
        v: 1,
        id: 'p',
        type: 'pdf.rename',
        params: { from: 'a.pdf', to: `${'x'.repeat(252)}.pdf` },
      },
      'E_COMPOSE_PANEL_INVALID',
    ],
  ];
  for (const [what, raw, code] of refusals)
    it(`refuses ${what} with ${code}`, () =>
      assert.equal(
        codeOf(() => parsePanelRequest(raw)),
        code,
      ));

  it('reads the id and type of a refused request, so the refusal reaches the right caller', () => {
    assert.deepEqual(panelRequestIdOf({ v: 9, id: 'p7', type: 'pdf.rename' }), {
      id: 'p7',
      type: 'pdf.rename',
    });
    assert.deepEqual(panelRequestIdOf(null), { id: null, type: null });
  });

  it('validates a reply’s result against its type, and a pushed view', () => {
    const reply = parsePanelMessage(makePanelResult('sender.setNil', 'p1', VIEW));
    assert.equal(reply.kind, 'reply');
    assert.deepEqual(reply.kind === 'reply' && reply.reply.ok && reply.reply.result, VIEW);
    const event = parsePanelMessage(makePanelEvent(VIEW));
    assert.deepEqual(event.kind === 'event' && event.event.data, VIEW);
  });

  it('refuses a reply or view that breaks the protocol with a coded error', () => {
    const broken = { ...VIEW, problems: [{ code: 'x', blocking: 'yes', text: 't' }] };
    assert.equal(
      codeOf(() => parsePanelMessage(makePanelResult('sender.setNil', 'p1', broken as never))),
      'E_COMPOSE_PANEL_INVALID',
    );
    assert.equal(
      codeOf(() => parsePanelMessage(makePanelEvent(broken as never))),
      'E_COMPOSE_PANEL_INVALID',
    );
    assert.equal(
      codeOf(() => parsePanelMessage({ ...makePanelEvent(VIEW), v: 2 })),
      'E_COMPOSE_PANEL_VERSION',
    );
    assert.equal(
      codeOf(() => parsePanelMessage({ kind: 'view', view: VIEW })),
      'E_COMPOSE_PANEL_INVALID',
    );
    assert.equal(
      codeOf(() =>
        parsePanelMessage({ ...makePanelResult('sender.setNil', 'p1', VIEW), type: 'x' }),
      ),
      'E_COMPOSE_PANEL_UNKNOWN_TYPE',
    );
  });

  it('gives every message a deadline, the PDF/A generation the longest', () => {
    const types = Object.keys(PANEL_MESSAGES) as Array<keyof typeof PANEL_MESSAGES>;
    for (const type of types) assert.ok(panelDeadline(type) >= 10_000, type);
    assert.equal(Math.max(...types.map(panelDeadline)), panelDeadline('pdf.attachPdfA'));
  });
});
