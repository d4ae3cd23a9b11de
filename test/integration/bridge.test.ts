import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { ImapBridge } from '../../native-host/bridge/imap-bridge';
import type { SmtpBridge } from '../../native-host/bridge/smtp-bridge';
import type { PscSession } from '../../native-host/psc/session';
import type { DovecotHandle } from '../../lab/sandbox/dovecot/index';
import { type BridgeRig, bridgeRig } from '../fixtures/bridge-rig';
import type { TestOperator } from '../../lab/sandbox/operator';
import { LEO, MARIE, PAUL } from '../../lab/sandbox/people';
import { journalEntries, journalText } from '../fixtures/journal-read';

const SECRET = 'local-secret-for-tests';
const PRODUCT_REFERENCE = 'NIL-INTEGRATION-0007';

describe('API LPS bridge against Dovecot and the PSC stub (real servers)', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let dir: string;
  let dovecot: DovecotHandle;
  let session: PscSession;
  let imap: ImapBridge;
  let smtp: SmtpBridge;
  let imapPort: number;
  let smtpPort: number;
  let token: string;
  let rig: BridgeRig;

  const client = (pass = SECRET) =>
    new ImapFlow({
      host: '127.0.0.1',
      port: imapPort,
      secure: true,
      tls: rig.tls,
      auth: { user: MARIE.mailbox, pass },
      logger: false,
      disableAutoIdle: true,
    });
  const control = (action: string, form: Record<string, string>) => operator.control(action, form);

  before(async () => {
    rig = await bridgeRig({
      address: MARIE.mailbox,
      nationalId: MARIE.nationalId,
      secret: SECRET,
      productReference: PRODUCT_REFERENCE,
    });
    ({ operator, session, imap, smtp, imapPort, smtpPort } = rig);
    dir = operator.dir;
    dovecot = operator.dovecot;
    token = await session.accessToken();
    dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Bonjour Marie\r\nMessage-ID: <m1@sandbox>\r\n\r\nUn message de test.\r\n`,
    );
  });
  after(async () => {
    await rig?.close();
  });

  it('ECO.1.0.2 ECO.1.2.1 an IMAP client logs in to the bridge with the local secret and reads INBOX through STARTTLS + XOAUTH2', async () => {
    const c = client();
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    const subjects: string[] = [];
    for await (const message of c.fetch('1:*', { envelope: true }))
      subjects.push(message.envelope?.subject ?? '');
    lock.release();
    await c.logout();
    assert.deepEqual(subjects, ['Bonjour Marie']);
  });

  it('refuses a wrong local secret with a coded sentence', async () => {
    const c = client('not-the-secret');
    await assert.rejects(
      c.connect(),
      (e: { serverResponseCode?: string; responseText?: string }) => {
        assert.equal(e.serverResponseCode, 'AUTHENTICATIONFAILED');
        assert.match(e.responseText ?? '', /\[E_BRIDGE_LOCAL_AUTH\]/);
        return true;
      },
    );
  });

  /** Marie's client on the SMTP bridge (implicit TLS, pinned certificate, local secret). */
  const marieSmtp = () =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: true,
      tls: rig.tls,
      auth: { user: MARIE.mailbox, pass: SECRET },
    });

  it('ECO.1.0.1 ECO.1.2.1 sends through the bridge (submission, XOAUTH2); a colleague and a patient receive it', async () => {
    const transport = marieSmtp();
    const info = await transport.sendMail({
      from: `Dr Marie MARTIN <${MARIE.mailbox}>`,
      to: [PAUL.mailbox, LEO.address],
      subject: 'Résultats',
      text: 'Bonjour, voici les résultats.',
    });
    assert.deepEqual([...info.accepted].sort(), [LEO.address, PAUL.mailbox].sort());
    for (const to of [PAUL.mailbox, LEO.address]) {
      const received = dovecot.readMailbox(to);
      assert.equal(received.length, 1, to);
      assert.match(received[0]!, /Subject: =\?UTF-8\?Q\?R=C3=A9sultats\?=/);
    }
  });

  it('ECO.2.4.3 a read receipt (MDN) sent without X-MSS-NIL arrives with the configured product reference; a message with its own keeps it', async () => {
    const transport = marieSmtp();
    // What Thunderbird's MDN generator writes (mailnews/extensions/mdn): no custom header.
    const mdn = [
      `From: Dr Marie MARTIN <${MARIE.mailbox}>`,
      `To: ${PAUL.mailbox}`,
      'Subject: Lu : Bonjour',
      'Message-ID: <mdn-nil@sandbox>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Ceci est un accusé de lecture.',
      '--b',
      'Content-Type: message/disposition-notification',
      '',
      `Final-Recipient: rfc822;${MARIE.mailbox}`,
      'Original-Message-ID: <m1@sandbox>',
      'Disposition: manual-action/MDN-sent-manually; displayed',
      '--b--',
      '',
    ].join('\r\n');
    await transport.sendMail({ envelope: { from: MARIE.mailbox, to: [PAUL.mailbox] }, raw: mdn });
    await transport.sendMail({
      from: MARIE.mailbox,
      to: PAUL.mailbox,
      subject: 'Avec sa référence',
      messageId: '<own-nil@sandbox>',
      headers: { 'X-MSS-NIL': 'OPEN-MSSANTE-THUNDERBIRD' },
      text: 'x',
    });
    const received = dovecot.readMailbox(PAUL.mailbox);
    const arrived = received.find((m) => m.includes('<mdn-nil@sandbox>'))!;
    assert.deepEqual(arrived.match(/^X-MSS-NIL:.*$/gim), [`X-MSS-NIL: ${PRODUCT_REFERENCE}`]);
    const own = received.find((m) => m.includes('<own-nil@sandbox>'))!;
    assert.deepEqual(own.match(/^X-MSS-NIL:.*$/gim), ['X-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD']);
  });

  it('ECO.1.2.7 reconnects after the operator kicks the session (doveadm kick)', async () => {
    const c = client();
    await c.connect();
    const closed = new Promise((resolve) => c.once('close', resolve));
    await dovecot.kick(MARIE.mailbox);
    await closed;
    const again = client();
    await again.connect();
    const status = await again.status('INBOX', { messages: true });
    await again.logout();
    assert.equal(status && status.messages, 1);
  });

  it('ECO.1.2.7 refreshes a token the operator no longer accepts, once, and logs in', async () => {
    await control('expire-access-tokens', { nationalId: MARIE.nationalId });
    const c = client();
    await c.connect();
    await c.logout();
    assert.notEqual(await session.accessToken(), token, 'a new access token was obtained');
  });

  it('ECO.4.1.1 ECO.4.1.2 journals each operation with its author, and never a token, a secret or a patient INS', async () => {
    const journal = journalText(path.join(dir, 'audit'));
    const entries = journalEntries(path.join(dir, 'audit'));
    const actions = new Set(entries.map((e) => e.action));
    for (const action of ['connect', 'authenticate', 'select', 'fetch', 'send', 'disconnect'])
      assert.ok(actions.has(action), action);
    assert.ok(entries.every((e) => e.author === MARIE.nationalId));
    const everything = journal + readFileSync(path.join(dir, 'host', 'logs', 'host.log'), 'utf8');
    assert.doesNotMatch(everything, new RegExp(token));
    assert.doesNotMatch(everything, new RegExp(await session.accessToken()));
    assert.doesNotMatch(everything, new RegExp(SECRET));
    assert.doesNotMatch(everything, /279035121518989/);
  });
});
