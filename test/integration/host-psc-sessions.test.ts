import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import tls, { type ConnectionOptions } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader } from '../../native-host/messaging/frame-reader';
import { encodeFrame } from '../../native-host/messaging/frame-writer';
import { writeHostConfig } from '../../native-host/config/private-file';
import { makeRequest, type MessageType, type Params } from '../../shared/protocol/index';
import { operatorHostConfig } from '../../lab/sandbox/host-config';
import { startOperator, type TestOperator } from '../../lab/sandbox/operator';
import { MARIE, PAUL } from '../../lab/sandbox/people';
import { loginThroughPage } from '../fixtures/psc-login';
import { bridgeTls } from '../fixtures/bridge-tls';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');

/** The built host, spawned as Thunderbird spawns it (`host serve`, native messaging on stdio). */
function spawnHost(stateDir: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BUNDLE, 'host', 'serve'], {
    env: { ...process.env, MSSANTE_STATE_DIR: stateDir, LANG: 'fr_FR.UTF-8' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reader = new FrameReader(4 * 1024 * 1024);
  const messages: any[] = [];
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) if (e.kind === 'message') messages.push(e.value);
    for (const w of waiters.splice(0)) w();
  });
  const next = (what: string, match: (m: any) => boolean, ms = 30_000): Promise<any> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} from the host`)), ms);
      const look = () => {
        const found = messages.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(look);
      };
      look();
    });
  let n = 0;
  return {
    messages,
    next,
    async request<T extends MessageType>(type: T, params: Params<T>): Promise<any> {
      const id = `r${++n}`;
      child.stdin.write(encodeFrame(makeRequest(type, id, params)));
      const reply = await next(`reply to ${type}`, (m) => m.id === id);
      assert.equal(reply.ok, true, `${type}: ${JSON.stringify(reply.error)}`);
      return reply.result;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.stdin.end();
      }),
  };
}

/** A raw loopback client of a bridge: the lines it received, and a wait for one matching. */
async function lineClient(port: number, trust: ConnectionOptions) {
  const socket = tls.connect({ host: '127.0.0.1', port, ...trust });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      lines.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
    for (const w of waiters.splice(0)) w();
  });
  const closing = new Promise<void>((resolve) =>
    socket.on('close', () => {
      closed = true;
      resolve();
      for (const w of waiters.splice(0)) w();
    }),
  );
  socket.on('error', () => undefined);
  const line = (pattern: RegExp, ms = 30_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line ${pattern}: ${lines}`)), ms);
      const look = () => {
        const found = lines.find((l) => pattern.test(l));
        if (found !== undefined || closed) {
          clearTimeout(timer);
          if (found !== undefined) resolve(found);
          else reject(new Error(`closed without ${pattern}: ${lines.join(' | ')}`));
        } else waiters.push(look);
      };
      look();
    });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { lines, line, send: (l: string) => socket.write(`${l}\r\n`), closing, socket };
}

/**
 * ECO.1.2.6 and ECO.1.2.7 on the product's own wiring: the built host process (`host serve`,
 * config.json naming the PSC stub as an embedded PSC client), its PSC session (psc-link.ts) and
 * its mailboxes' bridges (mailbox-bridges.ts), against the real operator (Dovecot, PSC stub).
 */
describe('the host process ends and reopens IMAP and SMTP sessions with PSC (built bundle, real operator)', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let state: string;
  let host: ReturnType<typeof spawnHost>;
  let ports: { imapPort: number; smtpPort: number; secret: string; tlsCertificate: string };

  const control = async (action: string) =>
    (await operator.control(action, { nationalId: MARIE.nationalId })) as any;
  const grants = async (): Promise<Array<{ grantType: string; at: number }>> =>
    (await control('grants')).grants;
  const imapLogin = async () => {
    const c = await lineClient(ports.imapPort, bridgeTls(ports.tlsCertificate));
    await c.line(/^\* OK/);
    c.send(`a1 LOGIN "${MARIE.mailbox}" "${ports.secret}"`);
    await c.line(/^a1 (OK|NO|BAD)/);
    return c;
  };
  const smtpLogin = async () => {
    const c = await lineClient(ports.smtpPort, bridgeTls(ports.tlsCertificate));
    await c.line(/^220 /);
    c.send('EHLO client.test');
    await c.line(/^250 /);
    const plain = Buffer.from(`\0${MARIE.mailbox}\0${ports.secret}`).toString('base64');
    c.send(`AUTH PLAIN ${plain}`);
    await c.line(/^(235|535) /);
    return c;
  };

  before(async () => {
    assert.ok(existsSync(BUNDLE), 'npm run build first');
    operator = await startOperator();
    state = mkdtempSync(path.join(os.tmpdir(), 'host-psc-'));
    // The host checks every second that PSC still knows the session (default 30 s).
    writeHostConfig(state, operatorHostConfig(operator, { psc: { sessionCheckSeconds: 1 } }));
    host = spawnHost(state);
    const { url } = await host.request('psc.login', { method: 'browser' });
    await loginThroughPage(url, MARIE.nationalId);
    await host.next('signed-in', (m) => m.event === 'psc' && m.data.state === 'signed-in');
    const dovecot = operator.dovecot.info;
    ports = await host.request('mailbox.add', {
      address: MARIE.mailbox,
      profile: 'PER',
      imap: { host: 'imap.sandbox.mssante.test', port: dovecot.imap.port },
      smtp: { host: 'smtp.sandbox.mssante.test', port: dovecot.smtp.port },
    });
    operator.dovecot.deliver(
      MARIE.mailbox,
      `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: Bonjour\r\nMessage-ID: <s1@sandbox>\r\n\r\nTest.\r\n`,
    );
  });
  after(async () => {
    await host?.stop();
    await operator?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('ECO.1.2.7 reopens IMAP after the operator ended the session (doveadm kick) with the valid access token it holds: no new grant at PSC', async () => {
    const before = await grants();
    const first = await imapLogin();
    assert.match(first.lines.at(-1)!, /^a1 OK/);
    await operator.dovecot.kick(MARIE.mailbox);
    await first.closing;
    const again = await imapLogin();
    assert.match(again.lines.at(-1)!, /^a1 OK/);
    again.send('a2 STATUS INBOX (MESSAGES)');
    assert.match(await again.line(/^\* STATUS/), /MESSAGES 1/);
    again.socket.destroy();
    assert.deepEqual(await grants(), before, 'PSC served no grant: the access token was reused');
  });

  it('ECO.1.2.7 access token no longer valid, refresh token valid: after the operator ends the session, the new login succeeds and PSC served a refresh grant', async () => {
    const first = await imapLogin();
    assert.match(first.lines.at(-1)!, /^a1 OK/);
    const since = Date.now();
    // PSC forgets the access tokens (as for expired ones: introspection calls them inactive,
    // so the operator refuses them); the refresh token stays valid.
    await control('expire-access-tokens');
    await operator.dovecot.kick(MARIE.mailbox);
    await first.closing;
    const again = await imapLogin();
    assert.match(again.lines.at(-1)!, /^a1 OK/);
    again.socket.destroy();
    const smtp = await smtpLogin();
    assert.match(smtp.lines.at(-1)!, /^235 /);
    smtp.socket.destroy();
    const refreshes = (await grants()).filter((g) => g.at >= since);
    assert.ok(
      refreshes.length >= 1 && refreshes.every((g) => g.grantType === 'refresh_token'),
      JSON.stringify(refreshes),
    );
  });

  it('ECO.1.2.6 when PSC ends the session, the host ends the open IMAP and SMTP sessions on its own, saying why, and journals it', async () => {
    const imap = await imapLogin();
    assert.match(imap.lines.at(-1)!, /^a1 OK/);
    const smtp = await smtpLogin();
    assert.match(smtp.lines.at(-1)!, /^235 /);
    await control('end-session');
    // Nothing is asked of the host: its session check notices, and its wiring closes both.
    const bye = await imap.line(/^\* BYE/);
    assert.match(
      bye,
      /^\* BYE \[ALERT\] .*session Pro Sant. Connect a pris fin.*\[E_PSC_REFRESH_INVALID\]/,
    );
    const goodbye = await smtp.line(/^421 /);
    assert.match(goodbye, /^421 4\.7\.0 .*\[E_PSC_REFRESH_INVALID\]/);
    await Promise.all([imap.closing, smtp.closing]);
    const notice = await host.next('notice', (m) => m.event === 'notice');
    assert.equal(notice.data.code, 'E_PSC_REFRESH_INVALID');
    const status = await host.request('psc.status', {});
    assert.notEqual(status.state, 'signed-in');
    assert.equal(status.identity, undefined);
    // A new login is refused: no PSC session is behind it until the user signs in again.
    const late = await imapLogin();
    assert.match(late.lines.at(-1)!, /^a1 NO .*\[E_PSC_NOT_SIGNED_IN\]/);
    late.socket.destroy();
    const journal = readdirSync(path.join(state, 'audit'))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(path.join(state, 'audit', f), 'utf8'))
      .join('');
    assert.match(
      journal,
      /"action":"psc-session-end","outcome":"ok","code":"E_PSC_REFRESH_INVALID"/,
    );
    assert.match(
      journal,
      /"action":"disconnect","outcome":"ok","code":"E_PSC_REFRESH_INVALID","request":"session closed by the host"/,
    );
  });
});
