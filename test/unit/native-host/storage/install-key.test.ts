import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { journalFiles } from '../../../../native-host/audit/journal';
import { journalKey } from '../../../../native-host/audit/key';
import type { Logger } from '../../../../native-host/log';
import { HostApp } from '../../../../native-host/service/host-app';
import { SealedStore } from '../../../../native-host/service/sealed-store';
import {
  installKey,
  type OnMalformedKey,
  readInstallKey,
} from '../../../../native-host/storage/install-key';
import { CrlIndexCache } from '../../../../native-host/trust/crl-index-cache';
import { MssanteError } from '../../../../shared/errors/mssante-error';

const quiet: Logger = { info() {}, warn() {}, error() {}, close() {} };
const mode = (file: string) => statSync(file).mode & 0o777;
const refuse: OnMalformedKey = {
  action: 'refuse',
  error: (length) => new MssanteError('E_INTERNAL', { detail: `key of ${length} bytes` }),
};

describe('per-install keys (storage/install-key.ts)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'install-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('the helper', () => {
    it('makes a 32-byte key, 0600 in a 0700 folder, on first use and gives it back after', () => {
      const file = path.join(dir, 'deep', 'k.key');
      assert.equal(readInstallKey(file, refuse), null);
      const key = installKey(file, refuse);
      assert.equal(key.length, 32);
      assert.equal(mode(file), 0o600);
      assert.equal(mode(path.dirname(file)), 0o700);
      assert.deepEqual(installKey(file, { action: 'replace' }), key);
      assert.deepEqual(readInstallKey(file, refuse), key);
      assert.deepEqual(readdirSync(path.dirname(file)), ['k.key'], 'no temporary file left');
    });

    it('refuse: a malformed key file throws the caller’s error and stays as it was', () => {
      const file = path.join(dir, 'k.key');
      writeFileSync(file, Buffer.alloc(5, 1));
      for (const call of [() => readInstallKey(file, refuse), () => installKey(file, refuse)])
        assert.throws(call, (e: unknown) => {
          assert.ok(e instanceof MssanteError);
          assert.equal(e.code, 'E_INTERNAL');
          assert.equal(e.detail, 'key of 5 bytes');
          return true;
        });
      assert.deepEqual(readFileSync(file), Buffer.alloc(5, 1));
      assert.deepEqual(readdirSync(dir), ['k.key'], 'no temporary file left');
    });

    it('replace: a malformed key file reads as none, then is replaced and reported once', () => {
      const file = path.join(dir, 'k.key');
      writeFileSync(file, Buffer.alloc(40));
      const reports: number[] = [];
      const replace: OnMalformedKey = { action: 'replace', replaced: (n) => reports.push(n) };
      assert.equal(readInstallKey(file, replace), null);
      assert.deepEqual(reports, [], 'reading replaces nothing');
      const key = installKey(file, replace);
      assert.equal(key.length, 32);
      assert.deepEqual(readFileSync(file), key);
      assert.equal(mode(file), 0o600);
      assert.deepEqual(reports, [40]);
      assert.deepEqual(installKey(file, replace), key);
      assert.deepEqual(reports, [40], 'a good key is not reported');
    });
  });

  describe('what each caller chose', () => {
    it('the APP credential store refuses a damaged secrets.key with E_APP_SECRET_UNREADABLE', () => {
      const store = new SealedStore(dir);
      const sealed = store.seal(Buffer.from('pkcs12'), 'app@example.test');
      const file = path.join(dir, 'secrets.key');
      const damaged = readFileSync(file).subarray(0, 31);
      writeFileSync(file, damaged);
      const unreadable = (e: unknown) =>
        e instanceof MssanteError &&
        e.code === 'E_APP_SECRET_UNREADABLE' &&
        e.detail === 'key file';
      assert.throws(() => store.open(sealed, 'app@example.test'), unreadable);
      assert.throws(() => store.seal(Buffer.from('other'), 'app@example.test'), unreadable);
      assert.deepEqual(readFileSync(file), damaged, 'never replaced');
    });

    it('the journal key is replaced when damaged, and the host journals the replacement', () => {
      const auditDir = path.join(dir, 'audit');
      const first = journalKey(auditDir);
      writeFileSync(path.join(auditDir, 'journal.key'), Buffer.alloc(3));
      const app = new HostApp(dir, quiet);
      const key = readFileSync(path.join(auditDir, 'journal.key'));
      assert.equal(key.length, 32);
      assert.notDeepEqual(key, first);
      const entries = journalFiles(auditDir)
        .flatMap((f) => readFileSync(path.join(auditDir, f), 'utf8').split('\n'))
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { action: string; request?: string; author: string });
      const replaced = entries.filter((e) => e.action === 'key-replaced');
      assert.equal(replaced.length, 1);
      assert.equal(replaced[0]!.author, 'system');
      assert.match(replaced[0]!.request ?? '', /journal\.key \(was 3 bytes\)/);
      return app.close();
    });

    it('the CRL index cache replaces a damaged index.key and keeps working', () => {
      const file = path.join(dir, 'index.key');
      writeFileSync(file, Buffer.alloc(7));
      const cache = new CrlIndexCache(dir);
      assert.equal(cache.read('http://crl.test/a', 'a'.repeat(64)), null);
      cache.write('http://crl.test/a', 'a'.repeat(64), new Set(['01', '7e']));
      assert.equal(readFileSync(file).length, 32);
      const table = new CrlIndexCache(dir).read('http://crl.test/a', 'a'.repeat(64));
      if (table) assert.equal(table.size, 2); // null where the platform has no usable table
    });
  });
});
