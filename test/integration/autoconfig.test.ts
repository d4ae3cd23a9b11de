import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { HostApp } from '../../native-host/service/host-app';
import { type AutoconfigFetchOptions, fetchAutoconfig } from '../../native-host/autoconfig/fetch';
import { secureUpstream } from '../../native-host/trust/verify';
import net from 'node:net';
import { HANDLERS } from '../../native-host/handlers/index';
import type { Logger } from '../../native-host/log';
import { TLS12_SUITES } from '../../native-host/trust/tls-policy';
import { trustContext } from '../../native-host/trust/context';
import { buildTrustSet } from '../../native-host/trust/trust-sets';
import type { TrustContext } from '../../native-host/trust/verify';
import {
  type AutoconfigOverride,
  type AutoconfigServer,
  startAutoconfig,
} from '../../lab/sandbox/autoconfig/index';
import { type LeafOptions, type MiniPki } from '../../lab/sandbox/pki/mini-pki';
import { pkiWithRevocation } from '../fixtures/pki-revocation';
import { RevocationServer } from '../../lab/sandbox/pki/revocation-server';
import { staticLookup } from '../../native-host/net/static-lookup';
import { MssanteError } from '../../shared/errors/mssante-error';
import { writeHostConfig } from '../../native-host/config/private-file';
import { parseHostConfig } from '../../native-host/config/schema';

const DOMAIN = 'sandbox.mssante.test';
const NAME = `autoconfig.${DOMAIN}`;
const ADDRESS = `marie.martin@${DOMAIN}`;
const HOSTS = { [`*.${DOMAIN}`]: '127.0.0.1' };
const lookup = staticLookup(HOSTS);
const DAY = 86_400_000;
const CONFIG = {
  domain: DOMAIN,
  imap: { host: `imap.${DOMAIN}`, port: 10143 },
  smtp: { host: `smtp.${DOMAIN}`, port: 10587 },
};

const quiet: Logger = { info() {}, warn() {}, error() {}, close() {} };

describe('autoconfig over HTTPS under the IGC Santé trust rules (real HTTPS server)', function () {
  this.timeout(60_000);
  let pki: MiniPki;
  let revocation: RevocationServer;
  let urls: { crlUrl: string; ocspUrl: string };
  let cacheDir: string;
  const servers: AutoconfigServer[] = [];
  const revokedSerial = '7abc0001';

  before(async () => {
    ({ pki, revocation, urls } = await pkiWithRevocation([revokedSerial]));
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'autoconfig-crl-'));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await revocation.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  function trust(): TrustContext {
    return trustContext(buildTrustSet('sandbox', [pki.root, pki.organisations]), {
      cacheDir,
      lookup,
    });
  }

  async function serve(
    leaf: LeafOptions = {},
    options: { override?: AutoconfigOverride; tls?: tls.TlsOptions } = {},
  ): Promise<AutoconfigServer> {
    const { cert, keyPem } = await pki.issue({
      name: NAME,
      crlUrl: urls.crlUrl,
      ocspUrl: urls.ocspUrl,
      ...leaf,
    });
    const chainCa = leaf.issuer === 'web' ? pki.webIntermediate : pki.organisations;
    const server = await startAutoconfig({
      port: 0,
      cert: cert.toString() + (leaf.issuer === 'self' ? '' : chainCa.toString()),
      key: keyPem,
      config: CONFIG,
      ...options,
    });
    servers.push(server);
    return server;
  }

  const portOf = (server: AutoconfigServer) => Number(new URL(server.info.url).port);

  function download(server: AutoconfigServer, extra: Partial<AutoconfigFetchOptions> = {}) {
    return fetchAutoconfig(ADDRESS, { trust: trust(), lookup, port: portOf(server), ...extra });
  }

  async function refusedWith(
    server: AutoconfigServer,
    code: string,
    extra: Partial<AutoconfigFetchOptions> = {},
  ): Promise<MssanteError> {
    const error = await download(server, extra).then(
      (found) => assert.fail(`accepted: ${JSON.stringify(found)}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MssanteError, String(error));
    assert.equal(error.code, code, error.message);
    return error;
  }

  /** A trust refusal: coded, and the HTTP request never reached the server. */
  async function untrusted(
    server: AutoconfigServer,
    code: string,
    extra: Partial<AutoconfigFetchOptions> = {},
  ): Promise<MssanteError> {
    const error = await refusedWith(server, code, extra);
    assert.equal(server.requests(), 0, 'the HTTP request reached an untrusted server');
    return error;
  }

  it('ECO.1.1.9 downloads config-v1.1.xml from autoconfig.<domain> and reads IMAP/SMTP hosts, ports and STARTTLS', async () => {
    const server = await serve();
    const found = await download(server);
    assert.equal(found.domain, DOMAIN);
    assert.equal(found.url, `https://${NAME}:${portOf(server)}/mail/config-v1.1.xml`);
    assert.deepEqual(found.imap, {
      host: `imap.${DOMAIN}`,
      port: 10143,
      socketType: 'STARTTLS',
      username: ADDRESS,
      authentication: ['OAuth2', 'TLS-client-cert'],
    });
    assert.deepEqual(
      { host: found.smtp.host, port: found.smtp.port, socketType: found.smtp.socketType },
      { host: `smtp.${DOMAIN}`, port: 10587, socketType: 'STARTTLS' },
    );
    assert.equal(found.smtp.username, ADDRESS);
    assert.equal(found.providerId, DOMAIN);
    assert.match(found.server.certificate, /subject CN=autoconfig\.sandbox\.mssante\.test/);
    assert.match(found.server.protocol, /^TLSv1\.[23]$/);
    assert.equal(server.requests(), 1);
  });

  it('the sandbox server answers 404 outside /mail/config-v1.1.xml', async () => {
    const server = await serve();
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get(
          {
            host: '127.0.0.1',
            port: portOf(server),
            path: '/other.xml',
            servername: NAME,
            ca: [pki.organisations.toString(), pki.root.toString()],
            checkServerIdentity: () => undefined,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
    assert.equal(status, 404);
  });

  it('the sandbox server itself speaks only the six TLS 1.2 suites (and TLS 1.3)', async () => {
    const server = await serve();
    const probe = (options: tls.ConnectionOptions) =>
      new Promise<string>((resolve) => {
        const socket = tls.connect({
          host: '127.0.0.1',
          port: portOf(server),
          servername: NAME,
          rejectUnauthorized: false, // a probe of the server's TLS settings, not a client
          ...options,
        });
        socket.once('secureConnect', () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
          socket.destroy();
        });
        socket.once('error', () => resolve('refused'));
      });
    for (const suite of TLS12_SUITES)
      assert.equal(await probe({ maxVersion: 'TLSv1.2', ciphers: suite }), `TLSv1.2 ${suite}`);
    assert.match(await probe({}), /^TLSv1\.3 /);
    for (const banned of [
      'AES128-SHA:@SECLEVEL=0',
      'ECDHE-RSA-CHACHA20-POLY1305',
      'AES256-GCM-SHA384',
    ])
      assert.equal(await probe({ maxVersion: 'TLSv1.2', ciphers: banned }), 'refused', banned);
    assert.equal(
      await probe({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
      'refused',
    );
    assert.equal(server.requests(), 0);
  });

  it('ECO.1.1.9 refuses a server certificate neither IGC Santé nor the web PKI vouches for (an unknown CA), naming it, before any request', async () => {
    const error = await untrusted(
      await serve({ issuer: 'foreign' }),
      'E_TRUST_AUTOCONFIG_UNKNOWN_CA',
    );
    assert.match(
      error.detail ?? '',
      /^autoconfig\.sandbox\.mssante\.test:\d+: subject CN=autoconfig\.sandbox\.mssante\.test.*issuer CN=Some Other CA.*sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}; neither IGC Santé nor the web PKI: UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT_LOCALLY)/,
    );
  });

  it('ECO.1.1.9 refuses a self-signed autoconfig certificate, naming it, before any request', async () => {
    const error = await untrusted(await serve({ issuer: 'self' }), 'E_TRUST_AUTOCONFIG_UNKNOWN_CA');
    assert.match(
      error.detail ?? '',
      /subject CN=autoconfig\.sandbox\.mssante\.test, O=Sandbox, C=FR; issuer CN=autoconfig\.sandbox\.mssante\.test, O=Sandbox, C=FR; sha256 .*DEPTH_ZERO_SELF_SIGNED_CERT/,
    );
  });

  describe('a commercial certificate of the web PKI (seed footnote (*) under ECO.1.1.9)', () => {
    /** Node's default store with the test commercial CA in it (what NODE_EXTRA_CA_CERTS adds). */
    const withCommercialCa = () => ({ webPki: [...tls.rootCertificates, pki.webRoot.toString()] });

    it('ECO.1.1.9 accepts an autoconfig certificate from a CA of the web PKI, saying who issued it', async () => {
      const server = await serve({ issuer: 'web', crlUrl: null });
      const found = await download(server, withCommercialCa());
      assert.equal(found.server.pki, 'web');
      assert.equal(found.server.issuer, pki.webIntermediate.subject.split('\n').join(', '));
      assert.match(found.server.certificate, /issuer CN=Sandbox Commercial TLS CA 2026/);
      assert.equal(found.imap.host, `imap.${DOMAIN}`);
      assert.equal(server.requests(), 1);
    });

    it('ECO.1.1.9 an IGC Santé certificate is still accepted and said so', async () => {
      const found = await download(await serve(), withCommercialCa());
      assert.equal(found.server.pki, 'igc-sante');
      assert.match(found.server.issuer, /^CN=TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS/);
    });

    it('ECO.1.1.9 the same commercial certificate is refused when its CA is not in Node’s default store', async () => {
      const server = await serve({ issuer: 'web', crlUrl: null });
      // Node's bundled roots and this process's NODE_EXTRA_CA_CERTS: no test CA there.
      await untrusted(server, 'E_TRUST_AUTOCONFIG_UNKNOWN_CA');
      await untrusted(server, 'E_TRUST_AUTOCONFIG_UNKNOWN_CA', { webPki: [] });
    });

    it('ECO.1.1.9 ECO.1.1.5 the web PKI’s certificate is still checked: dates, host name, key usage', async () => {
      const web = { issuer: 'web' as const, crlUrl: null };
      await untrusted(
        await serve({
          ...web,
          from: new Date(Date.now() - 60 * DAY),
          to: new Date(Date.now() - DAY),
        }),
        'E_TRUST_EXPIRED',
        withCommercialCa(),
      );
      await untrusted(
        await serve({ ...web, name: `imap.${DOMAIN}` }),
        'E_TRUST_HOSTNAME',
        withCommercialCa(),
      );
      await untrusted(
        await serve({ ...web, eku: ['1.3.6.1.5.5.7.3.2'] }),
        'E_TRUST_KEY_USAGE', // a client-only EKU: OpenSSL's INVALID_PURPOSE
        withCommercialCa(),
      );
    });

    it('ECO.1.1.9 ECO.1.1.6 a web certificate its CA revoked is refused; one whose status cannot be known is accepted', async () => {
      const webRevocation = new RevocationServer(pki.webIntermediate, pki.webIntermediateKey);
      const { ocspUrl } = await webRevocation.start();
      try {
        webRevocation.ocsp.set('5eb0001', 'revoked');
        const web = { issuer: 'web' as const, crlUrl: null, ocspUrl };
        await untrusted(
          await serve({ ...web, serial: '5eb0001' }),
          'E_TRUST_REVOKED',
          withCommercialCa(),
        );
        const good = await download(await serve({ ...web, serial: '5eb0002' }), withCommercialCa());
        assert.equal(good.server.pki, 'web');
        assert.ok(webRevocation.requests.ocsp >= 2);
        // The responder down: unknown, accepted (as browsers do; docs/trust.md).
        webRevocation.ocspDown = true;
        const unknown = await download(
          await serve({ ...web, serial: '5eb0003' }),
          withCommercialCa(),
        );
        assert.equal(unknown.server.pki, 'web');
      } finally {
        await webRevocation.stop();
      }
    });

    it('ECO.1.1.10 the API LPS stays IGC Santé only: the bridge’s and LDAP’s secureUpstream refuses the commercial certificate', async () => {
      const server = await serve({ issuer: 'web', crlUrl: null });
      const plain = net.connect({ host: NAME, port: portOf(server), lookup });
      await new Promise((resolve, reject) => plain.once('connect', resolve).once('error', reject));
      await assert.rejects(
        secureUpstream(plain, NAME, trust()),
        (e: MssanteError) => e.code === 'E_TRUST_UNKNOWN_CA',
      );
      plain.destroy();
      assert.equal(server.requests(), 0);
    });
  });

  it('ECO.1.1.9 chooses the front by mailbox type in the seed’s two-front layout (PER/ORG OAuth2, APP TLS-client-cert)', async () => {
    const app = {
      imap: { host: `authcli.${DOMAIN}`, port: 10143 },
      smtp: { host: `authcli.${DOMAIN}`, port: 10587 },
    };
    const { cert, keyPem } = await pki.issue({ name: NAME, crlUrl: urls.crlUrl });
    const server = await startAutoconfig({
      port: 0,
      cert: cert.toString() + pki.organisations.toString(),
      key: keyPem,
      config: { ...CONFIG, app },
    });
    servers.push(server);
    const per = await download(server);
    assert.equal(per.type, 'PER');
    assert.deepEqual(
      [per.imap.host, per.imap.authentication, per.smtp.host, per.imap.username],
      [`imap.${DOMAIN}`, ['OAuth2'], `smtp.${DOMAIN}`, 'marie.martin'],
    );
    const forApp = await download(server, { type: 'APP' });
    assert.deepEqual(
      [
        forApp.imap.host,
        forApp.imap.port,
        forApp.smtp.host,
        forApp.smtp.port,
        forApp.smtp.authentication,
      ],
      [`authcli.${DOMAIN}`, 10143, `authcli.${DOMAIN}`, 10587, ['TLS-client-cert']],
    );
    assert.equal((await download(server, { type: 'ORG' })).imap.host, `imap.${DOMAIN}`);
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(per.byType).map(([t, c]) => [t, 'imap' in c ? c.imap.host : c.code]),
      ),
      { PER: `imap.${DOMAIN}`, ORG: `imap.${DOMAIN}`, APP: `authcli.${DOMAIN}` },
    );
  });

  it('ECO.1.1.9 a file with no front for the type is refused with E_AUTOCONFIG_NO_SERVER_FOR_TYPE; the others still configure', async () => {
    const pscOnly = `<clientConfig version="1.1"><emailProvider id="${DOMAIN}"><domain>${DOMAIN}</domain>
<incomingServer type="imap"><hostname>imap.${DOMAIN}</hostname><port>143</port><socketType>STARTTLS</socketType><authentication>OAuth2</authentication></incomingServer>
<incomingServer type="imap"><hostname>old.${DOMAIN}</hostname><port>143</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.${DOMAIN}</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>OAuth2</authentication></outgoingServer>
</emailProvider></clientConfig>`;
    const server = await serve({}, { override: { body: pscOnly } });
    const error = await refusedWith(server, 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE', { type: 'APP' });
    assert.match(
      error.detail ?? '',
      /APP: no IMAP server with TLS-client-cert; offered: imap\.sandbox\.mssante\.test \(OAuth2\); old\.sandbox\.mssante\.test \(password-cleartext\)/,
    );
    const per = await download(server, { type: 'PER' });
    assert.equal(per.imap.host, `imap.${DOMAIN}`);
    assert.ok(
      'code' in per.byType.APP && per.byType.APP.code === 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE',
    );
  });

  it('ECO.1.1.10 refuses a certificate issued by the root rather than the Organisations CA', async () => {
    await untrusted(await serve({ issuer: 'root' }), 'E_TRUST_NOT_ORGANISATIONS_CA');
  });

  it('ECO.1.1.5 refuses an expired certificate before any request', async () => {
    await untrusted(
      await serve({ from: new Date(Date.now() - 60 * DAY), to: new Date(Date.now() - DAY) }),
      'E_TRUST_EXPIRED',
    );
  });

  it('ECO.1.1.10 refuses a certificate issued for another host name before any request', async () => {
    await untrusted(await serve({ name: `imap.${DOMAIN}` }), 'E_TRUST_HOSTNAME');
  });

  it('ECO.1.1.6 refuses a certificate listed in the CRL before any request', async () => {
    await untrusted(await serve({ serial: revokedSerial }), 'E_TRUST_REVOKED');
  });

  it('ECO.1.1.3 refuses a server offering only a banned suite (CBC-SHA1, CHACHA20) before any request', async () => {
    await untrusted(
      await serve({}, { tls: { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:@SECLEVEL=0' } }),
      'E_TLS_SUITE',
    );
    await untrusted(
      await serve({}, { tls: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' } }),
      'E_TLS_SUITE',
    );
  });

  it('ECO.1.1.1 ECO.1.1.3 refuses a server speaking only TLS 1.1 before any request', async () => {
    await untrusted(
      await serve(
        {},
        {
          tls: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' },
        },
      ),
      'E_TLS_VERSION',
    );
  });

  it('ECO.1.1.9 refuses a malformed file', async () => {
    const server = await serve({}, { override: { body: '<clientConfig><emailProvider>' } });
    await refusedWith(server, 'E_AUTOCONFIG_INVALID');
    assert.equal(server.requests(), 1);
  });

  it('ECO.1.1.9 refuses a file with an external entity, without expanding or fetching it', async () => {
    let fetched = 0;
    const bait = http.createServer((_req, res) => {
      fetched += 1;
      res.end('<hostname>evil.example</hostname>');
    });
    await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = bait.address() as AddressInfo;
      const xxe = `<?xml version="1.0"?>
<!DOCTYPE clientConfig [
  <!ENTITY remote SYSTEM "http://127.0.0.1:${port}/xxe">
  <!ENTITY local SYSTEM "file:///etc/passwd">
]>
<clientConfig version="1.1"><emailProvider id="${DOMAIN}"><domain>${DOMAIN}</domain>
<incomingServer type="imap"><hostname>&remote;</hostname><port>143</port><socketType>STARTTLS</socketType><username>&local;</username></incomingServer>
<outgoingServer type="smtp"><hostname>&remote;</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
</emailProvider></clientConfig>`;
      const error = await refusedWith(
        await serve({}, { override: { body: xxe } }),
        'E_AUTOCONFIG_INVALID',
      );
      assert.equal(fetched, 0, 'the external entity was fetched');
      assert.doesNotMatch(error.message, /root:|evil\.example/);
    } finally {
      await new Promise<void>((resolve) => bait.close(() => resolve()));
    }
  });

  it('ECO.1.1.9 refuses a body over 64 KiB, announced or streamed', async () => {
    const huge = `<clientConfig>${' '.repeat(200 * 1024)}</clientConfig>`;
    await refusedWith(await serve({}, { override: { body: huge } }), 'E_AUTOCONFIG_TOO_LARGE');
    await refusedWith(
      await serve({}, { override: { body: huge, chunked: true } }),
      'E_AUTOCONFIG_TOO_LARGE',
    );
  });

  it('ECO.1.1.9 refuses a 404 with its status', async () => {
    const error = await refusedWith(
      await serve({}, { override: { status: 404, body: 'not here' } }),
      'E_AUTOCONFIG_HTTP_STATUS',
    );
    assert.match(error.detail ?? '', /: 404$/);
  });

  it('ECO.1.1.9 refuses a redirect and does not follow it', async () => {
    const target = await serve();
    const server = await serve(
      {},
      { override: { status: 302, headers: { location: target.info.url } } },
    );
    await refusedWith(server, 'E_AUTOCONFIG_REDIRECT');
    assert.equal(target.requests(), 0, 'the redirect was followed');
  });

  it('ECO.1.1.9 refuses a file that is not MSSanté-shaped (no STARTTLS, or another domain)', async () => {
    const xml = (socketType: string, domain = DOMAIN) =>
      `<clientConfig version="1.1"><emailProvider id="${domain}"><domain>${domain}</domain>
<incomingServer type="imap"><hostname>imap.${DOMAIN}</hostname><port>993</port><socketType>${socketType}</socketType></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.${DOMAIN}</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
</emailProvider></clientConfig>`;
    await refusedWith(
      await serve({}, { override: { body: xml('SSL') } }),
      'E_AUTOCONFIG_NOT_MSSANTE',
    );
    await refusedWith(
      await serve({}, { override: { body: xml('plain') } }),
      'E_AUTOCONFIG_NOT_MSSANTE',
    );
    await refusedWith(
      await serve({}, { override: { body: xml('STARTTLS', 'elsewhere.test') } }),
      'E_AUTOCONFIG_NOT_MSSANTE',
    );
  });

  it('ECO.1.1.9 gives up with a code when the server never answers', async () => {
    await refusedWith(await serve({}, { override: { stall: true } }), 'E_AUTOCONFIG_TIMEOUT', {
      timeoutMs: 1_500,
    });
  });

  it('ECO.1.1.9 refuses an address without a usable domain', async () => {
    for (const address of [
      'no-at-sign',
      '@sandbox.mssante.test',
      'a@b',
      'a@bad_domain.test',
      'a@x..test',
    ])
      await assert.rejects(
        fetchAutoconfig(address, { trust: trust(), lookup }),
        (e: MssanteError) => e.code === 'E_ADDRESS_INVALID',
        address,
      );
  });

  it('ECO.1.1.9 the host answers autoconfig.lookup from its config.json (the domain’s port, names, trust) and journals it', async () => {
    const server = await serve();
    const sandboxDir = mkdtempSync(path.join(os.tmpdir(), 'autoconfig-sandbox-'));
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'autoconfig-host-'));
    try {
      const file = (name: string, text: string) => {
        writeFileSync(path.join(sandboxDir, name), text);
        return path.join(sandboxDir, name);
      };
      writeHostConfig(
        stateDir,
        parseHostConfig({
          trust: {
            set: 'sandbox',
            rootCert: file('root.pem', pki.root.toString()),
            intermediateCert: file('organisations.pem', pki.organisations.toString()),
          },
          hosts: HOSTS,
          autoconfig: { ports: { [DOMAIN]: Number(new URL(server.info.url).port) } },
        }),
      );
      const app = new HostApp(stateDir, quiet);
      const ctx = {
        log: quiet,
        startedAt: Date.now(),
        now: () => Date.now(),
        counters: { requestsServed: 0, frameErrors: 0 },
        app: async () => app,
      };
      const found = await HANDLERS['autoconfig.lookup']({ address: ADDRESS }, ctx);
      assert.equal(found.imap.host, `imap.${DOMAIN}`);
      assert.equal(found.smtp.port, 10587);
      assert.equal(server.requests(), 1);
      await assert.rejects(
        HANDLERS['autoconfig.lookup']({ address: 'someone@elsewhere.invalid' }, ctx),
        (e: MssanteError) => e.code === 'E_UPSTREAM_UNREACHABLE',
      );
      const journal = readdirSync(path.join(stateDir, 'audit'))
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) =>
          readFileSync(path.join(stateDir, 'audit', f), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { action: string; outcome: string; code?: string }),
        )
        .filter((e) => e.action === 'autoconfig');
      assert.deepEqual(
        journal.map((e) => [e.outcome, e.code]),
        [
          ['ok', undefined],
          ['failed', 'E_UPSTREAM_UNREACHABLE'],
        ],
      );
      await app.close();
    } finally {
      rmSync(sandboxDir, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
