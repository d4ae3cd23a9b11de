import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { ImapFlow } from 'imapflow';
import { HostApp } from '../../native-host/service/host-app';
import { fileLogger } from '../../native-host/log';
import { startOperator, type TestOperator } from '../../lab/sandbox/operator';
import { MESSAGES } from '../../shared/protocol/index';
import { HOST_WAITS_MS, requestDeadlineMs } from '../../shared/protocol/deadlines';
import { operatorHostConfig } from '../../lab/sandbox/host-config';
import { writeHostConfig } from '../../native-host/config/private-file';
import { APP, MARIE, ORG } from '../../lab/sandbox/people';
import { bridgeTls } from '../fixtures/bridge-tls';

const IMAP_HOST = 'imap.sandbox.mssante.test';
const SMTP_HOST = 'smtp.sandbox.mssante.test';

async function until<T>(what: string, probe: () => T | false | Promise<T | false>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * `mailbox.test` (ECO.1.1.9 "then test the connection") and each mailbox's own state in
 * `mailbox.list` (ECO.1.2.3, ECO.3.2.3), against the real operator (Dovecot, PSC stub).
 */
describe('mailbox.test and per-mailbox state (real Dovecot, PSC stub)', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let state: string;
  let host: HostApp;
  const endpoints = () => ({
    imap: { host: IMAP_HOST, port: operator.dovecot.info.imap.port },
    smtp: { host: SMTP_HOST, port: operator.dovecot.info.smtp.port },
  });
  const listed = async (address: string) =>
    (await host.list()).mailboxes.find((m) => m.address === address)!;

  before(async () => {
    operator = await startOperator();
    state = mkdtempSync(path.join(os.tmpdir(), 'mailbox-test-'));
    writeHostConfig(state, operatorHostConfig(operator));
    host = new HostApp(state, fileLogger(state));
    await host.add({ address: MARIE.mailbox, profile: 'PER', ...endpoints() });
    await host.add({
      address: APP.address,
      profile: 'APP',
      ...endpoints(),
      pkcs12: readFileSync(operator.app.p12).toString('base64'),
      pkcs12Password: operator.app.p12Password,
    });
  });
  after(async () => {
    await host?.close();
    await operator?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('ECO.3.2.3 lists a PER and an APP mailbox at once, saying which depends on the PSC session', async () => {
    const { mailboxes } = await host.list();
    assert.deepEqual(
      mailboxes.map((m) => [m.address, m.profile, m.dependsOnPsc, m.lastError]),
      [
        [MARIE.mailbox, 'PER', true, undefined],
        [APP.address, 'APP', false, undefined],
      ],
    );
  });

  it('ECO.1.1.9 the connection test of a PER mailbox without a PSC session says why, on IMAP and SMTP', async () => {
    const result = await host.test(MARIE.mailbox);
    assert.equal(result.imap.ok, false);
    assert.equal(result.imap.error?.code, 'E_PSC_NOT_SIGNED_IN');
    assert.equal(result.smtp.error?.code, 'E_PSC_NOT_SIGNED_IN');
    assert.match(result.imap.error!.message, /Pro Santé Connect/);
  });

  it('ECO.1.2.3 the failure stays on that mailbox: the APP mailbox tests fine and shows no error', async () => {
    const app = await host.test(APP.address);
    assert.deepEqual([app.imap, app.smtp], [{ ok: true }, { ok: true }]);
    assert.equal((await listed(MARIE.mailbox)).lastError?.code, 'E_PSC_NOT_SIGNED_IN');
    assert.equal((await listed(APP.address)).lastError, undefined);
  });

  it('ECO.1.2.3 a login Thunderbird makes through the bridge and that fails upstream becomes that mailbox’s last error', async () => {
    await host.test(APP.address); // the APP mailbox's success must not clear Marie's state
    const m = await listed(MARIE.mailbox);
    const before = m.lastError!.at;
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: m.imapPort,
      secure: true,
      tls: bridgeTls(m.tlsCertificate),
      auth: { user: MARIE.mailbox, pass: m.secret! },
      logger: false,
      disableAutoIdle: true,
    });
    await assert.rejects(client.connect());
    const latest = await until('the bridge failure', async () => {
      const e = (await listed(MARIE.mailbox)).lastError;
      return e !== undefined && e.at > before ? e : false;
    });
    assert.equal(latest.code, 'E_PSC_NOT_SIGNED_IN');
    assert.equal((await listed(APP.address)).lastError, undefined);
  });

  it('ECO.1.1.9 after a PSC sign-in (CIBA) the PER connection test logs in to IMAP and SMTP, and the error is gone', async () => {
    await host.login({ method: 'ciba', nationalId: MARIE.nationalId });
    await until(
      'the e-CPS request',
      async () =>
        ((await operator.control('ciba-pending', {})) as { pending: unknown[] }).pending.length ===
        1,
    );
    await operator.control('ciba-approve', { nationalId: MARIE.nationalId });
    await until('the PSC session', () => host.pscFacts().state === 'signed-in');
    const result = await host.test(MARIE.mailbox);
    assert.deepEqual([result.imap, result.smtp], [{ ok: true }, { ok: true }]);
    assert.equal((await listed(MARIE.mailbox)).lastError, undefined);
  });

  it('ECO.3.2.3 an ORG mailbox opens with its owner’s PSC session next to the PER and APP ones (the sandbox maps ORG mailboxes per passdb)', async () => {
    await host.add({ address: ORG.address, profile: 'ORG', ...endpoints() });
    const result = await host.test(ORG.address);
    assert.deepEqual([result.imap, result.smtp], [{ ok: true }, { ok: true }]);
    const { mailboxes } = await host.list();
    assert.deepEqual(
      mailboxes.map((m) => [m.profile, m.dependsOnPsc, m.lastError]),
      [
        ['PER', true, undefined],
        ['APP', false, undefined],
        ['ORG', true, undefined],
      ],
    );
  });

  it('ECO.2.2.7 keeps the From name chosen at setup with the mailbox, across a host restart; a name edited by hand into a header break is dropped', async () => {
    const name = 'Secrétariat de cardiologie';
    assert.equal(
      (await host.add({ address: ORG.address, profile: 'ORG', ...endpoints(), displayName: name }))
        .displayName,
      name,
    );
    assert.equal((await listed(ORG.address)).displayName, name);
    assert.equal((await listed(MARIE.mailbox)).displayName, undefined, 'set up without one');
    const file = path.join(state, 'mailboxes.json');
    const saved = readFileSync(file, 'utf8');
    const restarted = async () => {
      const again = new HostApp(state, fileLogger(state));
      try {
        const result = await again.list();
        // What the add-on accepts (it checks every result against the protocol's schema).
        assert.equal(MESSAGES['mailbox.list'].result.safeParse(result).success, true);
        return result.mailboxes.find((m) => m.address === ORG.address)!.displayName;
      } finally {
        await again.close();
      }
    };
    try {
      assert.equal(await restarted(), name);
      const edited = (JSON.parse(saved) as Array<{ address: string; displayName?: string }>).map(
        (m) =>
          m.address === ORG.address ? { ...m, displayName: 'Secrétariat\r\nBcc: x@y.fr' } : m,
      );
      writeFileSync(file, JSON.stringify(edited));
      assert.equal(await restarted(), undefined);
    } finally {
      writeFileSync(file, saved);
    }
  });

  it('ECO.1.1.9 the connection test of an address the host does not serve is refused (E_MAILBOX_UNKNOWN)', async () => {
    await assert.rejects(host.test('nobody@sandbox.mssante.test'), { code: 'E_MAILBOX_UNKNOWN' });
  });

  it('removing a mailbox removes its endpoint and its state', async () => {
    assert.deepEqual(await host.remove(APP.address), { removed: true });
    assert.deepEqual(
      (await host.list()).mailboxes.map((m) => m.address),
      [MARIE.mailbox, ORG.address],
    );
  });

  it('a server that accepts the connection and never speaks: each side of the test fails with E_CONNECTION_TEST_TIMEOUT before the add-on stops waiting, and the mailbox keeps that error', async function () {
    this.timeout(60_000);
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => accepted.push(socket)); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      await host.add({
        address: APP.address,
        profile: 'APP',
        imap: { host: IMAP_HOST, port },
        smtp: { host: SMTP_HOST, port },
        pkcs12: readFileSync(operator.app.p12).toString('base64'),
        pkcs12Password: operator.app.p12Password,
      });
      const result = await host.test(APP.address);
      assert.deepEqual(
        [result.imap.error?.code, result.smtp.error?.code],
        ['E_CONNECTION_TEST_TIMEOUT', 'E_CONNECTION_TEST_TIMEOUT'],
      );
      assert.match(result.imap.error!.message, /n’a pas répondu à temps/);
      assert.ok(HOST_WAITS_MS.connectionTestSide < requestDeadlineMs('mailbox.test'));
      assert.equal((await listed(APP.address)).lastError?.code, 'E_CONNECTION_TEST_TIMEOUT');
    } finally {
      await host.remove(APP.address);
      for (const socket of accepted) socket.destroy();
      silent.close();
    }
  });
});
