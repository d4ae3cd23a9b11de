import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import type { Started } from '../../../lab/sandbox/contracts';
import { type DovecotHandle, startDovecot } from '../../../lab/sandbox/dovecot/index';
import { startOperator, type TestOperator } from '../../../lab/sandbox/operator';
import { type PscStubInfo, startPscStub } from '../../../lab/sandbox/psc/index';
import { authenticateSmtp, openSmtpSession } from '../../../native-host/bridge/smtp-upstream';
import type { BridgeMailbox } from '../../../native-host/bridge/mailbox';
import { sandboxEndpoints } from '../../../native-host/psc/presets';
import { PscSession } from '../../../native-host/psc/session';
import { SANDBOX_LOOKUP, sandboxTrust } from '../../fixtures/bridge-rig';
import { loginThroughPage } from '../../fixtures/psc-login';
import { accessToken } from '../../fixtures/psc-tokens';
import { freePort } from '../../../lab/system/net';
import { MARIE, ORG, PAUL } from '../../../lab/sandbox/people';

/** IMAP STARTTLS + AUTHENTICATE XOAUTH2 (SASL-IR): true when the operator lets the token in. */
async function imapLogin(dovecot: DovecotHandle, user: string, token: string): Promise<boolean> {
  const imap = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.info.imap.port,
    secure: false,
    tls: { rejectUnauthorized: false, servername: 'imap.sandbox.mssante.test' },
    auth: { user, accessToken: token },
    logger: false,
  });
  try {
    await imap.connect();
    await imap.logout();
    return true;
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) return false;
    throw error;
  }
}

/** A bare SMTP client: STARTTLS, then AUTH XOAUTH2 inline or through the 334 continuation. */
async function smtpXoauth2(
  port: number,
  user: string,
  token: string,
  mode: 'inline' | 'continuation',
): Promise<string> {
  let socket: net.Socket | tls.TLSSocket = net.connect(port, '127.0.0.1');
  let buffer = '';
  let waiting: (() => void) | undefined;
  const listen = (s: net.Socket) =>
    s.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      waiting?.();
    });
  listen(socket);
  const reply = async (): Promise<string> => {
    for (;;) {
      const lines = buffer.split('\r\n');
      const last = lines.findIndex((l) => /^\d{3} /.test(l));
      if (last >= 0) {
        buffer = lines.slice(last + 1).join('\r\n');
        return lines[last] ?? '';
      }
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  };
  const send = (line: string) => socket.write(`${line}\r\n`);
  try {
    await reply();
    send('EHLO client.test');
    await reply();
    send('STARTTLS');
    assert.match(await reply(), /^220 /);
    socket.removeAllListeners('data');
    socket = tls.connect({
      socket,
      servername: 'smtp.sandbox.mssante.test',
      rejectUnauthorized: false,
    });
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    listen(socket);
    send('EHLO client.test');
    assert.match(await reply(), /^250 /);
    const sasl = Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
    if (mode === 'inline') {
      send(`AUTH XOAUTH2 ${sasl}`);
      return await reply();
    }
    send('AUTH XOAUTH2');
    assert.match(await reply(), /^334/);
    send(sasl);
    return await reply();
  } finally {
    socket.destroy();
  }
}

describe('PSC stub tokens at the operator (real Dovecot, oauth2 passdb introspecting the stub)', function () {
  this.timeout(60_000);
  let operator: TestOperator;
  let jwtStub: Started<PscStubInfo>;
  let orgDovecot: DovecotHandle;
  let dir: string;

  before(async () => {
    operator = await startOperator();
    dir = mkdtempSync(path.join(os.tmpdir(), 'psc-dovecot-'));
    jwtStub = await startPscStub({
      port: await freePort(),
      stateDir: path.join(dir, 'psc'),
      accessTokenFormat: 'jwt',
    });
    // One passdb for one ORG mailbox, as an operator would map it: the introspection URL names
    // the mailbox and the stub answers it as `email` when the national id is an owner.
    const { introspection } = jwtStub.info;
    orgDovecot = await startDovecot({
      dir: path.join(dir, 'dovecot'),
      tls: {
        certFile: path.join(operator.dir, 'server.pem'),
        keyFile: path.join(operator.dir, 'server.key'),
      },
      imapPort: await freePort(),
      smtpPort: await freePort(),
      introspection: {
        ...introspection,
        url: `${introspection.url}?mailbox=${encodeURIComponent(ORG.address)}`,
      },
      domains: ['sandbox.mssante.test'],
    });
  });
  after(async () => {
    await orgDovecot?.stop();
    await jwtStub?.stop();
    await operator?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a token opens its owner’s personal mailbox and no one else’s', async () => {
    const stub = operator.stub.info;
    assert.equal(
      await imapLogin(operator.dovecot, MARIE.mailbox, await accessToken(stub, MARIE.nationalId)),
      true,
    );
    assert.equal(
      await imapLogin(operator.dovecot, MARIE.mailbox, await accessToken(stub, PAUL.nationalId)),
      false,
    );
  });

  // Dovecot slows down repeated failures from one address (auth penalty): the refusals are
  // spread over the two instances.
  it('an expired access token is refused', async () => {
    const expired = await accessToken(operator.stub.info, MARIE.nationalId);
    await operator.control('expire-access-tokens', { nationalId: MARIE.nationalId });
    assert.equal(await imapLogin(operator.dovecot, MARIE.mailbox, expired), false);
  });

  it('a non-PSC JWT (same claims, foreign key) is refused; PSC’s own is accepted again after', async () => {
    const control = (on: string) =>
      fetch(`${jwtStub.info.control}/foreign-key`, {
        method: 'POST',
        body: new URLSearchParams({ on }),
      });
    await control('true');
    let foreign: string;
    try {
      foreign = await accessToken(jwtStub.info, MARIE.nationalId);
    } finally {
      await control('false');
    }
    assert.equal(await imapLogin(orgDovecot, ORG.address, foreign), false);
    assert.equal(
      await imapLogin(orgDovecot, ORG.address, await accessToken(jwtStub.info, MARIE.nationalId)),
      true,
    );
  });

  it('an ORG mailbox opens with an owner’s PSC JWT when the passdb asks for that mailbox', async () => {
    assert.equal(
      await imapLogin(orgDovecot, ORG.address, await accessToken(jwtStub.info, MARIE.nationalId)),
      true,
    );
    assert.equal(
      await imapLogin(orgDovecot, ORG.address, await accessToken(jwtStub.info, PAUL.nationalId)),
      false,
    );
  });

  it('ECO.1.2.1 the bridge’s SMTP upstream logs in with the stub’s default PSC-sized JWT through the 334 continuation (RFC 4954 §4)', async () => {
    const stub = operator.stub.info;
    const session = new PscSession({
      endpoints: sandboxEndpoints(stub.issuer),
      clientId: stub.hostClient.clientId,
      auth: { method: 'client_secret_basic', secret: stub.hostClient.clientSecret },
      allowHttp: true,
    });
    const login = await session.beginBrowserLogin();
    await loginThroughPage(login.url, MARIE.nationalId);
    await login.completion;
    const token = await session.accessToken();
    assert.equal(token.split('.').length, 3, 'a JWT by default');
    assert.ok(token.length > 1000, `a JWT of ${token.length} characters`);
    const mailbox: BridgeMailbox = {
      address: MARIE.mailbox,
      profile: 'PER',
      imap: { host: 'imap.sandbox.mssante.test', port: operator.dovecot.info.imap.port },
      smtp: { host: 'smtp.sandbox.mssante.test', port: operator.dovecot.info.smtp.port },
      lookup: SANDBOX_LOOKUP,
      secret: 'unused',
      credentials: { kind: 'psc', session: () => session },
    };
    const trust = sandboxTrust(operator, path.join(dir, 'crl'));
    const opened = await openSmtpSession(mailbox, trust);
    try {
      // The same session: the first AUTH went through, no refresh-and-retry was needed.
      assert.equal(await authenticateSmtp(opened, mailbox, trust), opened);
    } finally {
      opened.socket.destroy();
      session.signOut();
    }
  });

  it('SMTP: a PSC-sized JWT does not fit an AUTH XOAUTH2 line; the 334 continuation works (RFC 4954 §4)', async () => {
    const token = await accessToken(jwtStub.info, MARIE.nationalId);
    assert.ok(token.length > 700, `a JWT of ${token.length} characters`);
    const port = orgDovecot.info.smtp.port;
    assert.match(
      await smtpXoauth2(port, ORG.address, token, 'inline'),
      /^500 5\.5\.2 Line too long/,
    );
    assert.match(await smtpXoauth2(port, ORG.address, token, 'continuation'), /^235 /);
  });
});
