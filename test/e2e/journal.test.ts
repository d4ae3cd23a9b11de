import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from '../../native-host/audit/journal';
import { type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { e2eWorld } from './lib/world';
import { MARIE, PAUL } from '../../lab/sandbox/people';

type View = Record<string, { text: string; hidden: boolean; data: Record<string, string> } | null>;

describe('[e2e] the audit journal viewer in Thunderbird (PSC stub, Dovecot, the host’s journal)', function () {
  // A real session: PSC sign-in on the stub's page, then Thunderbird reads INBOX through the
  // bridge, which journals connect, authenticate, select, fetch…
  const world = e2eWorld({
    name: 'journal',
    deliver: ({ dovecot }) => {
      dovecot.deliver(
        MARIE.mailbox,
        `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Bonjour Marie\r\nMessage-ID: <journal-1@sandbox>\r\n\r\nPremier message.\r\n`,
      );
      for (const id of ['delete', 'move', 'move-fail'])
        dovecot.deliver(
          MARIE.mailbox,
          `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: A ${id}\r\nMessage-ID: <journal-${id}@sandbox>\r\n\r\nMessage.\r\n`,
        );
    },
    signIn: 'page',
    mailboxes: ['PER'],
    inboxAtLeast: 4,
  });
  let suite: ThunderbirdSuite;
  let popup: number;
  const read = (bc: number, fields: Record<string, string>) => suite.page<View>(bc, 'read', fields);

  before(function () {
    ({ suite, popup } = world);
  });

  /** Marie's entries of the host's journal, as written (the day files under the state folder). */
  const journalEntries = (): AuditEntry[] => {
    const dir = path.join(suite.stateDir, 'audit');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n'))
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as AuditEntry)
      .filter((e) => e.mailbox === MARIE.mailbox);
  };
  /**
   * Runs a folder operation in Thunderbird's mail code (the calls its WebExtension
   * messages.delete / messages.move and its folder pane make: nsIMsgFolder.deleteMessages,
   * nsIMsgCopyService.copyMessages, createSubfolder; its File › Compact, which on IMAP is
   * EXPUNGE: nsIMsgFolder.compact), on the message of a Message-ID in INBOX.
   * Error alerts Thunderbird shows are closed (a modal alert would stop the script).
   */
  const mailOperation = (
    op: 'delete' | 'move' | 'create' | 'compact',
    messageId: string,
    folder = '',
  ) =>
    suite.marionette.chrome<string>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       const win = Services.wm.getMostRecentWindow('mail:3pane');
       if (!win.mssAlertCloser) {
         win.mssAlertCloser = { observe(subject) {
           const doc = subject.document ?? subject.ownerDocument;
           win.setTimeout(() => { try { (subject.close ? subject : doc.defaultView).close(); } catch {} }, 200);
         } };
         Services.obs.addObserver(win.mssAlertCloser, 'common-dialog-loaded');
         Services.obs.addObserver(win.mssAlertCloser, 'tabmodal-dialog-loaded');
       }
       const [account, op, messageId, folderName] = args;
       const root = MailServices.accounts.getAccount(account).incomingServer.rootFolder;
       const inbox = root.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
       if (op === 'create') {
         root.createSubfolder(folderName, null);
         for (let i = 0; i < 100 && !root.containsChildNamed(folderName); i++)
           await new Promise((r) => setTimeout(r, 200));
         return root.containsChildNamed(folderName) ? 'created' : 'not created';
       }
       if (op === 'compact')
         return new Promise((resolve) => {
           setTimeout(() => resolve('no answer'), 20000);
           inbox.compact({
             OnStartRunningUrl() {},
             OnStopRunningUrl(url, status) { resolve(status === Cr.NS_OK ? 'ok' : 'failed ' + status); },
           }, null);
         });
       let hdr = null;
       for (let i = 0; i < 50 && !hdr; i++) {
         hdr = [...inbox.messages].find((m) => m.messageId === messageId) ?? null;
         if (!hdr) { inbox.updateFolder(null); await new Promise((r) => setTimeout(r, 200)); }
       }
       if (!hdr) throw new Error('no message ' + messageId);
       return new Promise((resolve) => {
         const listener = {
           onStartCopy() {}, onProgress() {}, setMessageKey() {},
           getMessageId() { return null; },
           onStopCopy(status) { resolve(status === Cr.NS_OK ? 'ok' : 'failed ' + status); },
         };
         setTimeout(() => resolve('no answer'), 20000);
         if (op === 'delete') inbox.deleteMessages([hdr], null, true, false, listener, false);
         else MailServices.copy.copyMessages(inbox, [hdr], root.getChildNamed(folderName), true, listener, null, false);
       });`,
      [world.accounts.PER!.accountId, op, messageId, folder],
    );

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

  it('[e2e] ECO.4.1.1 ECO.4.1.2 deleting, moving and expunging a message in Thunderbird are journaled with the operator’s response, by Marie, at local time', async function () {
    this.timeout(120_000);
    const seen = journalEntries().length;
    assert.equal(await mailOperation('create', '', 'Classement'), 'created');
    assert.equal(await mailOperation('move', 'journal-move@sandbox', 'Classement'), 'ok');
    assert.equal(await mailOperation('delete', 'journal-delete@sandbox'), 'ok');
    assert.equal(await mailOperation('compact', ''), 'ok');
    const wanted = ['delete', 'move', 'expunge'];
    const entries = await waitFor(
      'the deletion, the move and the expunge in the journal',
      async () => {
        const fresh = journalEntries().slice(seen);
        return wanted.every((a) => fresh.some((e) => e.action === a)) ? fresh : undefined;
      },
    ).catch(() => journalEntries().slice(seen));
    assert.deepEqual(
      wanted.filter((a) => !entries.some((e) => e.action === a)),
      [],
      entries.map((e) => `${e.action} ${e.request} → ${e.response}`).join('\n'),
    );
    const one = (action: string) => entries.find((e) => e.action === action)!;
    const del = one('delete');
    assert.match(del.request!, /^(UID )?STORE \S+ \+FLAGS(\.SILENT)? \(?[^)]*\\Deleted/i);
    assert.equal(del.outcome, 'ok');
    assert.match(del.response!, /^OK\b/);
    const move = one('move');
    assert.match(move.request!, /^(UID )?MOVE \S+ "?Classement"?$/i);
    assert.equal(move.outcome, 'ok');
    assert.match(move.response!, /^OK\b/);
    const expunge = one('expunge');
    assert.match(expunge.request!, /^(UID )?EXPUNGE\b/i);
    assert.equal(expunge.outcome, 'ok');
    assert.match(expunge.response!, /^OK\b/);
    for (const e of [del, move, expunge]) {
      assert.equal(e.author, MARIE.nationalId);
      assert.match(e.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    }
    // The operator did it: the moved message is in Classement, the deleted one is gone.
    const subjects = await suite.folderSubjects(world.accounts.PER!.accountId, 'Classement');
    assert.deepEqual(subjects, ['A move']);
    assert.ok(!(await suite.folderSubjects(world.accounts.PER!.accountId)).includes('A delete'));
  });

  it('[e2e] ECO.4.1.2 a move the operator refuses (its folder deleted on the server behind Thunderbird’s back) is journaled as failed with the operator’s NO', async function () {
    this.timeout(120_000);
    assert.equal(await mailOperation('create', '', 'Disparu'), 'created');
    const run = spawnSync(
      'doveadm',
      ['-c', world.operator.dovecot.conf, 'mailbox', 'delete', '-u', MARIE.mailbox, 'Disparu'],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const seen = journalEntries().length;
    await mailOperation('move', 'journal-move-fail@sandbox', 'Disparu');
    const failed = await waitFor('the refused move in the journal', async () =>
      journalEntries()
        .slice(seen)
        .find((e) => e.action === 'move' && e.outcome === 'failed'),
    );
    assert.match(failed.request!, /^(UID )?MOVE \S+ "?Disparu"?$/i);
    assert.match(failed.response!, /^NO\b.*\S/);
    assert.equal(failed.author, MARIE.nationalId);
  });
});
