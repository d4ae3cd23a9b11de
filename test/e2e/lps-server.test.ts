import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HOST_NAMES } from '../../lab/sandbox/contracts';
import { startOperator, type TestOperator } from '../../lab/sandbox/operator';
import { MAILBOXES, NADIA, PRACTITIONERS } from '../../lab/sandbox/people';
import { filesHolding, ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { bridgedAccount, mailIn, operatorHostConfig, sendPlain } from './lib/operator-flow';

const MARIE = { ...PRACTITIONERS[0]!, mailbox: PRACTITIONERS[0]!.mailbox! };
const PAUL = { ...PRACTITIONERS[1]!, mailbox: PRACTITIONERS[1]!.mailbox! };

/**
 * The real topology (issue 17): the workstation's host holds no PSC credential; the intermediate
 * LPS server, its own process, is PSC's client and pushes the host its access tokens.
 */
describe('[e2e] Thunderbird through the intermediate LPS server (its own process, PSC stub, Dovecot)', function () {
  let operator: TestOperator;
  let suite: ThunderbirdSuite;
  let popup: number;
  let accountKey: string;
  let identityId: string;
  const view = (fields: Record<string, string>) =>
    suite.page<Record<string, { text: string; hidden: boolean; data: Record<string, string> }>>(
      popup,
      'read',
      fields,
    );
  const pscState = async () => (await view({ s: '#psc-state' })).s!.data.state;
  const journal = () =>
    readdirSync(path.join(suite.stateDir, 'audit'))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(path.join(suite.stateDir, 'audit', f), 'utf8'))
      .join('');
  /** Every token PSC issued in this suite (the sign-out revokes them at PSC: kept here). */
  const issued = new Set<string>();
  const tokensOf = async (nationalId: string) => {
    const { tokens } = (await operator.control('tokens', { nationalId })) as { tokens: string[] };
    for (const token of tokens) issued.add(token);
    return tokens;
  };
  /** The host's config.json: the intermediate server, checked every second. */
  const suiteHostConfig = () => ({
    ...operatorHostConfig(operator),
    lps: { url: operator.lps!.url, caFile: operator.lps!.caFile, checkSeconds: 1 },
  });
  /** Marie's PER account on the host's bridge, made once (each test may be run alone). */
  const marieAccount = async () => {
    if (!accountKey) {
      const created = await bridgedAccount(suite, popup, operator, {
        address: MARIE.mailbox,
        fullName: 'Dr Marie MARTIN',
      });
      accountKey = created.accountId;
      identityId = created.identityId;
    }
    return { accountKey, identityId };
  };
  /** Signs in by CIBA as `nationalId` (signing out first when a session is open). */
  const cibaSignIn = async (nationalId: string) => {
    if ((await pscState()) === 'signed-in')
      await suite.page(popup, 'sendMessage', { kind: 'host', type: 'psc.logout', params: {} });
    await suite.page(popup, 'sendMessage', { kind: 'pscLogin', method: 'ciba', nationalId });
    await waitFor('the e-CPS request', async () =>
      (
        (await operator.control('ciba-pending', {})) as { pending: Array<{ nationalId: string }> }
      ).pending.some((p) => p.nationalId === nationalId),
    );
    await operator.control('ciba-approve', { nationalId });
    await waitFor('the PSC session', async () => (await pscState()) === 'signed-in', {
      timeoutMs: 30_000,
    });
    await tokensOf(nationalId);
  };

  before(async function () {
    this.timeout(240_000);
    operator = await startOperator({ lps: { sessionCheckSeconds: 1 } });
    operator.dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Par le serveur LPS\r\nMessage-ID: <lps-1@sandbox>\r\n\r\nBonjour.\r\n`,
    );
    suite = new ThunderbirdSuite({
      name: 'lps-server',
      hostConfig: suiteHostConfig(),
      webServers: { caFile: operator.lps!.caFile, names: [HOST_NAMES.lps] },
    });
    await suite.start();
    popup = await suite.openPage('ui/popup/popup.html');
    await waitFor(
      'the host',
      async () => (await view({ s: '#state' })).s!.data.status === 'connected',
    );
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await suite.captureFailure(this.currentTest.fullTitle());
  });
  after(async function () {
    this.timeout(60_000);
    await suite?.stop();
    await operator?.stop();
  });

  it('[e2e] the host’s config.json names the intermediate server and holds no PSC client credential', () => {
    const config = readFileSync(path.join(suite.stateDir, 'config.json'), 'utf8');
    assert.match(config, /"lps"/);
    assert.doesNotMatch(config, /"psc"|clientSecret|keyFile|pkcs12File|client_secret/);
    assert.equal(config.includes(operator.stub.info.hostClient.clientSecret), false);
  });

  it('[e2e] signs in on PSC’s page in a Thunderbird tab; PSC sends the tab back to the server’s HTTPS redirect URI', async function () {
    this.timeout(60_000);
    if ((await pscState()) === 'signed-in')
      await suite.page(popup, 'sendMessage', { kind: 'host', type: 'psc.logout', params: {} });
    await suite.page(popup, 'sendMessage', { kind: 'pscLogin', method: 'browser' });
    const page = await waitFor('the PSC page in a tab', () =>
      suite.tabBrowsingContext(`${operator.stub.info.issuer}/interaction/`),
    );
    await suite.page(
      page,
      'click',
      `button[data-national-id="${MARIE.nationalId}"][data-method="ecps"]`,
    );
    // The tab lands on the server (its certificate trusted, its name resolved), not on the host.
    const landed = await waitFor('the server’s callback page', () =>
      suite.tabBrowsingContext(`${operator.lps!.url}/v1/psc/callback`),
    );
    const text = await suite.page<Record<string, { text: string }>>(landed, 'read', { h: 'h1' });
    assert.equal(text.h!.text, 'Connexion Pro Santé Connect réussie');
    await waitFor('the PSC session', async () => (await pscState()) === 'signed-in');
    const who = await view({ who: '#psc-who' });
    assert.match(who.who!.text, /Marie MARTIN \(810100000011\)/);
    assert.match(journal(), /"action":"psc-login","outcome":"ok","request":"browser"/);
  });

  it('[e2e] ECO.1.0.2 ECO.1.2.1 reads the INBOX with the access token the server pushed', async function () {
    this.timeout(90_000);
    if ((await pscState()) !== 'signed-in') await cibaSignIn(MARIE.nationalId);
    await marieAccount();
    const subjects = await waitFor(
      'the message in Thunderbird',
      async () => {
        const s = await suite.folderSubjects(accountKey);
        return s.includes('Par le serveur LPS') && s;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.deepEqual(subjects, ['Par le serveur LPS']);
    assert.ok(operator.dovecot.who(MARIE.mailbox).includes('imap'), 'an IMAP session is open');
  });

  it('[e2e] ECO.1.2.6 PSC ends the session: the server pushes the end, the host closes the IMAP sessions at the operator and tells the user', async function () {
    this.timeout(90_000);
    await cibaSignIn(MARIE.nationalId);
    await marieAccount();
    // Thunderbird opens its IMAP session again to fetch a new message.
    operator.dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Avant la fin\r\nMessage-ID: <lps-3@sandbox>\r\n\r\nBonjour.\r\n`,
    );
    await waitFor(
      'the message in Thunderbird',
      async () => (await suite.folderSubjects(accountKey)).includes('Avant la fin'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.ok(operator.dovecot.who(MARIE.mailbox).includes('imap'), 'an IMAP session is open');
    await operator.control('end-session', { nationalId: MARIE.nationalId });
    const shown = await waitFor(
      'the popup to show the end of the session',
      async () => {
        const v = await view({ state: '#psc-state', code: '#psc-notice-code' });
        return v.state!.data.state === 'ended' && v.code!.text !== '' && v;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(shown.code!.text, 'E_PSC_REFRESH_INVALID');
    // On Dovecot's side: no session of Marie's is left open.
    await waitFor(
      'Dovecot to see no session of Marie',
      async () => operator.dovecot.who(MARIE.mailbox).length === 0,
    );
    assert.match(
      journal(),
      /"action":"psc-session-end","outcome":"ok","code":"E_PSC_REFRESH_INVALID"/,
    );
  });

  it('[e2e] a CIBA sign-in of establishment staff (national id 5…/…) through the server opens their ORG mailbox', async function () {
    this.timeout(90_000);
    const org = MAILBOXES.find((m) => m.profile === 'ORG')!;
    // Establishment staff: a PSC national id of the form 5 + structure id + / + internal id.
    const staff = NADIA.nationalId;
    assert.ok(org.owners.includes(staff) && /^5\d+\/\w+$/.test(staff));
    await suite.page(popup, 'sendMessage', { kind: 'pscLogin', method: 'ciba', nationalId: staff });
    await waitFor('the e-CPS request', async () =>
      (
        (await operator.control('ciba-pending', {})) as { pending: Array<{ nationalId: string }> }
      ).pending.some((p) => p.nationalId === staff),
    );
    await operator.control('ciba-approve', { nationalId: staff });
    await waitFor('the PSC session', async () => (await pscState()) === 'signed-in', {
      timeoutMs: 30_000,
    });
    operator.dovecot.deliver(
      org.address,
      `From: ${PAUL.mailbox}\r\nTo: ${org.address}\r\nSubject: Pour le secretariat\r\nMessage-ID: <lps-org@sandbox>\r\n\r\nBonjour.\r\n`,
    );
    const created = await bridgedAccount(suite, popup, operator, {
      address: org.address,
      fullName: 'Secrétariat',
      profile: 'ORG',
    });
    const subjects = await waitFor(
      'the ORG message in Thunderbird',
      async () => {
        const s = await suite.folderSubjects(created.accountId);
        return s.includes('Pour le secretariat') && s;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.ok(subjects.includes('Pour le secretariat'));
  });

  it('[e2e] ECO.1.0.1 sends through SMTP with PSC’s ~1.2 KB JWT access token (AUTH XOAUTH2, then the 334 continuation)', async function () {
    this.timeout(90_000);
    await cibaSignIn(MARIE.nationalId);
    await marieAccount();
    const jwt = (await tokensOf(MARIE.nationalId)).find(
      (t) => t.split('.').length === 3 && t.length > 1000,
    );
    assert.ok(jwt, 'PSC-sized JWT access tokens, as the stub issues by default');
    await sendPlain(suite, popup, {
      identityId,
      to: [PAUL.mailbox],
      subject: 'Via le serveur LPS',
      body: 'Bonjour.',
    });
    await mailIn(operator, PAUL.mailbox, (m) => m.includes('Subject: Via le serveur LPS'));
  });

  it('[e2e] ECO.1.2.7 the operator stops accepting the access token: the server renews it at PSC and mail keeps coming without user action', async function () {
    this.timeout(90_000);
    await cibaSignIn(MARIE.nationalId);
    await marieAccount();
    const before = new Set(await tokensOf(MARIE.nationalId));
    await operator.control('expire-access-tokens', { nationalId: MARIE.nationalId });
    operator.dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Apres expiration\r\nMessage-ID: <lps-2@sandbox>\r\n\r\nBonjour.\r\n`,
    );
    await waitFor(
      'the new message in Thunderbird',
      async () => (await suite.folderSubjects(accountKey)).includes('Apres expiration'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    // A refresh grant happened at PSC: an access token that did not exist before.
    assert.ok((await tokensOf(MARIE.nationalId)).some((t) => !before.has(t)));
    assert.equal(await pscState(), 'signed-in');
    assert.match(journal(), /"action":"psc-token-renewed","outcome":"ok"/);
  });

  it('[e2e] a sign-in whose ID token says eidas3 (CPS card), or carries no acr, succeeds and the journal says which', async function () {
    this.timeout(120_000);
    try {
      await operator.control('acr', { value: 'eidas3' });
      await cibaSignIn(MARIE.nationalId);
      await operator.control('acr', { value: 'none' });
      await cibaSignIn(MARIE.nationalId);
    } finally {
      await operator.control('reset', {});
    }
    assert.match(
      journal(),
      /"action":"psc-login","outcome":"ok","request":"ciba","response":"acr eidas3"/,
    );
    assert.match(
      journal(),
      /"action":"psc-login","outcome":"ok","request":"ciba","response":"acr none"/,
    );
  });

  it('[e2e] two workstations, one server: two professionals signed in at once, each with their own session; signing one out leaves the other reading', async function () {
    this.timeout(180_000);
    await cibaSignIn(MARIE.nationalId);
    await marieAccount();
    const second = new ThunderbirdSuite({
      name: 'lps-server-2',
      hostConfig: suiteHostConfig(),
      webServers: { caFile: operator.lps!.caFile, names: [HOST_NAMES.lps] },
    });
    try {
      await second.start();
      const popup2 = await second.openPage('ui/popup/popup.html');
      const read2 = (fields: Record<string, string>) =>
        second.page<Record<string, { text: string; data: Record<string, string> }>>(
          popup2,
          'read',
          fields,
        );
      await waitFor(
        'the second host',
        async () => (await read2({ s: '#state' })).s!.data.status === 'connected',
      );
      await second.page(popup2, 'sendMessage', {
        kind: 'pscLogin',
        method: 'ciba',
        nationalId: PAUL.nationalId,
      });
      await waitFor('Paul’s e-CPS request', async () =>
        (
          (await operator.control('ciba-pending', {})) as { pending: Array<{ nationalId: string }> }
        ).pending.some((p) => p.nationalId === PAUL.nationalId),
      );
      await operator.control('ciba-approve', { nationalId: PAUL.nationalId });
      await waitFor(
        'Paul signed in on the second workstation',
        async () => (await read2({ s: '#psc-state' })).s!.data.state === 'signed-in',
        { timeoutMs: 30_000 },
      );
      assert.match((await read2({ w: '#psc-who' })).w!.text, /Paul DURAND/);
      assert.match((await view({ w: '#psc-who' })).w!.text, /Marie MARTIN/);
      // Paul signs out on his workstation: Marie's session, on the first, goes on.
      await second.page(popup2, 'sendMessage', { kind: 'host', type: 'psc.logout', params: {} });
      await waitFor(
        'Paul signed out',
        async () => (await read2({ s: '#psc-state' })).s!.data.state !== 'signed-in',
      );
    } finally {
      await second.stop();
    }
    assert.equal(await pscState(), 'signed-in');
    operator.dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Apres le depart de Paul\r\nMessage-ID: <lps-4@sandbox>\r\n\r\nBonjour.\r\n`,
    );
    await waitFor(
      'Marie’s new message',
      async () => (await suite.folderSubjects(accountKey)).includes('Apres le depart de Paul'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });

  it('[e2e] the intermediate server unreachable at sign-in: the popup says so in words with its code; mail already downloaded stays readable', async function () {
    this.timeout(120_000);
    await cibaSignIn(MARIE.nationalId);
    await marieAccount();
    await waitFor(
      'a message in Thunderbird',
      async () => (await suite.folderSubjects(accountKey)).includes('Par le serveur LPS'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await suite.page(popup, 'sendMessage', { kind: 'host', type: 'psc.logout', params: {} });
    await operator.lps!.stop();
    try {
      await suite.page(popup, 'sendMessage', {
        kind: 'pscLogin',
        method: 'ciba',
        nationalId: MARIE.nationalId,
      });
      const shown = await waitFor('the notice', async () => {
        const v = await view({ code: '#psc-notice-code', text: '#psc-notice-text' });
        return v.code!.text === 'E_LPS_UNREACHABLE' && v;
      });
      assert.match(shown.text!.text, /serveur LPS intermédiaire est injoignable/);
      // What Thunderbird downloaded is still there to read, without any server.
      assert.ok(
        (await suite.folderSubjects(accountKey, 'INBOX', { update: false })).includes(
          'Par le serveur LPS',
        ),
      );
    } finally {
      await operator.lps!.restart();
    }
  });

  it('[e2e] ECO.1.2.5 no PSC client secret, refresh token or access token on the workstation’s disk (profile, host state, journal, logs)', async function () {
    this.timeout(90_000);
    await cibaSignIn(MARIE.nationalId);
    await marieAccount();
    await waitFor(
      'Thunderbird reading with the token',
      async () => (await suite.folderSubjects(accountKey)).includes('Par le serveur LPS'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await tokensOf(MARIE.nationalId);
    await tokensOf(NADIA.nationalId);
    assert.ok(issued.size > 0, 'PSC issued tokens');
    const needles = [operator.stub.info.hostClient.clientSecret, ...issued];
    assert.deepEqual(filesHolding(suite.profile, needles), []);
    assert.deepEqual(filesHolding(suite.stateDir, needles), []);
  });
});
