import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveAnnuaireConfig, resolveConfig } from '../../../../native-host/config/load';
import {
  chmodCommand,
  readHostConfigText,
  tightenPrivateFile,
  writeHostConfig,
  writePrivateFile,
} from '../../../../native-host/config/private-file';
import { MssanteError } from '../../../../shared/errors/mssante-error';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('host private files (config.json, mailboxes.json)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'private-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes 0600 in a 0700 folder, over an older 0644 copy in a 0755 folder', () => {
    const state = path.join(dir, 'state');
    mkdirSync(state, { mode: 0o755 });
    chmodSync(state, 0o755);
    const file = path.join(state, 'config.json');
    writeFileSync(file, '{}', { mode: 0o644 });
    chmodSync(file, 0o644);
    writeHostConfig(state, { trust: { set: 'production' } });
    assert.equal(mode(file), 0o600);
    assert.equal(mode(state), 0o700);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { trust: { set: 'production' } });
    // No temporary file left beside it.
    assert.deepEqual(readdirSync(state), ['config.json']);
    // A folder that does not exist yet is created 0700 (whatever the umask allows more).
    const fresh = path.join(dir, 'a', 'b', 'mailboxes.json');
    writePrivateFile(fresh, '[]\n');
    assert.equal(mode(fresh), 0o600);
    assert.equal(mode(path.dirname(fresh)), 0o700);
    // keepDirMode: a shared folder keeps its mode, the file is still 0600.
    const shared = path.join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    writePrivateFile(path.join(shared, 'live.json'), '{}', { keepDirMode: true });
    assert.equal(mode(shared), 0o755);
    assert.equal(mode(path.join(shared, 'live.json')), 0o600);
  });

  for (const loose of [0o644, 0o640, 0o604, 0o660]) {
    it(`refuses a config.json of mode ${loose.toString(8)} with E_CONFIG_READABLE and the chmod to run`, () => {
      writeHostConfig(dir, { trust: { set: 'production' } });
      chmodSync(path.join(dir, 'config.json'), loose);
      for (const read of [
        () => readHostConfigText(dir),
        () => resolveConfig(dir),
        () => resolveAnnuaireConfig(dir),
      ])
        assert.throws(read, (e: unknown) => {
          assert.ok(e instanceof MssanteError);
          assert.equal(e.code, 'E_CONFIG_READABLE');
          assert.equal(
            e.detail,
            `${chmodCommand(path.join(dir, 'config.json'))} (mode ${loose.toString(8)})`,
          );
          assert.match(e.toWire().message, /chmod 600/);
          return true;
        });
    });
  }

  it('reads a 0600 (or 0400) config.json, and none at all as null', () => {
    assert.equal(readHostConfigText(dir), null);
    writeHostConfig(dir, { trust: { set: 'production' } });
    assert.equal(resolveConfig(dir).trust.name, 'production');
    chmodSync(path.join(dir, 'config.json'), 0o400);
    assert.match(readHostConfigText(dir)!, /production/);
  });

  it('quotes the path of the chmod for a shell', () => {
    assert.equal(
      chmodCommand("/home/o'neil/config.json"),
      `chmod 600 '/home/o'\\''neil/config.json'`,
    );
  });

  it('narrows a loose file the host wrote itself and says what it was', () => {
    const file = path.join(dir, 'mailboxes.json');
    assert.equal(tightenPrivateFile(file), null);
    writeFileSync(file, '[]');
    chmodSync(file, 0o644);
    assert.equal(tightenPrivateFile(file), 0o644);
    assert.equal(mode(file), 0o600);
    assert.equal(tightenPrivateFile(file), null);
  });
});
