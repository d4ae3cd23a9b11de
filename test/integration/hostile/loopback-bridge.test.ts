import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { writeHostConfig } from '../../../native-host/config/private-file';
import { loopbackIdentity } from '../../../native-host/bridge/loopback-identity';
import { fileLogger } from '../../../native-host/log';
import { HostApp } from '../../../native-host/service/host-app';
import { operatorHostConfig } from '../../../lab/sandbox/host-config';
import { startOperator, type TestOperator } from '../../../lab/sandbox/operator';
import { MARIE } from '../../../lab/sandbox/people';
import { bridgeTls } from '../../fixtures/bridge-tls';

/** The second OS user of these tests (created here, as root, when absent). */
const SQUATTER = 'mssante-squatter';

type Mailbox = Awaited<ReturnType<HostApp['list']>>['mailboxes'][number];

/** Creates the squatter user when absent; its uid and gid. */
function squatterIds(): { uid: number; gid: number } {
  if (process.getuid?.() !== 0)
    throw new Error('the hostile loopback tests create a second OS user: run them as root');
  try {
    execFileSync('id', ['-u', SQUATTER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-M', '-r', '-s', '/usr/sbin/nologin', SQUATTER]);
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, SQUATTER], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** Runs `code` (CommonJS, argument in process.argv[1]) as the squatter; its JSON lines. */
function asSquatter(code: string, argument: unknown) {
  const { uid, gid } = squatterIds();
  const child = spawn(
    'setpriv',
    [
      `--reuid=${uid}`,
      `--regid=${gid}`,
      '--clear-groups',
      process.execPath,
      '-e',
      code,
      JSON.stringify(argument),
    ],
    { cwd: '/', stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '' } },
  );
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    events,
    exited,
    /** The first event `test` accepts (rejects when the child exits without one). */
    async event(test: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      for (;;) {
        const found = events.find(test);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`squatter exited: ${JSON.stringify(events)}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), exited]);
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A TLS server of its own on each port, logging every connection and every byte it gets. */
const SQUAT = `
const tls = require('node:tls');
const cfg = JSON.parse(process.argv[1]);
const say = (e) => process.stdout.write(JSON.stringify(e) + '\\n');
let bound = 0;
for (const port of cfg.ports) {
  const server = tls.createServer({ key: cfg.key, cert: cfg.cert });
  server.on('connection', () => say({ event: 'connection', port }));
  server.on('tlsClientError', (e) => say({ event: 'tls-error', port, message: e.message }));
  server.on('secureConnection', (s) => {
    say({ event: 'secure', port });
    s.on('error', () => {});
    s.on('data', (d) => say({ event: 'data', port, data: d.toString('latin1') }));
    s.write(port === cfg.ports[0] ? '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\\r\\n' : '220 ready\\r\\n');
  });
  server.on('error', (e) => { say({ event: 'error', port, message: e.code }); process.exit(1); });
  server.listen(port, '127.0.0.1', () => { if (++bound === cfg.ports.length) say({ event: 'listening' }); });
}
`;

/** A client of another OS user: opens TLS to the port, says whether it got through and what it read. */
const KNOCK = `
const tls = require('node:tls');
const s = tls.connect({ host: '127.0.0.1', port: JSON.parse(process.argv[1]), rejectUnauthorized: false });
let bytes = 0, secure = false;
s.on('secureConnect', () => { secure = true; });
s.on('data', (d) => { bytes += d.length; });
s.on('error', () => {});
s.on('close', () => { process.stdout.write(JSON.stringify({ event: 'closed', secure, bytes }) + '\\n'); process.exit(0); });
setTimeout(() => { process.stdout.write(JSON.stringify({ event: 'still-open', secure, bytes }) + '\\n'); process.exit(0); }, 5000);
`;

/** A TLS client of the host's own user (no pin): whether it got a session, and the bytes it read. */
function knockAsMe(port: number, host = '127.0.0.1'): Promise<{ secure: boolean; bytes: number }> {
  return new Promise((resolve) => {
    const s = tls.connect({ host, port, rejectUnauthorized: false });
    let secure = false;
    let bytes = 0;
    s.on('secureConnect', () => {
      secure = true;
      s.destroy();
    });
    s.on('data', (d: Buffer) => (bytes += d.length));
    s.on('error', () => undefined);
    s.on('close', () => resolve({ secure, bytes }));
  });
}

describe('hostile: the loopback bridge cannot be impersonated by another local user (19.1)', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let state: string;
  let host: HostApp;
  const listed = async (h: HostApp): Promise<Mailbox> =>
    (await h.list()).mailboxes.find((m) => m.address === MARIE.mailbox)!;
  const journal = () => {
    const dir = path.join(state, 'audit');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(path.join(dir, f), 'latin1'))
      .join('');
  };
  const imapClient = (
    m: { imapPort: number; secret?: string | undefined },
    trust: { ca: string },
  ) =>
    new ImapFlow({
      host: '127.0.0.1',
      port: m.imapPort,
      secure: true,
      tls: trust,
      auth: { user: MARIE.mailbox, pass: m.secret ?? '' },
      logger: false,
      disableAutoIdle: true,
    });

  before(async () => {
    squatterIds();
    operator = await startOperator();
    state = mkdtempSync(path.join(os.tmpdir(), 'hostile-bridge-'));
    writeHostConfig(state, operatorHostConfig(operator));
    host = new HostApp(state, fileLogger(state));
    await host.add({
      address: MARIE.mailbox,
      profile: 'PER',
      imap: { host: 'imap.sandbox.mssante.test', port: operator.dovecot.info.imap.port },
      smtp: { host: 'smtp.sandbox.mssante.test', port: operator.dovecot.info.smtp.port },
    });
  });
  after(async () => {
    await host?.close();
    await operator?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('hostile: the local secret is new at each host start, never written to disk, handed out only once bound (connections closed until then), and the previous one no longer opens the bridge', async () => {
    const first = await listed(host);
    await host.close();
    host = new HostApp(state, fileLogger(state));
    await host.startAll();
    // Bound, but Thunderbird still holds the previous secret and pin: closed before any byte.
    assert.deepEqual(await knockAsMe(first.imapPort), { secure: false, bytes: 0 });
    const second = await listed(host);
    assert.equal((await knockAsMe(second.imapPort)).secure, true, 'served once handed out');
    assert.ok(first.secret && second.secret);
    assert.notEqual(second.secret, first.secret);
    assert.notEqual(second.tlsCertificate, first.tlsCertificate, 'a new loopback certificate too');
    assert.deepEqual([second.imapPort, second.smtpPort], [first.imapPort, first.smtpPort]);
    const files = readFileSync(path.join(state, 'mailboxes.json'), 'utf8');
    assert.ok(!files.includes(first.secret) && !files.includes(second.secret));
    const stale = imapClient(
      { imapPort: second.imapPort, secret: first.secret },
      bridgeTls(second.tlsCertificate),
    );
    await assert.rejects(stale.connect(), (e: { responseText?: string }) => {
      assert.match(e.responseText ?? '', /\[E_BRIDGE_LOCAL_AUTH\]/);
      return true;
    });
  });

  it('hostile: a peer of another OS user is refused before any byte, and the refusal is journaled (E_BRIDGE_PEER_REFUSED)', async () => {
    const m = await listed(host);
    const { uid } = squatterIds();
    for (const port of [m.imapPort, m.smtpPort]) {
      const knock = asSquatter(KNOCK, port);
      const result = await knock.event(() => true);
      await knock.stop();
      assert.deepEqual(result, { event: 'closed', secure: false, bytes: 0 }, `port ${port}`);
    }
    assert.equal(
      journal().match(
        new RegExp(`"code":"E_BRIDGE_PEER_REFUSED","request":"loopback peer of uid ${uid}"`, 'g'),
      )?.length,
      2,
    );
    // The host's own user is served, from a dual-stack socket too (found in /proc/net/tcp6).
    assert.equal((await knockAsMe(m.imapPort, '::ffff:127.0.0.1')).secure, true);
    // The host's own user still gets the greeting (the refusal is by user, not for everyone).
    const own = imapClient({ imapPort: m.imapPort, secret: 'wrong' }, bridgeTls(m.tlsCertificate));
    await assert.rejects(own.connect(), (e: { responseText?: string }) => {
      assert.match(e.responseText ?? '', /\[E_BRIDGE_LOCAL_AUTH\]/);
      return true;
    });
  });

  it('hostile: another OS user squatting the ports while the host is down gets neither the secret nor any mail; the host reports E_BRIDGE_PORT_TAKEN, then takes its ports back', async () => {
    const pinned = await listed(host); // what Thunderbird holds: this start's secret and pin
    await host.close();
    const own = await loopbackIdentity(); // the squatter's own certificate for 127.0.0.1
    const squatter = asSquatter(SQUAT, {
      ports: [pinned.imapPort, pinned.smtpPort],
      key: own.keyPem,
      cert: own.certPem,
    });
    try {
      await squatter.event((e) => e.event === 'listening');
      host = new HostApp(state, fileLogger(state));
      const refused = await listed(host);
      assert.equal(refused.lastError?.code, 'E_BRIDGE_PORT_TAKEN');
      assert.equal(refused.secret, undefined, 'no secret handed out for a port someone else holds');
      assert.equal(refused.tlsCertificate, undefined);
      assert.deepEqual(
        [refused.imapPort, refused.smtpPort],
        [pinned.imapPort, pinned.smtpPort],
        'not moved',
      );
      assert.match(
        journal(),
        /"action":"bridge-listen","outcome":"failed","code":"E_BRIDGE_PORT_TAKEN"/,
      );
      // Thunderbird keeps connecting with the pin it holds: the handshake fails, nothing is sent.
      const trust = bridgeTls(pinned.tlsCertificate);
      await assert.rejects(imapClient(pinned, trust).connect());
      const smtp = nodemailer.createTransport({
        host: '127.0.0.1',
        port: pinned.smtpPort,
        secure: true,
        tls: trust,
        auth: { user: MARIE.mailbox, pass: pinned.secret! },
      });
      await assert.rejects(
        smtp.sendMail({
          from: MARIE.mailbox,
          to: MARIE.mailbox,
          subject: 'Résultats',
          text: 'INS 1 84 12 75 123 456 78',
        }),
      );
      await squatter.event((e) => e.event === 'connection' && e.port === pinned.smtpPort);
    } finally {
      await squatter.stop();
    }
    const seen = JSON.stringify(squatter.events);
    assert.ok(squatter.events.some((e) => e.event === 'connection' && e.port === pinned.imapPort));
    assert.deepEqual(
      squatter.events.filter((e) => e.event === 'secure' || e.event === 'data'),
      [],
      'no TLS session, no byte in clear',
    );
    assert.ok(!seen.includes(pinned.secret!) && !seen.includes('Résultats'));
    // The squatter gone, the next list binds the same ports again, with a new secret (two lists
    // at once, as the add-on's sync and the popup may ask: one start, no false E_BRIDGE_PORT_TAKEN).
    const [back, twin] = await Promise.all([listed(host), listed(host)]);
    assert.equal(twin.lastError, undefined);
    assert.deepEqual([back.imapPort, back.smtpPort], [pinned.imapPort, pinned.smtpPort]);
    assert.equal(back.lastError, undefined);
    assert.ok(back.secret && back.secret !== pinned.secret);
  });
});
