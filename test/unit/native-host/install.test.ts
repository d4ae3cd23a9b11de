import assert from 'node:assert/strict';
import { planInstall, shQuote } from '../../../native-host/install/host-manifest';
import { stateDir } from '../../../native-host/state-dir';

describe('native-host install plan', () => {
  const plan = planInstall({
    home: '/home/ana',
    stateDir: "/home/ana/.local/state/it's mssante",
    nodePath: '/opt/node 20/bin/node',
    bundlePath: '/src/dist/host/mssante.mjs',
  });

  it('writes the manifest where Thunderbird reads it, for our add-on only', () => {
    assert.equal(
      plan.manifestPath,
      '/home/ana/.mozilla/native-messaging-hosts/fr.open_mssante.host.json',
    );
    assert.deepEqual(JSON.parse(plan.manifest), {
      name: 'fr.open_mssante.host',
      description: 'Open MSSanté native host (PSC session, API LPS bridge, trust, Annuaire)',
      path: "/home/ana/.local/state/it's mssante/bin/open-mssante-host",
      type: 'stdio',
      allowed_extensions: ['mssante@open-mssante.fr'],
    });
  });

  it('pins the node binary and the state directory in a launcher, quoted for sh', () => {
    assert.match(plan.launcher, /^#!\/bin\/sh\n/);
    assert.ok(
      plan.launcher.includes(`MSSANTE_STATE_DIR='/home/ana/.local/state/it'\\''s mssante'`),
    );
    assert.ok(
      plan.launcher.includes(
        `exec '/opt/node 20/bin/node' '/src/dist/host/mssante.mjs' host serve "$@"`,
      ),
    );
  });

  it('quotes anything for sh', () => {
    assert.equal(shQuote(`a'b"c$d`), `'a'\\''b"c$d'`);
  });

  it('resolves the state directory from MSSANTE_STATE_DIR, XDG_STATE_HOME, then HOME', () => {
    assert.equal(stateDir({ MSSANTE_STATE_DIR: '/x/y', HOME: '/h' }), '/x/y');
    assert.equal(stateDir({ XDG_STATE_HOME: '/xdg', HOME: '/h' }), '/xdg/mssante');
    assert.equal(stateDir({ HOME: '/h' }), '/h/.local/state/mssante');
  });
});
