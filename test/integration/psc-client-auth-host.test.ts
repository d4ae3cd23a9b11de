import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { HostApp } from '../../native-host/service/host-app';
import type { HostContext } from '../../native-host/handlers/context';
import { fileLogger } from '../../native-host/log';
import { FrameReader } from '../../native-host/messaging/frame-reader';
import { encodeFrame } from '../../native-host/messaging/frame-writer';
import { serve } from '../../native-host/server';
import { exportPkcs12 } from '../../lab/sandbox/pki/client-certificate';
import { miniPki, type MiniPki } from '../../lab/sandbox/pki/mini-pki';
import { makeRequest } from '../../shared/protocol/index';
import { issueClientCert, pem, type Rig, startRig } from '../fixtures/psc-auth-rig';
import { writeHostConfig } from '../../native-host/config/private-file';
import { MARIE } from '../../lab/sandbox/people';

/** The host served in-process over a native-messaging pipe, as Thunderbird talks to it. */
function hostOn(stateDir: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  const reader = new FrameReader(4 * 1024 * 1024);
  const messages: any[] = [];
  const waiters: Array<() => void> = [];
  output.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) if (e.kind === 'message') messages.push(e.value);
    for (const w of waiters.splice(0)) w();
  });
  const log = fileLogger(stateDir);
  const ctx: HostContext = {
    log,
    startedAt: Date.now(),
    now: Date.now,
    counters: { requestsServed: 0, frameErrors: 0 },
  };
  const app = new HostApp(stateDir, log, (event) => ctx.notify?.(event));
  ctx.app = async () => app;
  const done = serve({ input, output, stderr: () => undefined, ctx });
  const next = (match: (m: any) => boolean): Promise<any> =>
    new Promise((resolve) => {
      const look = () => {
        const found = messages.find(match);
        if (found) resolve(found);
        else waiters.push(look);
      };
      look();
    });
  let n = 0;
  return {
    async request(type: 'psc.login' | 'psc.status' | 'psc.logout', params: any): Promise<any> {
      const id = `r${++n}`;
      input.write(encodeFrame(makeRequest(type, id, params)));
      return next((m) => m.id === id);
    },
    signedIn: () => next((m) => m.event === 'psc' && m.data.state === 'signed-in'),
    async close() {
      input.end();
      await done;
      log.close();
    },
  };
}

/** Every file the host wrote in its state folder (logs, journal), config and key files aside. */
function hostWrites(stateDir: string, skip: string[]): string {
  let all = '';
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!skip.includes(entry.name)) all += readFileSync(full, 'latin1');
    }
  };
  walk(stateDir);
  return all;
}

describe('PSC client authentication from the host’s config.json (host process, real PSC stub)', function () {
  this.timeout(90_000);
  let pki: MiniPki;
  let rsa: { privateKey: KeyObject; publicKey: KeyObject };
  let ec: { privateKey: KeyObject; publicKey: KeyObject };
  let rig: Rig;
  let home: string;

  const control = async (action: string, form: Record<string, string>) =>
    (await (
      await fetch(`${rig.stub.info.control}/${action}`, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).json()) as any;

  /** A state folder with config.json (psc.auth as given) and the trust files; files mode 0600. */
  const stateWith = (
    name: string,
    clientId: string,
    auth: Record<string, string>,
    files: Record<string, string | Buffer>,
  ) => {
    const dir = path.join(home, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [file, content] of Object.entries(files))
      writeFileSync(path.join(dir, file), content, { mode: 0o600 });
    writeFileSync(path.join(dir, 'root.pem'), pem(pki.root));
    writeFileSync(path.join(dir, 'org.pem'), pem(pki.organisations));
    writeFileSync(path.join(dir, 'ca.pem'), pem(pki.root) + pem(pki.organisations));
    writeHostConfig(dir, {
      psc: { preset: 'custom', issuer: rig.stub.info.issuer, clientId, auth },
      trust: {
        set: 'sandbox',
        rootCert: path.join(dir, 'root.pem'),
        intermediateCert: path.join(dir, 'org.pem'),
      },
      hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
    });
    return dir;
  };

  before(async () => {
    pki = await miniPki();
    rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    rig = await startRig(pki, { rsa: rsa.publicKey, ec: ec.publicKey });
    home = mkdtempSync(path.join(os.tmpdir(), 'psc-auth-host-'));
  });
  after(async () => {
    await rig.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('ECO.1.2.5 signs in by CIBA with each method read from config.json; no secret, key or token in the host’s log or journal', async () => {
    const client = await issueClientCert(pki);
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const passphrase = 'P12-passphrase-of-the-lab';
    const secret = rig.stub.info.hostClient.clientSecret;
    const cases = [
      {
        name: 'post',
        clientId: rig.stub.info.hostClient.clientId,
        auth: { method: 'client_secret_post', clientSecret: secret },
        files: {},
      },
      {
        name: 'jwt',
        clientId: 'host-jwt',
        auth: { method: 'private_key_jwt', keyFile: 'client.key', kid: 'rsa-1' },
        files: { 'client.key': rsaPem },
      },
      {
        name: 'mtls-pem',
        clientId: 'host-mtls',
        auth: {
          method: 'tls_client_auth',
          certFile: 'client.crt',
          keyFile: 'client.key',
          caFile: 'ca.pem',
        },
        files: { 'client.crt': client.cert, 'client.key': client.key },
      },
      {
        name: 'mtls-p12',
        clientId: 'host-mtls',
        auth: { method: 'tls_client_auth', pkcs12File: 'client.p12', passphrase, caFile: 'ca.pem' },
        files: { 'client.p12': exportPkcs12(client.cert, client.key, passphrase) },
      },
    ];
    const secrets = [secret, passphrase, rsaPem.split('\n')[1]!, client.key.split('\n')[1]!];
    for (const c of cases) {
      const dir = stateWith(c.name, c.clientId, c.auth, c.files);
      const host = hostOn(dir);
      try {
        const started = await host.request('psc.login', {
          method: 'ciba',
          nationalId: MARIE.nationalId,
        });
        assert.equal(started.ok, true, `${c.name}: ${JSON.stringify(started.error)}`);
        const signedIn = host.signedIn();
        await control('ciba-approve', { nationalId: MARIE.nationalId });
        const event = await signedIn;
        assert.equal(event.data.identity.nationalId, MARIE.nationalId, c.name);
        const { tokens } = (await control('tokens', { nationalId: MARIE.nationalId })) as {
          tokens: string[];
        };
        assert.ok(tokens.length > 0);
        const status = await host.request('psc.status', {});
        assert.equal(status.result.state, 'signed-in', c.name);
        assert.equal(status.result.preset, 'custom');
        const wire = JSON.stringify([event, status, started]);
        for (const value of [...secrets, ...tokens]) {
          assert.ok(!wire.includes(value), `${c.name}: a secret or token reached the extension`);
        }
        await host.request('psc.logout', {});
        await host.close();
        const written = hostWrites(dir, ['config.json', ...Object.keys(c.files)]);
        assert.match(written, /"event":"/, `${c.name}: the host log was written`);
        for (const value of [...secrets, ...tokens]) {
          assert.ok(!written.includes(value), `${c.name}: a secret or token was written to disk`);
        }
      } finally {
        await host.close().catch(() => undefined);
      }
    }
  });

  it('ECO.1.2.5 a key PSC does not know is refused with E_PSC_CLIENT_AUTH: the log records the code, never the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dir = stateWith(
      'wrong-key',
      'host-jwt',
      { method: 'private_key_jwt', keyFile: 'client.key' },
      { 'client.key': otherPem },
    );
    const host = hostOn(dir);
    const reply = await host.request('psc.login', { method: 'ciba', nationalId: MARIE.nationalId });
    await host.close();
    assert.equal(reply.ok, false);
    assert.equal(reply.error.code, 'E_PSC_CLIENT_AUTH');
    assert.match(reply.error.message, /psc\.auth/);
    const log = readFileSync(path.join(dir, 'logs', 'host.log'), 'utf8');
    assert.match(log, /"code":"E_PSC_CLIENT_AUTH"/);
    for (const line of otherPem.split('\n').slice(1, -2)) assert.ok(!log.includes(line));
  });

  it('a world-readable key file is refused with E_CONFIG_INSECURE before anything is sent to PSC', async () => {
    const dir = stateWith(
      'insecure',
      'host-jwt',
      { method: 'private_key_jwt', keyFile: 'client.key' },
      {},
    );
    const keyFile = path.join(dir, 'client.key');
    writeFileSync(keyFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    chmodSync(keyFile, 0o644);
    const host = hostOn(dir);
    const reply = await host.request('psc.login', { method: 'ciba', nationalId: MARIE.nationalId });
    await host.close();
    assert.equal(reply.ok, false);
    assert.equal(reply.error.code, 'E_CONFIG_INSECURE');
    const pending = (await control('state', {})) as { cibaPending: unknown[] };
    assert.deepEqual(pending.cibaPending, []);
  });
});
