import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ANCHORS_DIR } from '../../../native-host/config/load';
import { buildTrustSet, loadShippedTrustSet } from '../../../native-host/trust/trust-sets';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { type MiniPki, miniPki } from '../../../lab/sandbox/pki/mini-pki';

const fault = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? `${error.code} ${error.detail ?? ''}` : String(error);
  }
  return 'loaded';
};

describe('hostile: trust sets are recognised by their anchors’ keys, not their names', function () {
  this.timeout(30_000);
  let pki: MiniPki;
  let dir: string;
  before(async () => (pki = await miniPki()));
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'anchors-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hostile: look-alike CAs named exactly like ANS’s test anchors, dropped into anchors/ans-test, are refused (E_TRUST_CONFIG naming the key)', () => {
    // The lab's PKI uses ANS's test names: TEST AC RACINE / TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS.
    assert.match(pki.root.subject, /CN=TEST AC RACINE IGC-SANTE ELEMENTAIRE/);
    mkdirSync(path.join(dir, 'ans-test'));
    writeFileSync(path.join(dir, 'ans-test', 'root.pem'), pki.root.toString());
    writeFileSync(path.join(dir, 'ans-test', 'organisations.pem'), pki.organisations.toString());
    assert.match(
      fault(() => loadShippedTrustSet('ans-test', dir)),
      /^E_TRUST_CONFIG ans-test: .*TEST AC RACINE IGC-SANTE ELEMENTAIRE.* is not a root of this set \(key SHA-256 [0-9a-f]{64}\)/,
    );
  });

  it('hostile: the production anchors copied under the ans-test name do not load as ans-test, nor the test ones as production', () => {
    for (const [from, to] of [
      ['production', 'ans-test'],
      ['ans-test', 'production'],
    ] as const) {
      mkdirSync(path.join(dir, to), { recursive: true });
      for (const file of readdirSync(path.join(ANCHORS_DIR(), from)))
        copyFileSync(path.join(ANCHORS_DIR(), from, file), path.join(dir, to, file));
      assert.match(
        fault(() => loadShippedTrustSet(to, dir)),
        new RegExp(`^E_TRUST_CONFIG ${to}: .* is not a root of this set`),
      );
      rmSync(path.join(dir, to), { recursive: true });
    }
  });

  it('hostile: a look-alike Organisations CA beside the real ANS root is refused, signed by it or not', () => {
    const real = loadShippedTrustSet('ans-test', ANCHORS_DIR());
    assert.match(
      fault(() =>
        buildTrustSet('ans-test', [...real.roots, ...real.organisations, pki.organisations]),
      ),
      /^E_TRUST_CONFIG ans-test: .* 1 other certificate\(s\)/,
    );
  });

  it('hostile: a sandbox chain is told apart by structure whatever its names (a root, the CA it signed); a lone CA or an unrelated root is refused', () => {
    // The test web PKI's names look nothing like IGC Santé's: the set still loads.
    const set = buildTrustSet('sandbox', [pki.webRoot, pki.webIntermediate]);
    assert.deepEqual(
      [set.roots.map((c) => c.fingerprint256), set.organisations.map((c) => c.fingerprint256)],
      [[pki.webRoot.fingerprint256], [pki.webIntermediate.fingerprint256]],
    );
    assert.match(
      fault(() => buildTrustSet('sandbox', [pki.webIntermediate])),
      /^E_TRUST_CONFIG sandbox: 0 root/,
    );
    assert.match(
      fault(() => buildTrustSet('sandbox', [pki.root, pki.organisations, pki.webRoot])),
      /^E_TRUST_CONFIG sandbox: .*1 other certificate\(s\) \(.*Sandbox Commercial Root CA R1/,
    );
  });
});
