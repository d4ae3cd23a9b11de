import type { Socket } from 'node:net';
import { MssanteError } from '../../shared/errors/mssante-error';

const MAX_LINE = 8192;

/**
 * Reads CRLF lines from a plain socket during the pre-TLS dialogue, bounded in line length and
 * time. `release()` hands the socket over (to TLS) and fails if the server already sent bytes
 * nobody asked for — plaintext injected after STARTTLS (CVE-2011-0411 class) is refused.
 */
export class LineReader {
  private buffer = '';
  private waiting: {
    resolve: (line: string) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  } | null = null;
  private failure: Error | null = null;
  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    this.pump();
  };
  private readonly onEnd = () =>
    this.fail(
      new MssanteError('E_UPSTREAM_PROTOCOL', { detail: 'connection closed by the server' }),
    );

  constructor(
    private readonly socket: Socket,
    private readonly timeoutMs = 30_000,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', (e) =>
      this.fail(new MssanteError('E_UPSTREAM_UNREACHABLE', { detail: e.message, cause: e })),
    );
  }

  next(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.fail(
            new MssanteError('E_UPSTREAM_PROTOCOL', {
              detail: `no answer within ${this.timeoutMs} ms`,
            }),
          ),
        this.timeoutMs,
      );
      this.waiting = { resolve, reject, timer };
      this.pump();
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  release(): Socket {
    const { socket, rest } = this.detach();
    if (rest.length > 0) {
      throw new MssanteError('E_UPSTREAM_PROTOCOL', {
        detail: 'data received before the TLS handshake',
      });
    }
    return socket;
  }

  /** Hands the socket over with the bytes already received and not yet read as lines. */
  detach(): { socket: Socket; rest: Buffer } {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    const rest = Buffer.from(this.buffer, 'latin1');
    this.buffer = '';
    return { socket: this.socket, rest };
  }

  private pump(): void {
    if (!this.waiting) return;
    const end = this.buffer.indexOf('\r\n');
    if (end < 0) {
      if (this.buffer.length > MAX_LINE)
        this.fail(new MssanteError('E_UPSTREAM_PROTOCOL', { detail: 'line too long' }));
      return;
    }
    const line = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + 2);
    const { resolve, timer } = this.waiting;
    clearTimeout(timer);
    this.waiting = null;
    resolve(line);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    if (this.waiting) {
      clearTimeout(this.waiting.timer);
      this.waiting.reject(error);
      this.waiting = null;
    }
  }
}
