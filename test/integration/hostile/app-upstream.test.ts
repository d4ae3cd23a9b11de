import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { openImapSession } from '../../../native-host/bridge/imap-upstream';
import type { BridgeMailbox } from '../../../native-host/bridge/mailbox';
import { httpFetch } from '../../../native-host/net/http-fetch';
import { staticLookup } from '../../../native-host/net/static-lookup';
import { CrlStore } from '../../../native-host/trust/crl-store';
import { OcspClient } from '../../../native-host/trust/ocsp-client';
import { RevocationChecker } from '../../../native-host/trust/revocation';
import { buildTrustSet } from '../../../native-host/trust/trust-sets';
import type { TrustContext } from '../../../native-host/trust/verify';
import {
  type StarttlsServer,
  starttlsServer,
} from '../../../lab/sandbox/bad-servers/starttls-server';
import { type MiniPki } from '../../../lab/sandbox/pki/mini-pki';
import { pkiWithRevocation } from '../../fixtures/pki-revocation';
import { issueClientCertificate } from '../../../lab/sandbox/pki/client-certificate';
import type { RevocationServer } from '../../../lab/sandbox/pki/revocation-server';
import { ensurePackages } from '../../../lab/system/packages';

const HOST = 'imap.sandbox.mssante.test';
const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });

/**
 * An APP mailbox's upstream login (ORG AUTH_CLI certificate, then PLAIN) against small real
 * STARTTLS servers of the test PKI that misbehave: what the host presents, and what it keeps of
 * what they answer.
 */
describe('hostile: APP upstream login against misbehaving operators', function () {
  this.timeout(120_000);
  let pki: MiniPki;
  let revocation: RevocationServer;
  let urls: { crlUrl: string; ocspUrl: string };
  let cacheDir: string;
  let pfx: Buffer;
  const servers: StarttlsServer[] = [];

  before(async () => {
    ensurePackages([{ command: 'openssl', pkg: 'openssl' }]);
    ({ pki, revocation, urls } = await pkiWithRevocation());
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'app-upstream-'));
    const client = await issueClientCertificate(pki, {
      commonName: 'appli.hopital@sandbox.mssante.test',
      organisationId: '1999999999',
      organisation: 'Hôpital Bac à Sable',
    });
    pfx = client.pkcs12('pw');
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await revocation.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  function trust(): TrustContext {
    return {
      set: buildTrustSet('sandbox', [pki.root, pki.organisations]),
      revocation: new RevocationChecker(
        new CrlStore({ dir: cacheDir, fetch: (url) => httpFetch(url, { lookup }) }),
        new OcspClient({
          post: (url, body) =>
            httpFetch(url, {
              lookup,
              method: 'POST',
              body,
              contentType: 'application/ocsp-request',
            }),
        }),
      ),
    };
  }

  async function serve(
    tlsOptions: tls.TlsOptions,
    authReply?: (line: string) => string,
    issuer: 'organisations' | 'foreign' = 'organisations',
  ): Promise<StarttlsServer> {
    const { cert, keyPem } = await pki.issue({ name: HOST, issuer, ...urls });
    const server = await starttlsServer({
      protocol: 'imap',
      tls: {
        cert: cert.toString() + (issuer === 'foreign' ? pki.foreign : pki.organisations).toString(),
        key: keyPem,
        requestCert: true,
        rejectUnauthorized: false,
        ...tlsOptions,
      },
      ...(authReply ? { authReply } : {}),
    });
    servers.push(server);
    return server;
  }

  const mailbox = (port: number): BridgeMailbox => ({
    address: 'appli.hopital@sandbox.mssante.test',
    profile: 'APP',
    imap: { host: HOST, port },
    smtp: { host: HOST, port },
    lookup,
    secret: 'local',
    credentials: {
      kind: 'app',
      pfx,
      passphrase: 'pw',
      password: '',
      subject: 'CN=appli.hopital@sandbox.mssante.test',
    },
  });

  it('hostile: an operator echoing the SASL PLAIN response in its refusal: E_APP_LOGIN_REFUSED, the echo scrubbed', async () => {
    let sent = '';
    const server = await serve({}, (line) => {
      sent = line.split(' ').at(-1) ?? '';
      return `${line.split(' ')[0]} NO [AUTHENTICATIONFAILED] you sent ${sent} Bearer abc.def`;
    });
    await assert.rejects(openImapSession(mailbox(server.port), trust()), (error: unknown) => {
      const { code, detail } = error as { code: string; detail: string };
      assert.equal(code, 'E_APP_LOGIN_REFUSED');
      assert.ok(sent.length > 16, 'the server saw the PLAIN response');
      assert.ok(!detail.includes(sent), detail);
      assert.ok(!detail.includes('abc.def'), detail);
      assert.match(detail, /NO \[AUTHENTICATIONFAILED\] you sent \[redacted\] Bearer \[redacted\]/);
      return true;
    });
    assert.equal(server.authAttempts(), 1);
    assert.deepEqual(server.tlsSessions(), { completed: 1, withClientCertificate: 1 });
  });

  it('hostile: an operator offering TLS 1.2 at most never gets the ORG AUTH_CLI certificate (E_APP_TLS13_REQUIRED)', async () => {
    const server = await serve({ maxVersion: 'TLSv1.2' });
    await assert.rejects(openImapSession(mailbox(server.port), trust()), (error: unknown) => {
      assert.equal((error as { code: string }).code, 'E_APP_TLS13_REQUIRED');
      return true;
    });
    assert.deepEqual(server.tlsSessions(), { completed: 0, withClientCertificate: 0 });
    assert.equal(server.authAttempts(), 0);
  });

  it('hostile: a TLS 1.3 server outside IGC Santé asking for the certificate is refused before PLAIN (E_TRUST_UNKNOWN_CA)', async () => {
    const server = await serve({}, undefined, 'foreign');
    await assert.rejects(openImapSession(mailbox(server.port), trust()), {
      code: 'E_TRUST_UNKNOWN_CA',
    });
    assert.equal(server.authAttempts(), 0);
  });
});
