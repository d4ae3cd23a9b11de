import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import assert from 'node:assert/strict';
import { X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { normalizeSerial } from '../../../../native-host/trust/certificate-info';
import { CrlStore, indexCrl } from '../../../../native-host/trust/crl-store';
import { type MiniPki, miniPki } from '../../../../lab/sandbox/pki/mini-pki';
import { buildCrl, type CrlExtension, type CrlSpec } from '../../../../lab/fixtures/crl-builder';

const DAY = 86_400_000;
const URL = 'http://pki.test/crl';
const nameOf = (cert: NodeCertificate) =>
  new Uint8Array(new x509.X509Certificate(cert.raw).subjectName.toArrayBuffer());

/** The message indexCrl refuses a CRL with, or 'accepted'. */
async function refusal(der: Uint8Array, issuer: NodeCertificate, url = URL): Promise<string> {
  try {
    await indexCrl(der, issuer, url, Date.now());
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

/** A small deterministic PRNG (mulberry32): random CRLs that are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSerial(random: () => number): string {
  const bytes = 1 + Math.floor(random() * 20);
  let hex = '';
  for (let i = 0; i < bytes; i++)
    hex += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return hex.replace(/^(00)+(?=..)/, '') || '01';
}

describe('trust: CRL decoding, verification and index (asn1js)', function () {
  this.timeout(60_000);
  let pki: MiniPki;
  let base: () => CrlSpec;
  const ext = (oid: string, critical: boolean, value = new asn1js.Null().toBER()) => ({
    oid,
    critical,
    value: new Uint8Array(value),
  });

  before(async () => {
    pki = await miniPki();
    base = () => ({
      issuer: nameOf(pki.organisations),
      serials: ['0a1b2c', '77'],
      thisUpdate: new Date(Date.now() - DAY),
      nextUpdate: new Date(Date.now() + 7 * DAY),
      signingKey: pki.organisationsKey,
      signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    });
  });

  it('ECO.1.1.6 indexes a 100 000-entry CRL and finds a revoked serial number', async () => {
    const serials = Array.from({ length: 100_000 }, (_, i) =>
      (0x7f00000000000000000000n + BigInt(i) * 7919n).toString(16),
    );
    const der = await buildCrl({ ...base(), serials });
    const crl = await indexCrl(der, pki.organisations, URL, Date.now());
    assert.equal(crl.revoked.size, 100_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crl-big-'));
    try {
      const store = new CrlStore({ dir, fetch: async () => der });
      const revoked = await pki.leaf({ serial: serials[54_321]! });
      const fine = await pki.leaf({ serial: '7e' });
      assert.equal((await store.check(revoked, pki.organisations, URL)).status, 'revoked');
      assert.equal((await store.check(fine, pki.organisations, URL)).status, 'good');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ECO.1.1.6 refuses a CRL whose signature does not verify, or signed by another key', async () => {
    assert.match(
      await refusal(await buildCrl({ ...base(), breakSignature: true }), pki.organisations),
      /signature does not verify/,
    );
    assert.match(
      await refusal(await buildCrl({ ...base(), signingKey: pki.foreignKey }), pki.organisations),
      /signature does not verify/,
    );
  });

  it('ECO.1.1.6 refuses a CRL of another issuer name, even signed with the right key', async () => {
    const der = await buildCrl({ ...base(), issuer: nameOf(pki.foreign) });
    assert.match(await refusal(der, pki.organisations), /CRL issuer CN=Some Other CA.* is not /);
  });

  it('ECO.1.1.6 refuses a CRL without nextUpdate, or with nextUpdate before thisUpdate', async () => {
    assert.match(
      await refusal(await buildCrl({ ...base(), nextUpdate: null }), pki.organisations),
      /no nextUpdate/,
    );
    const thisUpdate = new Date(Date.now() - DAY);
    assert.match(
      await refusal(
        await buildCrl({
          ...base(),
          thisUpdate,
          nextUpdate: new Date(thisUpdate.getTime() - 1000),
        }),
        pki.organisations,
      ),
      /nextUpdate is not after thisUpdate/,
    );
  });

  it('ECO.1.1.6 refuses unknown critical CRL extensions (a delta CRL too), accepts non-critical ones', async () => {
    const withExt = (extensions: CrlExtension[]) => buildCrl({ ...base(), extensions });
    assert.match(
      await refusal(await withExt([ext('1.3.6.1.4.1.99999.1', true)]), pki.organisations),
      /critical extension 1\.3\.6\.1\.4\.1\.99999\.1 that is not supported/,
    );
    const deltaIndicator = ext('2.5.29.27', true, new asn1js.Integer({ value: 5 }).toBER());
    assert.match(
      await refusal(await withExt([deltaIndicator]), pki.organisations),
      /critical extension 2\.5\.29\.27/,
    );
    const crlNumber = ext('2.5.29.20', false, new asn1js.Integer({ value: 42 }).toBER());
    assert.equal(
      await refusal(
        await withExt([crlNumber, ext('1.3.6.1.4.1.99999.2', false)]),
        pki.organisations,
      ),
      'accepted',
    );
    assert.match(
      await refusal(await withExt([crlNumber, crlNumber]), pki.organisations),
      /extension 2\.5\.29\.20 twice/,
    );
  });

  it('ECO.1.1.6 refuses an entry with a critical extension, accepts a reason code', async () => {
    const reason = ext('2.5.29.21', false, new asn1js.Enumerated({ value: 1 }).toBER());
    const certificateIssuer = ext('2.5.29.29', true, new asn1js.Sequence().toBER());
    const accepted = await buildCrl({ ...base(), entryExtensions: new Map([[1, [reason]]]) });
    const crl = await indexCrl(accepted, pki.organisations, URL, Date.now());
    assert.deepEqual([...crl.revoked].sort(), ['77', 'a1b2c']);
    const refused = await buildCrl({
      ...base(),
      entryExtensions: new Map([[0, [reason, certificateIssuer]]]),
    });
    assert.match(
      await refusal(refused, pki.organisations),
      /entry a1b2c has a critical extension 2\.5\.29\.29/,
    );
  });

  it('ECO.1.1.6 refuses a truncated CRL, trailing bytes, and extensions in a v1 CRL', async () => {
    const der = await buildCrl(base());
    assert.match(await refusal(der.subarray(0, der.length - 7), pki.organisations), /truncated/);
    assert.match(await refusal(der.subarray(0, 40), pki.organisations), /truncated/);
    assert.match(
      await refusal(Buffer.concat([der, Buffer.from([0x05, 0x00])]), pki.organisations),
      /trailing bytes/,
    );
    assert.match(await refusal(new Uint8Array(0), pki.organisations), /truncated/);
    const v1 = await buildCrl({ ...base(), version: null, extensions: [ext('2.5.29.20', false)] });
    assert.match(await refusal(v1, pki.organisations), /v1 with extensions/);
    const v3 = await buildCrl({ ...base(), version: 2 });
    assert.match(await refusal(v3, pki.organisations), /version 3 is not 2/);
  });

  it('ECO.1.1.6 reads GeneralizedTime dates and v1 CRLs', async () => {
    const nextUpdate = new Date(Date.UTC(2051, 0, 2, 3, 4, 5)); // after 2049: GeneralizedTime
    const thisUpdate = new Date(Date.now() - DAY);
    const der = await buildCrl({ ...base(), time: 'generalized', thisUpdate, nextUpdate });
    const crl = await indexCrl(der, pki.organisations, URL, Date.now());
    assert.equal(crl.nextUpdate.toISOString(), '2051-01-02T03:04:05.000Z');
    assert.equal(
      Math.floor(crl.thisUpdate.getTime() / 1000),
      Math.floor(thisUpdate.getTime() / 1000),
    );
    assert.equal((await indexCrl(der, pki.organisations, URL, 0)).revoked.size, 2);
    const v1 = await buildCrl({ ...base(), version: null });
    assert.equal((await indexCrl(v1, pki.organisations, URL, 0)).revoked.has('77'), true);
  });

  it('ECO.1.1.6 verifies RSA PKCS#1 v1.5 and RSA-PSS with SHA-256/384/512', async () => {
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', pki.organisationsKey);
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const pkcs1 = await webcrypto.subtle.importKey(
        'pkcs8',
        pkcs8,
        { name: 'RSASSA-PKCS1-v1_5', hash },
        false,
        ['sign'],
      );
      const pss = await webcrypto.subtle.importKey(
        'pkcs8',
        pkcs8,
        { name: 'RSA-PSS', hash },
        false,
        ['sign'],
      );
      for (const [signingKey, signing] of [
        [pkcs1, { name: 'RSASSA-PKCS1-v1_5', hash }],
        [pss, { name: 'RSA-PSS', hash }],
        [pss, { name: 'RSA-PSS', hash, saltLength: 20 }],
      ] as const) {
        const der = await buildCrl({ ...base(), signingKey, signing });
        assert.equal(await refusal(der, pki.organisations), 'accepted', `${signing.name} ${hash}`);
      }
    }
  });

  it('ECO.1.1.6 verifies ECDSA P-256 and P-384, and refuses an algorithm that does not fit the key', async () => {
    for (const [curve, hash] of [
      ['P-256', 'SHA-256'],
      ['P-384', 'SHA-384'],
      ['P-256', 'SHA-512'],
    ] as const) {
      const alg = { name: 'ECDSA', namedCurve: curve, hash };
      const keys = (await webcrypto.subtle.generateKey(alg, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const ca = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        name: `CN=EC ${curve} CA, C=FR`,
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + DAY),
        keys,
        signingAlgorithm: alg,
      });
      const issuer = new NodeCertificate(Buffer.from(ca.rawData));
      const spec = {
        ...base(),
        issuer: nameOf(issuer),
        signingKey: keys.privateKey,
        signing: { name: 'ECDSA', hash } as const,
      };
      assert.equal(await refusal(await buildCrl(spec), issuer), 'accepted', `${curve} ${hash}`);
      assert.match(
        await refusal(await buildCrl({ ...spec, breakSignature: true }), issuer),
        /signature does not verify|asn1|signature/i,
      );
      assert.match(
        await refusal(
          await buildCrl({ ...spec, issuer: nameOf(pki.organisations) }),
          pki.organisations,
        ),
        /does not fit the issuer's rsa key/,
      );
    }
  });

  it('ECO.1.1.6 accepts an issuingDistributionPoint naming the URL, refuses another URL or a narrowed scope', async () => {
    const idp = (parameters: ConstructorParameters<typeof pkijs.IssuingDistributionPoint>[0]) =>
      ext('2.5.29.28', true, new pkijs.IssuingDistributionPoint(parameters).toSchema().toBER());
    const uri = (value: string) => [new pkijs.GeneralName({ type: 6, value })];
    const withIdp = async (e: CrlExtension) => buildCrl({ ...base(), extensions: [e] });
    assert.equal(
      await refusal(
        await withIdp(idp({ distributionPoint: uri(URL), onlyContainsUserCerts: true })),
        pki.organisations,
      ),
      'accepted',
    );
    assert.match(
      await refusal(
        await withIdp(idp({ distributionPoint: uri('http://elsewhere.test/crl') })),
        pki.organisations,
      ),
      /does not name http:\/\/pki\.test\/crl/,
    );
    assert.match(
      await refusal(
        await withIdp(idp({ distributionPoint: uri(URL), onlyContainsCACerts: true })),
        pki.organisations,
      ),
      /narrows its scope/,
    );
    assert.match(
      await refusal(await withIdp(idp({ indirectCRL: true })), pki.organisations),
      /narrows its scope/,
    );
  });

  it('ECO.1.1.6 a refused CRL leaves the store without an answer (existing error path)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crl-bad-'));
    try {
      const der = await buildCrl({ ...base(), extensions: [ext('1.3.6.1.4.1.99999.1', true)] });
      const store = new CrlStore({ dir, fetch: async () => der });
      const answer = await store.check(await pki.leaf({ serial: '77' }), pki.organisations, URL);
      assert.equal(answer.status, 'unavailable');
      assert.match(answer.status === 'unavailable' ? answer.reason : '', /critical extension/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ECO.1.1.6 differential: the index equals the serial numbers @peculiar/x509 reads, on random CRLs', async () => {
    const random = prng(20_240_607);
    const berOptions = { maxNodes: 1_000_000, maxContentLength: 64 * 1024 * 1024 };
    for (let round = 0; round < 12; round++) {
      const count = Math.floor(random() * (round % 3 === 0 ? 120 : 600));
      const serials = Array.from({ length: count }, () => randomSerial(random));
      const thisUpdate = new Date(Date.now() - Math.floor(random() * 30) * DAY);
      const nextUpdate = new Date(thisUpdate.getTime() + (1 + Math.floor(random() * 60)) * DAY);
      // Every third round is generated by @peculiar/x509, the others by the asn1js builder.
      const der =
        round % 3 === 0
          ? await pki.crl(serials, { thisUpdate, nextUpdate })
          : await buildCrl({
              ...base(),
              serials,
              thisUpdate,
              nextUpdate,
              time: random() < 0.5 ? 'utc' : 'generalized',
              entryExtensions: new Map(
                serials.flatMap((_, i) =>
                  random() < 0.2
                    ? [[i, [ext('2.5.29.21', false, new asn1js.Enumerated({ value: 4 }).toBER())]]]
                    : [],
                ),
              ),
            });
      const theirs = new x509.X509Crl(der, { berOptions });
      const expected = new Set(theirs.entries.map((e) => normalizeSerial(e.serialNumber)));
      const ours = await indexCrl(der, pki.organisations, URL, Date.now());
      assert.deepEqual([...ours.revoked].sort(), [...expected].sort(), `round ${round}`);
      assert.equal(ours.nextUpdate.getTime(), theirs.nextUpdate!.getTime());
      assert.equal(ours.thisUpdate.getTime(), theirs.thisUpdate.getTime());
      assert.equal(ours.issuer, theirs.issuer);
    }
  });
});
