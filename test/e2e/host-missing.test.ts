import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  hostPids,
  ROOT,
  ThunderbirdSuite,
  waitFor,
  withThunderbird,
} from '../../lab/thunderbird/harness';

interface Field {
  text: string;
  hidden: boolean;
  data: Record<string, string>;
}

describe('[e2e] native host not installed yet (Thunderbird, English UI)', function () {
  const suite = new ThunderbirdSuite({ name: 'host-missing', locale: 'en-US', installHost: false });
  let popup: number;
  const view = () =>
    suite.page<Record<'state' | 'code' | 'reason' | 'problem' | 'button', Field>>(popup, 'read', {
      state: '#state',
      code: '#reason-code',
      reason: '#reason',
      problem: '#problem',
      button: '#reconnect',
    });

  withThunderbird(suite, async () => {
    popup = await suite.openPage('ui/popup/popup.html');
  });

  it('[e2e] says in English that the host is missing and how to install it', async () => {
    const shown = await waitFor('the popup to show the missing host', async () => {
      const v = await view();
      return v.code.text === 'E_HOST_NOT_FOUND' && v;
    });
    assert.equal(shown.state.text, 'Disconnected');
    assert.equal(shown.problem.hidden, false);
    assert.match(shown.reason.text, /native host was not found: run "mssante host install"/);
    assert.equal(shown.button.text, 'Reconnect now');
    assert.deepEqual(hostPids(suite), []);
  });

  it('[e2e] connects once the host is installed and the user clicks "Reconnect now"', async () => {
    const install = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist/host/mssante.mjs'), 'host', 'install'],
      {
        env: suite.hostEnv,
        encoding: 'utf8',
      },
    );
    assert.equal(install.status, 0, install.stderr);
    await suite.page(popup, 'click', '#reconnect');
    const shown = await waitFor('the popup to show "connected"', async () => {
      const v = await view();
      return v.state.data.status === 'connected' && v;
    });
    assert.equal(shown.state.text, 'Connected');
    assert.equal(shown.problem.hidden, true);
    assert.equal(hostPids(suite).length, 1);
  });
});
