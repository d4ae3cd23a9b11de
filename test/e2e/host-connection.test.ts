import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_INCOMING_FRAME_BYTES } from '../../native-host/messaging/limits';
import {
  hostPids,
  ROOT,
  ThunderbirdSuite,
  waitFor,
  withThunderbird,
} from '../../lab/thunderbird/harness';

const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

interface Field {
  text: string;
  hidden: boolean;
  data: Record<string, string>;
}
type PopupView = Record<
  'state' | 'host' | 'protocol' | 'addon' | 'problem' | 'code' | 'reason',
  Field
>;

const POPUP_FIELDS = {
  state: '#state',
  host: '#host-version',
  protocol: '#protocol-version',
  addon: '#addon-version',
  problem: '#problem',
  code: '#reason-code',
  reason: '#reason',
};

describe('[e2e] native host connection (Thunderbird, French UI)', function () {
  const suite = new ThunderbirdSuite({
    name: 'host-connection',
    locale: 'fr',
    // Idle event pages are suspended after this long: proves the open native port keeps ours alive.
    prefs: { 'extensions.background.idle.timeout': 2_000 },
  });
  let popup: number;
  const view = () => suite.page<PopupView>(popup, 'read', POPUP_FIELDS);
  const statusOfHost = async () => {
    const reply = await suite.page<{
      ok: boolean;
      result: { pid: number; requestsServed: number };
    }>(popup, 'sendMessage', {
      kind: 'host',
      type: 'status',
      params: {},
    });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    return reply.result;
  };

  withThunderbird(suite, async () => {
    // The same page as the toolbar popup, kept open in a tab: popups close when focus moves.
    popup = await suite.openPage('ui/popup/popup.html');
  });

  it('[e2e] the extension and the host shake hands and the popup shows the versions in French', async () => {
    const realPopup = await suite.openPopup(); // the toolbar button, clicked
    const shown = await waitFor('the popup to show "connected"', async () => {
      const v = await suite.page<PopupView>(realPopup, 'read', POPUP_FIELDS);
      return v.state.data.status === 'connected' && v;
    });
    await suite.closePopup();
    assert.equal(shown.state.text, 'Connecté');
    assert.equal(shown.host.text, `open-mssante-host ${VERSION}`);
    assert.equal(shown.protocol.text, '1');
    assert.equal(shown.addon.text, VERSION);
    assert.equal(shown.problem.hidden, true);
    const { pid } = await statusOfHost();
    assert.deepEqual(hostPids(suite), [pid], 'exactly one host, the one that answered');
  });

  it('[e2e] keeps the background and its host alive while idle (MV3 event page)', async () => {
    const before = (await statusOfHost()).pid;
    await new Promise((r) => setTimeout(r, 6_000)); // three idle timeouts
    assert.deepEqual(hostPids(suite), [before]);
    assert.equal((await view()).state.data.status, 'connected');
  });

  it('[e2e] shows "disconnected" with the reason when the host dies, then reconnects to a new host', async () => {
    const killed = (await statusOfHost()).pid;
    process.kill(killed, 'SIGKILL');
    const down = await waitFor('the popup to show "disconnected"', async () => {
      const v = await view();
      return v.state.data.status === 'disconnected' && v;
    });
    assert.equal(down.state.text, 'Déconnecté');
    assert.equal(down.problem.hidden, false);
    assert.equal(down.code.text, 'E_HOST_DISCONNECTED');
    assert.match(down.reason.text, /connexion avec l’hôte natif MSSanté a été perdue/);
    await waitFor(
      'the popup to show "connected" again',
      async () => (await view()).state.data.status === 'connected',
    );
    const { pid } = await statusOfHost();
    assert.notEqual(pid, killed);
    assert.deepEqual(hostPids(suite), [pid]);
  });

  it('[e2e] answers an oversized and a malformed frame with coded errors and keeps serving', async () => {
    const hello = {
      v: 1,
      id: 'after',
      type: 'hello',
      params: { client: { name: 'e2e', version: '1' } },
    };
    const { replies, disconnect } = await suite.page<{
      replies: Array<Record<string, any>>;
      disconnect: string | null;
    }>(popup, 'native', {
      messages: [
        {
          v: 1,
          id: 'big',
          type: 'ping',
          params: { payload: 'x'.repeat(MAX_INCOMING_FRAME_BYTES + 1) },
        },
        { v: 99, id: 'future', type: 'hello', params: hello.params },
        { v: 1, id: 'unknown', type: 'teleport', params: {} },
        { v: 1, id: 'bad-params', type: 'ping', params: { payload: 42 } },
        { hello: 'no envelope' },
        hello,
      ],
      expect: 6,
      timeoutMs: 30_000,
    });
    assert.equal(disconnect, null, 'the host stayed up');
    assert.deepEqual(
      replies.map((r) => [r.id, r.ok, r.error?.code]),
      [
        ['big', false, 'E_FRAME_TOO_LARGE'],
        ['future', false, 'E_PROTOCOL_VERSION'],
        ['unknown', false, 'E_PROTOCOL_UNKNOWN_TYPE'],
        ['bad-params', false, 'E_PROTOCOL_INVALID'],
        [null, false, 'E_PROTOCOL_INVALID'],
        ['after', true, undefined],
      ],
    );
    assert.match(replies[0]!.error.message, /dépasse la taille maximale/);
    assert.equal(replies[5]!.result.host.version, VERSION);
    // The add-on's own connection was not disturbed.
    assert.equal((await view()).state.data.status, 'connected');
  });
});
