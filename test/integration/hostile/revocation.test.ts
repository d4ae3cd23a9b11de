import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpFetch } from '../../../native-host/net/http-fetch';
import { staticLookup } from '../../../native-host/net/static-lookup';
import { CrlStore } from '../../../native-host/trust/crl-store';
import {
  OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS,
  OcspClient,
} from '../../../native-host/trust/ocsp-client';
import { RevocationChecker } from '../../../native-host/trust/revocation';
import { buildTrustSet } from '../../../native-host/trust/trust-sets';
import type { PeerReport, TrustContext } from '../../../native-host/trust/verify';
import { openUpstream } from '../../../native-host/upstream/starttls';
import {
  type StarttlsServer,
  starttlsServer,
} from '../../../lab/sandbox/bad-servers/starttls-server';
import { type IssuingCa, type MiniPki, miniPki } from '../../../lab/sandbox/pki/mini-pki';
import { RevocationServer } from '../../../lab/sandbox/pki/revocation-server';
import { ensurePackages } from '../../../lab/system/packages';

const HOST = 'imap.sandbox.mssante.test';
const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });
const HOUR = 3600_000;
const serialOf = (hex: string) => hex.toLowerCase().replace(/^0+(?=.)/, '');

/**
 * Revocation answers a real responder may give (RFC 6960 lets it omit nextUpdate) and a revoked
 * Organisations CA, from the lab's real CRL distribution points and OCSP responders.
 */
describe('hostile: revocation of old OCSP answers and of the issuing CA', function () {
  this.timeout(120_000);
  let pki: MiniPki;
  let cacheDir: string;
  const revocations: RevocationServer[] = [];
  const servers: StarttlsServer[] = [];

  before(async () => {
    ensurePackages([{ command: 'openssl', pkg: 'openssl' }]);
    pki = await miniPki();
  });
  beforeEach(() => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'revocation-'));
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(revocations.map((r) => r.stop()));
  });

  async function responder(ca: IssuingCa): Promise<RevocationServer> {
    const server = new RevocationServer(ca.cert, ca.key);
    await server.start();
    revocations.push(server);
    return server;
  }

  const ocspClient = () =>
    new OcspClient({
      post: (url, body) =>
        httpFetch(url, { lookup, method: 'POST', body, contentType: 'application/ocsp-request' }),
    });

  function trust(organisations: IssuingCa): TrustContext {
    return {
      set: buildTrustSet('sandbox', [pki.root, organisations.cert]),
      revocation: new RevocationChecker(
        new CrlStore({ dir: cacheDir, fetch: (url) => httpFetch(url, { lookup }) }),
        ocspClient(),
      ),
    };
  }

  async function serve(
    issuer: IssuingCa,
    revocation: { crlUrl: string | null; ocspUrl?: string },
  ): Promise<StarttlsServer> {
    const { cert, keyPem } = await pki.issue({ name: HOST, signedBy: issuer, ...revocation });
    const server = await starttlsServer({
      protocol: 'imap',
      tls: { cert: cert.toString() + issuer.cert.toString(), key: keyPem },
    });
    servers.push(server);
    return server;
  }

  async function connect(
    server: StarttlsServer,
    context: TrustContext,
  ): Promise<{ report?: PeerReport; code?: string; detail?: string }> {
    try {
      const up = await openUpstream(
        { protocol: 'imap', host: HOST, port: server.port, lookup },
        context,
      );
      up.socket.destroy();
      return { report: up.report };
    } catch (error) {
      const { code, detail } = error as { code?: string; detail?: string };
      return { code: code ?? String(error), detail: detail ?? '' };
    }
  }

  describe('OCSP answers without nextUpdate', () => {
    const organisations = (): IssuingCa => ({ cert: pki.organisations, key: pki.organisationsKey });

    it(`hostile: a good answer without nextUpdate is accepted while thisUpdate is under ${OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS / HOUR} h old, refused (unavailable) beyond`, async () => {
      const ocsp = await responder(organisations());
      const { cert: leaf } = await pki.issue({ name: HOST, crlUrl: null });
      const client = ocspClient();
      ocsp.ocspTimes = { thisUpdateAgoMs: 60_000, nextUpdateInMs: null };
      const fresh = await client.check(leaf, pki.organisations, ocsp.urls.ocspUrl);
      assert.equal(fresh.status, 'good');
      assert.equal(fresh.status === 'good' && fresh.nextUpdate, undefined);
      // Never cached: the next check asks again, and the answer is now too old.
      ocsp.ocspTimes = {
        thisUpdateAgoMs: OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS + HOUR,
        nextUpdateInMs: null,
      };
      const old = await client.check(leaf, pki.organisations, ocsp.urls.ocspUrl);
      assert.equal(old.status, 'unavailable');
      assert.match(
        old.status === 'unavailable' ? old.reason : '',
        /without nextUpdate is older than 24 h/,
      );
      assert.equal(ocsp.requests.ocsp, 2);
      // Just inside the bound is still good.
      ocsp.ocspTimes = {
        thisUpdateAgoMs: OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS - HOUR,
        nextUpdateInMs: null,
      };
      assert.equal((await client.check(leaf, pki.organisations, ocsp.urls.ocspUrl)).status, 'good');
      // The same old answer with a nextUpdate still ahead is current.
      ocsp.ocspTimes = {
        thisUpdateAgoMs: 3 * OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS,
        nextUpdateInMs: HOUR,
      };
      assert.equal((await client.check(leaf, pki.organisations, ocsp.urls.ocspUrl)).status, 'good');
    });

    it('hostile: a server whose only revocation source answers an old good without nextUpdate is refused before any login (E_TRUST_REVOCATION_UNKNOWN)', async () => {
      const ocsp = await responder(organisations());
      ocsp.ocspTimes = {
        thisUpdateAgoMs: 3 * OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS,
        nextUpdateInMs: null,
      };
      const server = await serve(organisations(), { crlUrl: null, ocspUrl: ocsp.urls.ocspUrl });
      const result = await connect(server, trust(organisations()));
      assert.equal(result.code, 'E_TRUST_REVOCATION_UNKNOWN');
      assert.match(result.detail ?? '', /OCSP unavailable/);
      assert.equal(server.authAttempts(), 0);
    });
  });

  describe('the issuing Organisations CA', () => {
    let arl: RevocationServer;
    let organisations: IssuingCa;
    let leafRevocation: RevocationServer;

    before(async () => {
      arl = await responder({ cert: pki.root, key: pki.rootKey });
      organisations = await pki.organisationsCa({
        crlUrl: arl.urls.crlUrl,
        ocspUrl: arl.urls.ocspUrl,
      });
      leafRevocation = await responder(organisations);
      leafRevocation.crl = await pki.crl([]);
    });
    beforeEach(async () => {
      arl.crl = await pki.crl([], { signer: 'root' });
      arl.ocsp.clear();
      arl.crlDown = false;
      arl.ocspDown = false;
    });

    const leafSources = () => ({ crlUrl: null, ocspUrl: leafRevocation.urls.ocspUrl });

    it('hostile: a CA the root revoked (ARL and OCSP) refuses its good servers (E_TRUST_REVOKED naming the CA)', async () => {
      const serial = serialOf(organisations.cert.serialNumber);
      arl.crl = await pki.crl([serial], { signer: 'root' });
      arl.ocsp.set(serial, 'revoked');
      const server = await serve(organisations, leafSources());
      const result = await connect(server, trust(organisations));
      assert.equal(result.code, 'E_TRUST_REVOKED');
      assert.match(result.detail ?? '', /TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS/);
      assert.equal(server.authAttempts(), 0);
    });

    it('hostile: a CA revoked on the ARL alone (its OCSP down) is refused too', async () => {
      arl.crl = await pki.crl([serialOf(organisations.cert.serialNumber)], { signer: 'root' });
      arl.ocspDown = true;
      const server = await serve(organisations, leafSources());
      assert.equal((await connect(server, trust(organisations))).code, 'E_TRUST_REVOKED');
    });

    it('hostile: a CA whose status nobody can give (ARL and OCSP down) is refused (E_TRUST_REVOCATION_UNKNOWN)', async () => {
      arl.crlDown = true;
      arl.ocspDown = true;
      const server = await serve(organisations, leafSources());
      const result = await connect(server, trust(organisations));
      assert.equal(result.code, 'E_TRUST_REVOCATION_UNKNOWN');
      assert.equal(server.authAttempts(), 0);
    });

    it('hostile: a CA in good standing: connected, its own status reported beside the server’s', async () => {
      const server = await serve(organisations, leafSources());
      const { report, code } = await connect(server, trust(organisations));
      assert.equal(code, undefined);
      assert.deepEqual(
        report?.caRevocation?.crl.map((c) => c.status),
        ['good'],
      );
      assert.deepEqual(
        report?.caRevocation?.ocsp.map((o) => o.status),
        ['good'],
      );
      assert.deepEqual(
        report?.revocation.ocsp.map((o) => o.status),
        ['good'],
      );
    });
  });
});
