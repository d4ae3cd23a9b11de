import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../lab/ready';

describe('web-ext-config.mjs', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'web-ext-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is read by web-ext for every command, and prepares nothing unless the command is run (web-ext lint, dump-config…)', () => {
    const state = path.join(dir, 'state');
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'web-ext'), ['dump-config'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, MSSANTE_START_DIR: state, HOME: dir },
    });
    assert.equal(result.status, 0, result.stderr);
    const config = JSON.parse(result.stdout) as { sourceDir: string };
    assert.equal(config.sourceDir, path.join(ROOT, 'dist', 'extension'));
    assert.equal(existsSync(state), false, 'no build, host install, sandbox or profile');
  });
});
