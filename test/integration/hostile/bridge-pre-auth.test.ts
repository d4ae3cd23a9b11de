import assert from 'node:assert/strict';
import tls, { type ConnectionOptions } from 'node:tls';
import path from 'node:path';
import { MAX_PRE_AUTH_CONNECTIONS } from '../../../native-host/bridge/pre-auth';
import { type BridgeRig, bridgeRig } from '../../fixtures/bridge-rig';
import { MARIE } from '../../../lab/sandbox/people';
import { journalEntries } from '../../fixtures/journal-read';

const SECRET = 'local-secret-for-hostile-tests';

/** A raw loopback client (TLS, the bridge's certificate pinned): what it wrote, when it closed. */
function rawClient(port: number, trust: ConnectionOptions) {
  const socket = tls.connect({ host: '127.0.0.1', port, ...trust });
  let text = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => socket.destroy());
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    socket,
    closed,
    get text() {
      return text;
    },
    send: (line: string) => socket.write(`${line}\r\n`, 'latin1'),
    /** Resolves once the bridge wrote something matching `re`. */
    waitFor: (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const look = () => (re.test(text) ? resolve() : waiters.push(look));
        void closed.then(() => (re.test(text) ? resolve() : reject(new Error(`closed: ${text}`))));
        look();
      }),
  };
}

/**
 * Issue #19, item 2, on the bridges as the host wires them (real Dovecot and PSC stub): what a
 * client that has not logged in can make the bridge do.
 */
describe('hostile: bridges before login (real Dovecot, PSC stub)', function () {
  this.timeout(120_000);
  let rig: BridgeRig;
  const journal = () => journalEntries(path.join(rig.operator.dir, 'audit'));
  /** Operator TLS sessions the bridges opened (journaled `connect` … STARTTLS, ok). */
  const upstreamConnects = () =>
    journal().filter(
      (e) => e.action === 'connect' && e.outcome === 'ok' && e.request === 'STARTTLS',
    ).length;

  before(async () => {
    rig = await bridgeRig({ address: MARIE.mailbox, nationalId: MARIE.nationalId, secret: SECRET });
  });
  after(async () => {
    await rig?.close();
  });

  it('hostile: clients that never log in open no operator connection each: five SMTP EHLOs share one probe, wrong secrets on SMTP and IMAP open none', async () => {
    assert.equal(upstreamConnects(), 0);
    const clients = Array.from({ length: 5 }, () => rawClient(rig.smtpPort, rig.tls));
    for (const c of clients) {
      await c.waitFor(/^220 /);
      c.send('EHLO attacker');
    }
    for (const c of clients) await c.waitFor(/^250 AUTH PLAIN LOGIN\r\n/m);
    assert.match(
      clients[0]!.text,
      /^250-BURL imap\r\n/m,
      'the operator’s keywords, from the probe',
    );
    assert.equal(upstreamConnects(), 1);
    const wrong = Buffer.from(`\0${MARIE.mailbox}\0not-the-secret`).toString('base64');
    clients[0]!.send(`AUTH PLAIN ${wrong}`);
    await clients[0]!.waitFor(/^535 .*\[E_BRIDGE_LOCAL_AUTH\]/m);
    const imap = rawClient(rig.imapPort, rig.tls);
    await imap.waitFor(/^\* OK /);
    imap.send(`a1 LOGIN "${MARIE.mailbox}" "not-the-secret"`);
    await imap.waitFor(/^a1 NO .*\[E_BRIDGE_LOCAL_AUTH\]/m);
    assert.equal(upstreamConnects(), 1);
    // With the right secret the session opens, after the local login.
    const right = Buffer.from(`\0${MARIE.mailbox}\0${SECRET}`).toString('base64');
    clients[1]!.send(`AUTH PLAIN ${right}`);
    await clients[1]!.waitFor(/^235 /m);
    assert.equal(upstreamConnects(), 2);
    for (const c of [...clients, imap]) c.socket.destroy();
  });

  it('hostile: a web page’s POST to the SMTP port is closed at its request line with E_BRIDGE_NOT_MAIL, its body never read as commands', async () => {
    const c = rawClient(rig.smtpPort, rig.tls);
    await c.waitFor(/^220 /);
    c.socket.write(
      'POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n\r\n' +
        `EHLO x\r\nMAIL FROM:<${MARIE.mailbox}>\r\n`,
    );
    await c.closed;
    assert.match(c.text, /^421 4\.7\.0 .*\[E_BRIDGE_NOT_MAIL\]\r\n$/m);
    assert.doesNotMatch(c.text, /^250/m);
    assert.ok(journal().some((e) => e.code === 'E_BRIDGE_NOT_MAIL' && e.outcome === 'failed'));
  });

  it('hostile: an HTTP GET on the IMAP port is closed with E_BRIDGE_NOT_MAIL', async () => {
    const c = rawClient(rig.imapPort, rig.tls);
    await c.waitFor(/^\* OK /);
    c.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await c.closed;
    assert.match(c.text, /^\* BYE \[ALERT\] .*\[E_BRIDGE_NOT_MAIL\]\r\n$/m);
  });

  it('hostile: IMAP literals before login: {n} is answered BAD, {n+} (bytes follow at once) ends the connection', async () => {
    const c = rawClient(rig.imapPort, rig.tls);
    await c.waitFor(/^\* OK /);
    c.send('a1 LOGIN {300000000}');
    await c.waitFor(/^a1 BAD .*\[E_BRIDGE_LITERAL_REFUSED\]/m);
    c.send('a2 NOOP');
    await c.waitFor(/^a2 OK /m);
    c.socket.write('a3 LOGIN {100000000+}\r\n' + 'z'.repeat(100_000));
    await c.closed;
    assert.match(c.text, /^\* BYE \[ALERT\] .*\[E_BRIDGE_LITERAL_REFUSED\]\r\n$/m);
  });

  it(`hostile: past ${MAX_PRE_AUTH_CONNECTIONS} connections not logged in, a bridge refuses more with E_BRIDGE_TOO_MANY_CONNECTIONS (journaled once); closing them frees the slots`, async () => {
    const before = journal().filter((e) => e.code === 'E_BRIDGE_TOO_MANY_CONNECTIONS').length;
    const idle = Array.from({ length: MAX_PRE_AUTH_CONNECTIONS }, () =>
      rawClient(rig.imapPort, rig.tls),
    );
    for (const c of idle) await c.waitFor(/^\* OK /);
    const refused = [rawClient(rig.imapPort, rig.tls), rawClient(rig.imapPort, rig.tls)];
    for (const c of refused) {
      await c.closed;
      assert.match(c.text, /^\* BYE \[ALERT\] .*\[E_BRIDGE_TOO_MANY_CONNECTIONS\]\r\n$/);
    }
    assert.equal(
      journal().filter((e) => e.code === 'E_BRIDGE_TOO_MANY_CONNECTIONS').length,
      before + 1,
    );
    for (const c of idle) {
      c.socket.destroy();
      await c.closed;
    }
    for (let i = 0; i < 100 && rig.imap.connections > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const again = rawClient(rig.imapPort, rig.tls);
    await again.waitFor(/^\* OK /);
    again.send('a1 LOGOUT');
    await again.closed;
  });
});
