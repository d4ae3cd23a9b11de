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

interface WebExtRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * `npx web-ext run --no-input --no-reload` from the project root, as a QA pipeline runs it (the
 * project's web-ext-config.mjs does the rest), with the ready state in `dir` and HOME under it.
 */
function startWebExt(dir: string, extra: NodeJS.ProcessEnv): WebExtRun {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MSSANTE_START_DIR: dir,
    HOME: path.join(dir, 'home'),
    ...extra,
  };
  delete env.MSSANTE_STATE_DIR;
  if (!extra.DISPLAY) delete env.DISPLAY;
  if (!extra.MSSANTE_WEBEXT_SANDBOX) delete env.MSSANTE_WEBEXT_SANDBOX;
  mkdirSync(env.HOME!, { recursive: true });
  const child = spawn('npx', ['web-ext', 'run', '--no-input', '--no-reload'], {
    cwd: ROOT,
    env,
    detached: true, // its own process group: web-ext, Thunderbird and the host stop together
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => out, exited };
}

/** Stops web-ext's process group (web-ext, Thunderbird, the host) and waits for web-ext. */
async function stopWebExt(run: WebExtRun | undefined): Promise<void> {
  const { child } = run ?? {};
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await run!.exited;
  }
}

/** Waits for the add-on's hello in the host's log, or for web-ext to give up. */
function connected(run: WebExtRun, hostState: string, since: number): Promise<boolean> {
  return Promise.race([waitForHandshake(hostState, since, 240_000), run.exited.then(() => false)]);
}

describe('[e2e] npx web-ext run', function () {
  let dir: string;
  let display: Display;
  let webExt: WebExtRun;
  let connectedToHost = false;
  let hostEnv = '';

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'web-ext-run-'));
    display = await ensureDisplay();
    const since = Date.now();
    webExt = startWebExt(dir, { DISPLAY: display.display });
    const hostState = path.join(dir, 'host');
    connectedToHost = await connected(webExt, hostState, since);
    if (connectedToHost) {
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
    await stopWebExt(webExt);
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
    assert.ok(connectedToHost, webExt.output());
    assert.match(webExt.output(), /Installed .*dist\/extension as a temporary add-on/);
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
    assert.equal(fullName, 'Dr Marie MARTIN', webExt.output());
  });
});

describe('[e2e] npx web-ext run without a display and with MSSANTE_WEBEXT_SANDBOX=0', function () {
  let dir: string;
  let webExt: WebExtRun;
  let connectedToHost = false;

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'web-ext-run-'));
    const since = Date.now();
    webExt = startWebExt(dir, { MSSANTE_WEBEXT_SANDBOX: '0' });
    connectedToHost = await connected(webExt, path.join(dir, 'host'), since);
  });

  after(async function () {
    this.timeout(60_000);
    await stopWebExt(webExt);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('[e2e] MSSANTE_WEBEXT_SANDBOX=0 npx web-ext run starts a headless Thunderbird whose add-on connects to the installed host, with no sandbox and no host configuration written for it', () => {
    assert.ok(connectedToHost, webExt.output());
    assert.match(webExt.output(), /Installed .*dist\/extension as a temporary add-on/);
    assert.equal(existsSync(path.join(dir, 'sandbox')), false, 'no sandbox was started');
    // The lab keeps its own host configuration: the preparation wrote none.
    assert.equal(existsSync(path.join(dir, 'host', 'config.json')), false);
    assert.equal(existsSync(path.join(dir, 'host', 'mailboxes.json')), false);
  });
});
