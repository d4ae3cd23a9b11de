import assert from 'node:assert/strict';
import net from 'node:net';
import { LineReader } from '../../../native-host/upstream/line-reader';
import { looksLikeHttp, PRE_AUTH_READER } from '../../../native-host/bridge/pre-auth';

/** A connected loopback pair: `near` is read by the LineReader, `far` is the peer. */
async function pair(): Promise<{ near: net.Socket; far: net.Socket; close: () => void }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const far = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const near = await accepted;
  return {
    near,
    far,
    close: () => {
      far.destroy();
      near.destroy();
      server.close();
    },
  };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('hostile: line reader bounds (issue #19 item 2)', () => {
  it('hostile: 4 MB without CRLF while no line is awaited fails the reader at the line limit and keeps nothing', async () => {
    const { near, far, close } = await pair();
    try {
      const reader = new LineReader(near, 10_000);
      far.write(Buffer.alloc(4 * 1024 * 1024, 'A'));
      await until('all bytes read', () => near.bytesRead === 4 * 1024 * 1024);
      assert.equal(reader.buffered, 0);
      await assert.rejects(reader.next(), {
        code: 'E_UPSTREAM_PROTOCOL',
        message: /line over 8192 bytes without CRLF/,
      });
    } finally {
      close();
    }
  });

  it('hostile: a client reader pauses its socket while no line is awaited, so what the peer sends stays in the kernel', async () => {
    const { near, far, close } = await pair();
    try {
      const reader = new LineReader(near, 10_000, PRE_AUTH_READER);
      const total = 8 * 1024 * 1024;
      far.write(Buffer.from('NOOP\r\n'.repeat(total / 6)));
      await until('the first chunk', () => near.bytesRead > 0 && near.isPaused());
      // Reading stops once the stream's own small buffer is full: wait until it settles.
      let held = -1;
      while (held !== near.bytesRead) {
        held = near.bytesRead;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(held <= 512 * 1024, `read ${held} of ${total} bytes while nobody read lines`);
      assert.ok(reader.buffered <= held);
      for (let i = 0; i < 5; i++) assert.equal(await reader.next(), 'NOOP');
      assert.equal(near.isPaused(), true, 'paused again once the line was taken');
    } finally {
      close();
    }
  });

  it('hostile: a whole line longer than the limit is refused with the caller’s code, not returned', async () => {
    const { near, far, close } = await pair();
    try {
      const reader = new LineReader(near, 10_000, PRE_AUTH_READER);
      far.write(`${'x'.repeat(4097)}\r\nNOOP\r\n`);
      await assert.rejects(reader.next(), { code: 'E_BRIDGE_LINE_TOO_LONG' });
      await assert.rejects(reader.next(), { code: 'E_BRIDGE_LINE_TOO_LONG' });
    } finally {
      close();
    }
  });

  it('hostile: lines of the limit’s length still pass', async () => {
    const { near, far, close } = await pair();
    try {
      const reader = new LineReader(near, 10_000, PRE_AUTH_READER);
      far.write(`${'y'.repeat(4096)}\r\nNOOP\r\n`);
      assert.equal((await reader.next()).length, 4096);
      assert.equal(await reader.next(), 'NOOP');
    } finally {
      close();
    }
  });

  it('hostile: HTTP request lines and headers are recognised, mail commands are not', () => {
    for (const line of [
      'GET / HTTP/1.1',
      'POST /submit HTTP/1.1',
      'OPTIONS * HTTP/1.1',
      'Host: 127.0.0.1:40123',
      'host: localhost',
      'Origin: https://example.org',
      'BREW /pot HTTP/1.0',
    ])
      assert.equal(looksLikeHttp(line), true, line);
    for (const line of [
      'EHLO localhost',
      'HELO client',
      'AUTH PLAIN AGFAYgBj',
      'MAIL FROM:<a@b.fr>',
      'NOOP',
      '1 LOGIN "marie@sandbox.mssante.test" "secret"',
      'A1 CAPABILITY',
      '2 AUTHENTICATE PLAIN',
      'get / http',
    ])
      assert.equal(looksLikeHttp(line), false, line);
  });
});
