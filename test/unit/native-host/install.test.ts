import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  type PlatformInputs,
  cmdQuote,
  defaultStateDir,
  describePlan,
  planFor,
  shQuote,
} from '../../../native-host/install/platforms';
import { stateDir } from '../../../native-host/state-dir';

const MANIFEST = {
  name: 'fr.open_mssante.host',
  description: 'Open MSSanté native host (PSC session, API LPS bridge, trust, Annuaire)',
  type: 'stdio',
  allowed_extensions: ['mssante@open-mssante.fr'],
};

const node = {
  kind: 'node',
  nodePath: '/opt/node 20/bin/node',
  bundlePath: '/src/dist/host/mssante.mjs',
} as const;

function manifestOf(plan: ReturnType<typeof planFor>) {
  const file = plan.files.find((f) => f.path === plan.manifestPath)!;
  return JSON.parse(file.content) as Record<string, unknown>;
}
function launcherOf(plan: ReturnType<typeof planFor>) {
  return plan.files.find((f) => f.path === plan.launcherPath)!;
}

describe('native-host install plans, per platform', () => {
  describe('linux', () => {
    const user: PlatformInputs = {
      platform: 'linux',
      scope: 'user',
      home: '/home/ana',
      stateDir: "/home/ana/.local/state/it's mssante",
      program: node,
    };

    it('writes the manifest where Thunderbird reads it (~/.mozilla), for our add-on only', () => {
      const plan = planFor(user);
      assert.equal(
        plan.manifestPath,
        '/home/ana/.mozilla/native-messaging-hosts/fr.open_mssante.host.json',
      );
      assert.deepEqual(manifestOf(plan), {
        ...MANIFEST,
        path: "/home/ana/.local/state/it's mssante/bin/open-mssante-host",
      });
      assert.equal(plan.registry, undefined);
    });

    it('pins the node binary and the state directory in an sh launcher (0755), quoted for sh', () => {
      const launcher = launcherOf(planFor(user));
      assert.equal(launcher.mode, 0o755);
      assert.match(launcher.content, /^#!\/bin\/sh\n/);
      assert.ok(
        launcher.content.includes(`MSSANTE_STATE_DIR='/home/ana/.local/state/it'\\''s mssante'`),
      );
      assert.ok(
        launcher.content.includes(
          `exec '/opt/node 20/bin/node' '/src/dist/host/mssante.mjs' host serve "$@"`,
        ),
      );
    });

    it('the launcher runs: sh starts the program with the host arguments', () => {
      const launcher = launcherOf(
        planFor({ ...user, program: { kind: 'executable', path: '/bin/echo' } }),
      );
      const run = spawnSync('sh', ['-c', launcher.content, 'launcher', '/m.json', 'id@x'], {
        encoding: 'utf8',
      });
      assert.equal(run.stdout, 'host serve /m.json id@x\n');
    });

    it('system scope: /usr/lib/mozilla/native-messaging-hosts, no state directory pinned', () => {
      const plan = planFor({ ...user, scope: 'system', stateDir: undefined });
      assert.equal(
        plan.manifestPath,
        '/usr/lib/mozilla/native-messaging-hosts/fr.open_mssante.host.json',
      );
      assert.equal(plan.launcherPath, '/usr/local/lib/open-mssante/open-mssante-host');
      assert.doesNotMatch(launcherOf(plan).content, /MSSANTE_STATE_DIR/);
    });
  });

  describe('darwin', () => {
    const user: PlatformInputs = {
      platform: 'darwin',
      scope: 'user',
      home: '/Users/ana',
      program: { kind: 'executable', path: '/Applications/Open MSSante/mssante' },
    };

    it('user scope: ~/Library/Mozilla/NativeMessagingHosts (Thunderbird’s, not Firefox’s Application Support)', () => {
      const plan = planFor(user);
      assert.equal(
        plan.manifestPath,
        '/Users/ana/Library/Mozilla/NativeMessagingHosts/fr.open_mssante.host.json',
      );
      assert.equal(
        plan.launcherPath,
        '/Users/ana/Library/Application Support/mssante/bin/open-mssante-host',
      );
      assert.deepEqual(manifestOf(plan), { ...MANIFEST, path: plan.launcherPath });
      assert.ok(
        launcherOf(plan).content.includes(
          `exec '/Applications/Open MSSante/mssante' host serve "$@"`,
        ),
      );
    });

    it('system scope: /Library/Application Support/Mozilla/NativeMessagingHosts', () => {
      const plan = planFor({ ...user, scope: 'system' });
      assert.equal(
        plan.manifestPath,
        '/Library/Application Support/Mozilla/NativeMessagingHosts/fr.open_mssante.host.json',
      );
      assert.equal(
        plan.launcherPath,
        '/Library/Application Support/open-mssante/open-mssante-host',
      );
    });
  });

  describe('win32', () => {
    const user: PlatformInputs = {
      platform: 'win32',
      scope: 'user',
      home: 'C:\\Users\\ana',
      localAppData: 'C:\\Users\\ana\\AppData\\Local',
      stateDir: 'C:\\Users\\ana\\AppData\\Local\\mssante',
      program: { kind: 'executable', path: 'C:\\Program Files\\Open MSSante\\mssante.exe' },
    };

    it('user scope: the manifest in %LOCALAPPDATA%, found through HKCU\\Software\\Mozilla\\NativeMessagingHosts', () => {
      const plan = planFor(user);
      assert.equal(
        plan.manifestPath,
        'C:\\Users\\ana\\AppData\\Local\\open-mssante\\fr.open_mssante.host.json',
      );
      assert.deepEqual(plan.registry, {
        key: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts\\fr.open_mssante.host',
        value: plan.manifestPath,
        add: [
          'reg.exe',
          'add',
          'HKCU\\Software\\Mozilla\\NativeMessagingHosts\\fr.open_mssante.host',
          '/ve',
          '/t',
          'REG_SZ',
          '/d',
          plan.manifestPath,
          '/f',
        ],
        remove: [
          'reg.exe',
          'delete',
          'HKCU\\Software\\Mozilla\\NativeMessagingHosts\\fr.open_mssante.host',
          '/f',
        ],
      });
      assert.deepEqual(manifestOf(plan), {
        ...MANIFEST,
        path: 'C:\\Users\\ana\\AppData\\Local\\open-mssante\\open-mssante-host.cmd',
      });
    });

    it('a .cmd launcher with CRLF lines, quoted paths and the state directory', () => {
      const launcher = launcherOf(planFor(user));
      assert.equal(
        launcher.content,
        [
          '@echo off',
          'rem Written by `mssante host install`; removed by `mssante host uninstall`.',
          'set "MSSANTE_STATE_DIR=C:\\Users\\ana\\AppData\\Local\\mssante"',
          '"C:\\Program Files\\Open MSSante\\mssante.exe" host serve %*',
          '',
        ].join('\r\n'),
      );
    });

    it('system scope: HKLM and %ProgramFiles%', () => {
      const plan = planFor({ ...user, scope: 'system', stateDir: undefined });
      assert.equal(
        plan.registry!.key,
        'HKLM\\Software\\Mozilla\\NativeMessagingHosts\\fr.open_mssante.host',
      );
      assert.equal(plan.manifestPath, 'C:\\Program Files\\open-mssante\\fr.open_mssante.host.json');
    });

    it('refuses a path cmd.exe would expand or cut (% or ")', () => {
      assert.throws(() => cmdQuote('C:\\%PATH%\\x'), { code: 'E_CLI_USAGE' });
      assert.throws(
        () => planFor({ ...user, program: { kind: 'executable', path: 'C:\\a"b\\x.exe' } }),
        { code: 'E_CLI_USAGE' },
      );
    });

    it('--print shows the files and the reg.exe commands', () => {
      const text = describePlan(planFor(user));
      assert.match(text, /^# platform win32, scope user$/m);
      assert.match(
        text,
        /^# registry HKCU\\Software\\Mozilla\\NativeMessagingHosts\\fr\.open_mssante\.host \(default value\) = C:\\Users\\ana\\AppData\\Local\\open-mssante\\fr\.open_mssante\.host\.json$/m,
      );
      assert.match(
        text,
        /^# install: {3}reg\.exe add HKCU\\Software\\Mozilla\\NativeMessagingHosts\\fr\.open_mssante\.host \/ve \/t REG_SZ \/d C:\\Users\\ana\\AppData\\Local\\open-mssante\\fr\.open_mssante\.host\.json \/f$/m,
      );
    });
  });

  it('`mssante host install --print --platform P` shows what an installer on P would write, and writes nothing', async () => {
    const { command } = await import('../../../native-host/cli/commands/host');
    for (const [platform, manifest] of [
      [
        'win32',
        /^# file C:\\Users\\[^\\]+\\AppData\\Local\\open-mssante\\fr\.open_mssante\.host\.json$/m,
      ],
      [
        'darwin',
        /^# file \/Users\/[^/]+\/Library\/Mozilla\/NativeMessagingHosts\/fr\.open_mssante\.host\.json \(mode 644\)$/m,
      ],
      [
        'linux',
        /^# file \/[^\n]*\/\.mozilla\/native-messaging-hosts\/fr\.open_mssante\.host\.json \(mode 644\)$/m,
      ],
    ] as const) {
      let out = '';
      const io = {
        stdout: (t: string) => void (out += t),
        stderr: () => {},
        locale: 'en' as const,
      };
      assert.equal(await command.run(['install', '--print', '--platform', platform], io), 0);
      assert.match(out, manifest, platform);
    }
    const io = { stdout: () => {}, stderr: () => {}, locale: 'en' as const };
    assert.equal(await command.run(['install', '--platform', 'plan9'], io), 2);
    assert.equal(
      await command.run(
        ['install', '--platform', process.platform === 'win32' ? 'linux' : 'win32'],
        io,
      ),
      2,
      'installing for another platform needs --print',
    );
  });

  it('quotes anything for sh', () => {
    assert.equal(shQuote(`a'b"c$d`), `'a'\\''b"c$d'`);
  });

  it('resolves the state directory per platform: MSSANTE_STATE_DIR first', () => {
    assert.equal(stateDir({ MSSANTE_STATE_DIR: '/x/y', HOME: '/h' }), '/x/y');
    assert.equal(stateDir({ XDG_STATE_HOME: '/xdg', HOME: '/h' }, 'linux'), '/xdg/mssante');
    assert.equal(stateDir({ HOME: '/h' }, 'linux'), '/h/.local/state/mssante');
    assert.equal(
      stateDir({ HOME: '/Users/h' }, 'darwin'),
      '/Users/h/Library/Application Support/mssante',
    );
    assert.equal(
      defaultStateDir('win32', { LOCALAPPDATA: 'D:\\Local' }, 'C:\\Users\\h'),
      'D:\\Local\\mssante',
    );
    assert.equal(path.win32.isAbsolute(defaultStateDir('win32', {}, 'C:\\Users\\h')), true);
  });
});
