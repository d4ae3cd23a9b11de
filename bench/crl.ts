import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeCertificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { CrlIndexCache } from '../native-host/trust/crl-index-cache';
import { type IndexedCrl, indexCrl } from '../native-host/trust/crl-store';
import { buildCrl } from '../lab/fixtures/crl-builder';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/**
 * Issue 7 goal: parse, verify and index a 100 000-entry CRL in ≤ 150 ms, lookups O(1).
 * The CRL is generated here with asn1js and signed with WebCrypto by a throwaway RSA-2048 CA
 * (lab/fixtures/crl-builder.ts; serials of 16 bytes like real CAs' random ones), then indexed as
 * the host does (indexCrl: decode, signature check, issuer and dates, index). p50 of `runs`:
 * - `parseVerifyIndexMs`: cold, the entry list walked by crl-entries.ts into the serial table
 *   (first sight of a CRL);
 * - `warmLoadMs`: the same bytes again with the verified index cache of crl-index-cache.ts (a
 *   new cache object each run, as a new host start: envelope decoded, signature verified, checks,
 *   SHA-256, index file read, HMAC checked; lookups then go to its hash table, `warmLookupNs`);
 * - `opensslFloorMs`: `tls.createSecureContext({ crl })` on the same CRL, i.e. OpenSSL's own C
 *   parser loading it (what no JavaScript ASN.1 library beats): the floor for a cold parse here.
 */
export async function benchCrl(entries = 100_000, runs = 7): Promise<Record<string, unknown>> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Bench CA, O=Bench, C=FR',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const serial = (i: number) => `7f${i.toString(16).padStart(30, '0')}`;
  const serials = Array.from({ length: entries }, (_, i) => serial(i));
  const now = new Date();
  const t0 = performance.now();
  const der = await buildCrl({
    issuer: new Uint8Array(ca.subjectName.toArrayBuffer()),
    serials,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
    signingKey: keys.privateKey,
    signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  });
  const generateMs = performance.now() - t0;
  const issuer = new NodeCertificate(Buffer.from(ca.rawData));
  const times: number[] = [];
  let indexed: IndexedCrl | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    indexed = await indexCrl(der, issuer, 'bench', Date.now());
    times.push(performance.now() - t);
  }
  if (indexed!.revoked.size !== entries) throw new Error('bench CRL not fully indexed');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-crl-'));
  const warm: number[] = [];
  let coldWithIndexWriteMs = 0;
  let warmIndexed: IndexedCrl | undefined;
  try {
    const t = performance.now();
    await indexCrl(der, issuer, 'bench', Date.now(), new CrlIndexCache(dir)); // writes the index
    coldWithIndexWriteMs = performance.now() - t;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const loaded = await indexCrl(der, issuer, 'bench', Date.now(), new CrlIndexCache(dir));
      warm.push(performance.now() - t);
      if (loaded.indexedFrom !== 'index-cache' || loaded.revoked.size !== entries)
        throw new Error('bench CRL not loaded from its index');
      warmIndexed = loaded;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/.{64}/g, '$&\n')}\n-----END X509 CRL-----\n`;
  const floor: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    createSecureContext({ crl: pem });
    floor.push(performance.now() - t);
  }
  const probes = Array.from({ length: 1000 }, (_, i) => serial(i * 197).replace(/^0+/, ''));
  const lookups = 1_000_000;
  /** ns per `has`, half the probes revoked; and the number of hits. */
  const lookup = (crl: IndexedCrl | undefined) => {
    let hits = 0;
    const t1 = performance.now();
    for (let i = 0; i < lookups; i++) if (crl!.revoked.has(probes[i % 1000]!)) hits += 1;
    return { ns: ((performance.now() - t1) * 1e6) / lookups, hits };
  };
  const { ns: lookupNs, hits } = lookup(indexed);
  const warmLookup = lookup(warmIndexed);
  if (warmLookup.hits !== hits) throw new Error('warm index answers differ from the cold one');
  const stats = (samples: number[]) => {
    const s = [...samples].sort((a, b) => a - b);
    return {
      p50: Number(s[Math.floor(s.length / 2)]!.toFixed(1)),
      min: Number(s[0]!.toFixed(1)),
      runs: samples.map((t) => Number(t.toFixed(1))),
    };
  };
  return {
    entries,
    bytes: der.length,
    parseVerifyIndexMs: stats(times),
    coldWithIndexWriteMs: Number(coldWithIndexWriteMs.toFixed(1)),
    warmLoadMs: stats(warm),
    opensslFloorMs: stats(floor),
    lookupNs: Number(lookupNs.toFixed(1)),
    warmLookupNs: Number(warmLookup.ns.toFixed(1)),
    lookupHits: hits,
    goalMs: 150,
    generateMs: Math.round(generateMs),
  };
}
