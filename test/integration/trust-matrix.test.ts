import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { ensurePackages } from '../../lab/system/packages';
import { staticLookup } from '../../native-host/net/static-lookup';
import { CrlStore } from '../../native-host/trust/crl-store';
import { httpFetch } from '../../native-host/net/http-fetch';
import { OcspClient } from '../../native-host/trust/ocsp-client';
import { RevocationChecker } from '../../native-host/trust/revocation';
import { TLS12_SUITES } from '../../native-host/trust/tls-policy';
import { buildTrustSet } from '../../native-host/trust/trust-sets';
import type { TrustContext } from '../../native-host/trust/verify';
import { openUpstream, type UpstreamProtocol } from '../../native-host/upstream/starttls';
import { type LeafOptions, type MiniPki } from '../../lab/sandbox/pki/mini-pki';
import { pkiWithRevocation } from '../fixtures/pki-revocation';
import { RevocationServer } from '../../lab/sandbox/pki/revocation-server';
import {
  BAD_CASES,
  type BadCaseName,
  type BadServers,
  startBadServers,
} from '../../lab/sandbox/bad-servers/index';
import { type StarttlsServer, starttlsServer } from '../../lab/sandbox/bad-servers/starttls-server';

const HOST = 'imap.sandbox.mssante.test';
const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });
const DAY = 86_400_000;
const ALLOWED = TLS12_SUITES.join(':');

describe('trust matrix: real STARTTLS servers, each breaking one rule, never see an authentication command', function () {
  this.timeout(120_000);
  let pki: MiniPki;
  let revocation: RevocationServer;
  let urls: { crlUrl: string; ocspUrl: string };
  let cacheDir: string;
  let bad: BadServers;
  const servers: StarttlsServer[] = [];

  before(async () => {
    ensurePackages([{ command: 'openssl', pkg: 'openssl' }]);
    ({ pki, revocation, urls } = await pkiWithRevocation());
    // The sandbox's bad servers, one per broken rule (sandbox/bad-servers).
    bad = await startBadServers({ pki, ...urls });
    revocation.crl = await pki.crl(bad.revokedSerials.crl);
    for (const serial of bad.revokedSerials.ocsp) revocation.ocsp.set(serial, 'revoked');
  });
  beforeEach(() => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'crl-cache-'));
    revocation.crlDown = false;
    revocation.ocspDown = false;
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await bad.stop();
    await revocation.stop();
  });

  function trust(extra: Partial<TrustContext> = {}, now?: () => Date): TrustContext {
    const crls = new CrlStore({
      dir: cacheDir,
      fetch: (url) => httpFetch(url, { lookup }),
      ...(now ? { now } : {}),
    });
    const ocsp = new OcspClient({
      post: (url, body) =>
        httpFetch(url, { lookup, method: 'POST', body, contentType: 'application/ocsp-request' }),
      ...(now ? { now } : {}),
    });
    return {
      set: buildTrustSet('sandbox', [pki.root, pki.organisations]),
      revocation: new RevocationChecker(crls, ocsp),
      ...(now ? { now } : {}),
      ...extra,
    };
  }

  async function serve(
    leaf: LeafOptions = {},
    tlsOptions: tls.TlsOptions = {},
    protocol: UpstreamProtocol = 'imap',
    starttls: 'offer' | 'absent' | 'refuse' = 'offer',
  ): Promise<StarttlsServer> {
    const { cert, keyPem } = await pki.issue({
      name: HOST,
      crlUrl: urls.crlUrl,
      ocspUrl: urls.ocspUrl,
      ...leaf,
    });
    const server = await starttlsServer({
      protocol,
      starttls,
      tls: {
        cert: cert.toString() + pki.organisations.toString(),
        key: keyPem,
        ciphers: ALLOWED,
        dhparam: 'auto',
        ...tlsOptions,
      },
    });
    servers.push(server);
    return server;
  }

  type Target = Pick<StarttlsServer, 'port' | 'authAttempts'>;

  /** One of the sandbox's bad servers, as a target of `refused`. */
  function badServer(name: BadCaseName): Target {
    return { port: bad.servers[name].port, authAttempts: () => bad.authAttempts(name) };
  }

  /** Connects like the bridge; if trusted, sends an authentication command as the bridge would. */
  async function attempt(server: Target, context = trust(), protocol: UpstreamProtocol = 'imap') {
    try {
      const up = await openUpstream({ protocol, host: HOST, port: server.port, lookup }, context);
      up.socket.write(
        protocol === 'imap' ? 'A1 AUTHENTICATE XOAUTH2 dGVzdA==\r\n' : 'AUTH XOAUTH2 dGVzdA==\r\n',
      );
      await new Promise((resolve) => up.socket.once('data', resolve));
      up.socket.destroy();
      return { outcome: 'connected', session: up.report.session, detail: '' };
    } catch (error) {
      return {
        outcome: (error as { code?: string }).code ?? String(error),
        detail: (error as { detail?: string }).detail ?? '',
      };
    }
  }

  async function refused(
    server: Target,
    code: string,
    context?: TrustContext,
    protocol: UpstreamProtocol = 'imap',
  ) {
    const result = await attempt(server, context, protocol);
    assert.equal(result.outcome, code, JSON.stringify(result));
    assert.equal(
      server.authAttempts(),
      0,
      'an authentication command reached a server that breaks a rule',
    );
    return result;
  }

  it('ECO.1.1.1 ECO.1.1.3 connects over TLS 1.2 with each of the six allowed suites (and the server sees the login)', async () => {
    const server = await serve();
    for (const suite of TLS12_SUITES) {
      const result = await attempt(
        server,
        trust({ narrow: { ciphers: suite, maxVersion: 'TLSv1.2' } }),
      );
      assert.equal(result.outcome, 'connected', `${suite}: ${JSON.stringify(result)}`);
      assert.equal(result.session?.protocol, 'TLSv1.2');
      assert.match(
        result.session!.keyExchange,
        suite.startsWith('DHE')
          ? /^DH (2048|3072|4096) bits/
          : /^ECDH (prime256v1|secp384r1|secp521r1)/,
      );
    }
    assert.equal(server.authAttempts(), TLS12_SUITES.length, 'the counting server does see logins');
  });

  it('ECO.1.1.2 uses TLS 1.3 when the server offers it', async () => {
    const result = await attempt(await serve());
    assert.equal(result.session?.protocol, 'TLSv1.3');
  });

  it('ECO.1.0.1 does the same over SMTP submission (STARTTLS, then AUTH)', async () => {
    const server = await serve({}, {}, 'smtp');
    assert.equal((await attempt(server, trust(), 'smtp')).outcome, 'connected');
    assert.equal(server.authAttempts(), 1);
  });

  it('ECO.1.1.1 refuses a server that speaks only TLS 1.1', async () => {
    await refused(badServer('tls11'), 'E_TLS_VERSION');
  });

  it('ECO.1.1.3 refuses a server that offers only a banned suite (AES128-SHA, CHACHA20)', async () => {
    await refused(badServer('cbcSha1'), 'E_TLS_SUITE');
    await refused(badServer('chacha20'), 'E_TLS_SUITE');
  });

  it('ECO.1.1.3 refuses DHE with a 1024-bit group', async () => {
    await refused(badServer('dh1024'), 'E_TLS_DH_TOO_SMALL');
  });

  it('ECO.1.1.3 refuses a server whose only ECDHE curve is under 256 bits (secp224r1)', async () => {
    await refused(badServer('ecdh224'), 'E_TLS_SUITE');
  });

  it('ECO.1.1.3 never offers an ECDHE curve under 256 bits: a server preferring secp224r1 (or secp192r1) gets P-256', async () => {
    const server = await serve(
      {},
      {
        maxVersion: 'TLSv1.2',
        ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
        ecdhCurve: 'secp224r1:prime192v1:P-256',
        honorCipherOrder: true,
      },
    );
    const result = await attempt(server);
    assert.equal(result.outcome, 'connected', JSON.stringify(result));
    assert.match(result.session!.keyExchange, /^ECDH prime256v1 256 bits$/);
  });

  it('ECO.1.1.10 refuses a certificate from a CA outside IGC Santé, naming it', async () => {
    const { detail } = await refused(badServer('foreignCa'), 'E_TRUST_UNKNOWN_CA');
    assert.match(
      detail,
      /subject CN=imap\.sandbox\.mssante\.test.*issuer CN=Some Other CA.*sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/,
    );
    assert.match(detail, /^imap\.sandbox\.mssante\.test:\d+/);
  });

  it('ECO.1.1.10 refuses a certificate not issued by the Élémentaire Organisations CA', async () => {
    await refused(badServer('rootIssued'), 'E_TRUST_NOT_ORGANISATIONS_CA');
  });

  it('ECO.1.1.5 refuses an expired certificate, and one not yet valid', async () => {
    await refused(badServer('expired'), 'E_TRUST_EXPIRED');
    await refused(badServer('expiredSmtp'), 'E_TRUST_EXPIRED', undefined, 'smtp');
    await refused(badServer('notYetValid'), 'E_TRUST_NOT_YET_VALID');
  });

  it('refuses a certificate issued for another name', async () => {
    await refused(badServer('wrongHost'), 'E_TRUST_HOSTNAME');
  });

  it('ECO.1.1.6 refuses a certificate listed in the CRL', async () => {
    await refused(badServer('revokedCrl'), 'E_TRUST_REVOKED');
  });

  it('ECO.1.1.6 refuses a certificate only OCSP knows to be revoked', async () => {
    const { detail } = await refused(badServer('revokedOcsp'), 'E_TRUST_REVOKED');
    assert.match(detail, /CRL good.*OCSP revoked/);
  });

  it('ECO.1.1.6 ignores an OCSP answer not signed by the issuing CA', async () => {
    const forger = new RevocationServer(pki.organisations, pki.foreignKey);
    const forged = await forger.start();
    try {
      revocation.crlDown = true; // only the forged OCSP "good" is left
      const { detail } = await refused(
        await serve({ ocspUrl: forged.ocspUrl }),
        'E_TRUST_REVOCATION_UNKNOWN',
      );
      assert.match(detail, /OCSP unavailable/);
      assert.equal(forger.requests.ocsp, 1);
    } finally {
      await forger.stop();
    }
  });

  it('ECO.1.0.2 ECO.1.0.1 refuses a server without STARTTLS, or refusing it, before any login', async () => {
    await refused(badServer('noStarttls'), 'E_STARTTLS_UNAVAILABLE');
    await refused(badServer('starttlsRefused'), 'E_STARTTLS_REFUSED');
    await refused(badServer('noStarttlsSmtp'), 'E_STARTTLS_UNAVAILABLE', undefined, 'smtp');
    await refused(badServer('starttlsRefusedSmtp'), 'E_STARTTLS_REFUSED', undefined, 'smtp');
  });

  it('ECO.1.1.7 connects with the cached CRL while the CRL server and OCSP are down', async () => {
    const server = await serve();
    assert.equal((await attempt(server)).outcome, 'connected'); // fills the cache
    revocation.crlDown = true;
    revocation.ocspDown = true;
    assert.equal((await attempt(server)).outcome, 'connected');
  });

  it('ECO.1.1.7 refuses once the cached CRL has expired and nothing answers', async () => {
    const server = await serve();
    assert.equal((await attempt(server)).outcome, 'connected');
    revocation.crlDown = true;
    revocation.ocspDown = true;
    const later = () => new Date(Date.now() + 8 * DAY); // past the CRL's nextUpdate
    await refused(
      await serve({ from: new Date(Date.now() - DAY), to: new Date(Date.now() + 30 * DAY) }),
      'E_TRUST_REVOCATION_UNKNOWN',
      trust({}, later),
    );
  });

  it('ECO.1.1.6 refuses when no revocation source gives a valid answer', async () => {
    revocation.crlDown = true;
    revocation.ocspDown = true;
    await refused(await serve(), 'E_TRUST_REVOCATION_UNKNOWN');
  });

  it('ECO.1.1.6 refuses, on the next connection, a certificate that a refreshed CRL revokes', async () => {
    const server = await serve({ serial: 'abc003' });
    assert.equal((await attempt(server)).outcome, 'connected');
    revocation.crl = await pki.crl([...bad.revokedSerials.crl, 'abc003'], {
      thisUpdate: new Date(),
    });
    revocation.ocspDown = true; // the CRL alone must catch it
    const refreshed = trust(); // a new process: the cache on disk is refreshed from the server
    const result = await attempt(server, refreshed);
    assert.equal(result.outcome, 'E_TRUST_REVOKED');
    assert.equal(server.authAttempts(), 1, 'only the first, trusted connection logged in');
    revocation.crl = await pki.crl(bad.revokedSerials.crl);
  });

  it('ECO.1.0.1 ECO.1.0.2 ECO.1.1.1 ECO.1.1.3 ECO.1.1.5 ECO.1.1.6 ECO.1.1.10 every sandbox bad server is refused with the code their table announces, no login reaching them', async () => {
    for (const [name, spec] of Object.entries(BAD_CASES) as Array<
      [BadCaseName, (typeof BAD_CASES)[BadCaseName]]
    >) {
      const result = await attempt(badServer(name), trust(), spec.protocol);
      assert.equal(result.outcome, spec.expected, `${name}: ${JSON.stringify(result)}`);
      assert.equal(bad.authAttempts(name), 0, name);
    }
  });
});
