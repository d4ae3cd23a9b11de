import assert from 'node:assert/strict';
import type { TestOperator } from '../../lab/sandbox/operator';
import { BIO, buildXdm, insWithKey, VIAL_PAUL } from '../../lab/fixtures/xdm/generate';
import { ADDON_ID, type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { LEO, MARIE, PAUL } from '../../lab/sandbox/people';
import { PATIENTS_KEY } from '../../shared/domain/mail/compose-patients';
import { PATIENT_CONFLICTS_KEY } from '../../shared/domain/mail/patient-admission';
import { mailIn, sendPlain } from './lib/operator-flow';
import { e2eWorld } from './lib/world';

// Issue 19, items 4, 6 and 10, in the real Thunderbird: mail written to fool the add-on.

const LEO_FROM = `=?UTF-8?Q?L=C3=A9o_Dupond?= <${LEO.address}>`;
const VIAL_INS = VIAL_PAUL.ins!;
const ATTACKER = 'eve@attacker.example';
/** The patient of an archive that reaches Thunderbird outside MSSanté (Local Folders). */
const OUTSIDER = {
  ...VIAL_PAUL,
  ins: insWithKey('1850578006099'),
  birthName: 'HORS',
  given: ['COMPTE'],
};

/** A message as the operator's MTA stores it (CRLF); `html` makes it a text/html message. */
function mail(headers: Record<string, string>, body: string, html = false): string {
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  const type = html ? 'text/html' : 'text/plain';
  return [...head, 'MIME-Version: 1.0', `Content-Type: ${type}; charset=UTF-8`, '', body, ''].join(
    '\r\n',
  );
}

/** A message with one base64 attachment. */
function withAttachment(headers: Record<string, string>, name: string, bytes: Uint8Array): string {
  const b = 'mss-hostile-boundary';
  const b64 = Buffer.from(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Document ci-joint.',
    `--${b}`,
    `Content-Type: application/zip; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    `--${b}--`,
    '',
  ].join('\r\n');
}

/** A multipart/report the way Thunderbird (MDN) or an MTA (DSN) writes one. */
function report(
  from: string,
  messageId: string,
  kind: 'mdn' | 'dsn',
  fields: string[],
  returnedId: string,
): string {
  const type = kind === 'mdn' ? 'disposition-notification' : 'delivery-status';
  return [
    `From: ${from}`,
    `To: ${MARIE.mailbox}`,
    `Subject: ${kind === 'mdn' ? 'Accusé de lecture' : 'Undelivered Mail'}`,
    `Message-ID: <${messageId}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=${type}; boundary="r"`,
    '',
    '--r',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Rapport.',
    '--r',
    `Content-Type: message/${type}`,
    '',
    ...fields,
    '--r',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: <${returnedId}>`,
    '--r--',
    '',
  ].join('\r\n');
}

/** CSS a hostile HTML message uses against the banner. */
const HIDING_CSS = `<style>
  body > * { display: none !important; }
  div[class*=mss], section, [id*=mssante], mssante-banner, html > :first-child {
    display: none !important; visibility: hidden !important; opacity: 0 !important;
  }
  html { opacity: 0.05 !important; filter: blur(30px) !important; }
</style>`;
const OVERLAY_HTML = `<html><head><style>
  .fake { position: fixed; top: 0; left: 0; right: 0; height: 400px; z-index: 2147483647;
          background: #eef4fb; border-left: 6px solid #1f5fa8; font: 13px system-ui; }
</style></head><body>
  <div class="fake"><strong>Message d’un patient (Mon espace santé)</strong>
    Nom de naissance : ATTAQUANT — Prénom : Faux — INS : 279035121518989</div>
  <p>Bonjour docteur.</p>
</body></html>`;

describe('[e2e] hostile mail: patient picker, reports, banner (issue 19.4, 19.6, 19.10)', function () {
  let dovecot: TestOperator['dovecot'];
  let suite: ThunderbirdSuite;
  let popup: number;
  let accountKey: string;
  let identityId: string;

  const world = e2eWorld({
    name: 'hostile-mail',
    deliver: (operator) => {
      const deliver = (raw: string) => operator.dovecot.deliver(MARIE.mailbox, raw);
      deliver(
        withAttachment(
          {
            From: `Paul DURAND <${PAUL.mailbox}>`,
            To: MARIE.mailbox,
            Subject: 'Résultats de M. Vial',
            'Message-ID': '<h-xdm@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:00:00 +0100',
          },
          'IHE_XDM.ZIP',
          buildXdm({ documents: [BIO] }),
        ),
      );
      deliver(
        mail(
          {
            From: LEO_FROM,
            To: MARIE.mailbox,
            Subject: 'Feuille de style cachée',
            'Message-ID': '<h-css-hide@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:01:00 +0100',
          },
          `<html><head>${HIDING_CSS}</head><body><p>Bonjour docteur.</p></body></html>`,
          true,
        ),
      );
      deliver(
        mail(
          {
            From: LEO_FROM,
            To: MARIE.mailbox,
            Subject: 'Bandeau imité',
            'Message-ID': '<h-css-overlay@sandbox>',
            Date: 'Mon, 05 Jan 2026 09:02:00 +0100',
          },
          OVERLAY_HTML,
          true,
        ),
      );
    },
    signIn: 'ciba',
    mailboxes: ['PER'],
    inboxAtLeast: 3,
  });
  before(function () {
    ({ suite, popup } = world);
    ({ dovecot } = world.operator);
    ({ accountId: accountKey, identityId } = world.accounts.PER!);
  });

  const call = <T>(api: string, ...args: unknown[]) => suite.page<T>(popup, 'call', { api, args });
  type Header = { id: number; tags: string[] };
  const byMessageId = async (id: string) =>
    (await call<{ messages: Header[] }>('messages.query', { headerMessageId: id })).messages[0];
  const stored = async <T>(key: string): Promise<T | undefined> =>
    (await call<Record<string, T>>('storage.local.get', key))[key];
  type Known = { ins: string; birthName?: string; qualified: boolean; source: string };
  const paneScript = (body: string, args: unknown[] = []) =>
    suite.marionette.chrome<unknown>(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       const info = tabmail.currentTabInfo;
       const pane = info.chromeBrowser.contentWindow.getMessagePaneBrowser();
       const doc = pane.contentDocument;
       ${body}`,
      args,
    );
  /** Opens a message in its own tab and returns the banner script's state once it answered. */
  const openMessage = async (messageId: number) => {
    await call('messageDisplay.open', { messageId, location: 'tab', active: true });
    return waitFor(
      'the banner script to answer',
      () =>
        paneScript(
          `if (info.mode.name !== 'mailMessageTab' || info.chromeBrowser.contentWindow.gMessage?.messageKey === undefined) return null;
           return doc?.documentElement.dataset.mssanteBanner ?? null;`,
        ) as Promise<string | null>,
      { timeoutMs: 30_000, intervalMs: 300 },
    );
  };
  /** Where the banner stands: laid out, on top at its centre, its patient row, the guard's word. */
  const bannerSight = () =>
    waitFor(
      'the banner guard',
      () =>
        paneScript(
          `const host = doc.querySelector('mssante-banner');
           const guard = doc.documentElement.dataset.mssanteGuard;
           if (!host || !guard) return null;
           const r = host.getBoundingClientRect();
           const win = doc.defaultView;
           return {
             guard,
             height: r.height,
             onTop: doc.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === host,
             parent: host.parentElement.localName,
             display: win.getComputedStyle(host).display,
             patient: host.openOrClosedShadowRoot?.querySelector('#mss-patient strong')?.textContent ?? null,
           };`,
        ) as Promise<{
          guard: string;
          height: number;
          onTop: boolean;
          parent: string;
          display: string;
          patient: string | null;
        } | null>,
      { timeoutMs: 15_000, intervalMs: 300 },
    );
  afterEach(async function () {
    await suite.closeMessageTab().catch(() => undefined);
    await suite.closeComposeWindows().catch(() => undefined);
  });

  it('[e2e] hostile: CSS that hides every element, the banner’s host and the root leaves the banner shown and on top', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('h-css-hide@sandbox'))!.id), 'shown');
    const sight = (await bannerSight())!;
    assert.ok(['ok', 'styles-dropped'].includes(sight.guard), sight.guard);
    assert.equal(sight.onTop, true);
    assert.ok(sight.height > 20, `height ${sight.height}`);
    assert.equal(sight.display, 'block');
    assert.equal(sight.parent, 'html', 'outside the body the message styles');
    assert.equal(sight.patient, 'Message d’un patient (Mon espace santé)');
    await suite.saveScreenshot('hostile-css-hide.png');
  });

  it('[e2e] hostile: a fixed overlay imitating the banner over it makes the message lose its styles; the real banner is on top', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('h-css-overlay@sandbox'))!.id), 'shown');
    const sight = (await bannerSight())!;
    assert.equal(sight.guard, 'styles-dropped');
    assert.equal(sight.onTop, true);
    assert.equal(sight.patient, 'Message d’un patient (Mon espace santé)');
    // The imitation is now plain text below the banner, not a layer over it.
    const fake = (await paneScript(
      `const fake = doc.querySelector('.fake');
       return { position: doc.defaultView.getComputedStyle(fake).position,
                top: fake.getBoundingClientRect().top,
                bannerBottom: doc.querySelector('mssante-banner').getBoundingClientRect().bottom };`,
    )) as { position: string; top: number; bannerBottom: number };
    assert.equal(fake.position, 'static');
    assert.ok(fake.top >= fake.bannerBottom, JSON.stringify(fake));
    await suite.saveScreenshot('hostile-css-overlay.png');
  });

  it('[e2e] hostile: the banner’s own content script is refused by the background (E_PAGE_SENDER_REFUSED) and its state port is closed', async function () {
    this.timeout(60_000);
    assert.equal(await openMessage((await byMessageId('h-css-hide@sandbox'))!.id), 'shown');
    const bc = (await paneScript('return pane.browsingContext.id;')) as number;
    const reply = JSON.parse(
      await suite.page<string>(bc, 'contentScript', {
        addonId: ADDON_ID,
        code: `browser.runtime.sendMessage({ kind: 'getState' }).then((r) => JSON.stringify(r), (e) => JSON.stringify({ thrown: String(e) }))`,
      }),
    ) as { ok: boolean; error?: { code: string } };
    assert.equal(reply.ok, false);
    assert.equal(reply.error?.code, 'E_PAGE_SENDER_REFUSED');
    const port = JSON.parse(
      await suite.page<string>(bc, 'contentScript', {
        addonId: ADDON_ID,
        code: `new Promise((resolve) => {
          const port = browser.runtime.connect({ name: 'host-state' });
          let state = false;
          port.onMessage.addListener(() => { state = true; });
          port.onDisconnect.addListener(() => resolve(JSON.stringify({ closed: true, state })));
          setTimeout(() => resolve(JSON.stringify({ closed: false, state })), 5000);
        })`,
      }),
    ) as { closed: boolean; state: boolean };
    assert.deepEqual(port, { closed: true, state: false });
    // The same request from the add-on's popup page is answered.
    const fromPage = await suite.page<{ ok: boolean }>(popup, 'sendMessage', { kind: 'getState' });
    assert.equal(fromPage.ok, true);
  });

  it('[e2e] hostile: a spoofed Mon espace santé From giving a known patient another name changes nothing until the user chooses in the compose panel', async function () {
    this.timeout(150_000);
    // Paul Vial becomes a known, qualified patient when his XDM is shown.
    assert.equal(await openMessage((await byMessageId('h-xdm@sandbox'))!.id), 'shown');
    const vial = await waitFor('Paul Vial among the known patients', async () =>
      ((await stored<Known[]>(PATIENTS_KEY)) ?? []).find((p) => p.ins === VIAL_INS),
    );
    assert.deepEqual([vial.birthName, vial.qualified, vial.source], ['VIAL', true, 'xdm']);
    await suite.closeMessageTab();
    // Someone writes as Paul Vial's Mon espace santé address with another name.
    dovecot.deliver(
      MARIE.mailbox,
      mail(
        {
          From: `Eve ATTAQUANTE <${VIAL_INS}@patient.mssante.fr>`,
          To: MARIE.mailbox,
          Subject: 'Changement de nom',
          'Message-ID': '<h-spoof@sandbox>',
          Date: 'Mon, 05 Jan 2026 09:03:00 +0100',
        },
        'Écrivez-moi ici désormais.',
      ),
    );
    const conflicts = await waitFor(
      'the pending conflict',
      async () => {
        await suite.folderSubjects(accountKey);
        const list = (await stored<Array<{ ins: string }>>(PATIENT_CONFLICTS_KEY)) ?? [];
        return list.some((c) => c.ins === VIAL_INS) && list;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(conflicts.length, 1);
    const after = ((await stored<Known[]>(PATIENTS_KEY)) ?? []).find((p) => p.ins === VIAL_INS)!;
    assert.deepEqual(after, vial, 'the stored identity is untouched');
    // Léo wrote too (spoofable): offered, but not qualified, with no button to write to him.
    const leo = ((await stored<Known[]>(PATIENTS_KEY)) ?? []).find((p) => p.ins === LEO.ins)!;
    assert.deepEqual([leo.qualified, leo.source], [false, 'mes']);

    const tab = (
      await call<{ id: number }>('compose.beginNew', {
        identityId,
        isPlainText: true,
        subject: 'Compte rendu',
        plainTextBody: 'Bonjour.',
      })
    ).id;
    const panel = await suite.openPage(`ui/compose-panel/panel.html?tabId=${tab}`);
    type Read = Record<string, { text: string; hidden: boolean } | null>;
    const read = (selectors: Record<string, string>) => suite.page<Read>(panel, 'read', selectors);
    const line = await waitFor('the conflict in the panel', async () => {
      const v = await read({
        box: '#cp-conflicts',
        line: `#cp-conflict-list li[data-ins="${VIAL_INS}"]`,
      });
      return v.box && !v.box.hidden && v.line;
    });
    assert.match(line.text, new RegExp(`${VIAL_INS}.*VIAL PAUL.*ATTAQUANTE EVE`, 'i'));
    const leoRow = await read({
      write: `#cp-patients button[data-ins="${LEO.ins}"]`,
      check: `#cp-patients button[data-check-ins="${LEO.ins}"]`,
    });
    assert.equal(leoRow.write, null, 'no address is built from a From');
    assert.ok(leoRow.check, 'the user may check the NIR instead');
    // The user keeps the stored identity: the question goes, Paul Vial stays as he was.
    await suite.page(
      panel,
      'click',
      `#cp-conflict-list li[data-ins="${VIAL_INS}"] button[data-conflict="keep"]`,
    );
    await waitFor('the conflict settled', async () => {
      const list = (await stored<Array<{ ins: string }>>(PATIENT_CONFLICTS_KEY)) ?? [];
      return !list.some((c) => c.ins === VIAL_INS);
    });
    assert.deepEqual(
      ((await stored<Known[]>(PATIENTS_KEY)) ?? []).find((p) => p.ins === VIAL_INS),
      vial,
    );
    assert.equal((await read({ box: '#cp-conflicts' })).box!.hidden, true);
    await suite.closePage(panel);
  });

  it('[e2e] hostile: an XDM shown from a non-MSSanté account (Local Folders) does not feed the picker', async function () {
    this.timeout(60_000);
    const localId = await suite.addLocalMessage(
      'Hors MSSante',
      withAttachment(
        {
          From: `Paul DURAND <${PAUL.mailbox}>`,
          To: MARIE.mailbox,
          Subject: 'Archive hors MSSanté',
          'Message-ID': '<h-local-xdm@sandbox>',
          Date: 'Mon, 05 Jan 2026 09:04:00 +0100',
        },
        'IHE_XDM.ZIP',
        buildXdm({ patient: OUTSIDER, documents: [BIO] }),
      ),
    );
    // No banner outside MSSanté accounts (19.3: its attachments are not even read)…
    assert.equal(await openMessage(localId), 'none');
    // …and the patient is not remembered: after an MSSanté archive shown next, only that one is.
    await suite.closeMessageTab();
    assert.equal(await openMessage((await byMessageId('h-xdm@sandbox'))!.id), 'shown');
    await waitFor('Paul Vial among the known patients', async () =>
      ((await stored<Known[]>(PATIENTS_KEY)) ?? []).some((p) => p.ins === VIAL_INS),
    );
    const known = (await stored<Known[]>(PATIENTS_KEY)) ?? [];
    assert.equal(
      known.some((p) => p.ins === OUTSIDER.ins),
      false,
    );
  });

  it('[e2e] hostile: forged read and delivery reports leave a sent message’s status alone; the recipient’s own read report counts', async function () {
    this.timeout(180_000);
    await sendPlain(suite, popup, {
      identityId,
      to: [PAUL.mailbox],
      subject: 'Rapports forges',
      body: 'Bonjour Paul.',
    });
    const received = await mailIn(world.operator, PAUL.mailbox, (m) =>
      /^Subject: Rapports forges/m.test(m),
    );
    const sentId = /^Message-ID: <([^>]+)>/m.exec(received)![1]!;
    // Recorded at send time: the one recipient, in the account it left from.
    const record = await waitFor('the sent record', () =>
      stored<{ recipients: string[]; accountId: string }>(`receive.sent:${sentId.toLowerCase()}`),
    );
    assert.deepEqual(record.recipients, [PAUL.mailbox.toLowerCase()]);
    assert.equal(record.accountId, accountKey);

    const deliver = (raw: string) => dovecot.deliver(MARIE.mailbox, raw);
    // "Read by Paul", but from someone else; a DSN naming a stranger as failed.
    deliver(
      report(
        ATTACKER,
        'h-forged-mdn@attacker.example',
        'mdn',
        [
          'Reporting-UA: eve; Thunderbird',
          `Final-Recipient: rfc822;${PAUL.mailbox}`,
          `Original-Message-ID: <${sentId}>`,
          'Disposition: manual-action/MDN-sent-manually; displayed',
        ],
        sentId,
      ),
    );
    deliver(
      report(
        `MAILER-DAEMON <${ATTACKER}>`,
        'h-forged-dsn@attacker.example',
        'dsn',
        [
          'Reporting-MTA: dns; mx.attacker.example',
          '',
          `Final-Recipient: rfc822; ${ATTACKER}`,
          'Action: failed',
          'Status: 5.1.1',
        ],
        sentId,
      ),
    );
    // A patient's message after them: once it is tagged, the reports before it were read.
    deliver(
      mail(
        {
          From: LEO_FROM,
          To: MARIE.mailbox,
          Subject: 'Après les rapports',
          'Message-ID': '<h-marker@sandbox>',
        },
        'Bonjour.',
      ),
    );
    await waitFor(
      'the marker tagged',
      async () => {
        await suite.folderSubjects(accountKey);
        return (await byMessageId('h-marker@sandbox'))?.tags.includes('mss_patient');
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await suite.folderSubjects(accountKey, 'Sent');
    const sent = (await byMessageId(sentId))!;
    assert.deepEqual(
      sent.tags.filter((t) => t.startsWith('mss_')),
      [],
      'no status from forged reports',
    );
    assert.equal(await stored(`receive.status:${sentId.toLowerCase()}`), undefined);

    // Paul's own read report is believed.
    deliver(
      report(
        `Paul DURAND <${PAUL.mailbox}>`,
        'h-real-mdn@sandbox',
        'mdn',
        [
          'Reporting-UA: paul; Thunderbird',
          `Final-Recipient: rfc822;${PAUL.mailbox}`,
          `Original-Message-ID: <${sentId}>`,
          'Disposition: manual-action/MDN-sent-manually; displayed',
        ],
        sentId,
      ),
    );
    await waitFor(
      'the read tag',
      async () => {
        await suite.folderSubjects(accountKey);
        return (await byMessageId(sentId))?.tags.includes('mss_read');
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });
});
