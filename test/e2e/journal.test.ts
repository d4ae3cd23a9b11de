import assert from 'node:assert/strict';
import { type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { e2eWorld } from './lib/world';
import { MARIE, PAUL } from '../../lab/sandbox/people';

type View = Record<string, { text: string; hidden: boolean; data: Record<string, string> } | null>;

describe('[e2e] the audit journal viewer in Thunderbird (PSC stub, Dovecot, the host’s journal)', function () {
  // A real session: PSC sign-in on the stub's page, then Thunderbird reads INBOX through the
  // bridge, which journals connect, authenticate, select, fetch…
  const world = e2eWorld({
    name: 'journal',
    deliver: ({ dovecot }) =>
      dovecot.deliver(
        MARIE.mailbox,
        `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Bonjour Marie\r\nMessage-ID: <journal-1@sandbox>\r\n\r\nPremier message.\r\n`,
      ),
    signIn: 'page',
    mailboxes: ['PER'],
    inboxAtLeast: 1,
  });
  let suite: ThunderbirdSuite;
  let popup: number;
  const read = (bc: number, fields: Record<string, string>) => suite.page<View>(bc, 'read', fields);

  before(function () {
    ({ suite, popup } = world);
  });

  it('[e2e] ECO.4.1.1 opens from the popup’s button in a tab, in French, and shows the INBOX reading with its action and outcome', async function () {
    this.timeout(60_000);
    await suite.page(popup, 'click', '#open-journal');
    const url = await suite.page<string>(popup, 'call', {
      api: 'runtime.getURL',
      args: ['ui/journal/journal.html'],
    });
    const journal = await waitFor('the journal tab', () => suite.tabBrowsingContext(url));
    const shown = await waitFor('the INBOX reading in the table', async () => {
      const v = await read(journal, {
        title: 'h1',
        time: 'th:first-child',
        apply: '#apply',
        select: '#rows tr[data-action="select"][data-outcome="ok"]',
        selectAction: '#rows tr[data-action="select"] td.action',
        selectRequest: '#rows tr[data-action="select"] td.request',
        selectOutcome: '#rows tr[data-action="select"] td.outcome',
        selectMailbox: '#rows tr[data-action="select"] td.mailbox',
        selectAuthor: '#rows tr[data-action="select"] td.author',
        auth: '#rows tr[data-action="authenticate"] td.request',
        login: '#rows tr[data-action="psc-login"] td.outcome',
        integrity: '#integrity',
        table: '#entries',
      });
      return v.select && v.table!.data.state === 'ready' && v;
    });
    assert.equal(shown.title!.text, 'Journal d’audit MSSanté');
    assert.equal(shown.time!.text, 'Heure locale');
    assert.equal(shown.apply!.text, 'Afficher');
    assert.equal(shown.selectAction!.text, 'Ouverture de dossier');
    assert.match(shown.selectRequest!.text, /^SELECT "?INBOX"?/i);
    assert.equal(shown.selectOutcome!.text, 'Réussie');
    assert.equal(shown.selectMailbox!.text, MARIE.mailbox);
    assert.equal(shown.selectAuthor!.text, MARIE.nationalId);
    // Credentials never reach the journal, hence not the page either.
    assert.match(shown.auth!.text, /\[redacted\]/);
    assert.equal(shown.login!.text, 'Réussie');
    assert.equal(shown.integrity!.data.state, 'ok');
    assert.match(shown.integrity!.text, /^Journal intègre/);
    await suite.saveScreenshot('journal.png');
  });

  it('[e2e] ECO.4.1.2 filters by action and by mailbox: only those entries remain', async function () {
    this.timeout(60_000);
    // Its own journal tab, whatever the test before left open.
    const journal = await suite.openPage('ui/journal/journal.html');
    await waitFor(
      'the journal entries',
      async () => (await read(journal, { table: '#entries' })).table?.data.state === 'ready',
    );
    await suite.page(journal, 'fill', { selector: '#action', value: 'select' });
    await suite.page(journal, 'click', '#apply');
    const filtered = await waitFor('only select entries', async () => {
      const v = await read(journal, {
        select: '#rows tr[data-action="select"]',
        other: '#rows tr:not([data-action="select"])',
        table: '#entries',
      });
      return v.table!.data.state === 'ready' && v.select && !v.other && v;
    });
    assert.equal(filtered.other, null);
    await suite.page(journal, 'fill', { selector: '#action', value: '' });
    await suite.page(journal, 'fill', { selector: '#mailbox', value: MARIE.mailbox });
    await suite.page(journal, 'fill', { selector: '#outcome', value: 'ok' });
    await suite.page(journal, 'click', '#apply');
    const mailbox = await waitFor('only Marie’s successful entries', async () => {
      const v = await read(journal, {
        option: `#mailbox option[value="${MARIE.mailbox}"]`,
        marie: '#rows tr[data-action="select"]',
        pscLogin: '#rows tr[data-action="psc-login"]',
        failed: '#rows tr[data-outcome="failed"]',
        table: '#entries',
      });
      return v.table!.data.state === 'ready' && v.marie && !v.pscLogin && v;
    });
    assert.equal(mailbox.option!.text, MARIE.mailbox, 'the mailbox list comes from mailbox.list');
    assert.equal(mailbox.pscLogin, null, 'PSC sign-in has no mailbox');
    assert.equal(mailbox.failed, null);
    await suite.page(journal, 'fill', { selector: '#from', value: '2000-01-01' });
    await suite.page(journal, 'fill', { selector: '#to', value: '2000-01-31' });
    await suite.page(journal, 'click', '#apply');
    const empty = await waitFor('no entry in January 2000', async () => {
      const v = await read(journal, { empty: '#empty', row: '#rows tr', table: '#entries' });
      return v.table!.data.state === 'ready' && !v.row && v;
    });
    assert.equal(empty.empty!.hidden, false);
    assert.equal(empty.empty!.text, 'Aucune entrée ne correspond à ces filtres.');
  });
});
