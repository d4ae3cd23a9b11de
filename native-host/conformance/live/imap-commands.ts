import type { TLSSocket } from 'node:tls';
import { MssanteError } from '../../../shared/errors/mssante-error';

const MAX_BYTES = 4 * 1024 * 1024;

/**
 * The few IMAP commands the live check needs after the bridge's login (SELECT, UID SEARCH,
 * UID FETCH), with literals (`{n}`) read by byte count. Bounded in size and time.
 */
export class ImapCommands {
  private buffer: Buffer;
  private tag = 10;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly socket: TLSSocket,
    rest: Buffer,
    private readonly timeoutMs = 20_000,
  ) {
    this.buffer = rest;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  /** Runs one command; returns its untagged responses, literals inlined as strings (UTF-8). */
  async run(command: string): Promise<string[]> {
    const tag = `L${(this.tag += 1)}`;
    this.socket.write(`${tag} ${command}\r\n`);
    const responses: string[] = [];
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const response = await this.response(deadline);
      if (response.startsWith(`${tag} `)) {
        if (!/^\S+ OK/i.test(response))
          throw new MssanteError('E_UPSTREAM_PROTOCOL', { detail: response.slice(0, 200) });
        return responses;
      }
      responses.push(response);
    }
  }

  /** One response: a line, plus any literal it announces and the rest of the line after it. */
  private async response(deadline: number): Promise<string> {
    let text = '';
    for (;;) {
      const line = await this.take(deadline, (b) => {
        const end = b.indexOf('\r\n');
        return end < 0 ? -1 : end + 2;
      });
      const body = line.subarray(0, line.length - 2).toString('utf8');
      text += body;
      const literal = /\{(\d+)\}$/.exec(body);
      if (!literal) return text;
      const size = Number(literal[1]);
      if (size > MAX_BYTES)
        throw new MssanteError('E_UPSTREAM_PROTOCOL', { detail: 'literal too large' });
      text +=
        '\r\n' +
        (await this.take(deadline, (b) => (b.length >= size ? size : -1))).toString('utf8');
    }
  }

  private async take(deadline: number, cut: (b: Buffer) => number): Promise<Buffer> {
    for (;;) {
      const n = cut(this.buffer);
      if (n >= 0) {
        const out = this.buffer.subarray(0, n);
        this.buffer = this.buffer.subarray(n);
        return out;
      }
      if (this.buffer.length > MAX_BYTES || this.closed)
        throw new MssanteError('E_UPSTREAM_PROTOCOL', {
          detail: this.closed ? 'connection closed' : 'answer too large',
        });
      const left = deadline - Date.now();
      if (left <= 0)
        throw new MssanteError('E_UPSTREAM_PROTOCOL', {
          detail: `no answer within ${this.timeoutMs} ms`,
        });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }
}
