import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { crlCacheBaseName } from '../../native-host/trust/crl-index-cache';
import { type CrlAnswer, CrlStore } from '../../native-host/trust/crl-store';
import { httpFetch } from '../../native-host/net/http-fetch';
import { type MiniPki } from '../../lab/sandbox/pki/mini-pki';
import { pkiWithRevocation } from '../fixtures/pki-revocation';
import type { RevocationServer } from '../../lab/sandbox/pki/revocation-server';
import { staticLookup } from '../../native-host/net/static-lookup';
import { buildCrl } from '../../lab/fixtures/crl-builder';

const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });
const DAY = 86_400_000;
const serialOf = (i: number) => `7f${i.toString(16).padStart(30, '0')}`;
/** Fixed dates: the same list gives the same CRL bytes (RSA PKCS#1 v1.5 signatures are deterministic). */
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY);

/** Status, source and which path indexed the CRL, in one comparable line. */
const summary = (answer: CrlAnswer) =>
  answer.status === 'unavailable'
    ? `unavailable: ${answer.reason}`
    : `${answer.status} ${answer.source} ${answer.crl.indexedFrom}`;

describe('CRL index cache over a real CRL server (HTTP on loopback)', function () {
  this.timeout(120_000);
  let pki: MiniPki;
  let revocation: RevocationServer;
  let crlUrl: string;
  let dir: string;
  const serials = Array.from({ length: 20_000 }, (_, i) => serialOf(i));
  const crlOf = async (list: string[], thisUpdate = T0) =>
    buildCrl({
      issuer: new Uint8Array(
        new x509.X509Certificate(pki.organisations.raw).subjectName.toArrayBuffer(),
      ),
      serials: list,
      thisUpdate,
      nextUpdate: new Date(T0.getTime() + 8 * DAY),
      signingKey: pki.organisationsKey,
      signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    });
  /** A CRL store as a new host start makes it (nothing in memory), on the same state directory. */
  const hostStart = () =>
    new CrlStore({ dir: path.join(dir, 'crl-cache'), fetch: (url) => httpFetch(url, { lookup }) });

  before(async () => {
    ({
      pki,
      revocation,
      urls: { crlUrl },
    } = await pkiWithRevocation());
    dir = mkdtempSync(path.join(os.tmpdir(), 'crl-index-int-'));
  });
  after(async () => {
    await revocation.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ECO.1.1.6 ECO.1.1.7 after a restart the same CRL, downloaded again or read from disk with the server down, is verified and loaded from its index', async () => {
    revocation.crl = await crlOf(serials);
    const revoked = await pki.leaf({ serial: serials[12_345]!, crlUrl });
    const good = await pki.leaf({ serial: '7e', crlUrl });
    assert.equal(
      summary(await hostStart().check(revoked, pki.organisations, crlUrl)),
      'revoked download entries',
    );
    const index = path.join(dir, 'crl-cache', `${crlCacheBaseName(crlUrl)}.crl.index`);
    assert.ok(existsSync(index));
    const before = revocation.requests.crl;
    assert.equal(
      summary(await hostStart().check(revoked, pki.organisations, crlUrl)),
      'revoked download index-cache',
    );
    assert.equal(revocation.requests.crl, before + 1); // downloaded again, not walked again
    revocation.crlDown = true;
    try {
      const offline = hostStart();
      assert.equal(
        summary(await offline.check(revoked, pki.organisations, crlUrl)),
        'revoked disk index-cache',
      );
      assert.equal(
        summary(await offline.check(good, pki.organisations, crlUrl)),
        'good memory index-cache',
      );
    } finally {
      revocation.crlDown = false;
    }
  });

  it('ECO.1.1.6 a refreshed CRL (new bytes) is walked, not answered by the previous index: the newly revoked certificate is refused on the next start', async () => {
    revocation.crl = await crlOf(serials);
    const later = await pki.leaf({ serial: serialOf(50_000), crlUrl });
    assert.equal(
      summary(await hostStart().check(later, pki.organisations, crlUrl)),
      'good download index-cache',
    );
    revocation.crl = await crlOf(
      [...serials, serialOf(50_000)],
      new Date(T0.getTime() + 3_600_000),
    );
    assert.equal(
      summary(await hostStart().check(later, pki.organisations, crlUrl)),
      'revoked download entries',
    );
    revocation.crlDown = true;
    try {
      assert.equal(
        summary(await hostStart().check(later, pki.organisations, crlUrl)),
        'revoked disk index-cache',
      );
    } finally {
      revocation.crlDown = false;
    }
  });
});
