import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import tls, { type ConnectionOptions } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { FrameReader } from '../../../native-host/messaging/frame-reader';
import { encodeFrame } from '../../../native-host/messaging/frame-writer';
import { writeHostConfig } from '../../../native-host/config/private-file';
import { operatorHostConfig } from '../../../lab/sandbox/host-config';
import { startOperator, type TestOperator } from '../../../lab/sandbox/operator';
import { APP, MARIE } from '../../../lab/sandbox/people';
import { bridgeTls } from '../../fixtures/bridge-tls';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');
const MB = 1024 * 1024;

/** The host process as Thunderbird starts it (`mssante host serve`, stdio pipes), and its port. */
function startHost(env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, [BUNDLE, 'host', 'serve'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reader = new FrameReader(4 * MB);
  const messages: any[] = [];
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) if (e.kind === 'message') messages.push(e.value);
    for (const w of waiters.splice(0)) w();
  });
  let n = 0;
  return {
    pid: child.pid!,
    request(type: string, params: unknown): Promise<any> {
      const id = `r${++n}`;
      child.stdin!.write(encodeFrame({ v: 1, id, type, params }));
      return new Promise((resolve) => {
        const look = () => {
          const found = messages.find((m) => m.id === id);
          if (found) resolve(found);
          else waiters.push(look);
        };
        look();
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** Peak and current resident memory of a process, in MiB (/proc/<pid>/status). */
function memory(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { peak: kib('VmHWM') / 1024, now: kib('VmRSS') / 1024 };
}

/**
 * A client that, after the greeting (and `preamble`), writes `bytes` without any CRLF as fast as
 * the socket takes them, until it has written them all or the host closed the connection.
 * Resolves with what the host answered and how many bytes the socket took.
 */
function flood(port: number, trust: ConnectionOptions, preamble: string, bytes: number) {
  return new Promise<{ answer: string; written: number }>((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...trust });
    const chunk = Buffer.alloc(MB, 'A');
    let answer = '';
    let written = 0;
    let closed = false;
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      closed = true;
      resolve({ answer, written });
    });
    const pour = () => {
      while (!closed && written < bytes) {
        written += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pour);
          return;
        }
      }
      if (!closed) socket.end();
    };
    socket.once('data', () => {
      socket.write(preamble);
      pour();
    });
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
  });
}

/**
 * Issue #19, item 2: before Thunderbird's login, a bridge reads at most a bounded line, keeps
 * the socket paused while it is not reading, and opens nothing upstream; so hundreds of MB sent
 * without CRLF to one mailbox's ports leave the host small and its other mailboxes working.
 * Measured on the built host process (RSS from /proc), against the real operator (Dovecot).
 */
describe('hostile: pre-authentication floods on the bridges of the host process (real Dovecot)', function () {
  this.timeout(180_000);
  let operator: TestOperator;
  let home: string;
  let host: ReturnType<typeof startHost>;
  let marie: any;
  let app: any;

  before(async () => {
    assert.ok(existsSync(BUNDLE), 'npm run build first');
    operator = await startOperator();
    home = mkdtempSync(path.join(os.tmpdir(), 'hostile-flood-'));
    const state = path.join(home, 'state');
    writeHostConfig(state, operatorHostConfig(operator));
    host = startHost({ ...process.env, HOME: home, MSSANTE_STATE_DIR: state });
    const endpoints = {
      imap: { host: 'imap.sandbox.mssante.test', port: operator.dovecot.info.imap.port },
      smtp: { host: 'smtp.sandbox.mssante.test', port: operator.dovecot.info.smtp.port },
    };
    const added = await host.request('mailbox.add', {
      address: MARIE.mailbox,
      profile: 'PER',
      ...endpoints,
    });
    assert.equal(added.ok, true, JSON.stringify(added.error));
    const addedApp = await host.request('mailbox.add', {
      address: APP.address,
      profile: 'APP',
      ...endpoints,
      pkcs12: readFileSync(operator.app.p12).toString('base64'),
      pkcs12Password: operator.app.p12Password,
    });
    assert.equal(addedApp.ok, true, JSON.stringify(addedApp.error));
    const list = await host.request('mailbox.list', {});
    marie = list.result.mailboxes.find((m: any) => m.address === MARIE.mailbox);
    app = list.result.mailboxes.find((m: any) => m.address === APP.address);
  });
  after(async () => {
    await host?.stop();
    await operator?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('hostile: 300 MB without CRLF on six connections (SMTP after EHLO, IMAP after the greeting) → each is closed with a coded sentence, host RSS stays under 150 MB, the other mailbox keeps working', async () => {
    const before = memory(host.pid);
    const floods = await Promise.all([
      flood(marie.smtpPort, bridgeTls(marie.tlsCertificate), 'EHLO attacker\r\n', 50 * MB),
      flood(marie.smtpPort, bridgeTls(marie.tlsCertificate), 'EHLO attacker\r\n', 50 * MB),
      flood(marie.smtpPort, bridgeTls(marie.tlsCertificate), '', 50 * MB),
      flood(marie.imapPort, bridgeTls(marie.tlsCertificate), '', 50 * MB),
      flood(marie.imapPort, bridgeTls(marie.tlsCertificate), 'a1 LOGIN ', 50 * MB),
      flood(marie.imapPort, bridgeTls(marie.tlsCertificate), '', 50 * MB),
    ]);
    const after = memory(host.pid);
    console.log(
      `      host RSS: before ${before.now.toFixed(1)} MiB (peak ${before.peak.toFixed(1)}), ` +
        `after ${after.now.toFixed(1)} MiB (peak ${after.peak.toFixed(1)}); ` +
        `bytes the sockets took: ${floods.map((f) => f.written / MB).join(', ')} MiB`,
    );
    assert.ok(after.peak < 150, `host peak RSS ${after.peak.toFixed(1)} MiB`);
    for (const [i, f] of floods.entries()) {
      assert.match(f.answer, /\[E_BRIDGE_LINE_TOO_LONG\]\r\n$/, `flood ${i}: ${f.answer}`);
    }
    // The other mailbox: IMAP login and SMTP submission through its bridge, to the operator.
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: app.imapPort,
      secure: true,
      tls: bridgeTls(app.tlsCertificate),
      auth: { user: APP.address, pass: app.secret },
      logger: false,
      disableAutoIdle: true,
    });
    await imap.connect();
    assert.ok((await imap.mailboxOpen('INBOX')).exists >= 0);
    await imap.logout();
    const info = await nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: app.smtpPort,
        secure: true,
        tls: bridgeTls(app.tlsCertificate),
        auth: { user: APP.address, pass: app.secret },
      })
      .sendMail({
        from: APP.address,
        to: MARIE.mailbox,
        subject: 'Apres le flot',
        text: 'Toujours la.',
      });
    assert.deepEqual(info.accepted, [MARIE.mailbox]);
    assert.ok(
      operator.dovecot.readMailbox(MARIE.mailbox).some((m) => /Subject: Apres le flot/.test(m)),
    );
    // The flooded mailbox's own bridges still greet a new client.
    const again = await flood(marie.imapPort, bridgeTls(marie.tlsCertificate), 'a1 LOGOUT\r\n', 0);
    assert.match(again.answer, /^\* OK /);
  });
});
