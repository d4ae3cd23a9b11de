import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestOperator } from '../../lab/sandbox/operator';
import { MARIE, PAUL } from '../../lab/sandbox/people';
import {
  filesHolding,
  hostPids,
  type ThunderbirdSuite,
  waitFor,
} from '../../lab/thunderbird/harness';
import { mailIn, sendPlain } from './lib/operator-flow';
import { e2eWorld } from './lib/world';

describe('[e2e] an MSSanté mailbox in Thunderbird through the bridge (PSC stub, Dovecot)', function () {
  // Marie signed in by CIBA and her mailbox bridged; each test states what else it needs
  // (`signedIn`, `signedOut`, `account`), so it runs alone as well as after the others.
  const world = e2eWorld({
    name: 'mailbox',
    deliver: ({ dovecot }) =>
      dovecot.deliver(
        MARIE.mailbox,
        `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Bonjour Marie\r\nMessage-ID: <e2e-1@sandbox>\r\n\r\nPremier message.\r\n`,
      ),
    hostConfig: () => ({ psc: { sessionCheckSeconds: 1 } }),
    signIn: 'ciba',
    mailboxes: ['PER'],
    inboxAtLeast: 1,
  });
  let operator: TestOperator;
  let stub: TestOperator['stub'];
  let dovecot: TestOperator['dovecot'];
  let suite: ThunderbirdSuite;
  let popup: number;
  const tokens = new Set<string>();
  const control = (action: string, form: Record<string, string>) => operator.control(action, form);
  const collectTokens = async () => {
    const { tokens: list } = (await control('tokens', { nationalId: MARIE.nationalId })) as {
      tokens: string[];
    };
    for (const t of list) tokens.add(t);
  };
  const view = (fields: Record<string, string>) =>
    suite.page<Record<string, { text: string; hidden: boolean; data: Record<string, string> }>>(
      popup,
      'read',
      fields,
    );
  /** Marie signed in and her account in Thunderbird (made again if a test removed it). */
  const marieReading = async () => {
    await world.signedIn();
    return world.account('PER');
  };

  before(async function () {
    ({ operator, suite, popup } = world);
    ({ stub, dovecot } = operator);
    await collectTokens();
  });

  it('[e2e] ECO.1.2.1 signs in to Pro Santé Connect on its page, in a Thunderbird tab, and the popup says who', async function () {
    this.timeout(60_000);
    await world.signedOut();
    const started = await suite.page<{ ok: boolean }>(popup, 'sendMessage', {
      kind: 'pscLogin',
      method: 'browser',
    });
    assert.equal(started.ok, true, JSON.stringify(started));
    const page = await waitFor('the PSC page in a tab', () =>
      suite.tabBrowsingContext(`${stub.info.issuer}/interaction/`),
    );
    await suite.page(
      page,
      'click',
      `button[data-national-id="${MARIE.nationalId}"][data-method="ecps"]`,
    );
    const shown = await waitFor('the popup to show the PSC identity', async () => {
      const v = await view({ state: '#psc-state', who: '#psc-who', logout: '#psc-logout' });
      return v.state!.data.state === 'signed-in' && v;
    });
    assert.equal(shown.state!.text, 'Connecté');
    assert.equal(shown.who!.text, `Dr Marie MARTIN (${MARIE.nationalId})`); // PSC's codeCivilite DR, written as a title
    assert.equal(shown.logout!.hidden, false);
    await collectTokens();
  });

  it('[e2e] ECO.1.0.2 reads the INBOX of the MSSanté account through the bridge', async function () {
    this.timeout(90_000);
    const { accountId: accountKey } = await marieReading();
    const subjects = await waitFor(
      'the message in Thunderbird',
      async () => {
        const s = await suite.folderSubjects(accountKey);
        return s.includes('Bonjour Marie') && s;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.deepEqual(subjects, ['Bonjour Marie']);
  });

  it('[e2e] ECO.1.0.1 sends a message from Thunderbird; the colleague receives it', async function () {
    this.timeout(90_000);
    const { identityId } = await marieReading();
    await sendPlain(suite, popup, {
      identityId,
      to: [PAUL.mailbox],
      subject: 'Avis demandé',
      body: 'Bonjour Paul, votre avis ?',
    });
    const received = await mailIn(
      operator,
      PAUL.mailbox,
      (m) =>
        m.includes('Subject: =?UTF-8?Q?Avis_demand=C3=A9?=') || m.includes('Subject: Avis demand'),
    );
    assert.match(received, new RegExp(`From: "?Dr Marie MARTIN"? <${MARIE.mailbox}>`));
    assert.match(received, /^Message-ID: <.+>$/m);
    await collectTokens();
  });

  it('[e2e] ECO.2.2.2 replies from Thunderbird: the colleague receives the reply with In-Reply-To and References', async function () {
    this.timeout(90_000);
    await marieReading();
    const found = await suite.page<{ messages: Array<{ id: number }> }>(popup, 'call', {
      api: 'messages.query',
      args: [{ headerMessageId: 'e2e-1@sandbox' }],
    });
    assert.equal(found.messages.length, 1);
    const tab = await suite.page<{ id: number }>(popup, 'call', {
      api: 'compose.beginReply',
      args: [
        found.messages[0]!.id,
        'replyToSender',
        { plainTextBody: 'Bien reçu, merci.', isPlainText: true },
      ],
    });
    await suite.page(popup, 'call', {
      api: 'compose.sendMessage',
      args: [tab.id, { mode: 'sendNow' }],
    });
    const received = await mailIn(operator, PAUL.mailbox, (m) =>
      /^In-Reply-To: <e2e-1@sandbox>$/m.test(m),
    );
    assert.match(received, /^References: <e2e-1@sandbox>$/m);
    assert.match(received, /^Subject: Re: Bonjour Marie$/m);
    assert.match(received, /^Message-ID: <.+>$/m);
  });

  it('[e2e] ECO.1.2.7 keeps working after the operator ends the session (doveadm kick)', async function () {
    this.timeout(90_000);
    const { accountId: accountKey } = await marieReading();
    await dovecot.kick(MARIE.mailbox);
    dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Apres la coupure\r\nMessage-ID: <e2e-2@sandbox>\r\n\r\nDeuxieme message.\r\n`,
    );
    const subjects = await waitFor(
      'the second message',
      async () => {
        const s = await suite.folderSubjects(accountKey);
        return s.includes('Apres la coupure') && s;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.deepEqual(subjects, ['Bonjour Marie', 'Apres la coupure']);
  });

  it('[e2e] recreates the Thunderbird account of a host mailbox when it is missing, on the bridge ports, after a host restart', async function () {
    this.timeout(90_000);
    const { accountId: removed } = await marieReading();
    await suite.page(popup, 'call', { api: 'mssanteAccounts.remove', args: [removed] });
    assert.equal(
      await suite.page(popup, 'call', { api: 'mssanteAccounts.find', args: [MARIE.mailbox] }),
      null,
    );
    for (const pid of hostPids(suite)) process.kill(pid, 'SIGKILL'); // the add-on reconnects and syncs
    const accountKey = await waitFor(
      'the account to come back',
      () =>
        suite.page<string | null>(popup, 'call', {
          api: 'mssanteAccounts.find',
          args: [MARIE.mailbox],
        }),
      { timeoutMs: 30_000 },
    );
    const listed = await suite.page<{
      result: { mailboxes: Array<{ imapPort: number; smtpPort: number }> };
    }>(popup, 'sendMessage', {
      kind: 'host',
      type: 'mailbox.list',
      params: {},
    });
    const ports = await suite.marionette.chrome<number[]>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       const account = MailServices.accounts.getAccount(args[0]);
       const smtp = MailServices.outgoingServer.getServerByKey(account.defaultIdentity.smtpServerKey).QueryInterface(Ci.nsISmtpServer);
       return [account.incomingServer.port, smtp.port];`,
      [accountKey],
    );
    const mailbox = listed.result.mailboxes[0]!;
    assert.deepEqual(ports, [mailbox.imapPort, mailbox.smtpPort]);
    // The new host holds no PSC session (tokens lived in the old one's memory only): sign in again.
    await suite.page(popup, 'sendMessage', {
      kind: 'pscLogin',
      method: 'ciba',
      nationalId: MARIE.nationalId,
    });
    await waitFor('the e-CPS request', async () =>
      (
        (await control('ciba-pending', {})) as { pending: Array<{ nationalId: string }> }
      ).pending.some((p) => p.nationalId === MARIE.nationalId),
    );
    await control('ciba-approve', { nationalId: MARIE.nationalId });
    await waitFor(
      'the new PSC session',
      async () => (await view({ state: '#psc-state' })).state!.data.state === 'signed-in',
      { timeoutMs: 30_000 },
    );
    await collectTokens();
  });

  it('[e2e] after a host restart the kept account gets the new local secret and the new pinned certificate, and reads again', async function () {
    this.timeout(120_000);
    const { accountId: accountKey } = await marieReading();
    type Listed = { imapPort: number; smtpPort: number; secret?: string; tlsCertificate?: string };
    const listMarie = async () =>
      (
        await suite.page<{ result?: { mailboxes: Listed[] } }>(popup, 'sendMessage', {
          kind: 'host',
          type: 'mailbox.list',
          params: {},
        })
      ).result?.mailboxes[0];
    const before = (await listMarie())!;
    for (const pid of hostPids(suite)) process.kill(pid, 'SIGKILL'); // the add-on reconnects and syncs
    const after = await waitFor(
      'a new host start',
      async () => {
        const m = await listMarie().catch(() => undefined);
        const renewed =
          m?.tlsCertificate !== undefined && m.tlsCertificate !== before.tlsCertificate;
        return renewed ? m : false;
      },
      { timeoutMs: 30_000 },
    );
    assert.notEqual(after.secret, before.secret);
    const fingerprint = createHash('sha256')
      .update(Buffer.from(after.tlsCertificate!, 'base64'))
      .digest('hex');
    const seen = await waitFor('Thunderbird to hold the new pin and password', async () => {
      const state = await suite.marionette.chrome<{
        pins: Record<string, string>;
        imapPassword: string;
        smtpPassword: string;
      }>(
        `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
         const account = MailServices.accounts.getAccount(args[0]);
         const smtp = MailServices.outgoingServer.getServerByKey(account.defaultIdentity.smtpServerKey).QueryInterface(Ci.nsISmtpServer);
         const overrides = Cc['@mozilla.org/security/certoverride;1'].getService(Ci.nsICertOverrideService);
         const pins = {};
         for (const o of overrides.getOverrides())
           if (o.asciiHost === '127.0.0.1') pins[o.port] = o.fingerprint.replace(/:/g, '').toLowerCase();
         return { pins, imapPassword: account.incomingServer.password, smtpPassword: smtp.password };`,
        [accountKey],
      );
      return state.imapPassword === after.secret && state;
    });
    assert.deepEqual(seen, {
      pins: { [after.imapPort]: fingerprint, [after.smtpPort]: fingerprint },
      imapPassword: after.secret,
      smtpPassword: after.secret,
    });
    // The new host holds no PSC session: sign in again, then Thunderbird reads a new message.
    await world.signedIn();
    dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Apres le redemarrage\r\nMessage-ID: <e2e-restart@sandbox>\r\n\r\nTroisieme message.\r\n`,
    );
    await waitFor(
      'the message sent after the restart',
      async () => (await suite.folderSubjects(accountKey)).includes('Apres le redemarrage'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await collectTokens();
  });

  it('[e2e] ECO.1.2.6 closes the sessions and tells the user when PSC ends the session', async function () {
    this.timeout(60_000);
    await marieReading();
    await collectTokens();
    await control('end-session', { nationalId: MARIE.nationalId });
    const shown = await waitFor(
      'the popup to show the end of the session',
      async () => {
        const v = await view({
          state: '#psc-state',
          code: '#psc-notice-code',
          text: '#psc-notice-text',
        });
        return v.state!.data.state === 'ended' && v.code!.text !== '' && v;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(shown.code!.text, 'E_PSC_REFRESH_INVALID');
    assert.match(shown.text!.text, /les connexions MSSanté ont été fermées \(ECO\.1\.2\.6\)/);
    const journal = readdirSync(path.join(suite.stateDir, 'audit'))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(path.join(suite.stateDir, 'audit', f), 'utf8'))
      .join('');
    assert.match(
      journal,
      /"action":"psc-session-end","outcome":"ok","code":"E_PSC_REFRESH_INVALID"/,
    );
  });

  it('[e2e] ECO.1.2.1 signs in again with e-CPS (CIBA): the popup shows the code to recognise on the phone', async function () {
    this.timeout(60_000);
    await world.signedOut();
    const started = await suite.page<{ ok: boolean }>(popup, 'sendMessage', {
      kind: 'pscLogin',
      method: 'ciba',
      nationalId: MARIE.nationalId,
    });
    assert.equal(started.ok, true, JSON.stringify(started));
    const code = await waitFor('the binding message in the popup', async () => {
      const v = await view({ ciba: '#psc-ciba' });
      return !v.ciba!.hidden && v.ciba!.text;
    });
    const { pending } = (await control('ciba-pending', {})) as {
      pending: Array<{ bindingMessage: string }>;
    };
    assert.equal(pending.length, 1);
    assert.equal(
      code,
      `Validez la demande sur votre application e-CPS. Code affiché : ${pending[0]!.bindingMessage}`,
    );
    await control('ciba-approve', { nationalId: MARIE.nationalId });
    await waitFor(
      'the popup to show the PSC identity again',
      async () => {
        const v = await view({ state: '#psc-state', ciba: '#psc-ciba' });
        return v.state!.data.state === 'signed-in' && v.ciba!.hidden;
      },
      { timeoutMs: 30_000 },
    );
    await collectTokens();
  });

  it('[e2e] ECO.1.2.7 keeps reading when the operator no longer accepts the access token: the host gets a new one from the refresh token', async function () {
    this.timeout(90_000);
    const { accountId: accountKey } = await marieReading();
    await control('expire-access-tokens', { nationalId: MARIE.nationalId });
    dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Jeton expire\r\nMessage-ID: <e2e-3@sandbox>\r\n\r\nTroisieme message.\r\n`,
    );
    const subjects = await waitFor(
      'the third message',
      async () => {
        const s = await suite.folderSubjects(accountKey);
        return s.includes('Jeton expire') && s;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.ok(subjects.includes('Jeton expire'));
    await collectTokens();
  });

  it('[e2e] ECO.1.2.1 a token PSC did not issue (non-PSC) is refused by the operator, and the user is told in Thunderbird', async function () {
    this.timeout(120_000);
    const { accountId: accountKey } = await marieReading();
    await control('foreign-key', { on: 'true' });
    try {
      await control('expire-access-tokens', { nationalId: MARIE.nationalId });
      await dovecot.kick(MARIE.mailbox);
      const alert = await suite.alertsOnOpening(accountKey, 90_000);
      assert.match(
        alert,
        /Le serveur MSSanté de l.opérateur a refusé l.authentification\. \[E_UPSTREAM_AUTH\]/,
      );
      const journal = readdirSync(path.join(suite.stateDir, 'audit'))
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => readFileSync(path.join(suite.stateDir, 'audit', f), 'utf8'))
        .join('');
      assert.match(journal, /"action":"authenticate","outcome":"failed".*"code":"E_UPSTREAM_AUTH"/);
    } finally {
      await control('foreign-key', { on: 'false' });
    }
  });

  it('[e2e] ECO.1.2.5 leaves no PSC token in the profile, the host’s files, the journal or the logs', async () => {
    await collectTokens();
    assert.ok(tokens.size >= 2, `the stub issued tokens (${tokens.size})`);
    assert.deepEqual(filesHolding(suite.home, [...tokens]), []);
  });
});
