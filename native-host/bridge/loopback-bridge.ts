import net, { type Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../shared/errors/mssante-error';
import type { AuditJournal } from '../audit/journal';
import type { Redactor } from '../audit/redact';
import type { Logger } from '../log';
import type { TrustContext } from '../trust/verify';
import { type JournalFields, LoginJournal } from './login-journal';
import type { LoopbackIdentity } from './loopback-identity';
import { authorOf, type BridgeMailbox } from './mailbox';
import {
  HANDSHAKE_TIMEOUT_MS,
  INPUT_REFUSALS,
  LINGER_MS,
  MAX_CONNECTIONS,
  MAX_PRE_AUTH_CONNECTIONS,
} from './pre-auth';
import { checkPeerUser, type LoopbackPair, type PeerVerdict } from './peer-uid';
import { latin1Line, userSentence } from './wire-text';

export interface BridgeDeps {
  trust: TrustContext;
  audit: AuditJournal;
  redactor: Redactor;
  log: Logger;
  /** ECO.2.4.3: X-MSS-NIL for a message sent without it (config.json `productReference`). */
  productReference?: string;
  /** The host's loopback TLS identity (generated at its start, pinned by Thunderbird). */
  identity: LoopbackIdentity;
  /** Who owns the peer's socket (peer-uid.ts; replaced only in unit tests). */
  peerUser?: (pair: LoopbackPair) => Promise<PeerVerdict>;
}

/** Thrown out of a login flow whose session was closed because it could not be journaled. */
export class SessionFailedClosed extends Error {
  constructor() {
    super('session closed: the journal could not be written');
    this.name = 'SessionFailedClosed';
  }
}

export interface LiveConnection {
  client: Socket;
  upstream: TLSSocket | null;
}

/**
 * What the IMAP and SMTP endpoints of a mailbox share: a loopback listener, the live connections
 * (each a client socket and its upstream), closing them all with a sentence Thunderbird shows,
 * and journaling under the mailbox's author (the login steps through login-journal.ts).
 */
export abstract class LoopbackBridge {
  // TCP_NODELAY on both legs (here and in upstream/starttls.ts): a relay that forwards a
  // command's last short segment while the previous one is unacknowledged otherwise waits for
  // the peer's delayed ACK (40 ms on Linux) — 5× slower SMTP submission (docs/benchmarks.md).
  private readonly server = net.createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    void this.admit(socket);
  });
  private readonly tls: SecureContext;
  /** Closing connections unserved until this start's credentials were handed out (see hold). */
  private held = false;
  protected readonly live = new Set<LiveConnection>();
  /** Connections are being refused (journaled once per run of refusals). */
  private saturated = false;
  /** TLS handshakes under way (not yet in `live`). */
  private handshakes = 0;

  constructor(
    readonly mailbox: BridgeMailbox,
    protected readonly deps: BridgeDeps,
  ) {
    this.tls = deps.identity.context;
  }

  /**
   * The login steps both protocols journal alike, for one connection: when a step cannot be
   * journaled the connection is closed (`journalFor`) and SessionFailedClosed is thrown, which
   * ends the login flow before anything is relayed.
   */
  protected loginsFor(client: Socket): LoginJournal {
    return new LoginJournal(this.mailbox, this.deps.redactor, (action, fields) => {
      if (!this.journalFor(client, action, fields)) throw new SessionFailedClosed();
    });
  }

  /**
   * A new loopback connection: refused before any byte when its socket belongs to another OS
   * user (E_BRIDGE_PEER_REFUSED, journaled), else served over TLS with the host's identity. The
   * connection caps of 19.2 count handshakes under way too: past them a socket is closed before
   * TLS; once a handshake is done, a connection over the caps is told why (over TLS) and closed.
   */
  private async admit(socket: Socket): Promise<void> {
    const pair: LoopbackPair = {
      peer: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    };
    const verdict = await (this.deps.peerUser ?? checkPeerUser)(pair);
    if (verdict.kind === 'other') {
      socket.destroy();
      this.recordOrLog('connect', {
        outcome: 'failed',
        code: 'E_BRIDGE_PEER_REFUSED',
        request: `loopback peer of uid ${verdict.uid ?? 'unknown'}`,
      });
      this.deps.log.warn('bridge.peer.refused', {
        mailbox: this.mailbox.address,
        uid: verdict.uid ?? 'unknown',
      });
      return;
    }
    if (this.held || socket.destroyed || this.handshakes >= MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    this.handshakes += 1;
    let counted = true;
    const settled = () => {
      if (counted) this.handshakes -= 1;
      counted = false;
    };
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy());
    const client = new TLSSocket(socket, { isServer: true, secureContext: this.tls });
    client.on('error', () => client.destroy());
    client.once('close', settled);
    client.once('secure', () => {
      settled();
      socket.setTimeout(0);
      if (this.full()) {
        this.refuseConnection(client);
        return;
      }
      this.saturated = false;
      const entry: LiveConnection = { client, upstream: null };
      this.live.add(entry);
      client.on('close', () => {
        this.live.delete(entry);
        entry.upstream?.destroy();
      });
      void this.accept(entry);
    });
  }

  /** Serves one client connection (the entry is tracked and cleaned up by the base). */
  protected abstract accept(entry: LiveConnection): Promise<void>;

  /** The protocol's way of telling a client the session ends now (IMAP BYE, SMTP 421). */
  protected abstract goodbye(sentence: string): string;

  /**
   * Until release(), connections of the host's own user are closed before any byte: Thunderbird
   * still holds the previous start's secret and pin, and a failed TLS handshake or login would
   * have it ask the user for a password or a certificate exception; a closed connection it just
   * retries later (docs/security.md, 19.1).
   */
  hold(): void {
    this.held = true;
  }

  /** This start's secret and certificate reached the add-on: serve connections. */
  release(): void {
    this.held = false;
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () =>
        resolve((this.server.address() as net.AddressInfo).port),
      );
    });
  }

  get connections(): number {
    return this.live.size;
  }

  /** ECO.1.2.6: end every session of this mailbox, telling Thunderbird why. */
  closeAll(code: ErrorCode): void {
    // Every session ends here anyway: a journal failure is logged.
    if (this.live.size)
      this.recordOrLog('disconnect', {
        outcome: 'ok',
        code,
        request: 'session closed by the host',
      });
    for (const entry of this.live) {
      entry.client.end(latin1Line(this.goodbye(userSentence(code))));
      entry.upstream?.destroy();
      entry.client.destroySoon();
    }
    this.live.clear();
  }

  async close(): Promise<void> {
    this.closeAll('E_BRIDGE_CLOSED');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** At MAX_CONNECTIONS, or at MAX_PRE_AUTH_CONNECTIONS not logged in (no upstream yet). */
  private full(): boolean {
    if (this.live.size >= MAX_CONNECTIONS) return true;
    let preAuth = 0;
    for (const entry of this.live) if (!entry.upstream) preAuth += 1;
    return preAuth >= MAX_PRE_AUTH_CONNECTIONS;
  }

  private refuseConnection(socket: Socket): void {
    const code = 'E_BRIDGE_TOO_MANY_CONNECTIONS';
    if (!this.saturated) {
      this.saturated = true;
      this.deps.log.warn('bridge.connection.refused', { mailbox: this.mailbox.address, code });
      const journaled = this.journalFor(socket, 'connect', {
        outcome: 'failed',
        request: 'local connection',
        code,
        response: `${this.live.size} open`,
      });
      if (!journaled) return; // closed already, with E_AUDIT_WRITE_FAILED
    }
    this.closeWith(socket, code);
  }

  /**
   * Says why and closes, reading and dropping what the client still sends for a short while:
   * closing a socket with unread bytes resets the connection, and the client would lose the
   * sentence. Nothing read is kept; after LINGER_MS the socket is destroyed all the same.
   */
  private closeWith(socket: Socket, code: ErrorCode): void {
    socket.end(latin1Line(this.goodbye(userSentence(code))));
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }

  /**
   * Ends a client's connection after a failure before login: for input the bridge refuses
   * (INPUT_REFUSALS) with the coded sentence and a journal line, else silently (the client left).
   */
  protected drop(client: Socket, error: unknown): void {
    if (!(error instanceof MssanteError) || !INPUT_REFUSALS.has(error.code)) {
      client.destroy();
      return;
    }
    this.deps.log.warn('bridge.input.refused', {
      mailbox: this.mailbox.address,
      code: error.code,
    });
    const journaled = this.journalFor(client, 'connect', {
      outcome: 'failed',
      request: 'client input before login',
      code: error.code,
      ...(error.detail ? { response: error.detail } : {}),
    });
    if (journaled) this.closeWith(client, error.code);
  }

  /** Journals what concerns no session (a refused peer, the end of all): a failure is logged. */
  private recordOrLog(action: string, fields: JournalFields): void {
    try {
      this.record(action, fields);
    } catch (error) {
      this.deps.log.error('journal.write.failed', {
        mailbox: this.mailbox.address,
        action,
        code: toMssanteError(error).code,
      });
    }
  }

  /** Journals under the mailbox's author; throws E_AUDIT_WRITE_FAILED when it cannot. */
  private record(action: string, fields: JournalFields): void {
    this.deps.audit.record({
      author: authorOf(this.mailbox),
      mailbox: this.mailbox.address,
      action,
      ...fields,
    });
  }

  /**
   * Journals an operation of `client`'s session. Fails closed: when the entry cannot be written
   * (full disk, write error), that session ends now with the coded sentence (IMAP BYE, SMTP 421)
   * and its upstream is cut, so nothing more is relayed unjournaled; the bridge, the host and the
   * other sessions go on. Never throws (it runs inside socket handlers). False when it failed.
   */
  protected journalFor(client: Socket, action: string, fields: JournalFields): boolean {
    try {
      this.record(action, fields);
      return true;
    } catch (error) {
      const code = toMssanteError(error).code;
      this.deps.log.error('journal.write.failed', {
        mailbox: this.mailbox.address,
        action,
        code,
      });
      this.failClosed(client, code === 'E_INTERNAL' ? 'E_AUDIT_WRITE_FAILED' : code);
      return false;
    }
  }

  /** Ends one client's session with the coded sentence and cuts its upstream. */
  private failClosed(client: Socket, code: ErrorCode): void {
    for (const entry of this.live) {
      if (entry.client !== client) continue;
      entry.upstream?.destroy();
      this.live.delete(entry);
    }
    // Stop reading: no further command of this client goes anywhere.
    client.pause();
    client.removeAllListeners('data');
    if (!client.destroyed && !client.writableEnded)
      client.end(latin1Line(this.goodbye(userSentence(code))));
    client.destroySoon();
  }

  /**
   * Joins an authenticated client to its upstream: bytes flow untouched both ways (with
   * backpressure), each direction also goes through a tap, and bytes already read on either side
   * go first. When the operator closes (ECO.1.2.7), the client is closed too and reconnects.
   */
  protected splice(
    client: Socket,
    clientRest: Buffer,
    upstream: TLSSocket,
    upstreamRest: Buffer,
    tap: { client: (chunk: Buffer) => void; server: (chunk: Buffer) => void },
    /** When set, the client's bytes go to it instead of straight upstream (SMTP DATA rewrite). */
    forward?: (chunk: Buffer) => void,
    /** When set, the server's bytes go to it instead of straight to the client (SMTP replies). */
    forwardServer?: (chunk: Buffer) => void,
  ): void {
    let clientGone = false;
    // Untouched directions are piped before their tap listens, so that a chunk is written on
    // before it is scanned (the scan is then off the round trip; `peers` bench, NOOP latency).
    if (forward) client.on('data', tap.client);
    if (forwardServer) upstream.on('data', tap.server);
    if (upstreamRest.length) {
      tap.server(upstreamRest);
      if (forwardServer) forwardServer(upstreamRest);
      else client.write(upstreamRest);
    }
    if (clientRest.length) {
      tap.client(clientRest);
      if (forward) forward(clientRest);
      else upstream.write(clientRest);
    }
    if (forward) {
      client.on('data', forward);
      client.on('end', () => upstream.end());
    } else {
      client.pipe(upstream);
      client.on('data', tap.client);
    }
    if (forwardServer) {
      upstream.on('data', forwardServer);
      upstream.on('end', () => client.end());
    } else {
      upstream.pipe(client);
      upstream.on('data', tap.server);
    }
    // The pre-login reader left the client paused (LineReader pauseWhenIdle): flow again now
    // that every listener is on.
    client.resume();
    client.on('close', () => {
      clientGone = true;
      upstream.destroy();
    });
    upstream.on('close', () => {
      if (!clientGone)
        this.journalFor(client, 'disconnect', { outcome: 'ok', request: 'closed by the server' });
      client.destroySoon();
    });
    upstream.on('error', () => upstream.destroy());
  }

  /** Keeps PSC's idle limit following the user's work (see docs/bridge.md). */
  protected touch(): void {
    const credentials = this.mailbox.credentials;
    if (credentials.kind !== 'psc') return;
    try {
      credentials.session().touch();
    } catch {
      // PSC not configured: nothing to keep alive.
    }
  }
}
