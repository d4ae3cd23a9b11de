import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader } from '../../native-host/messaging/frame-reader';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');

function frame(value: unknown): Buffer {
  const body = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Runs a command the way Thunderbird does: argv [manifestPath, extensionId], pipes on stdio. */
function exchange(command: string, args: string[], env: NodeJS.ProcessEnv, input: Buffer[]) {
  return new Promise<{ replies: any[]; code: number | null; stderr: string }>((resolve) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const reader = new FrameReader(2 * 1024 * 1024);
    const replies: any[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) =>
      reader.push(d).forEach((e) => e.kind === 'message' && replies.push(e.value)),
    );
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ replies, code, stderr }));
    for (const chunk of input) child.stdin.write(chunk);
    child.stdin.end();
  });
}

describe('native host process (built bundle)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    assert.ok(existsSync(BUNDLE), 'npm run build first');
    home = mkdtempSync(path.join(os.tmpdir(), 'mssante-int-'));
    env = { ...process.env, HOME: home, MSSANTE_STATE_DIR: path.join(home, 'state') };
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('`mssante host install --print` shows the manifest and launcher and writes nothing', () => {
    const run = spawnSync(process.execPath, [BUNDLE, 'host', 'install', '--print'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(
      run.stdout.includes(
        `# file ${home}/.mozilla/native-messaging-hosts/fr.open_mssante.host.json (mode 644)`,
      ),
    );
    assert.ok(run.stdout.includes(`exec '${process.execPath}' '${BUNDLE}' host serve "$@"`));
    assert.equal(existsSync(path.join(home, '.mozilla')), false);
  });

  it('`mssante host install` writes an executable launcher that serves hello like Thunderbird spawns it', async () => {
    const run = spawnSync(process.execPath, [BUNDLE, 'host', 'install'], {
      env: { ...env, LANG: 'en_US.UTF-8' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Native host installed/);
    const manifestPath = path.join(
      home,
      '.mozilla/native-messaging-hosts/fr.open_mssante.host.json',
    );
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    assert.ok(statSync(manifest.path).mode & 0o100, 'launcher is executable');
    const { replies, code, stderr } = await exchange(
      manifest.path,
      [manifestPath, 'mssante@open-mssante.fr'],
      { PATH: '/nonexistent' },
      [frame({ v: 1, id: 'h', type: 'hello', params: { client: { name: 'int', version: '1' } } })],
    );
    assert.equal(code, 0, stderr);
    assert.equal(replies[0].result.host.name, 'open-mssante-host');
    const log = readFileSync(path.join(home, 'state/logs/host.log'), 'utf8');
    assert.match(log, /"event":"host.start".*"extension":"mssante@open-mssante.fr"/);
  });

  it('`mssante host uninstall` removes both files', () => {
    // Installs first, so the test stands alone (`npm test -- --grep uninstall`).
    const install = spawnSync(process.execPath, [BUNDLE, 'host', 'install'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(install.status, 0, install.stderr);
    assert.ok(existsSync(path.join(home, 'state/bin/open-mssante-host')));
    const run = spawnSync(process.execPath, [BUNDLE, 'host', 'uninstall'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      existsSync(path.join(home, '.mozilla/native-messaging-hosts/fr.open_mssante.host.json')),
      false,
    );
    assert.equal(existsSync(path.join(home, 'state/bin/open-mssante-host')), false);
  });

  it('answers invalid JSON with a coded error and keeps serving', async () => {
    const { replies, code } = await exchange(process.execPath, [BUNDLE, 'host', 'serve'], env, [
      frame('{oops'),
      frame({ v: 1, id: 'p', type: 'ping', params: { payload: 'still here' } }),
    ]);
    assert.equal(code, 0);
    assert.deepEqual(
      replies.map((r) => r.error?.code ?? r.result.payload),
      ['E_FRAME_INVALID_JSON', 'still here'],
    );
  });

  it('exits 1 with a message on stderr, not a hang, when the port closes inside a frame', async () => {
    const { code, stderr, replies } = await exchange(
      process.execPath,
      [BUNDLE, 'host', 'serve'],
      env,
      [frame({ v: 1, id: 'p', type: 'ping', params: { payload: 'cut' } }).subarray(0, 12)],
    );
    assert.equal(code, 1);
    assert.deepEqual(replies, []);
    assert.match(
      stderr,
      // (multiline: an unconfigured host says so first, see hostile/host-unconfigured.test.ts)
      /^open-mssante-host: The message received by the native host is truncated\. \(got 8 of \d+ bytes\)/m,
    );
  });

  it('`mssante` with an unknown command fails with a coded sentence in the user language', () => {
    const run = spawnSync(process.execPath, [BUNDLE, 'teleport'], {
      env: { ...env, LANG: 'fr_FR.UTF-8' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /Commande ou option inconnue/);
  });

  it('every command refuses an unknown option the same way: the coded usage sentence, the reason, its usage, exit 2', () => {
    for (const argv of [
      ['audit', 'verify', '--bogus'],
      ['conformance', '--profiles', 'PER,XYZ', '--no-run'],
      ['conformance', '--live'],
      ['host', 'install', '--force'],
      ['annuaire', 'search', 'martin', '--bogus'],
    ]) {
      const run = spawnSync(process.execPath, [BUNDLE, ...argv], {
        env: { ...env, LANG: 'en_US.UTF-8' },
        encoding: 'utf8',
      });
      assert.equal(run.status, 2, argv.join(' '));
      assert.match(run.stderr, /^Unknown command or option.*\nusage:\s+mssante /s, argv.join(' '));
    }
  });

  it('ships no sandbox command: `mssante sandbox` is unknown (the lab’s `mssante-lab sandbox` has it)', () => {
    const run = spawnSync(process.execPath, [BUNDLE, 'sandbox', 'status'], {
      env: { ...env, LANG: 'en_US.UTF-8' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^Unknown command or option.* \(sandbox\)$/m);
    const help = spawnSync(process.execPath, [BUNDLE, 'help'], { env, encoding: 'utf8' });
    assert.doesNotMatch(help.stdout, /sandbox/);
    const lab = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'bin/mssante-lab.mjs'),
        'sandbox',
        'status',
        '--dir',
        path.join(home, 'none'),
      ],
      { env: { ...env, LANG: 'en_US.UTF-8' }, encoding: 'utf8' },
    );
    assert.equal(lab.status, 3, lab.stderr);
    assert.match(lab.stdout, /Sandbox down/);
  });
});
