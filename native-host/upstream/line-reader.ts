import type { Socket } from 'node:net';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';

/** A line longer than this (CRLF excluded) fails the reader, whether or not a line is awaited. */
const MAX_LINE = 8192;
/** Whole lines received and not yet read: past this the peer is not waiting for answers. */
const MAX_BUFFERED = 256 * 1024;

export interface LineReaderOptions {
  /** Longest line accepted (CRLF excluded). */
  maxLine?: number;
  /** The code of the failure when a line is longer than maxLine or too much is buffered. */
  tooLong?: ErrorCode;
  /**
   * Pause the socket while no `next()` waits, so that what the peer sends meanwhile stays in
   * the kernel (TCP backpressure) rather than in this process. The socket is left paused by
   * `detach()`: whoever takes it over resumes it once its own listeners are on.
   */
  pauseWhenIdle?: boolean;
}

/**
 * Reads CRLF lines from a socket during a dialogue before relaying, bounded in line length, in
 * bytes held and in time: the buffer is checked on every chunk received, not only when a line is
 * asked for, so a peer that sends without end of line while nobody reads is cut at `maxLine`.
 * `release()` hands the socket over (to TLS) and fails if the server already sent bytes
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
  private readonly maxLine: number;
  private readonly tooLong: ErrorCode;
  private readonly pauseWhenIdle: boolean;
  private readonly onData = (chunk: Buffer) => {
    if (this.failure) return;
    this.buffer += chunk.toString('latin1');
    this.pump();
    if (!this.failure) this.checkBounds();
    if (this.pauseWhenIdle && !this.waiting) this.socket.pause();
  };
  private readonly onEnd = () =>
    this.fail(new MssanteError('E_UPSTREAM_PROTOCOL', { detail: 'connection closed by the peer' }));

  constructor(
    private readonly socket: Socket,
    private readonly timeoutMs = 30_000,
    options: LineReaderOptions = {},
  ) {
    this.maxLine = options.maxLine ?? MAX_LINE;
    this.tooLong = options.tooLong ?? 'E_UPSTREAM_PROTOCOL';
    this.pauseWhenIdle = options.pauseWhenIdle ?? false;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', (e) =>
      this.fail(new MssanteError('E_UPSTREAM_UNREACHABLE', { detail: e.message, cause: e })),
    );
  }

  /** Bytes received and not yet read as lines (diagnostics and tests). */
  get buffered(): number {
    return this.buffer.length;
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
      if (this.waiting && this.pauseWhenIdle) this.socket.resume();
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

  /** Fails when the unfinished last line is over maxLine or too many whole lines wait. */
  private checkBounds(): void {
    const lastEnd = this.buffer.lastIndexOf('\r\n');
    const tail = this.buffer.length - (lastEnd < 0 ? 0 : lastEnd + 2);
    if (tail > this.maxLine) {
      this.fail(
        new MssanteError(this.tooLong, { detail: `line over ${this.maxLine} bytes without CRLF` }),
      );
    } else if (this.buffer.length > MAX_BUFFERED) {
      this.fail(
        new MssanteError(this.tooLong, { detail: `over ${MAX_BUFFERED} bytes of unread lines` }),
      );
    }
  }

  private pump(): void {
    if (!this.waiting) return;
    const end = this.buffer.indexOf('\r\n');
    if (end < 0) return;
    if (end > this.maxLine) {
      this.fail(new MssanteError(this.tooLong, { detail: `line over ${this.maxLine} bytes` }));
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
    // What was received is dropped, and nothing more is kept (onData returns at once).
    this.buffer = '';
    if (this.waiting) {
      clearTimeout(this.waiting.timer);
      this.waiting.reject(error);
      this.waiting = null;
    }
  }
}
