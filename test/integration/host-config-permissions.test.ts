import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHostConfig } from '../../native-host/config/private-file';
import { FrameReader } from '../../native-host/messaging/frame-reader';
import { journalText } from '../fixtures/journal-read';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');
const SECRET = 'lab-client-secret-never-shown-4f1c';

/** One native-messaging exchange with the built host, as Thunderbird spawns it. */
function serve(env: NodeJS.ProcessEnv, requests: unknown[]): Promise<any[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE, 'host', 'serve'], {
      env,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const reader = new FrameReader(2 * 1024 * 1024);
    const replies: any[] = [];
    child.stdout.on('data', (d: Buffer) => {
      for (const e of reader.push(d))
        if (e.kind === 'message' && 'id' in (e.value as object)) replies.push(e.value);
      if (replies.length === requests.length) child.stdin.end();
    });
    child.on('close', () => resolve(replies));
    for (const r of requests) {
      const body = Buffer.from(JSON.stringify(r), 'utf8');
      const header = Buffer.alloc(4);
      header.writeUInt32LE(body.length, 0);
      child.stdin.write(Buffer.concat([header, body]));
    }
  });
}

const login = { v: 1, id: 'l', type: 'psc.login', params: { method: 'browser' } };
const pscStatus = { v: 1, id: 's', type: 'psc.status', params: {} };
const mode = (file: string) => statSync(file).mode & 0o777;

/** Every file under a folder but config.json, read as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name !== 'config.json')
    .map((d) => readFileSync(path.join(d.parentPath, d.name), 'latin1'))
    .join('\n');
}

describe('host config.json permissions (built host bundle)', () => {
  let home: string;
  let state: string;
  let env: NodeJS.ProcessEnv;
  const config = {
    psc: {
      preset: 'custom',
      issuer: 'http://127.0.0.1:9/auth/realms/esante-wallet',
      clientId: 'lab',
      auth: { method: 'client_secret_basic', clientSecret: SECRET },
    },
    trust: { set: 'production' },
  };
  before(() => {
    assert.ok(existsSync(BUNDLE), 'node scripts/build.mjs first');
    home = mkdtempSync(path.join(os.tmpdir(), 'host-perm-'));
    state = path.join(home, 'state');
    env = { ...process.env, HOME: home, MSSANTE_STATE_DIR: state, LANG: 'fr_FR.UTF-8' };
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('refuses a group/world-readable config.json with E_CONFIG_READABLE naming the chmod, then works once it is run', async () => {
    // As an editor or `cp` under umask 022 leaves it.
    mkdirSync(state, { recursive: true });
    chmodSync(state, 0o755);
    writeFileSync(path.join(state, 'config.json'), JSON.stringify(config));
    chmodSync(path.join(state, 'config.json'), 0o644);
    // And a mailboxes.json the host wrote once, opened by hand since.
    writeFileSync(path.join(state, 'mailboxes.json'), '[]\n');
    chmodSync(path.join(state, 'mailboxes.json'), 0o644);
    const [refused, status] = await serve(env, [login, pscStatus]);
    assert.equal(refused.error.code, 'E_CONFIG_READABLE');
    const command = `chmod 600 '${path.join(state, 'config.json')}'`;
    assert.ok(refused.error.message.includes(command), refused.error.message);
    // The popup's view says why too, not merely "not configured".
    assert.equal(status.result.configured, false);
    assert.equal(status.result.configError.code, 'E_CONFIG_READABLE');
    assert.ok(
      status.result.configError.detail.startsWith(command),
      status.result.configError.detail,
    );
    assert.match(refused.error.message, /accessible à d.autres utilisateurs/);
    // The host's own file is narrowed and the fix journaled; config.json is left as it was.
    assert.equal(mode(path.join(state, 'mailboxes.json')), 0o600);
    assert.equal(mode(path.join(state, 'config.json')), 0o644);
    const journal = journalText(path.join(state, 'audit'));
    assert.match(
      journal,
      /"action":"permissions","request":"chmod 600 mailboxes.json \(was 644\)"/,
    );
    // The command the user is told to run is enough.
    const run = spawnSync('sh', ['-c', command]);
    assert.equal(run.status, 0);
    const [next, nextStatus] = await serve(env, [login, pscStatus]);
    // Read this time: the host goes on to PSC (nothing listens on 127.0.0.1:9).
    assert.equal(next.error?.code, 'E_PSC_UNREACHABLE');
    assert.equal(nextStatus.result.configured, true);
    assert.equal(nextStatus.result.configError, undefined);
    // Read or refused, the secret never reaches another file of the host (log, journal).
    assert.equal(allText(state).includes(SECRET), false);
  });

  it('accepts a config.json rewritten through writeHostConfig over a loose copy: 0600 in a 0700 folder', async () => {
    chmodSync(path.join(state, 'config.json'), 0o664);
    chmodSync(state, 0o775);
    writeHostConfig(state, config);
    assert.equal(mode(path.join(state, 'config.json')), 0o600);
    assert.equal(mode(state), 0o700);
    const [reply] = await serve(env, [login]);
    assert.equal(reply.error?.code, 'E_PSC_UNREACHABLE');
  });
});
