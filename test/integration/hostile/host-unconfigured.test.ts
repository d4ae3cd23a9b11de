import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHostConfig } from '../../../native-host/config/private-file';
import { FrameReader } from '../../../native-host/messaging/frame-reader';
import { errorMessage } from '../../../shared/errors/codes';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');

const frame = (value: unknown): Buffer => {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
};

/** `mssante host serve` as Thunderbird spawns it, fed a hello and a psc.status. */
function serve(env: NodeJS.ProcessEnv) {
  return new Promise<{ replies: any[]; code: number | null; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [BUNDLE, 'host', 'serve', 'manifest.json', 'mssante@open-mssante.fr'],
      {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const reader = new FrameReader(2 * 1024 * 1024);
    const replies: any[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) =>
      reader.push(d).forEach((e) => e.kind === 'message' && replies.push(e.value)),
    );
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ replies, code, stderr }));
    child.stdin.write(
      frame({ v: 1, id: 'h', type: 'hello', params: { client: { name: 'int', version: '1' } } }),
    );
    child.stdin.write(frame({ v: 1, id: 's', type: 'psc.status', params: {} }));
    setTimeout(() => child.stdin.end(), 500);
  });
}

describe('hostile: an installed host without a usable configuration', function () {
  this.timeout(60_000);
  let home: string;
  let env: NodeJS.ProcessEnv;
  before(() => assert.ok(existsSync(BUNDLE), 'npm run build first'));
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'mssante-unconfigured-'));
    env = { ...process.env, HOME: home, MSSANTE_STATE_DIR: path.join(home, 'state') };
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('hostile: no config.json: `host serve` says E_CONFIG_MISSING in French and English with the file, logs it, and still answers the add-on', async () => {
    const file = path.join(home, 'state', 'config.json');
    const { replies, code, stderr } = await serve(env);
    assert.equal(code, 0, stderr);
    assert.ok(
      stderr.includes(
        `mssante host: E_CONFIG_MISSING: ${errorMessage('E_CONFIG_MISSING', 'fr')} (${file})\n`,
      ),
      stderr,
    );
    assert.ok(
      stderr.includes(
        `mssante host: E_CONFIG_MISSING: ${errorMessage('E_CONFIG_MISSING', 'en')} (${file})\n`,
      ),
      stderr,
    );
    // The add-on still gets its answers: hello, and "not configured" from psc.status.
    assert.equal(replies.find((r) => r.id === 'h')?.result.host.name, 'open-mssante-host');
    assert.deepEqual(
      [
        replies.find((r) => r.id === 's')?.result.configured,
        replies.find((r) => r.id === 's')?.result.preset,
      ],
      [false, 'none'],
    );
    const log = readFileSync(path.join(home, 'state/logs/host.log'), 'utf8');
    assert.match(log, /"event":"host.unconfigured".*"code":"E_CONFIG_MISSING"/);
    // No sandbox or test fallback was looked for or created.
    assert.equal(existsSync(file), false);
  });

  it('hostile: a config.json naming a remote plain-http issuer: E_CONFIG_INVALID naming the field, in both languages', async () => {
    writeHostConfig(path.join(home, 'state'), {
      trust: { set: 'production' },
      psc: {
        preset: 'custom',
        issuer: 'http://127.0.0.1:1@evil.example/realm',
        clientId: 'c',
        clientSecret: 's',
      },
    });
    const { replies, stderr } = await serve(env);
    for (const locale of ['fr', 'en'] as const)
      assert.ok(
        stderr.includes(
          `mssante host: E_CONFIG_INVALID: ${errorMessage('E_CONFIG_INVALID', locale)} (psc.issuer: no user or password in the URL)`,
        ),
        stderr,
      );
    assert.equal(replies.find((r) => r.id === 's')?.result.configError?.code, 'E_CONFIG_INVALID');
  });

  it('hostile: `mssante host install` on an unconfigured machine installs, then says the host is not configured', () => {
    const run = spawnSync(process.execPath, [BUNDLE, 'host', 'install'], {
      env: { ...env, LANG: 'en_US.UTF-8' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Native host installed/);
    assert.equal(
      run.stderr,
      `E_CONFIG_MISSING: ${errorMessage('E_CONFIG_MISSING', 'en')} (${path.join(home, 'state', 'config.json')})\n`,
    );
  });
});
