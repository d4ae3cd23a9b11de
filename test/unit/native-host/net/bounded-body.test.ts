import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readBoundedBody } from '../../../../native-host/net/bounded-body';

/** An answer of `chunks`, with the headers a server sent (possibly lying). */
function answer(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from(chunks), { headers }) as unknown as IncomingMessage;
}

describe('bounded HTTP body (CRL, OCSP and autoconfig downloads)', () => {
  const tooLarge = () => new Error('too large');

  it('returns a body within the bound, whole', async () => {
    const body = await readBoundedBody(answer([Buffer.from('ab'), Buffer.from('cd')]), 4, tooLarge);
    assert.equal(body.toString(), 'abcd');
  });

  it('refuses a declared Content-Length over the bound, even with a short body', async () => {
    const response = answer([Buffer.from('x')], { 'content-length': '5000' });
    await assert.rejects(readBoundedBody(response, 4, tooLarge), /too large/);
  });

  it('stops at the bound when the server lies about (or omits) the length', async () => {
    const chunks = Array.from({ length: 100 }, () => Buffer.alloc(1024, 0x41));
    await assert.rejects(
      readBoundedBody(answer(chunks, { 'content-length': '10' }), 4096, tooLarge),
      /too large/,
    );
    await assert.rejects(readBoundedBody(answer(chunks), 4096, tooLarge), /too large/);
  });
});
