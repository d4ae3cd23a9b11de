import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  hostPids,
  ROOT,
  ThunderbirdSuite,
  waitFor,
  withThunderbird,
} from '../../lab/thunderbird/harness';

const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const TOP = `open-mssante-host-${VERSION}-linux-x64`;

/**
 * The linux-x64 release package (`npm run dist`), unpacked and installed with its own
 * executable — no Node, no bundle: Thunderbird spawns the single executable and shakes hands.
 */
describe('[e2e] packaged host (linux-x64 single executable, native host connection)', function () {
  const unpacked = mkdtempSync(path.join(os.tmpdir(), 'mssante-packaged-'));
  const executable = path.join(unpacked, TOP, 'mssante');
  const suite = new ThunderbirdSuite({
    name: 'packaged-host',
    locale: 'en-US',
    hostExecutable: executable,
  });

  before(function () {
    this.timeout(600_000);
    const dist = spawnSync(process.execPath, ['scripts/dist.mjs', '--only', 'linux-x64'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(dist.status, 0, dist.stderr);
    const archive = path.join(ROOT, 'dist', 'release', `${TOP}.tar.gz`);
    const tar = spawnSync('tar', ['-xzf', archive, '-C', unpacked], { encoding: 'utf8' });
    assert.equal(tar.status, 0, tar.stderr);
  });
  withThunderbird(suite);
  after(() => rmSync(unpacked, { recursive: true, force: true }));

  it('[e2e] Thunderbird spawns the packaged executable, which answers hello with its version', async () => {
    const launcher = readFileSync(path.join(suite.stateDir, 'bin', 'open-mssante-host'), 'utf8');
    assert.ok(launcher.includes(`exec '${executable}' host serve "$@"`), launcher);
    const popup = await suite.openPage('ui/popup/popup.html');
    const state = await waitFor('the popup to show "connected"', async () => {
      const v = await suite.page<Record<string, { text: string; data: Record<string, string> }>>(
        popup,
        'read',
        { state: '#state', host: '#host-version' },
      );
      return v.state!.data.status === 'connected' && v;
    });
    assert.equal(state.host!.text, `open-mssante-host ${VERSION}`);
    const pids = hostPids(suite);
    assert.equal(pids.length, 1);
    // The process that answered is the single executable itself, not Node running a bundle.
    assert.equal(readlinkSync(`/proc/${pids[0]}/exe`), executable);
  });
});
