import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { miniPki, type MiniPki } from '../../../../lab/sandbox/pki/mini-pki';
import type { MssanteError } from '../../../../shared/errors/mssante-error';
import type { CrlStore } from '../../../../native-host/trust/crl-store';
import type { OcspClient } from '../../../../native-host/trust/ocsp-client';
import { RevocationChecker } from '../../../../native-host/trust/revocation';
import { webPkiAnchors } from '../../../../native-host/trust/web-pki';

describe('native-host/trust: the web PKI of the autoconfig download (docs/trust.md)', function () {
  this.timeout(20_000);
  let pki: MiniPki;
  let dir: string;
  before(async () => {
    pki = await miniPki();
    dir = mkdtempSync(path.join(os.tmpdir(), 'web-pki-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ECO.1.1.9 the anchors are Node’s default store: its bundled roots and the NODE_EXTRA_CA_CERTS file', () => {
    const file = path.join(dir, 'extra.pem');
    writeFileSync(file, `# a comment\n${pki.webRoot.toString()}\n${pki.foreign.toString()}`);
    const anchors = webPkiAnchors(file);
    assert.equal(anchors.length, tls.rootCertificates.length + 2);
    assert.ok(anchors.includes(pki.webRoot.toString().trim()));
    // No IGC Santé certificate comes with it: those are added by the trust set only.
    assert.ok(!anchors.includes(pki.organisations.toString().trim()));
    assert.deepEqual(webPkiAnchors(path.join(dir, 'missing.pem')), [...tls.rootCertificates]);
  });

  function checker(
    crl: 'good' | 'revoked' | 'unavailable',
    ocsp: 'good' | 'revoked' | 'unavailable' = 'unavailable',
  ): RevocationChecker {
    const crls = {
      check: async () =>
        crl === 'unavailable'
          ? { status: 'unavailable', reason: 'connection refused' }
          : { status: crl, source: 'download', crl: { nextUpdate: new Date() } },
    } as unknown as CrlStore;
    const client = {
      check: async () =>
        ocsp === 'unavailable' ? { status: 'unavailable', reason: 'timeout' } : { status: ocsp },
    } as unknown as OcspClient;
    return new RevocationChecker(crls, client);
  }

  it('ECO.1.1.9 revocation is soft-failed for the web PKI: unknown is accepted and said, revoked refuses', async () => {
    const leaf = (
      await pki.issue({
        issuer: 'web',
        crlUrl: 'http://crl.web.test/r1.crl',
        ocspUrl: 'http://ocsp.web.test',
      })
    ).cert;
    const unknown = await checker('unavailable').checkSoft(leaf, pki.webIntermediate);
    assert.match(unknown.unknown ?? '', /CRL unavailable/);
    const good = await checker('good').checkSoft(leaf, pki.webIntermediate);
    assert.equal(good.unknown, undefined);
    await assert.rejects(
      checker('revoked').checkSoft(leaf, pki.webIntermediate),
      (e: MssanteError) => e.code === 'E_TRUST_REVOKED',
    );
    await assert.rejects(
      checker('good', 'revoked').checkSoft(leaf, pki.webIntermediate),
      (e: MssanteError) => e.code === 'E_TRUST_REVOKED',
    );
    // No issuer sent by the server: nothing to check the answers with, said as such.
    assert.match((await checker('good').checkSoft(leaf)).unknown ?? '', /issuer/);
    // The IGC Santé rule is unchanged: unknown refuses.
    await assert.rejects(
      checker('unavailable').check(leaf, pki.webIntermediate),
      (e: MssanteError) => e.code === 'E_TRUST_REVOCATION_UNKNOWN',
    );
  });

  it('ECO.1.1.9 a web leaf naming no CRL nor OCSP: accepted as unknown, “no CRL distribution point”', async () => {
    const leaf = (await pki.issue({ issuer: 'web', crlUrl: null })).cert;
    const report = await checker('good').checkSoft(leaf, pki.webIntermediate);
    assert.deepEqual([report.crl, report.ocsp], [[], []]);
    assert.match(report.unknown ?? '', /no CRL distribution point or OCSP responder/);
  });
});
