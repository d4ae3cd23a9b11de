import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { verifyJournal } from '../../../native-host/audit/journal';
import { type BridgeRig, bridgeRig } from '../../fixtures/bridge-rig';
import { MARIE } from '../../../lab/sandbox/people';

const SECRET = 'local-secret-for-full-disk';

/** A raw IMAP client of the bridge: lines in, everything received kept. */
class RawImap {
  private readonly socket: TLSSocket;
  received = '';
  closed = false;
  private readonly waiters: (() => void)[] = [];

  constructor(port: number, trust: ConnectionOptions) {
    this.socket = tls.connect({ host: '127.0.0.1', port, ...trust });
    this.socket.on('data', (d: Buffer) => {
      this.received += d.toString('latin1');
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.socket.on('error', () => undefined);
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `pattern` was received (true) or the connection closed without it (false). */
  async until(pattern: RegExp): Promise<boolean> {
    for (;;) {
      if (pattern.test(this.received)) return true;
      if (this.closed) return false;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the connection is closed. */
  async whenClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  send(line: string): void {
    if (!this.closed) this.socket.write(`${line}\r\n`);
  }

  async login(): Promise<boolean> {
    await this.until(/^\* OK/m);
    this.send(`l LOGIN "${MARIE.mailbox}" "${SECRET}"`);
    return this.until(/^l OK /m);
  }

  end(): void {
    this.socket.destroy();
  }
}

/**
 * The journal on a full disk: a 64 KiB tmpfs mounted (as root) where the bridges journal, filled
 * while sessions are open. The host's real IMAP bridge against the sandbox operator (Dovecot,
 * PSC stub).
 */
describe('hostile: the audit journal on a full disk (64 KiB tmpfs, real bridge and operator)', function () {
  this.timeout(180_000);
  let auditDir: string;
  let rig: BridgeRig;
  let mounted = false;

  before(async function () {
    this.timeout(180_000);
    auditDir = mkdtempSync(path.join(os.tmpdir(), 'journal-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', auditDir]);
    mounted = true;
    rig = await bridgeRig({
      address: MARIE.mailbox,
      nationalId: MARIE.nationalId,
      secret: SECRET,
      auditDir,
    });
  });
  after(async () => {
    await rig?.close();
    if (mounted) execFileSync('umount', [auditDir]);
    if (auditDir) rmSync(auditDir, { recursive: true, force: true });
  });

  it('hostile: a full disk ends the session whose entry cannot be written with E_AUDIT_WRITE_FAILED, refuses new IMAP logins and SMTP sessions the same way, and the bridge and other sessions go on', async () => {
    const a = new RawImap(rig.imapPort, rig.tls);
    const b = new RawImap(rig.imapPort, rig.tls);
    assert.equal(await a.login(), true, a.received);
    assert.equal(await b.login(), true, b.received);
    a.send('s SELECT INBOX');
    assert.equal(await a.until(/^s OK /m), true);

    // Fill the file system to the last page.
    const filler = path.join(auditDir, 'filler');
    let full = false;
    for (let i = 0; i < 64 && !full; i += 1) {
      try {
        appendFileSync(filler, Buffer.alloc(1024));
      } catch (error) {
        full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
      }
    }
    assert.equal(full, true, 'the tmpfs is full');

    // Session a: its next journaled command cannot be journaled; the session ends, coded.
    let bye = false;
    for (let i = 0; i < 40 && !bye; i += 1) {
      a.send(`t${i} STATUS INBOX (MESSAGES)`);
      await a.until(new RegExp(`^t${i} OK |^\\* BYE`, 'm'));
      bye = /^\* BYE \[ALERT\] .*\[E_AUDIT_WRITE_FAILED\]/m.test(a.received);
    }
    assert.equal(bye, true, a.received.slice(-500));
    await a.whenClosed();

    // A new login is refused before anything is relayed for it.
    const c = new RawImap(rig.imapPort, rig.tls);
    assert.equal(await c.login(), false, 'no login while nothing can be journaled');
    assert.match(c.received, /^\* BYE \[ALERT\] .*\[E_AUDIT_WRITE_FAILED\]/m);
    assert.doesNotMatch(c.received, /^l OK /m);

    // The SMTP endpoint the same way: its upstream session is journaled before anything else.
    const smtp = tls.connect({ host: '127.0.0.1', port: rig.smtpPort, ...rig.tls });
    let said = '';
    let greeted = false;
    smtp.on('data', (chunk: Buffer) => {
      said += chunk.toString('latin1');
      if (!greeted && /^220 /m.test(said)) {
        greeted = true;
        smtp.write('EHLO localhost\r\n');
      }
    });
    await new Promise((resolve) => smtp.once('close', resolve));
    assert.match(said, /^421 4\.7\.0 .*\[E_AUDIT_WRITE_FAILED\]/m);
    assert.doesNotMatch(said, /^250/m);

    // Session b and the bridge go on (NOOP is not journaled).
    b.send('n NOOP');
    assert.equal(await b.until(/^n OK /m), true, b.received);
    assert.equal(b.closed, false);

    // Room again: a new session works, and the journal's chain is whole.
    rmSync(filler);
    const d = new RawImap(rig.imapPort, rig.tls);
    assert.equal(await d.login(), true, d.received);
    d.send('s SELECT INBOX');
    assert.equal(await d.until(/^s OK /m), true, d.received);
    b.send('s SELECT INBOX');
    assert.equal(await b.until(/^s OK /m), true, b.received);
    for (const client of [b, c, d]) client.end();
    const result = verifyJournal(auditDir);
    assert.equal(result.ok, true, result.problems.join('\n'));
    assert.equal(result.unsealed, 0);
  });
});
