import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestOperator } from '../../lab/sandbox/operator';
import { inspectXdm } from '../../shared/domain/xdm/reader';
import { bytesSource } from '../../shared/domain/zip/source';
import { errorMessage } from '../../shared/errors/codes';
import { DEFAULT_NIL } from '../../shared/domain/mail/headers';
import {
  ANESTH,
  BIO,
  LETTRE,
  VIAL_PAUL,
  buildXdm,
  hostileCorpus,
  insWithKey,
  pseudoPdf,
} from '../../lab/fixtures/xdm/generate';
import { renderCdaPdfA } from '../../shared/domain/pdf/render';
import { n3Cda } from '../../lab/fixtures/cda-n3';
import { ADDON_ID, type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { mailIn, sendPlain } from './lib/operator-flow';
import { e2eWorld } from './lib/world';
import { LEO, MARIE, ORG, PAUL } from '../../lab/sandbox/people';

const UNKNOWN = 'inconnu@sandbox.mssante.test';

interface Part {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** A message as an operator's MTA stores it: CRLF, base64 attachments. */
function mime(headers: Record<string, string>, body: string, parts: Part[] = []): string {
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  if (parts.length === 0)
    return [...head, 'Content-Type: text/plain; charset=UTF-8', '', body, ''].join('\r\n');
  const b = 'mss-e2e-boundary';
  const lines = [
    ...head,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=UTF-8',
    '',
    body,
  ];
  for (const p of parts) {
    const b64 = Buffer.from(p.bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
    lines.push(
      `--${b}`,
      `Content-Type: ${p.type}; name="${p.name}"`,
      `Content-Disposition: attachment; filename="${p.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64,
    );
  }
  lines.push(`--${b}--`, '');
  return lines.join('\r\n');
}

const LEO_FROM = `=?UTF-8?Q?L=C3=A9o_Dupond?= <${LEO.address}>`;
const oneDoc = buildXdm({ documents: [BIO] });
const multiDoc = buildXdm({
  documents: [BIO, LETTRE, { ...ANESTH, pdf: pseudoPdf(4000, 7) }],
});
const hostile = hostileCorpus()['metadata-billion-laughs']!;

describe('[e2e] receiving MSSanté mail in Thunderbird (tags, column, banner, receipts, reports)', function () {
  let operator: TestOperator;
  let dovecot: TestOperator['dovecot'];
  let suite: ThunderbirdSuite;
  let popup: number;
  let accountKey: string;
  let identityId: string;
  let oneSubject: string;
  let multiSubject: string;

  const call = <T>(api: string, ...args: unknown[]) => suite.page<T>(popup, 'call', { api, args });
  type Header = { id: number; subject: string; tags: string[]; headerMessageId: string };
  const find = async (query: Record<string, unknown>): Promise<Header[]> =>
    (await call<{ messages: Header[] }>('messages.query', query)).messages;
  const byMessageId = async (id: string) => (await find({ headerMessageId: id }))[0];

  /** Opens a message in its own tab, as a double-click does, and returns the banner's state. */
  const openMessage = async (messageId: number) => {
    await call('messageDisplay.open', { messageId, location: 'tab', active: true });
    return waitFor(
      'the banner script to answer',
      () =>
        suite.marionette.chrome<string | null>(
          `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
           const info = tabmail.currentTabInfo;
           if (info.mode.name !== 'mailMessageTab') return null;
           const about = info.chromeBrowser.contentWindow;
           const doc = about.getMessagePaneBrowser?.()?.contentDocument;
           if (!doc || about.gMessage?.messageKey === undefined) return null;
           return doc.documentElement.dataset.mssanteBanner ?? null;`,
        ),
      { timeoutMs: 30_000, intervalMs: 300 },
    );
  };
  /**
   * Text (and data attributes) of elements of the displayed message's banner, read in its closed
   * shadow root (chrome code reaches it through openOrClosedShadowRoot; message CSS cannot).
   */
  const banner = (selectors: Record<string, string>) =>
    suite.marionette.chrome<Record<string, { text: string; data: Record<string, string> }[]>>(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       const doc = tabmail.currentTabInfo.chromeBrowser.contentWindow.getMessagePaneBrowser().contentDocument;
       const root = doc.querySelector('mssante-banner')?.openOrClosedShadowRoot;
       const out = {};
       for (const [k, s] of Object.entries(args[0]))
         out[k] = [...(root?.querySelectorAll(s) ?? [])].map((e) => ({ text: e.textContent, data: { ...e.dataset } }));
       return out;`,
      [selectors],
    );
  /** Every picture lands in test-results/screenshots; those the docs use keep their docs name. */
  const screenshot = (name: string, docsName?: string) => suite.saveScreenshot(docsName ?? name);
  /** Shows an account's INBOX in the first mail tab and returns the list's column text. */
  const listColumn = (messageIds: number[], column: string) =>
    suite.marionette.chrome<string[]>(
      `const win = Services.wm.getMostRecentWindow('mail:3pane');
       const tabmail = win.document.getElementById('tabmail');
       tabmail.switchToTab(0);
       const about3Pane = tabmail.tabInfo[0].chromeBrowser.contentWindow;
       const ext = WebExtensionPolicy.getByID(args[0]).extension;
       const hdrs = args[1].map((id) => ext.messageManager.get(id));
       if (about3Pane.gFolder?.URI !== hdrs[0].folder.URI) about3Pane.displayFolder(hdrs[0].folder.URI);
       // The view is built asynchronously: wait (bounded) until it holds every message asked for.
       const ready = () =>
         about3Pane.gFolder?.URI === hdrs[0].folder.URI &&
         about3Pane.gDBView &&
         hdrs.every((h) => about3Pane.gDBView.findIndexOfMsgHdr(h, true) >= 0);
       for (let i = 0; i < 300 && !ready(); i++) await new Promise((r) => setTimeout(r, 100));
       if (!ready()) throw new Error('the folder view never showed the messages');
       const view = about3Pane.gDBView;
       return hdrs.map((h) => view.cellTextForColumn(view.findIndexOfMsgHdr(h, true), args[2]));`,
      [ADDON_ID, messageIds, column],
    );

  // Marie's INBOX holds the messages below before Thunderbird starts; she signs in by CIBA and
  // her mailbox is bridged, its nine messages read.
  const world = e2eWorld({
    name: 'receive',
    deliver: async (operator) => {
      oneSubject = (await inspectXdm(bytesSource(oneDoc))).subject!;
      multiSubject = (await inspectXdm(bytesSource(multiDoc))).subject!;
      const deliver = (to: string, raw: string) => operator.dovecot.deliver(to, raw);
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: 'Avis cardiologique',
            'Message-ID': '<r-colleague@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:00:00 +0100',
          },
          'Bonjour Marie.',
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: LEO_FROM,
            To: MARIE.mailbox,
            Subject: 'Question sur mon traitement',
            'Message-ID': '<r-patient@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:01:00 +0100',
          },
          'Bonjour docteur.',
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: LEO_FROM,
            To: MARIE.mailbox,
            Subject: 'Merci',
            'X-MSS-MES': 'FIN',
            'Message-ID': '<r-patient-fin@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:02:00 +0100',
          },
          'Merci, bonne journée.',
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: oneSubject,
            'Message-ID': '<r-xdm-1@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:03:00 +0100',
          },
          'Résultats ci-joints.',
          [{ name: 'IHE_XDM.ZIP', type: 'application/zip', bytes: oneDoc }],
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: multiSubject,
            'Message-ID': '<r-xdm-3@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:04:00 +0100',
          },
          'Le dossier complet.',
          [{ name: 'IHE_XDM.ZIP', type: 'application/zip', bytes: multiDoc }],
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: 'Archive abîmée',
            'Message-ID': '<r-hostile@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:05:00 +0100',
          },
          'Voici une archive.',
          [{ name: 'IHE_XDM.ZIP', type: 'application/zip', bytes: hostile.bytes }],
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            // What the operator's delivery adds; Thunderbird returns an MDN without asking only
            // when Return-Path is the Disposition-Notification-To address (RFC 8098 §2.1).
            'Return-Path': `<${PAUL.mailbox}>`,
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: 'Merci de confirmer la lecture',
            'Message-ID': '<r-mdn@sandbox>',
            'Disposition-Notification-To': PAUL.mailbox,
            Date: 'Mon, 05 Jan 2026 09:06:00 +0100',
          },
          'Accusez réception, s’il vous plaît.',
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: 'Fil de discussion',
            'Message-ID': '<r-thread-1@sandbox>',
            Date: 'Mon, 05 Jan 2026 08:00:00 +0100',
          },
          'Premier message du fil.',
        ),
      );
      deliver(
        MARIE.mailbox,
        mime(
          {
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: 'Re: Fil de discussion',
            'Message-ID': '<r-thread-2@sandbox>',
            'In-Reply-To': '<r-thread-1@sandbox>',
            References: '<r-thread-1@sandbox>',
            Date: 'Mon, 05 Jan 2026 10:00:00 +0100',
          },
          'Réponse dans le fil.',
        ),
      );
      deliver(
        ORG.address,
        mime(
          {
            From: LEO_FROM,
            To: ORG.address,
            Subject: 'Rendez-vous',
            'Message-ID': '<r-org-patient@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:07:00 +0100',
          },
          'Je voudrais un rendez-vous.',
        ),
      );
    },
    // Return-Receipt-To and Disposition-Notification-To when asking for receipts (ECO.2.3.1).
    prefs: { 'mail.receipt.request_header_type': 2 },
    signIn: 'ciba',
    mailboxes: ['PER'],
    inboxAtLeast: 9,
  });
  before(function () {
    ({ operator, suite, popup } = world);
    ({ dovecot } = operator);
    ({ accountId: accountKey, identityId } = world.accounts.PER!);
  });
  afterEach(async function () {
    await suite.closeMessageTab().catch(() => undefined);
  });

  it('[e2e] ECO.3.1.1 tags the MES patients’ messages “Patient MES” (with and without X-MSS-MES: FIN), not the colleague’s', async function () {
    this.timeout(90_000);
    const tags =
      await call<Array<{ key: string; tag: string; color: string }>>('messages.tags.list');
    const tag = tags.find((t) => t.key === 'mss_patient');
    assert.deepEqual(tag && { tag: tag.tag, color: tag.color }, {
      tag: 'Patient MES',
      color: '#1B7F3B',
    });
    const tagged = await waitFor(
      'the patient tags',
      async () => {
        const patient = await byMessageId('r-patient@sandbox');
        const fin = await byMessageId('r-patient-fin@sandbox');
        return (
          patient?.tags.includes('mss_patient') &&
          fin?.tags.includes('mss_patient') && [patient, fin]
        );
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(tagged.length, 2);
    assert.deepEqual((await byMessageId('r-colleague@sandbox'))!.tags, []);
    // The list shows it: Thunderbird's Tags column holds the label.
    const colleagueId = (await byMessageId('r-colleague@sandbox'))!.id;
    const [patientTags, colleagueTags] = await waitFor(
      'the Tags column',
      async () => {
        const cells = await listColumn([tagged[0]!.id, colleagueId], 'tagsCol');
        return cells[0] === 'Patient MES' && cells;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(patientTags, 'Patient MES');
    assert.equal(colleagueTags, '');
    await screenshot('message-list-cards.png');
  });

  it('[e2e] ECO.3.1.3 the MSSanté subject column shows XDM subjects without “XDM/1.0/DDM+”; the stored message keeps it', async function () {
    this.timeout(60_000);
    const one = (await byMessageId('r-xdm-1@sandbox'))!;
    const multi = (await byMessageId('r-xdm-3@sandbox'))!;
    const colleague = (await byMessageId('r-colleague@sandbox'))!;
    const texts = await waitFor(
      'the display subjects',
      async () => {
        const t = await listColumn([one.id, multi.id, colleague.id], 'mssanteSubjectCol');
        return !t[0]!.startsWith('XDM/') && !t[1]!.startsWith('XDM/') && t;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.ok(oneSubject.startsWith('XDM/1.0/DDM+'));
    assert.deepEqual(texts, [
      oneSubject.slice('XDM/1.0/DDM+'.length),
      multiSubject.slice('XDM/1.0/DDM+'.length),
      'Avis cardiologique',
    ]);
    assert.equal(texts[1]!.startsWith('3 documents '), true);
    // The column is in the list, and nothing was rewritten: Thunderbird and the server keep the subject.
    const header = await suite.marionette.chrome<string | null>(
      `const about3Pane = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail').tabInfo[0].chromeBrowser.contentWindow;
       return about3Pane.document.querySelector('#mssanteSubjectCol')?.textContent?.trim() ?? null;`,
    );
    assert.equal(header, 'Objet MSSanté');
    // In the MSSanté folder the list is a table where the column replaces Subject.
    const layout = await suite.marionette.chrome<{ rows: string; visible: string[] }>(
      `const about3Pane = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail').tabInfo[0].chromeBrowser.contentWindow;
       const tree = about3Pane.document.getElementById('threadTree');
       return { rows: tree.getAttribute('rows'), visible: about3Pane.threadPane.columns.filter((c) => !c.hidden).map((c) => c.id) };`,
    );
    assert.equal(layout.rows, 'thread-row');
    assert.ok(layout.visible.includes('mssanteSubjectCol'), layout.visible.join());
    assert.ok(!layout.visible.includes('subjectCol'), layout.visible.join());
    assert.ok(layout.visible.includes('tagsCol'), layout.visible.join());
    await screenshot('subject-column.png', 'message-list.png');
    assert.equal((await byMessageId('r-xdm-1@sandbox'))!.subject, oneSubject);
    assert.ok(dovecot.readMailbox(MARIE.mailbox).some((m) => m.includes(`Subject: ${oneSubject}`)));
  });

  type Shown = {
    key: number;
    header: string | null;
    title: string;
    tabTitle: string | null;
    windowTitle: string | null;
  };
  /**
   * Waits until a display (`pane`: the 3-pane's, `tab`: the current message tab, `window`: a
   * message window) shows `messageId` with its header pane filled in, and returns what it shows:
   * the header pane's subject row, the about:message title, the tab's and the window's title.
   */
  const shownIn = (where: 'pane' | 'tab' | 'window', messageId: number) =>
    waitFor(
      `the message shown (${where})`,
      () =>
        suite.marionette.chrome<Shown | null>(
          `const [where, addonId, messageId] = args;
           const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
           const key = WebExtensionPolicy.getByID(addonId).extension.messageManager.get(messageId).messageKey;
           const messageWindow = Services.wm.getMostRecentWindow('mail:messageWindow');
           const about = where === 'pane'
             ? tabmail.tabInfo[0].chromeBrowser.contentWindow.messageBrowser.contentWindow
             : where === 'tab'
               ? tabmail.currentTabInfo.chromeBrowser.contentWindow
               : messageWindow?.messageBrowser.contentWindow;
           const header = about?.document.getElementById('expandedsubjectBox')?.value?.textContent;
           if (about?.gMessage?.messageKey !== key || !header) return null;
           return {
             key,
             header,
             title: about.document.title,
             tabTitle: where === 'tab' ? tabmail.currentTabInfo.title : null,
             windowTitle: where === 'window' ? messageWindow.document.title : null,
           };`,
          [where, ADDON_ID, messageId],
        ),
      { timeoutMs: 30_000, intervalMs: 300 },
    );
  const cleaned = (subject: string) => subject.slice('XDM/1.0/DDM+'.length);

  it('[e2e] ECO.3.1.3 the 3-pane’s message header shows XDM subjects without “XDM/1.0/DDM+”, message after message', async function () {
    this.timeout(90_000);
    const one = (await byMessageId('r-xdm-1@sandbox'))!;
    const multi = (await byMessageId('r-xdm-3@sandbox'))!;
    const colleague = (await byMessageId('r-colleague@sandbox'))!;
    await listColumn([one.id], 'mssanteSubjectCol'); // shows the INBOX in the mail tab
    const [mailTab] = await call<Array<{ id: number }>>('mailTabs.query', {});
    const select = async (id: number) => {
      await call('mailTabs.setSelectedMessages', mailTab!.id, [id]);
      return shownIn('pane', id);
    };
    const first = await select(one.id);
    assert.equal(first.header, cleaned(oneSubject));
    await screenshot('header-subject.png');
    assert.equal((await select(colleague.id)).header, 'Avis cardiologique');
    const third = await select(multi.id);
    assert.equal(third.header, cleaned(multiSubject));
    assert.equal(third.title, cleaned(multiSubject));
    assert.equal((await select(one.id)).header, cleaned(oneSubject));
  });

  it('[e2e] ECO.3.1.3 an XDM message opened in a tab or in a window shows its subject without “XDM/1.0/DDM+” in the header and the tab or window title', async function () {
    this.timeout(90_000);
    const one = (await byMessageId('r-xdm-1@sandbox'))!;
    const multi = (await byMessageId('r-xdm-3@sandbox'))!;
    await call('messageDisplay.open', { messageId: one.id, location: 'tab', active: true });
    const tab = await shownIn('tab', one.id);
    assert.equal(tab.header, cleaned(oneSubject));
    const tabTitle = await waitFor('the tab title', async () => {
      const t = await shownIn('tab', one.id);
      return t.tabTitle === cleaned(oneSubject) && t.tabTitle;
    });
    assert.equal(tabTitle, cleaned(oneSubject));
    await screenshot('message-tab-subject.png');
    await suite.closeMessageTab();
    await call('messageDisplay.open', { messageId: multi.id, location: 'window' });
    try {
      const win = await shownIn('window', multi.id);
      assert.equal(win.header, cleaned(multiSubject));
      const title = await waitFor('the window title', async () => {
        const w = await shownIn('window', multi.id);
        return w.windowTitle?.startsWith(cleaned(multiSubject)) && w.windowTitle;
      });
      assert.ok(!title.includes('XDM/1.0/DDM+'), title);
    } finally {
      await suite.marionette.chrome(
        `for (const w of Services.wm.getEnumerator('mail:messageWindow')) w.close();
         return true;`,
      );
    }
  });

  it('[e2e] ECO.3.1.3 the cards view, the new-mail notification’s text and the file name “Save as” proposes show XDM subjects without “XDM/1.0/DDM+”', async function () {
    this.timeout(90_000);
    const one = (await byMessageId('r-xdm-1@sandbox'))!;
    const colleague = (await byMessageId('r-colleague@sandbox'))!;
    await listColumn([one.id, colleague.id], 'mssanteSubjectCol'); // the INBOX in the mail tab
    // Cards: the user picks the cards view (Thunderbird's View > Message list > Cards).
    const cards = await suite.marionette.chrome<{ rows: string; subjects: string[] }>(
      `const [addonId, ids] = args;
       const pref = 'mail.threadpane.listview';
       const before = Services.prefs.prefHasUserValue(pref) ? Services.prefs.getIntPref(pref) : null;
       const win = Services.wm.getMostRecentWindow('mail:3pane');
       win.focus();
       const about3Pane = win.document.getElementById('tabmail').tabInfo[0].chromeBrowser.contentWindow;
       const tree = about3Pane.document.getElementById('threadTree');
       const ext = WebExtensionPolicy.getByID(addonId).extension;
       try {
         Services.prefs.setIntPref(pref, 0);
         for (let i = 0; i < 100 && tree.getAttribute('rows') !== 'thread-card'; i++)
           await new Promise((r) => setTimeout(r, 100));
         const subjects = [];
         for (const id of ids) {
           const index = about3Pane.gDBView.findIndexOfMsgHdr(ext.messageManager.get(id), true);
           tree.scrollToIndex(index, true);
           let row = null;
           for (let i = 0; i < 100 && !row?.subjectLine?.textContent; i++) {
             if (i === 30) tree.invalidate(); // rows are redrawn on the next frame
             await new Promise((r) => setTimeout(r, 100));
             row = tree.getRowAtIndex(index);
           }
           if (!row?.subjectLine) throw new Error('no card at ' + index + ': ' + row?.localName);
           subjects.push(row.subjectLine.textContent + ' | ' + row.subjectLine.title);
         }
         return { rows: tree.getAttribute('rows'), subjects };
       } finally {
         if (before === null) Services.prefs.clearUserPref(pref);
         else Services.prefs.setIntPref(pref, before);
       }`,
      [ADDON_ID, [one.id, colleague.id]],
    );
    assert.equal(cards.rows, 'thread-card');
    assert.deepEqual(cards.subjects, [
      `${cleaned(oneSubject)} | ${cleaned(oneSubject)}`,
      'Avis cardiologique | Avis cardiologique',
    ]);
    // The new-mail notification's text, as Thunderbird builds it for the first new message.
    const alertText = await suite.marionette.chrome<string>(
      `const { MailNotificationManager } = ChromeUtils.importESModule('resource:///modules/MailNotificationManager.sys.mjs');
       // 153 exports the manager; 140 its class, whose instance (an XPCOM service that XPConnect
       // does not unwrap) inherits _getAlertBody from the prototype: one made the same way.
       const manager = typeof MailNotificationManager === 'function'
         ? Object.assign(Object.create(MailNotificationManager.prototype), {
             _bundle: Services.strings.createBundle('chrome://messenger/locale/messenger.properties'),
           })
         : MailNotificationManager;
       const hdr = WebExtensionPolicy.getByID(args[0]).extension.messageManager.get(args[1]);
       return manager._getAlertBody(hdr.folder, hdr);`,
      [ADDON_ID, one.id],
    );
    assert.ok(alertText.startsWith(cleaned(oneSubject)), alertText);
    assert.doesNotMatch(alertText, /XDM\/1\.0\/DDM\+/);
    // "Save as": the file name Thunderbird proposes (mailCommands.js SaveAsFile), in the 3-pane
    // window and in a message window.
    await call('messageDisplay.open', { messageId: one.id, location: 'window' });
    try {
      await shownIn('window', one.id);
      const names = await suite.marionette.chrome<string[]>(
        `const hdr = WebExtensionPolicy.getByID(args[0]).extension.messageManager.get(args[1]);
         return ['mail:3pane', 'mail:messageWindow'].map((type) => {
           const win = Services.wm.getMostRecentWindow(type);
           return win.GenerateValidFilename(win.GenerateFilenameFromMsgHdr(hdr), '.eml');
         });`,
        [ADDON_ID, one.id],
      );
      for (const name of names) {
        assert.ok(name.startsWith(cleaned(oneSubject).replace(/\//g, '_').slice(0, 20)), name);
        assert.doesNotMatch(name, /^XDM/);
        assert.match(name, /\.eml$/);
      }
    } finally {
      await suite.marionette.chrome(
        `for (const w of Services.wm.getEnumerator('mail:messageWindow')) w.close();
         return true;`,
      );
    }
  });

  it('[e2e] ECO.3.1.3 printing an XDM message: the print preview’s header shows its subject without “XDM/1.0/DDM+”', async function () {
    this.timeout(90_000);
    const one = (await byMessageId('r-xdm-1@sandbox'))!;
    await listColumn([one.id], 'mssanteSubjectCol'); // the INBOX in the mail tab
    const [mailTab] = await call<Array<{ id: number }>>('mailTabs.query', {});
    await call('mailTabs.setSelectedMessages', mailTab!.id, [one.id]);
    await shownIn('pane', one.id);
    // File > Print on the displayed message; the preview is a static clone of what is printed.
    const previewHeader = await suite.marionette.chrome<string[]>(
      `const win = Services.wm.getMostRecentWindow('mail:3pane');
       const about = win.document.getElementById('tabmail').tabInfo[0].chromeBrowser.contentWindow.messageBrowser.contentWindow;
       for (let i = 0; i < 100 && about.getMessagePaneBrowser().contentDocument?.readyState !== 'complete'; i++)
         await new Promise((r) => setTimeout(r, 100));
       about.commandController.doCommand('cmd_print');
       // The preview browsers sit in the window's print preview stack (printUtils.js).
       const previews = () => [...win.document.querySelectorAll('browser.printPreviewBrowser')]
         .map((b) => b.contentDocument)
         .filter((doc) => doc?.querySelector('table.moz-main-header'));
       for (let i = 0; i < 150 && previews().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
       const found = previews().map((doc) => [...doc.querySelectorAll('table.moz-main-header td')].map((td) => td.textContent).join(' | '));
       for (const b of win.document.querySelectorAll('browser.printSettingsBrowser')) b.contentWindow?.close();
       return found;`,
    );
    assert.ok(previewHeader.length > 0, 'a print preview of the message');
    for (const header of previewHeader) {
      assert.ok(header.includes(cleaned(oneSubject)), header);
      assert.doesNotMatch(header, /XDM\/1\.0\/DDM\+/);
    }
  });

  it('[e2e] ECO.3.1.3 the stored message and a reply keep “XDM/1.0/DDM+”; a non-XDM subject and a non-MSSanté account’s XDM message are left alone', async function () {
    this.timeout(90_000);
    const one = (await byMessageId('r-xdm-1@sandbox'))!;
    // Displayed without the prefix above; Thunderbird's database and the server keep it.
    assert.equal(one.subject, oneSubject);
    const stored = await suite.marionette.chrome<string>(
      `return WebExtensionPolicy.getByID(args[0]).extension.messageManager.get(args[1]).mime2DecodedSubject;`,
      [ADDON_ID, one.id],
    );
    assert.equal(stored, oneSubject);
    assert.ok(dovecot.readMailbox(MARIE.mailbox).some((m) => m.includes(`Subject: ${oneSubject}`)));
    // A reply answers the stored subject (the Référentiel says nothing of replies' subjects).
    const reply = await call<{ id: number }>('compose.beginReply', one.id, 'replyToSender');
    try {
      const details = await call<{ subject: string }>('compose.getComposeDetails', reply.id);
      assert.equal(details.subject, `Re: ${oneSubject}`);
    } finally {
      await suite.closeComposeWindows();
    }
    // A message of Local Folders (not an MSSanté account) with the prefix, even with a
    // display subject set, is shown as Thunderbird stores it.
    const localId = await suite.addLocalMessage(
      'XDM local',
      mime(
        {
          From: `Paul DURAND <${PAUL.mailbox}>`,
          To: MARIE.mailbox,
          Subject: oneSubject,
          'Message-ID': '<r-xdm-local@sandbox>',
          Date: 'Mon, 05 Jan 2026 09:08:00 +0100',
        },
        'Hors MSSanté.',
      ),
    );
    await call('mssanteReceive.setDisplaySubject', localId, cleaned(oneSubject));
    await call('messageDisplay.open', { messageId: localId, location: 'tab', active: true });
    const local = await shownIn('tab', localId);
    assert.equal(local.header, oneSubject);
    assert.equal(local.title, oneSubject);
    await suite.closeMessageTab();
    const colleague = (await byMessageId('r-colleague@sandbox'))!;
    await call('messageDisplay.open', { messageId: colleague.id, location: 'tab', active: true });
    const plain = await shownIn('tab', colleague.id);
    assert.deepEqual([plain.header, plain.title], ['Avis cardiologique', 'Avis cardiologique']);
  });

  it('[e2e] ECO.3.1.2 a patient’s message shows a banner with the birth name, first name and INS from the From', async function () {
    this.timeout(60_000);
    const message = (await byMessageId('r-patient@sandbox'))!;
    assert.equal(await openMessage(message.id), 'shown');
    const b = await banner({
      title: '#mss-patient strong',
      fields: '#mss-patient .mss-field',
    });
    assert.equal(b.title![0]!.text, 'Message d’un patient (Mon espace santé)');
    assert.deepEqual(
      b.fields!.map((f) => f.text),
      ['Nom de naissance : Dupond', 'Prénom : Léo', 'INS : 279035121518989'],
    );
    await screenshot('patient-message.png', 'patient-message.png');
  });

  it('[e2e] a patient’s banner is one region, and a screen reader announces its patient line at once (the group is named by the whole sentence)', async function () {
    this.timeout(60_000);
    const message = (await byMessageId('r-patient@sandbox'))!;
    assert.equal(await openMessage(message.id), 'shown');
    // What assistive technology gets: Gecko's accessibility tree for the closed shadow root.
    const tree = await suite.marionette.chrome<Record<string, { role: string; name: string }>>(
      `const service = Cc['@mozilla.org/accessibilityService;1'].getService(Ci.nsIAccessibilityService);
       const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       const doc = tabmail.currentTabInfo.chromeBrowser.contentWindow.getMessagePaneBrowser().contentDocument;
       const root = doc.querySelector('mssante-banner').openOrClosedShadowRoot;
       const out = {};
       for (const [k, s] of Object.entries({ banner: '#mssante-banner', patient: '#mss-patient' })) {
         let acc = null;
         for (let i = 0; i < 50 && !acc; i++) {
           acc = service.getAccessibleFor(root.querySelector(s));
           if (!acc) await new Promise((r) => setTimeout(r, 100));
         }
         out[k] = { role: service.getStringRole(acc.role), name: acc.name };
       }
       return out;`,
    );
    assert.deepEqual(tree.banner, { role: 'region', name: 'Bandeau MSSanté' });
    assert.deepEqual(tree.patient, {
      role: 'grouping',
      name: 'Message d’un patient : nom de naissance Dupond, prénom Léo, INS 279035121518989',
    });
  });

  it('[e2e] ECO.3.1.2 a colleague’s plain message shows no banner', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('r-colleague@sandbox'))!.id), 'none');
  });

  it('[e2e] a patient’s message with an XDM attachment in another account (Local Folders) gets no banner, and its attachment is never read', async function () {
    this.timeout(60_000);
    const outside = { ...VIAL_PAUL, ins: insWithKey('2900175123456'), birthName: 'HORSCOMPTE' };
    const localId = await suite.addLocalMessage(
      'XDM local',
      mime(
        {
          From: LEO_FROM,
          To: MARIE.mailbox,
          Subject: 'Hors compte MSSanté',
          'Message-ID': '<r-local-xdm@sandbox>',
          Date: 'Mon, 05 Jan 2026 09:09:00 +0100',
        },
        'Une archive dans un autre compte.',
        [
          {
            name: 'IHE_XDM.ZIP',
            type: 'application/zip',
            bytes: buildXdm({ patient: outside, documents: [BIO] }),
          },
        ],
      ),
    );
    // The same From in the MSSanté account shows the patient banner (ECO.3.1.2 test above).
    assert.equal(await openMessage(localId), 'none');
    const stored = await call<Record<string, Array<{ ins: string }>>>(
      'storage.local.get',
      'patients.known',
    );
    assert.ok(
      !(stored['patients.known'] ?? []).some((p) => p.ins === outside.ins),
      'the XDM of another account was read',
    );
  });

  it('[e2e] ECO.3.1.3 ECO.2.1.2 ECO.3.1.2 an XDM attachment is summarised: patient, INS qualified, each document’s type, date and code', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('r-xdm-3@sandbox'))!.id), 'shown');
    const b = await banner({
      subject: '#mss-subject',
      fields: '.mss-xdm .mss-field',
      ins: '.mss-xdm .mss-ins-status',
      docs: '.mss-document',
      pdf: '.mss-document .mss-open-pdf',
    });
    assert.equal(b.subject![0]!.text, multiSubject.slice('XDM/1.0/DDM+'.length));
    const fields = b.fields!.map((f) => f.text);
    assert.ok(fields.includes('Nom de naissance : VIAL'), fields.join(' | '));
    assert.ok(fields.includes(`INS : ${VIAL_PAUL.ins}`), fields.join(' | '));
    assert.equal(b.ins![0]!.text, 'INS qualifiée');
    assert.deepEqual(
      b.docs!.map((d) => d.text.replace(/ Ouvrir le PDF$/, '')),
      [
        "CR d'examens biologiques — 02/08/2015 — 11502-2",
        "Lettre de liaison à la sortie d'un établissement de soins — 02/08/2015 — 34133-9",
        "CR d'anesthésie — 02/08/2015 — 34812-8",
      ],
    );
    assert.equal(b.pdf!.length, 1, 'only the N1 document has a PDF to open');
    await screenshot('xdm-summary.png', 'xdm-summary.png');
  });

  it('[e2e] ECO.3.1.5 the patients who wrote (MES) and those of the XDMs shown become known patients for the compose window’s picker', async function () {
    this.timeout(60_000);
    // An XDM shown (its banner summarises it), whatever the tests before opened.
    assert.equal(await openMessage((await byMessageId('r-xdm-3@sandbox'))!.id), 'shown');
    const known = await waitFor('the known patients', async () => {
      const stored = await call<
        Record<
          string,
          Array<{ ins: string; qualified: boolean; source: string; birthName?: string }>
        >
      >('storage.local.get', 'patients.known');
      const list = stored['patients.known'] ?? [];
      return list.some((p) => p.source === 'xdm') && list.some((p) => p.source === 'mes') && list;
    });
    const leo = known.find((p) => p.ins === LEO.address.split('@')[0])!;
    // A From is whatever the sender wrote: the patient is offered, its INS not qualified (19.4).
    assert.deepEqual([leo.birthName, leo.qualified, leo.source], ['DUPOND', false, 'mes']);
    const vial = known.find((p) => p.ins === VIAL_PAUL.ins)!;
    assert.deepEqual([vial.birthName, vial.qualified, vial.source], ['VIAL', true, 'xdm']);
  });

  it('[e2e] ECO.2.1.1 the banner opens the PDF embedded in an N1 document of the XDM', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('r-xdm-3@sandbox'))!.id), 'shown');
    await suite.marionette.chrome(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       tabmail.currentTabInfo.chromeBrowser.contentWindow.getMessagePaneBrowser().contentDocument
         .querySelector('mssante-banner').openOrClosedShadowRoot.querySelector('.mss-document[data-level="N1"] .mss-open-pdf').click();
       return true;`,
    );
    const opened = await waitFor('a tab with the PDF', () =>
      suite.marionette.chrome<string | null>(
        `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
         for (const info of tabmail.tabInfo) {
           const spec = info.browser?.currentURI?.spec ?? '';
           if (spec.startsWith('blob:moz-extension://') && info.browser.documentContentType) return info.browser.documentContentType;
         }
         return null;`,
      ),
    );
    assert.equal(opened, 'application/pdf');
  });

  it('[e2e] ECO.2.1.1 ECO.2.1.6 ECO.3.1.2 the banner opens the separate PDF/A attachment named after an N3 document of the XDM', async function () {
    this.timeout(90_000);
    const cda = n3Cda({ doc: BIO });
    const xdm = buildXdm({ documents: [{ ...BIO, rawXml: cda }] });
    const inspection = await inspectXdm(bytesSource(xdm));
    const pdfName = inspection.documents[0]!.pdfName!;
    const fonts = path.resolve('node_modules/dejavu-fonts-ttf/ttf');
    const pdf = await renderCdaPdfA(new TextEncoder().encode(cda), {
      fonts: {
        regular: readFileSync(path.join(fonts, 'DejaVuSans.ttf')),
        bold: readFileSync(path.join(fonts, 'DejaVuSans-Bold.ttf')),
      },
      now: new Date(),
    });
    dovecot.deliver(
      MARIE.mailbox,
      mime(
        {
          From: `Paul DURAND <${PAUL.mailbox}>`,
          To: MARIE.mailbox,
          Subject: inspection.subject!,
          'Message-ID': '<r-xdm-pdfa@sandbox>',
          Date: 'Tue, 06 Jan 2026 10:00:00 +0100',
        },
        'Compte rendu et sa copie PDF/A.',
        [
          { name: 'IHE_XDM.ZIP', type: 'application/zip', bytes: xdm },
          { name: pdfName, type: 'application/pdf', bytes: pdf },
        ],
      ),
    );
    const message = await waitFor(
      'the message with the XDM and its PDF/A',
      async () => {
        await suite.folderSubjects(accountKey);
        return byMessageId('r-xdm-pdfa@sandbox');
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(await openMessage(message.id), 'shown');
    const b = await banner({ pdf: '.mss-document[data-level="N3"] .mss-open-pdf' });
    assert.equal(b.pdf!.length, 1, 'the N3 document has its PDF to open');
    await suite.marionette.chrome(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       tabmail.currentTabInfo.chromeBrowser.contentWindow.getMessagePaneBrowser().contentDocument
         .querySelector('mssante-banner').openOrClosedShadowRoot.querySelector('.mss-document[data-level="N3"] .mss-open-pdf').click();
       return true;`,
    );
    const opened = await waitFor('a tab showing the PDF attachment', () =>
      suite.marionette.chrome<{ spec: string; type: string } | null>(
        `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
         for (const info of tabmail.tabInfo) {
           const spec = info.browser?.currentURI?.spec ?? '';
           const type = info.browser?.documentContentType;
           if (!spec.startsWith('blob:') && type === 'application/pdf') return { spec, type };
         }
         return null;`,
      ),
    );
    // The message's own attachment (its MIME part), not a copy made by the add-on.
    assert.match(opened.spec, /^(imap|mailbox|imap-message):/);
    assert.match(decodeURIComponent(opened.spec), /part=1\.3/);
    // Leave no viewer tab behind for the next tests.
    await suite.marionette.chrome(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       for (const info of [...tabmail.tabInfo])
         if (info.browser?.currentURI?.spec === args[0]) tabmail.closeTab(info);
       return true;`,
      [opened.spec],
    );
  });

  it('[e2e] ECO.3.1.2 the banner saves the XDM archive where the user chooses: the file is the attached archive, byte for byte', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('r-xdm-3@sandbox'))!.id), 'shown');
    const target = path.join(suite.home, 'IHE_XDM-saved.ZIP');
    await suite.answerFilePicker(target); // the save dialog the downloads API opens
    await suite.marionette.chrome(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       tabmail.currentTabInfo.chromeBrowser.contentWindow.getMessagePaneBrowser().contentDocument
         .querySelector('mssante-banner').openOrClosedShadowRoot.querySelector('.mss-save-archive').click();
       return true;`,
    );
    const saved = await waitFor(
      'the saved archive',
      async () =>
        existsSync(target) && readFileSync(target).length === multiDoc.length
          ? readFileSync(target)
          : null,
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(new Uint8Array(saved), multiDoc);
  });

  it('[e2e] a hostile XDM attachment gets a clear warning with the code’s sentence, and no crash', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('r-hostile@sandbox'))!.id), 'shown');
    const b = await banner({ warning: '.mss-warning', message: '.mss-warning .mss-message' });
    assert.equal(b.warning![0]!.data.code, hostile.code);
    assert.equal(b.message![0]!.text, `${errorMessage(hostile.code, 'fr')} (${hostile.code})`);
    await screenshot('xdm-hostile.png');
  });

  it('[e2e] ECO.3.1.6 ECO.2.4.3 returns the MDN a message asks for once it is displayed: it arrives in the sender’s mailbox with X-MSS-NIL, which the bridge added', async function () {
    this.timeout(90_000);
    const before = dovecot
      .readMailbox(PAUL.mailbox)
      .filter((m) => m.includes('disposition-notification')).length;
    assert.equal(before, 0);
    await openMessage((await byMessageId('r-mdn@sandbox'))!.id);
    const mdn = await mailIn(
      operator,
      PAUL.mailbox,
      (m) => /report-type=disposition-notification/.test(m) && m.includes('<r-mdn@sandbox>'),
    );
    assert.match(mdn, /^Disposition: .*displayed/m);
    assert.match(mdn, /^Original-Message-ID: <r-mdn@sandbox>/m);
    assert.match(mdn, new RegExp(`^Final-Recipient: rfc822;\\s*${MARIE.mailbox}`, 'm'));
    // Thunderbird's MDN generator sets no custom header: the SMTP bridge adds the product
    // reference of config.json (the sandbox's host config sets none: DEFAULT_NIL).
    assert.deepEqual(mdn.match(/^X-MSS-NIL:.*$/gim), [`X-MSS-NIL: ${DEFAULT_NIL}`]);
  });

  it('[e2e] a message sent to an unknown mailbox is bounced by the operator’s MTA: the sent message is tagged “Non remis” and its banner names the recipient and the cause', async function () {
    this.timeout(120_000);
    await sendPlain(suite, popup, {
      identityId,
      to: [UNKNOWN],
      subject: 'Pour un inconnu',
      body: 'Ce message ne sera pas remis.',
    });
    await mailIn(operator, MARIE.mailbox, (m) => m.includes(`Final-Recipient: rfc822; ${UNKNOWN}`));
    const sent = await waitFor(
      'the sent message tagged as not delivered',
      async () => {
        await suite.folderSubjects(accountKey);
        await suite.folderSubjects(accountKey, 'Sent');
        const m = (await find({ accountId: accountKey, subject: 'Pour un inconnu' }))[0];
        return m?.tags.includes('mss_failed') && m;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(await openMessage(sent.id), 'shown');
    const b = await banner({ delivery: '#mss-delivery', lines: '#mss-delivery li' });
    assert.equal(b.delivery![0]!.data.state, 'failed');
    assert.deepEqual(
      b.lines!.map((l) => l.text),
      [`Non remis à ${UNKNOWN} : cette adresse n’existe pas (5.1.1).`],
    );
    await screenshot('delivery-failed.png', 'delivery-failed.png');
  });

  it('[e2e] ECO.2.3.1 ECO.2.3.2 a sent message asking for receipts shows “Remis” after the MTA’s report, then “Lu” after the recipient’s MDN', async function () {
    this.timeout(120_000);
    // Receipts asked the product's way: the compose panel's defaults for this identity
    // (extension/background/compose/settings.ts), delivery report and read receipt.
    await call('storage.local.set', {
      'compose.receiptDefaults': { [MARIE.mailbox]: { dsn: true, mdn: true } },
    });
    await sendPlain(suite, popup, {
      identityId,
      to: [PAUL.mailbox],
      subject: 'Avec accuses de reception',
      body: 'Merci de confirmer.',
    });
    const received = await mailIn(operator, PAUL.mailbox, (m) =>
      /^Subject: Avec accuses de reception/m.test(m),
    );
    const sentId = /^Message-ID: <([^>]+)>/m.exec(received)![1]!;
    assert.match(received, new RegExp(`^Return-Receipt-To: <${MARIE.mailbox}>`, 'm'));
    assert.match(received, /^Disposition-Notification-To: /m);
    const delivered = await waitFor(
      'the delivered tag',
      async () => {
        await suite.folderSubjects(accountKey);
        await suite.folderSubjects(accountKey, 'Sent');
        const m = await byMessageId(sentId);
        return m?.tags.includes('mss_delivered') && m;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    // Paul's client returns an MDN (Thunderbird's shape), delivered to Marie by the operator.
    dovecot.deliver(
      MARIE.mailbox,
      [
        `From: Paul DURAND <${PAUL.mailbox}>`,
        `To: ${MARIE.mailbox}`,
        'Subject: Accusé de lecture',
        'Message-ID: <r-mdn-back@sandbox>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="m"',
        '',
        '--m',
        'Content-Type: text/plain; charset=UTF-8',
        '',
        'Lu.',
        '--m',
        'Content-Type: message/disposition-notification',
        '',
        'Reporting-UA: paul; Thunderbird',
        `Final-Recipient: rfc822;${PAUL.mailbox}`,
        `Original-Message-ID: <${sentId}>`,
        'Disposition: manual-action/MDN-sent-manually; displayed',
        '--m--',
        '',
      ].join('\r\n'),
    );
    const read = await waitFor(
      'the read tag',
      async () => {
        await suite.folderSubjects(accountKey);
        const m = await byMessageId(sentId);
        return m?.tags.includes('mss_read') && m;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(read.id, delivered.id);
    assert.ok(!read.tags.includes('mss_delivered'), 'one status tag at a time');
    assert.equal(await openMessage(read.id), 'shown');
    const b = await banner({ title: '#mss-delivery strong', lines: '#mss-delivery li' });
    assert.equal(b.title![0]!.text, 'Suivi de remise : lu');
    assert.deepEqual(
      b.lines!.map((l) => l.text),
      [`Lu par ${PAUL.mailbox}.`],
    );
  });

  it('[e2e] ECO.3.2.1 ECO.3.2.2 the MSSanté INBOX keeps Thunderbird’s conversation view and sort orders', async function () {
    this.timeout(60_000);
    const [mailTab] = await call<Array<{ id: number }>>('mailTabs.query', {});
    const first = (await byMessageId('r-thread-1@sandbox'))!;
    const reply = (await byMessageId('r-thread-2@sandbox'))!;
    await listColumn([first.id], 'subjectCol'); // shows the INBOX in the mail tab
    const order = async (sortType: string, sortOrder: string) => {
      await call('mailTabs.update', mailTab!.id, { sortType, sortOrder, groupType: 'ungrouped' });
      return (
        await call<{ messages: Header[] }>('mailTabs.getListedMessages', mailTab!.id)
      ).messages.map((m) => m.headerMessageId);
    };
    const ascending = await order('date', 'ascending');
    const descending = await order('date', 'descending');
    assert.deepEqual(descending, [...ascending].reverse());
    assert.equal(ascending[0], 'r-thread-1@sandbox');
    const bySubject = await order('subject', 'ascending');
    assert.notDeepEqual(bySubject, ascending);
    const byAuthor = await order('author', 'ascending');
    assert.equal(byAuthor.length, ascending.length);
    await call('mailTabs.update', mailTab!.id, {
      sortType: 'date',
      sortOrder: 'ascending',
      groupType: 'groupedByThread',
    });
    const levels = await suite.marionette.chrome<number[]>(
      `const about3Pane = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail').tabInfo[0].chromeBrowser.contentWindow;
       const ext = WebExtensionPolicy.getByID(args[0]).extension;
       const view = about3Pane.gDBView;
       view.doCommand(Ci.nsMsgViewCommandType.expandAll);
       return args[1].map((id) => view.getLevel(view.findIndexOfMsgHdr(ext.messageManager.get(id), true)));`,
      [ADDON_ID, [first.id, reply.id]],
    );
    assert.deepEqual(levels, [0, 1], 'the reply sits under the first message of its thread');
    await screenshot('threads.png');
  });

  it('[e2e] ECO.3.2.3 a second MSSanté mailbox (the ORG secretariat) works at the same time, with its patient tagged', async function () {
    this.timeout(120_000);
    const { accountId: second } = await world.account('ORG');
    await waitFor(
      'the secretariat INBOX',
      async () => (await suite.folderSubjects(second)).includes('Rendez-vous'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const tagged = await waitFor(
      'the patient tag in the second mailbox',
      async () => {
        const m = await byMessageId('r-org-patient@sandbox');
        return m?.tags.includes('mss_patient') && m;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.ok(tagged);
    // Both accounts at once: Marie's INBOX is still read and still tagged.
    assert.ok((await suite.folderSubjects(accountKey)).includes('Question sur mon traitement'));
    assert.ok((await byMessageId('r-patient@sandbox'))!.tags.includes('mss_patient'));
    const accounts = await call<Array<{ id: string }>>('accounts.list', false);
    assert.ok(accounts.some((a) => a.id === accountKey) && accounts.some((a) => a.id === second));
  });
});
