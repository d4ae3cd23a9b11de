import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import assert from 'node:assert/strict';
import { createHmac, type X509Certificate as NodeCertificate, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { indexCrl } from '../../../../native-host/trust/crl-index';
import {
  CRL_INDEX_VERSION,
  CrlIndexCache,
  crlCacheBaseName,
  crlSha256,
} from '../../../../native-host/trust/crl-index-cache';
import { buildSerialTable, SerialTable } from '../../../../native-host/trust/crl-serial-table';
import { CrlStore } from '../../../../native-host/trust/crl-store';
import { type MiniPki, miniPki } from '../../../../lab/sandbox/pki/mini-pki';
import { buildCrl, type CrlSpec } from '../../../../lab/fixtures/crl-builder';

const DAY = 86_400_000;
const URL = 'http://pki.test/crl';
const REVOKED = '7f00000000000000000000000000a11c';
const nameOf = (cert: NodeCertificate) =>
  new Uint8Array(new x509.X509Certificate(cert.raw).subjectName.toArrayBuffer());
const sorted = (set: Iterable<string>) => [...set].sort();

describe('trust: verified CRL index cache (crl-index-cache.ts)', function () {
  this.timeout(60_000);
  let pki: MiniPki;
  let spec: () => CrlSpec;
  let der: Uint8Array;
  let dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crl-index-'));
    dirs.push(dir);
    return dir;
  };
  const indexFile = (dir: string, url = URL) =>
    path.join(dir, `${crlCacheBaseName(url)}.crl.index`);
  /** Loads `bytes` as a fresh host start would (new cache object, same directory). */
  const load = (bytes: Uint8Array, dir: string, url = URL) =>
    indexCrl(bytes, pki.organisations, url, Date.now(), new CrlIndexCache(dir));

  before(async () => {
    pki = await miniPki();
    const serials = Array.from({ length: 3000 }, (_, i) =>
      (0x7f00000000000000000000000000a000n + BigInt(i) * 3n).toString(16),
    );
    serials.push(REVOKED, '01', '00ff', '0');
    spec = () => ({
      issuer: nameOf(pki.organisations),
      serials,
      thisUpdate: new Date(Date.now() - DAY),
      nextUpdate: new Date(Date.now() + 7 * DAY),
      signingKey: pki.organisationsKey,
      signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    });
    der = await buildCrl(spec());
  });

  afterEach(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });

  it('ECO.1.1.6 ECO.1.1.7 writes the index beside the cached CRL (0600, bound to the CRL SHA-256) and a second start loads from it', async () => {
    const dir = tempDir();
    const revokedCert = await pki.leaf({ serial: REVOKED });
    const goodCert = await pki.leaf({ serial: '7e' });
    const first = new CrlStore({ dir, fetch: async () => der });
    const cold = await first.check(revokedCert, pki.organisations, URL);
    assert.equal(cold.status, 'revoked');
    assert.equal(cold.status === 'revoked' && cold.crl.indexedFrom, 'entries');
    assert.ok(existsSync(path.join(dir, `${crlCacheBaseName(URL)}.crl`)));
    const file = indexFile(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dir, 'index.key')).mode & 0o777, 0o600);
    const header = readFileSync(file, 'latin1').split('\n')[0]!.split(' ');
    assert.deepEqual(header.slice(0, 4), [
      'mssante-crl-index',
      String(CRL_INDEX_VERSION),
      crlSha256(der),
      '3004',
    ]);

    // A new host start with the CRL server down: the disk copy, verified again, indexed from the file.
    const offline = new CrlStore({
      dir,
      fetch: async () => {
        throw new Error('CRL server down');
      },
    });
    const warm = await offline.check(revokedCert, pki.organisations, URL);
    assert.equal(warm.status, 'revoked');
    assert.equal(warm.status === 'revoked' && warm.source, 'disk');
    assert.equal(warm.status === 'revoked' && warm.crl.indexedFrom, 'index-cache');
    assert.equal((await offline.check(goodCert, pki.organisations, URL)).status, 'good');
    // A new start that downloads the same bytes again uses the index too.
    const online = new CrlStore({ dir, fetch: async () => der });
    const again = await online.check(goodCert, pki.organisations, URL);
    assert.equal(again.status, 'good');
    assert.equal(again.status === 'good' && again.crl.indexedFrom, 'index-cache');
    assert.deepEqual(
      sorted(again.status === 'good' ? again.crl.revoked : []),
      sorted(cold.status === 'revoked' ? cold.crl.revoked : []),
    );
  });

  it('ECO.1.1.6 finds a revoked serial number cold and warm, with the same index as the full walk', async () => {
    const dir = tempDir();
    const cold = await load(der, dir);
    const warm = await load(der, dir);
    const uncached = await indexCrl(der, pki.organisations, URL, Date.now());
    assert.equal(cold.indexedFrom, 'entries');
    assert.equal(warm.indexedFrom, 'index-cache');
    for (const crl of [cold, warm]) {
      assert.equal(crl.revoked.has(REVOKED), true);
      assert.equal(crl.revoked.has('ff'), true); // 00ff, normalised
      assert.equal(crl.revoked.has('0'), true);
      assert.equal(crl.revoked.has('7e'), false);
      assert.deepEqual(sorted(crl.revoked), sorted(uncached.revoked));
      assert.equal(crl.nextUpdate.getTime(), uncached.nextUpdate.getTime());
      assert.equal(crl.issuer, uncached.issuer);
    }
    const empty = await buildCrl({ ...spec(), serials: [] });
    assert.equal((await load(empty, dir)).indexedFrom, 'entries');
    const emptyWarm = await load(empty, dir);
    assert.equal(emptyWarm.indexedFrom, 'index-cache');
    assert.equal(emptyWarm.revoked.size, 0);
  });

  it('ECO.1.1.6 an index altered for the same CRL hash (a revoked serial taken out) is detected, ignored and rewritten', async () => {
    const dir = tempDir();
    const cold = await load(der, dir);
    const file = indexFile(dir);
    const original = readFileSync(file);
    const fields = original.toString('latin1', 0, original.indexOf(0x0a)).split(' ');
    // A well-formed index of the same CRL hash without REVOKED, as a writer of the directory could make.
    const forge = (mac: (header: string, payload: Buffer) => string) => {
      const { body, table } = buildSerialTable([...cold.revoked].filter((s) => s !== REVOKED));
      const header = [...fields.slice(0, 3), String(cold.revoked.size - 1), String(body.length)];
      const payload = Buffer.concat([body, new Uint8Array(table.buffer)]);
      const text = header.join(' ');
      return Buffer.concat([Buffer.from(`${text} ${mac(text, payload)}\n`), payload]);
    };
    const hmac = (key: Buffer) => (header: string, payload: Buffer) =>
      createHmac('sha256', key).update(`${header}\n${URL}\n`).update(payload).digest('hex');
    for (const [name, forged] of [
      ['MAC of the original file', forge(() => fields[5]!)],
      ['MAC under another key', forge(hmac(randomBytes(32)))],
    ] as const) {
      writeFileSync(file, forged);
      const crl = await load(der, dir);
      assert.equal(crl.indexedFrom, 'entries', name);
      assert.equal(crl.revoked.has(REVOKED), true, name);
      assert.deepEqual(readFileSync(file), original, `${name}: rewritten from the walk`);
      assert.equal((await load(der, dir)).indexedFrom, 'index-cache', name);
    }
    // The limit docs/trust.md accepts: with this install's key (same OS user), a forgery is taken.
    writeFileSync(file, forge(hmac(readFileSync(path.join(dir, 'index.key')))));
    const forgedWithKey = await load(der, dir);
    assert.equal(forgedWithKey.indexedFrom, 'index-cache');
    assert.equal(forgedWithKey.revoked.has(REVOKED), false);
  });

  it('ECO.1.1.6 ignores a truncated, corrupt, other-version, other-CRL, other-URL or other-install index; the result equals the full walk', async () => {
    const dir = tempDir();
    const expected = sorted((await indexCrl(der, pki.organisations, URL, Date.now())).revoked);
    await load(der, dir);
    const file = indexFile(dir);
    const good = readFileSync(file);
    const other = await buildCrl({ ...spec(), serials: ['0a', '0b'] });
    const otherDir = tempDir();
    await load(other, otherDir); // another CRL's index, same URL
    const otherCrlIndex = readFileSync(indexFile(otherDir));
    const otherInstall = tempDir();
    await load(der, otherInstall); // same CRL, another install's key
    const otherKeyIndex = readFileSync(indexFile(otherInstall));
    assert.notDeepEqual(otherKeyIndex, good);
    const flip = Buffer.from(good);
    flip.writeUInt8(good.readUInt8(good.length - 5) ^ 0x01, good.length - 5);
    const bodyAt = good.indexOf(0x0a) + 10;
    const bodyFlip = Buffer.from(good);
    bodyFlip.writeUInt8(good.readUInt8(bodyAt) ^ 0x01, bodyAt);
    const cases: Record<string, Buffer> = {
      truncated: good.subarray(0, good.length - 40),
      'header only': good.subarray(0, good.indexOf(0x0a) + 1),
      'one byte flipped': flip,
      'one body byte flipped': bodyFlip,
      empty: Buffer.alloc(0),
      garbage: Buffer.from('not an index at all\n0a\n'),
      'other version': Buffer.from(
        good
          .toString('latin1')
          .replace(`mssante-crl-index ${CRL_INDEX_VERSION} `, 'mssante-crl-index 1 '),
        'latin1',
      ),
      'other CRL': otherCrlIndex,
      'other install': otherKeyIndex,
    };
    for (const [name, bytes] of Object.entries(cases)) {
      writeFileSync(file, bytes);
      const crl = await load(der, dir);
      assert.equal(crl.indexedFrom, 'entries', name);
      assert.deepEqual(sorted(crl.revoked), expected, name);
      assert.deepEqual(readFileSync(file), good, `${name}: rewritten`);
    }
    // The right file under another URL's name is not that URL's index.
    copyFileSync(file, indexFile(dir, 'http://elsewhere.test/crl'));
    const elsewhere = await load(der, dir, 'http://elsewhere.test/crl');
    assert.equal(elsewhere.indexedFrom, 'entries');
    // A lost or damaged key: every index is ignored, a new key is made.
    for (const damage of ['lost', 'short']) {
      const keyFile = path.join(dir, 'index.key');
      if (damage === 'lost') unlinkSync(keyFile);
      else writeFileSync(keyFile, Buffer.alloc(5));
      const crl = await load(der, dir);
      assert.equal(crl.indexedFrom, 'entries', damage);
      assert.deepEqual(sorted(crl.revoked), expected, damage);
      assert.equal(readFileSync(keyFile).length, 32, damage);
      assert.equal((await load(der, dir)).indexedFrom, 'index-cache', damage);
    }
  });

  it('ECO.1.1.6 ECO.1.1.7 a CRL whose signature fails is refused even when a valid index for its exact bytes exists', async () => {
    const dir = tempDir();
    const broken = await buildCrl({ ...spec(), breakSignature: true });
    const forged = await buildCrl({ ...spec(), signingKey: pki.foreignKey });
    const cache = new CrlIndexCache(dir);
    for (const bytes of [broken, forged]) {
      cache.write(URL, crlSha256(bytes), new Set(['7e'])); // as a writer holding the key could
      assert.notEqual(cache.read(URL, crlSha256(bytes)), null);
      await assert.rejects(load(bytes, dir), /signature does not verify/);
    }
    // Through the store: a bad-signature CRL put in the disk cache with a matching index.
    const good = new CrlStore({ dir, fetch: async () => der });
    await good.check(await pki.leaf({ serial: '7e' }), pki.organisations, URL);
    writeFileSync(path.join(dir, `${crlCacheBaseName(URL)}.crl`), broken);
    cache.write(URL, crlSha256(broken), new Set());
    const offline = new CrlStore({
      dir,
      fetch: async () => {
        throw new Error('CRL server down');
      },
    });
    const answer = await offline.check(await pki.leaf({ serial: REVOKED }), pki.organisations, URL);
    assert.equal(answer.status, 'unavailable');
  });

  it("the cache's serial table answers like a Set: members, prefixes, non-members, iteration", () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const hexOf = (bytes: number) =>
      Array.from({ length: bytes }, () =>
        Math.floor(random() * 256)
          .toString(16)
          .padStart(2, '0'),
      )
        .join('')
        .replace(/^0+(?=.)/, '');
    for (const count of [0, 1, 2, 3, 17, 5000]) {
      const members = new Set<string>(count ? ['7f', '7f0', 'a', '0'] : []);
      while (members.size < count) members.add(hexOf(1 + Math.floor(random() * 20)));
      const { body, table } = buildSerialTable(members);
      const serials = new SerialTable(body, table, members.size);
      assert.equal(serials.size, members.size);
      assert.deepEqual(sorted(serials), sorted(members), `count ${count}`);
      for (const member of members) assert.equal(serials.has(member), true, member);
      for (let i = 0; i < 2000; i++) {
        const probe = hexOf(1 + Math.floor(random() * 20));
        assert.equal(serials.has(probe), members.has(probe), probe);
      }
      for (const probe of ['', '7', 'f', '7f00', 'a0', '00', '\n', 'A'])
        assert.equal(serials.has(probe), members.has(probe), JSON.stringify(probe));
    }
  });

  it('ECO.1.1.6 a CRL refused by the entry walk (critical entry extension) leaves no index', async () => {
    const dir = tempDir();
    const critical = {
      oid: '2.5.29.29',
      critical: true,
      value: new Uint8Array(new asn1js.Sequence().toBER()),
    };
    const refused = await buildCrl({ ...spec(), entryExtensions: new Map([[5, [critical]]]) });
    await assert.rejects(load(refused, dir), /critical extension 2\.5\.29\.29/);
    assert.equal(existsSync(indexFile(dir)), false);
    await assert.rejects(load(refused, dir), /critical extension 2\.5\.29\.29/);
  });
});
