import assert from 'node:assert/strict';
import {
  answerPageMessage,
  type OwnAddon,
  type PageMessage,
  senderKind,
} from '../../../extension/background/page-messages';

const OWN: OwnAddon = {
  id: 'mssante@open-mssante.fr',
  baseUrl: 'moz-extension://0b1c2d3e-aaaa-bbbb-cccc-000000000000/',
};
const POPUP = { id: OWN.id, url: `${OWN.baseUrl}ui/popup/popup.html` };
const BANNER = { id: OWN.id, url: 'imap-message://marie@127.0.0.1/INBOX#12', tab: { id: 3 } };

describe('hostile: who may talk to the background (issue 19.10)', () => {
  it('hostile: only the add-on’s own pages are pages; its banner script in a message is content; the rest is foreign', () => {
    assert.equal(senderKind(POPUP, OWN), 'page');
    assert.equal(senderKind({ ...POPUP, tab: { id: 1 } }, OWN), 'page', 'a page opened in a tab');
    assert.equal(senderKind(BANNER, OWN), 'content');
    assert.equal(senderKind({ ...POPUP, id: 'other@addon' }, OWN), 'foreign');
    assert.equal(
      senderKind(
        { id: OWN.id, url: 'moz-extension://11111111-other-uuid/ui/popup/popup.html' },
        OWN,
      ),
      'foreign',
    );
    // Prefix games: the base URL with another host, or no trailing slash match.
    assert.equal(
      senderKind({ id: OWN.id, url: OWN.baseUrl.slice(0, -1) + '.evil/x.html' }, OWN),
      'foreign',
    );
    assert.equal(senderKind({ id: OWN.id, url: 'https://attacker.example/' }, OWN), 'foreign');
    assert.equal(senderKind({ id: OWN.id }, OWN), 'foreign');
    assert.equal(senderKind(undefined, OWN), 'foreign');
  });

  it('hostile: a message to the background from a non-extension sender is refused with E_PAGE_SENDER_REFUSED and never handled', async () => {
    const handled: PageMessage[] = [];
    const handle = async (m: PageMessage) => (handled.push(m), 'state');
    for (const sender of [BANNER, { id: 'other@addon', url: POPUP.url }, undefined]) {
      const reply = await answerPageMessage({ kind: 'getState' }, sender, OWN, handle, 'en');
      assert.equal(reply.ok, false);
      assert.equal(!reply.ok && reply.error.code, 'E_PAGE_SENDER_REFUSED');
    }
    const fr = await answerPageMessage({ kind: 'pscLogout' }, BANNER, OWN, handle, 'fr');
    assert.match(!fr.ok ? fr.error.message : '', /refusée/);
    assert.deepEqual(handled, []);
    // The same message from the popup is handled; junk from the popup is a protocol error.
    assert.deepEqual(await answerPageMessage({ kind: 'getState' }, POPUP, OWN, handle, 'en'), {
      ok: true,
      result: 'state',
    });
    const junk = await answerPageMessage({ kind: 'eval' }, POPUP, OWN, handle, 'en');
    assert.equal(!junk.ok && junk.error.code, 'E_PROTOCOL_INVALID');
    assert.deepEqual(handled, [{ kind: 'getState' }]);
  });
});
