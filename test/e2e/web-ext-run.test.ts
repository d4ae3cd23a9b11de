import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, waitForHandshake } from '../../lab/ready';
import { MARIE } from '../../lab/sandbox/people';
import { type Display, ensureDisplay } from '../../lab/thunderbird/xvfb';

/** Polls `read` until it returns something, or null after `timeoutMs`. */
async function poll<T>(read: () => T | null, timeoutMs: number): Promise<T | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = read();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

/** The value of `pref` in a Thunderbird prefs.js, or null. */
function prefValue(prefsJs: string, pref: RegExp): string | null {
  for (const line of prefsJs.split('\n')) {
    const m = /^user_pref\("([^"]+)", (.*)\);$/.exec(line);
    if (m && pref.test(m[1]!)) return JSON.parse(m[2]!) as string;
  }
  return null;
}

describe('[e2e] npx web-ext run', function () {
  let dir: string;
  let display: Display;
  let webExt: ChildProcess;
  let out = '';
  let exited: Promise<number | null>;
  let connected = false;
  let hostEnv = '';

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'web-ext-run-'));
    display = await ensureDisplay();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MSSANTE_START_DIR: dir,
      HOME: path.join(dir, 'home'),
      DISPLAY: display.display,
    };
    delete env.MSSANTE_STATE_DIR;
    delete env.MSSANTE_WEBEXT_SANDBOX;
    mkdirSync(env.HOME!, { recursive: true });
    const since = Date.now();
    // As a QA pipeline runs it: the project's web-ext-config.mjs does the rest.
    webExt = spawn('npx', ['web-ext', 'run', '--no-input', '--no-reload'], {
      cwd: ROOT,
      env,
      detached: true, // its own process group: web-ext, Thunderbird and the host stop together
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    webExt.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    webExt.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    exited = new Promise((resolve) => webExt.once('exit', (code) => resolve(code)));
    const hostState = path.join(dir, 'host');
    connected = await Promise.race([
      waitForHandshake(hostState, since, 240_000),
      exited.then(() => false),
    ]);
    if (connected) {
      // The host Thunderbird spawned: its environment, while it runs.
      const log = readFileSync(path.join(hostState, 'logs', 'host.log'), 'utf8');
      const start = log
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event: string; pid?: number })
        .filter((e) => e.event === 'host.start')
        .pop();
      if (start?.pid) hostEnv = readFileSync(`/proc/${start.pid}/environ`, 'utf8');
    }
  });

  after(async function () {
    this.timeout(60_000);
    if (webExt?.pid && webExt.exitCode === null && webExt.signalCode === null) {
      try {
        process.kill(-webExt.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await exited;
    }
    // The sandbox stays up after web-ext (docs/web-ext.md): stop it as the docs say.
    if (dir)
      spawnSync(
        process.execPath,
        ['bin/mssante-lab.mjs', 'sandbox', 'down', '--dir', path.join(dir, 'sandbox')],
        { cwd: ROOT, stdio: 'ignore' },
      );
    await display?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('[e2e] npx web-ext run installs the built add-on as a temporary add-on in Thunderbird and the add-on connects to the host it installed', () => {
    assert.ok(connected, out);
    assert.match(out, /Installed .*dist\/extension as a temporary add-on/);
    // The dedicated profile holds no sideloaded copy: the add-on running is web-ext's.
    const extensions = path.join(dir, 'web-ext-profile', 'extensions');
    assert.deepEqual(
      existsSync(extensions) ? readdirSync(extensions).filter((f) => f.endsWith('.xpi')) : [],
      [],
    );
    // The host got the ready state's environment through web-ext and Thunderbird.
    const vars = new Map(
      hostEnv
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    assert.equal(vars.get('MSSANTE_STATE_DIR'), path.join(dir, 'host'));
    assert.equal(vars.get('NODE_EXTRA_CA_CERTS'), path.join(dir, 'node-extra-ca.pem'));
  });

  it('[e2e] npx web-ext run brings the sandbox up and the add-on mirrors Dr Marie MARTIN’s mailbox as a Thunderbird account', async function () {
    this.timeout(60_000);
    assert.ok(existsSync(path.join(dir, 'sandbox', 'runtime.json')), 'the sandbox is up');
    const prefsJs = path.join(dir, 'web-ext-profile', 'prefs.js');
    // Thunderbird saves the account's prefs soon after the add-on creates it.
    const fullName = await poll(() => {
      if (!existsSync(prefsJs)) return null;
      const text = readFileSync(prefsJs, 'utf8');
      const server = prefValue(text, /^mail\.server\.server\d+\.mssante_address$/);
      return server === MARIE.mailbox ? prefValue(text, /^mail\.identity\.id\d+\.fullName$/) : null;
    }, 45_000);
    assert.equal(fullName, 'Dr Marie MARTIN', out);
  });
});
