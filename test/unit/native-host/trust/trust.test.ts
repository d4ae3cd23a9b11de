import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CrlStore } from '../../../../native-host/trust/crl-store';
import { buildTrustSet } from '../../../../native-host/trust/trust-sets';
import { checkCertificate } from '../../../../native-host/trust/verify';
import { type MiniPki, miniPki } from '../../../../lab/sandbox/pki/mini-pki';

const DAY = 86_400_000;
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'accepted';
};

describe('trust: server certificate rules', function () {
  this.timeout(30_000);
  let pki: MiniPki;
  const host = 'imap.sandbox.mssante.test';
  before(async () => (pki = await miniPki()));
  const set = () => buildTrustSet('sandbox', [pki.root, pki.organisations]);

  it('ECO.1.1.10 accepts a server certificate issued by the Élémentaire Organisations CA', async () => {
    const issuer = checkCertificate(await pki.leaf(), host, set(), new Date());
    assert.equal(issuer.subject, pki.organisations.subject);
  });

  it('ECO.1.1.10 refuses a certificate from a CA outside IGC Santé', async () => {
    const foreign = await pki.leaf({ issuer: 'foreign' });
    assert.equal(
      codeOf(() => checkCertificate(foreign, host, set(), new Date())),
      'E_TRUST_UNKNOWN_CA',
    );
  });

  it('ECO.1.1.10 refuses a certificate issued by the root itself, not the Organisations CA', async () => {
    const byRoot = await pki.leaf({ issuer: 'root' });
    assert.equal(
      codeOf(() => checkCertificate(byRoot, host, set(), new Date())),
      'E_TRUST_NOT_ORGANISATIONS_CA',
    );
  });

  it('ECO.1.1.5 refuses an expired certificate, and one not yet valid', async () => {
    const expired = await pki.leaf({
      from: new Date(Date.now() - 30 * DAY),
      to: new Date(Date.now() - DAY),
    });
    assert.equal(
      codeOf(() => checkCertificate(expired, host, set(), new Date())),
      'E_TRUST_EXPIRED',
    );
    const early = await pki.leaf({
      from: new Date(Date.now() + DAY),
      to: new Date(Date.now() + 30 * DAY),
    });
    assert.equal(
      codeOf(() => checkCertificate(early, host, set(), new Date())),
      'E_TRUST_NOT_YET_VALID',
    );
  });

  it('refuses a certificate for another name, and one that is not for TLS servers', async () => {
    const other = await pki.leaf({ name: 'smtp.elsewhere.test' });
    assert.equal(
      codeOf(() => checkCertificate(other, host, set(), new Date())),
      'E_TRUST_HOSTNAME',
    );
    const client = await pki.leaf({ eku: ['1.3.6.1.5.5.7.3.2'] });
    assert.equal(
      codeOf(() => checkCertificate(client, host, set(), new Date())),
      'E_TRUST_KEY_USAGE',
    );
  });

  it('refuses a trust set holding anything but Élémentaire roots and Organisations CAs', () => {
    assert.equal(
      codeOf(() => buildTrustSet('sandbox', [pki.root, pki.organisations, pki.foreign])),
      'E_TRUST_CONFIG',
    );
    assert.equal(
      codeOf(() => buildTrustSet('sandbox', [pki.organisations])),
      'E_TRUST_CONFIG',
    );
  });
});

describe('trust: CRL store', function () {
  this.timeout(30_000);
  let pki: MiniPki;
  let dir: string;
  let now: number;
  let serve: () => Promise<Uint8Array>;
  let fetches = 0;
  const store = (options: { refreshAfterMs?: number } = {}) =>
    new CrlStore({
      dir,
      now: () => new Date(now),
      fetch: () => (fetches++, serve()),
      retryAfterFailureMs: 0,
      ...options,
    });
  const down = () => Promise.reject(new Error('connection refused'));

  before(async () => (pki = await miniPki()));
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crl-'));
    now = Date.now();
    fetches = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ECO.1.1.6 answers revoked for a serial number the CRL lists, good otherwise', async () => {
    const revoked = await pki.leaf({ serial: '0a1b2c' });
    const fine = await pki.leaf({ serial: '0d0e0f' });
    const crl = await pki.crl(['0a1b2c']);
    serve = async () => crl;
    const crls = store();
    assert.equal(
      (await crls.check(revoked, pki.organisations, 'http://pki.test/crl')).status,
      'revoked',
    );
    assert.equal((await crls.check(fine, pki.organisations, 'http://pki.test/crl')).status, 'good');
  });

  it('ECO.1.1.6 refuses a CRL not signed by the issuer, or without nextUpdate', async () => {
    const leaf = await pki.leaf();
    for (const bad of [
      await pki.crl([], { signer: 'foreign' }),
      await pki.crl([], { nextUpdate: null }),
    ]) {
      serve = async () => bad;
      assert.equal(
        (await store().check(leaf, pki.organisations, 'http://pki.test/crl')).status,
        'unavailable',
      );
    }
  });

  it('ECO.1.1.7 uses the last unexpired CRL from disk when the download fails', async () => {
    const leaf = await pki.leaf({ serial: '77' });
    const crl = await pki.crl(['77']);
    serve = async () => crl;
    await store().check(leaf, pki.organisations, 'http://pki.test/crl');
    serve = down;
    const answer = await store().check(leaf, pki.organisations, 'http://pki.test/crl'); // a new process
    assert.deepEqual(
      [answer.status, 'source' in answer ? answer.source : null],
      ['revoked', 'disk'],
    );
  });

  it('ECO.1.1.7 gives no answer once the cached CRL has expired and the server is down', async () => {
    const leaf = await pki.leaf();
    const crl = await pki.crl([]);
    serve = async () => crl;
    await store().check(leaf, pki.organisations, 'http://pki.test/crl');
    serve = down;
    now += 8 * DAY;
    const answer = await store().check(leaf, pki.organisations, 'http://pki.test/crl');
    assert.equal(answer.status, 'unavailable');
    assert.match(
      answer.status === 'unavailable' ? answer.reason : '',
      /connection refused; no unexpired CRL in cache/,
    );
  });

  it('ECO.1.1.6 sees a newly revoked certificate once the CRL is refreshed', async () => {
    const leaf = await pki.leaf({ serial: '99' });
    let current = await pki.crl([]);
    serve = async () => current;
    const crls = store({ refreshAfterMs: 60_000 });
    assert.equal((await crls.check(leaf, pki.organisations, 'http://pki.test/crl')).status, 'good');
    current = await pki.crl(['99'], { thisUpdate: new Date(now) });
    assert.equal(
      (await crls.check(leaf, pki.organisations, 'http://pki.test/crl')).status,
      'good',
      'still the copy in hand',
    );
    now += 61_000;
    assert.equal(
      (await crls.check(leaf, pki.organisations, 'http://pki.test/crl')).status,
      'revoked',
    );
    assert.equal(fetches, 2);
  });

  it('ECO.1.1.6 reads a CRL of thousands of entries (beyond asn1js default node limit)', async function () {
    this.timeout(60_000);
    const leaf = await pki.leaf({ serial: '1f00' });
    const serials = Array.from({ length: 4000 }, (_, i) => (0x1000 + i).toString(16)); // 1000..1f9f
    const crl = await pki.crl(serials);
    serve = async () => crl;
    const answer = await store().check(leaf, pki.organisations, 'http://pki.test/crl');
    assert.equal(answer.status, 'revoked');
    assert.equal('crl' in answer && answer.crl.revoked.size, 4000);
  });

  it('never trusts a cached file that was tampered with', async () => {
    const leaf = await pki.leaf({ serial: '55' });
    const crl = await pki.crl(['55']);
    serve = async () => crl;
    await store().check(leaf, pki.organisations, 'http://pki.test/crl');
    const [file] = readdirSync(dir);
    writeFileSync(path.join(dir, file!), await pki.crl([], { signer: 'foreign' }));
    serve = down;
    assert.equal(
      (await store().check(leaf, pki.organisations, 'http://pki.test/crl')).status,
      'unavailable',
    );
  });
});
