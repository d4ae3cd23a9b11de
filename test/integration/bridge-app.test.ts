import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { HostApp } from '../../native-host/service/host-app';
import { openImapSession } from '../../native-host/bridge/imap-upstream';
import { fileLogger } from '../../native-host/log';
import { CrlStore } from '../../native-host/trust/crl-store';
import { httpFetch } from '../../native-host/net/http-fetch';
import { OcspClient } from '../../native-host/trust/ocsp-client';
import { RevocationChecker } from '../../native-host/trust/revocation';
import { buildTrustSet } from '../../native-host/trust/trust-sets';
import { startOperator, type TestOperator } from '../../lab/sandbox/operator';
import { issueClientCertificate } from '../../lab/sandbox/pki/client-certificate';
import { staticLookup } from '../../native-host/net/static-lookup';
import { ensurePackages } from '../../lab/system/packages';
import { writeHostConfig } from '../../native-host/config/private-file';
import { APP, MARIE, ORGANISATION } from '../../lab/sandbox/people';
import { bridgeTls } from '../fixtures/bridge-tls';

const IMAP_HOST = 'imap.sandbox.mssante.test';
const SMTP_HOST = 'smtp.sandbox.mssante.test';
const HOSPITAL = 'Hôpital Bac à Sable';

/**
 * An IMAP server (test/fixtures/picky-client-cert-server.py, Python's ssl on OpenSSL) that accepts
 * STARTTLS and then requires a client certificate of the *foreign* CA: it refuses the sandbox's
 * ORG AUTH_CLI certificate with a TLS alert, during the handshake (TLS 1.2) or right after it
 * (TLS 1.3). Node's tls.Server cannot stand in: it drops the connection without an alert.
 */
async function pickyServer(version: 'TLSv1.2' | 'TLSv1.3', operator: TestOperator) {
  ensurePackages([{ command: 'python3', pkg: 'python3' }]);
  const files = operator.files.servers[IMAP_HOST]!;
  const child = spawn(
    'python3',
    [
      fileURLToPath(new URL('../fixtures/picky-client-cert-server.py', import.meta.url)),
      files.cert,
      files.key,
      operator.files.foreignCaCert,
      version,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const first = /^(\d+)\n/.exec(out);
      if (first) resolve(Number(first[1]));
    });
    child.once('exit', (code) => reject(new Error(`picky server exited (${code})`)));
  });
  return {
    port,
    secureConnections: () => (out.match(/^SECURE$/gm) ?? []).length,
    close: async () => {
      child.kill();
    },
  };
}

/**
 * APP mailboxes end to end (ECO.1.3.1) against the real operator: Dovecot requiring the
 * ORG AUTH_CLI certificate and PLAIN with the mailbox address, the host importing the PKCS#12
 * (mailbox.add), keeping it sealed, and its bridge serving imapflow and nodemailer.
 */
describe('APP mailbox: ORG AUTH_CLI certificate through the bridge (real Dovecot)', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let state: string;
  let host: HostApp;
  let added: Awaited<ReturnType<HostApp['add']>>;
  const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });

  const addParams = (pkcs12: Buffer, pkcs12Password: string, address = APP.address) => ({
    address,
    profile: 'APP' as const,
    imap: { host: IMAP_HOST, port: operator.dovecot.info.imap.port },
    smtp: { host: SMTP_HOST, port: operator.dovecot.info.smtp.port },
    pkcs12: pkcs12.toString('base64'),
    pkcs12Password,
  });
  const bridgeClient = (
    mailbox: { imapPort: number; secret?: string | undefined; tlsCertificate?: string | undefined },
    user = APP.address,
  ) =>
    new ImapFlow({
      host: '127.0.0.1',
      port: mailbox.imapPort,
      secure: true,
      tls: bridgeTls(mailbox.tlsCertificate),
      auth: { user, pass: mailbox.secret ?? '' },
      logger: false,
      disableAutoIdle: true,
    });
  /** Straight to Dovecot (not through the bridge), STARTTLS with or without a client certificate. */
  const direct = (clientTls: { pfx: Buffer; passphrase: string } | Record<string, never> = {}) =>
    new ImapFlow({
      host: '127.0.0.1',
      port: operator.dovecot.info.imap.port,
      secure: false,
      doSTARTTLS: true,
      tls: { rejectUnauthorized: false, ...clientTls },
      auth: { user: APP.address, pass: 'unused' },
      logger: false,
      disableAutoIdle: true,
    });
  const p12 = () => readFileSync(operator.app.p12);
  const trustContext = () => ({
    set: buildTrustSet('sandbox', [operator.pki.root, operator.pki.organisations]),
    revocation: new RevocationChecker(
      new CrlStore({
        dir: path.join(state, 'crl-picky'),
        fetch: (url) => httpFetch(url, { lookup }),
      }),
      new OcspClient({
        post: (url, body) =>
          httpFetch(url, { lookup, method: 'POST', body, contentType: 'application/ocsp-request' }),
      }),
    ),
  });

  before(async () => {
    operator = await startOperator();
    state = mkdtempSync(path.join(os.tmpdir(), 'host-app-'));
    writeHostConfig(state, {
      trust: {
        set: 'sandbox',
        rootCert: operator.anchors.rootCert,
        intermediateCert: operator.anchors.intermediateCert,
      },
      hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
    });
    host = new HostApp(state, fileLogger(state));
    operator.dovecot.deliver(
      APP.address,
      `From: ${MARIE.mailbox}\r\nTo: ${APP.address}\r\nSubject: Demande de resultats\r\nMessage-ID: <app1@sandbox>\r\n\r\nBonjour.\r\n`,
    );
  });
  after(async () => {
    await host?.close();
    await operator?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('the sandbox issues an ORG AUTH_CLI certificate with the organisation IdNat in OU', async () => {
    const cert = new (await import('node:crypto')).X509Certificate(readFileSync(operator.app.cert));
    assert.match(cert.subject, /^OU=1750000000$/m);
    assert.match(cert.subject, new RegExp(`^O=${HOSPITAL}$`, 'm'));
    assert.match(cert.subject, new RegExp(`^CN=${APP.address}$`, 'm'));
    assert.ok(cert.checkIssued(operator.pki.organisations));
  });

  it('ECO.1.3.1 mailbox.add refuses a PKCS#12 that the password does not open (E_APP_PKCS12_PASSWORD)', async () => {
    await assert.rejects(host.add(addParams(p12(), 'not-the-password')), {
      code: 'E_APP_PKCS12_PASSWORD',
    });
    assert.deepEqual((await host.list()).mailboxes, []);
  });

  it('ECO.1.3.1 mailbox.add refuses a certificate of another CA, an expired one, and a server certificate', async () => {
    const foreign = await issueClientCertificate(operator.pki, {
      commonName: APP.address,
      organisationId: ORGANISATION.idNat,
      organisation: HOSPITAL,
      issuer: 'foreign',
    });
    await assert.rejects(host.add(addParams(foreign.pkcs12('pw'), 'pw')), {
      code: 'E_APP_CERT_NOT_ORGANISATIONS',
    });
    const expired = await issueClientCertificate(operator.pki, {
      commonName: APP.address,
      organisationId: ORGANISATION.idNat,
      organisation: HOSPITAL,
      from: new Date(Date.now() - 400 * 86_400_000),
      to: new Date(Date.now() - 86_400_000),
    });
    await assert.rejects(host.add(addParams(expired.pkcs12('pw'), 'pw')), {
      code: 'E_APP_CERT_EXPIRED',
    });
    const serverOnly = await issueClientCertificate(operator.pki, {
      commonName: APP.address,
      organisationId: ORGANISATION.idNat,
      organisation: HOSPITAL,
      eku: ['1.3.6.1.5.5.7.3.1'],
    });
    await assert.rejects(host.add(addParams(serverOnly.pkcs12('pw'), 'pw')), {
      code: 'E_APP_CERT_USAGE',
    });
    await assert.rejects(host.add(addParams(Buffer.from('not a pkcs12'), 'pw')), {
      code: 'E_APP_PKCS12_INVALID',
    });
  });

  it('ECO.1.3.1 mailbox.add imports the PKCS#12 with its password and opens the bridge', async () => {
    const result = await host.add(addParams(p12(), operator.app.p12Password));
    assert.equal(result.profile, 'APP');
    assert.deepEqual(result.certificate, {
      subject: operator.app.subject,
      organisationId: ORGANISATION.idNat,
      notAfter: result.certificate!.notAfter,
    });
    added = result;
  });

  it('ECO.1.3.1 imapflow reads the APP mailbox INBOX through the bridge (STARTTLS with the certificate, then PLAIN with the address)', async () => {
    const c = bridgeClient(added);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    const subjects: string[] = [];
    for await (const message of c.fetch('1:*', { envelope: true }))
      subjects.push(message.envelope?.subject ?? '');
    lock.release();
    await c.logout();
    assert.deepEqual(subjects, ['Demande de resultats']);
  });

  it('ECO.1.3.1 nodemailer sends through the bridge (certificate + AUTH PLAIN); the message arrives', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: added.smtpPort,
      secure: true,
      tls: bridgeTls(added.tlsCertificate),
      auth: { user: APP.address, pass: added.secret! },
    });
    const info = await transport.sendMail({
      from: `${HOSPITAL} — laboratoire <${APP.address}>`,
      to: MARIE.mailbox,
      subject: 'Resultats disponibles',
      text: 'Les resultats sont disponibles.',
    });
    assert.deepEqual(info.accepted, [MARIE.mailbox]);
    const received = operator.dovecot.readMailbox(MARIE.mailbox);
    assert.ok(received.some((m) => /Subject: Resultats disponibles/.test(m)));
  });

  it('Dovecot refuses the APP login without a client certificate, and accepts the same login with it', async () => {
    await assert.rejects(direct().connect(), (e: { authenticationFailed?: boolean }) => {
      assert.equal(e.authenticationFailed, true);
      return true;
    });
    const withCert = direct({ pfx: p12(), passphrase: operator.app.p12Password });
    await withCert.connect();
    await withCert.logout();
  });

  it('Dovecot refuses a certificate of another CA, and one naming another organisation', async () => {
    for (const options of [
      { issuer: 'foreign' as const, organisationId: ORGANISATION.idNat },
      { issuer: 'organisations' as const, organisationId: '1999999999' },
    ]) {
      const other = await issueClientCertificate(operator.pki, {
        commonName: APP.address,
        organisation: HOSPITAL,
        ...options,
      });
      await assert.rejects(
        direct({ pfx: other.pkcs12('pw'), passphrase: 'pw' }).connect(),
        (e: { authenticationFailed?: boolean }) => {
          assert.equal(e.authenticationFailed, true, options.issuer);
          return true;
        },
      );
    }
  });

  it('ECO.1.3.1 the bridge says the operator refused the login (E_APP_LOGIN_REFUSED) for a certificate of another organisation', async () => {
    const other = await issueClientCertificate(operator.pki, {
      commonName: 'autre.application',
      organisationId: '1999999999',
      organisation: 'Clinique Voisine',
    });
    const address = 'autre.appli@sandbox.mssante.test';
    const result = await host.add(addParams(other.pkcs12('pw'), 'pw', address));
    await assert.rejects(
      bridgeClient(result, address).connect(),
      (e: { responseText?: string }) => {
        assert.match(e.responseText ?? '', /\[E_APP_LOGIN_REFUSED\]/);
        return true;
      },
    );
    await host.remove(address);
  });

  // TLS 1.2 never gets that far: the certificate is presented over TLS 1.3 only (19.8).
  for (const [version, code] of [
    ['TLSv1.2', 'E_APP_TLS13_REQUIRED'],
    ['TLSv1.3', 'E_APP_CERT_REFUSED'],
  ] as const) {
    it(`ECO.1.3.1 a server that would check the certificate in TLS (${version}) is reported as ${code}`, async () => {
      const picky = await pickyServer(version, operator);
      try {
        await assert.rejects(
          openImapSession(
            {
              address: APP.address,
              profile: 'APP',
              imap: { host: IMAP_HOST, port: picky.port },
              smtp: { host: SMTP_HOST, port: picky.port },
              lookup,
              secret: 's',
              credentials: {
                kind: 'app',
                pfx: p12(),
                passphrase: operator.app.p12Password,
                password: '',
                subject: operator.app.subject,
              },
            },
            trustContext(),
          ),
          { code },
        );
        assert.equal(picky.secureConnections(), 0);
      } finally {
        await picky.close();
      }
    });
  }

  it('ECO.1.3.1 the host keeps the PKCS#12 sealed: no private key, PKCS#12 or password in clear on disk or in mailbox.list', async () => {
    const key = readFileSync(operator.app.key, 'utf8');
    const keyBody = key.split('\n').filter((l) => l && !l.startsWith('-----'));
    const secrets = [operator.app.p12Password, p12().toString('base64').slice(0, 64), ...keyBody];
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, name.name);
        if (name.isDirectory()) walk(full);
        else files.push(full);
      }
    };
    walk(state);
    const everything = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
    for (const secret of secrets) assert.ok(!everything.includes(secret), 'a secret in clear');
    const listed = JSON.stringify(await host.list());
    for (const secret of secrets) assert.ok(!listed.includes(secret), 'a secret in mailbox.list');
    assert.doesNotMatch(listed, /pkcs12|sealed/i);
    const stored = JSON.parse(readFileSync(path.join(state, 'mailboxes.json'), 'utf8')) as Array<{
      app?: { sealed: { alg: string } };
    }>;
    assert.equal(stored[0]!.app!.sealed.alg, 'A256GCM');
    assert.equal(statSync(path.join(state, 'secrets.key')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(state, 'mailboxes.json')).mode & 0o777, 0o600);
  });

  it('ECO.1.3.1 the sealed PKCS#12 still opens after a host restart (the APP mailbox reads INBOX again)', async () => {
    await host.close();
    host = new HostApp(state, fileLogger(state));
    const [again] = (await host.list()).mailboxes;
    assert.equal(again?.address, APP.address);
    const c = bridgeClient(again!);
    await c.connect();
    const status = await c.status('INBOX', { messages: true });
    await c.logout();
    assert.equal(status && status.messages, 1);
  });

  it('ECO.1.3.1 ECO.4.1.2 the journal names the certificate subject as the author of the APP mailbox operations', async () => {
    const dir = path.join(state, 'audit');
    const entries = readdirSync(dir)
      .filter((f) => /^journal-.*\.jsonl$/.test(f))
      .flatMap((f) =>
        readFileSync(path.join(dir, f), 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{')),
      )
      .map((l) => JSON.parse(l) as { author: string; mailbox?: string; action: string });
    const app = entries.filter((e) => e.mailbox === APP.address);
    const actions = new Set(app.map((e) => e.action));
    for (const action of ['mailbox-add', 'connect', 'authenticate', 'select', 'fetch', 'send'])
      assert.ok(actions.has(action), action);
    assert.ok(app.every((e) => e.author === operator.app.subject));
    assert.match(operator.app.subject, /OU=1750000000/);
  });
});
