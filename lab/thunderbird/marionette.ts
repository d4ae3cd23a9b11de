import net from 'node:net';

/**
 * Minimal Marionette client (the wire protocol geckodriver speaks to Gecko): frames are
 * `<byte length>:<json>`; commands are `[0, id, name, params]`, replies `[1, id, error, result]`.
 * No geckodriver binary is reachable here (see THUNDERBIRD.md), and we only need a handful of
 * commands, all in the chrome context.
 */
export class Marionette {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private greeting: ((v: unknown) => void) | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('close', () => {
      for (const { reject } of this.pending.values())
        reject(new Error('marionette connection closed'));
      this.pending.clear();
    });
  }

  /** Connects, retrying until Thunderbird listens or the deadline passes. */
  static async connect(port: number, deadlineMs = 60_000): Promise<Marionette> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      let socket: net.Socket | undefined;
      let greetingTimer: NodeJS.Timeout | undefined;
      try {
        socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
          socket = s;
        });
        const client = new Marionette(socket);
        await new Promise((resolve, reject) => {
          client.greeting = resolve;
          greetingTimer = setTimeout(() => reject(new Error('no marionette greeting')), 10_000);
        });
        clearTimeout(greetingTimer);
        // Prompts are the product's to show and the tests' to read: Marionette must leave them be.
        await client.command('WebDriver:NewSession', {
          capabilities: { alwaysMatch: { unhandledPromptBehavior: 'ignore' } },
        });
        await client.command('Marionette:SetContext', { value: 'chrome' });
        await client.command('WebDriver:SetTimeouts', { script: 120_000 });
        return client;
      } catch (error) {
        // A failed attempt leaves nothing behind: a half-open socket could answer the next one.
        clearTimeout(greetingTimer);
        socket?.destroy();
        if (Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  command(name: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify([0, id, name, params]), 'utf8');
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(`${body.length}:`);
      this.socket.write(body);
    });
  }

  /**
   * Runs an async function body in Thunderbird's chrome context. The body sees `args` and must
   * `return` a JSON-serializable value (it is wrapped in an async IIFE).
   */
  async chrome<T>(body: string, args: unknown[] = []): Promise<T> {
    const script = `const [__args, __done] = [arguments[0], arguments[arguments.length - 1]];
(async (args) => { ${body} })(__args).then(
  (value) => __done({ ok: true, value }),
  (error) => __done({ ok: false, error: String(error) + '\\n' + (error && error.stack || '') }));`;
    const reply = (await this.command('WebDriver:ExecuteAsyncScript', {
      script,
      args: [args],
      newSandbox: false,
    })) as {
      value: { ok: true; value: T } | { ok: false; error: string };
    };
    if (!reply.value.ok) throw new Error(`chrome script failed: ${reply.value.error}`);
    return reply.value.value;
  }

  async screenshot(): Promise<Buffer> {
    const reply = (await this.command('WebDriver:TakeScreenshot', { full: false })) as {
      value: string;
    };
    return Buffer.from(reply.value, 'base64');
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString('ascii'));
      if (this.buffer.length < colon + 1 + length) return;
      const message = JSON.parse(
        this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8'),
      );
      this.buffer = this.buffer.subarray(colon + 1 + length);
      if (!Array.isArray(message)) {
        this.greeting?.(message);
        this.greeting = null;
        continue;
      }
      const [, id, error, result] = message as [
        number,
        number,
        { error: string; message: string } | null,
        unknown,
      ];
      const entry = this.pending.get(id);
      this.pending.delete(id);
      if (!entry) continue;
      if (error) entry.reject(new Error(`${error.error}: ${error.message}`));
      else entry.resolve(result);
    }
  }
}
