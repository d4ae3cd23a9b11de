import net, { type Socket } from 'node:net';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import type { ErrorCode } from '../../shared/errors/codes';
import type { AuditJournal } from '../audit/journal';
import type { Redactor } from '../audit/redact';
import type { Logger } from '../log';
import type { TrustContext } from '../trust/verify';
import { type JournalFields, LoginJournal } from './login-journal';
import type { LoopbackIdentity } from './loopback-identity';
import { authorOf, type BridgeMailbox } from './mailbox';
import { checkPeerUser, type LoopbackPair, type PeerVerdict } from './peer-uid';
import { latin1Line, userSentence } from './wire-text';

export interface BridgeDeps {
  trust: TrustContext;
  audit: AuditJournal;
  redactor: Redactor;
  log: Logger;
  /** The host's loopback TLS identity (generated at its start, pinned by Thunderbird). */
  identity: LoopbackIdentity;
  /** Who owns the peer's socket (peer-uid.ts; replaced only in unit tests). */
  peerUser?: (pair: LoopbackPair) => Promise<PeerVerdict>;
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

  /** The login steps both protocols journal alike. */
  protected readonly logins: LoginJournal;

  constructor(
    readonly mailbox: BridgeMailbox,
    protected readonly deps: BridgeDeps,
  ) {
    this.logins = new LoginJournal(mailbox, deps.redactor, (action, fields) =>
      this.journal(action, fields),
    );
    this.tls = createSecureContext({
      key: deps.identity.keyPem,
      cert: deps.identity.certPem,
      minVersion: 'TLSv1.2',
    });
  }

  /**
   * A new loopback connection: refused before any byte when its socket belongs to another OS
   * user (E_BRIDGE_PEER_REFUSED, journaled), else served over TLS with the host's identity.
   */
  private async admit(socket: Socket): Promise<void> {
    const pair: LoopbackPair = {
      peer: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    };
    const verdict = await (this.deps.peerUser ?? checkPeerUser)(pair);
    if (verdict.kind === 'other') {
      socket.destroy();
      this.journal('connect', {
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
    if (this.held || socket.destroyed) {
      socket.destroy();
      return;
    }
    const client = new TLSSocket(socket, { isServer: true, secureContext: this.tls });
    client.on('error', () => client.destroy());
    client.once('secure', () => {
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
    if (this.live.size)
      this.journal('disconnect', { outcome: 'ok', code, request: 'session closed by the host' });
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

  protected journal(action: string, fields: JournalFields): void {
    this.deps.audit.record({
      author: authorOf(this.mailbox),
      mailbox: this.mailbox.address,
      action,
      ...fields,
    });
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
    client.on('close', () => {
      clientGone = true;
      upstream.destroy();
    });
    upstream.on('close', () => {
      if (!clientGone)
        this.journal('disconnect', { outcome: 'ok', request: 'closed by the server' });
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
