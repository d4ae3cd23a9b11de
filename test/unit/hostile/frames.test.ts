import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { HostContext } from '../../../native-host/handlers/context';
import type { Logger, LogFields } from '../../../native-host/log';
import { FrameReader } from '../../../native-host/messaging/frame-reader';
import { eventFrame, replyFrame } from '../../../native-host/messaging/frame-writer';
import { MAX_INCOMING_FRAME_BYTES } from '../../../native-host/messaging/limits';
import { serve } from '../../../native-host/server';
import { makeEvent, type Response } from '../../../shared/protocol/index';

function frame(body: Buffer | string | object): Buffer {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(bytes.length, 0);
  return Buffer.concat([header, bytes]);
}

const ping = (id: string, payload = id) => ({ v: 1, id, type: 'ping', params: { payload } });

/** The host's serve loop on pipes, with a logger that keeps what it was told. */
function harness() {
  const input = new PassThrough();
  const output = new PassThrough();
  const messages: any[] = [];
  const reader = new FrameReader(64 * 1024 * 1024);
  const waiters: Array<() => void> = [];
  output.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) if (e.kind === 'message') messages.push(e.value);
    for (const w of waiters.splice(0)) w();
  });
  const logged: Array<[string, LogFields | undefined]> = [];
  const log: Logger = {
    info: () => {},
    warn: (event, fields) => logged.push([event, fields]),
    error: (event, fields) => logged.push([event, fields]),
    close: () => {},
  };
  const ctx: HostContext = {
    log,
    startedAt: 0,
    now: () => 0,
    counters: { requestsServed: 0, frameErrors: 0 },
  };
  const done = serve({ input, output, stderr: () => {}, ctx });
  const count = (n: number) =>
    new Promise<void>((resolve) => {
      const look = () => (messages.length >= n ? resolve() : waiters.push(look));
      look();
    });
  return { input, messages, logged, ctx, done, count };
}

const bigProgress = () =>
  makeEvent('annuaire-progress', {
    importId: 'i'.repeat(2 * 1024 * 1024),
    phase: 'reading',
    rowsRead: 0,
    bytesRead: 0,
    totalBytes: 0,
  });

describe('hostile: native-messaging frames over the limits (issue #19 item 12)', () => {
  it('hostile: an event over 1 MiB goes out as a small notice E_REPLY_TOO_LARGE, and the replies and events after it still go out', async () => {
    const h = harness();
    h.input.write(frame(ping('a')));
    await h.count(1);
    h.ctx.notify!(bigProgress());
    h.input.write(frame(ping('b')));
    await h.count(3);
    h.ctx.notify!(makeEvent('notice', { code: 'E_BRIDGE_CLOSED', message: 'fermée' }));
    h.input.end(frame(ping('c')));
    assert.equal(await h.done, 0);
    assert.deepEqual(
      h.messages.map((m) => (m.event ? [m.event, m.data.code] : [m.id, m.result.payload])),
      [
        ['a', 'a'],
        ['notice', 'E_REPLY_TOO_LARGE'],
        ['b', 'b'],
        ['notice', 'E_BRIDGE_CLOSED'],
        ['c', 'c'],
      ],
    );
    const refused = h.logged.find(([event]) => event === 'event.refused');
    assert.equal(refused?.[1]?.code, 'E_REPLY_TOO_LARGE');
    assert.equal(refused?.[1]?.event, 'annuaire-progress');
  });

  it('hostile: every malformed or oversized incoming frame gets its coded error, in order, and the next request is served', async () => {
    const h = harness();
    const frames = [
      frame(Buffer.alloc(0)),
      frame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
      frame('{"v":1,"id":"x",'),
      frame('42'),
      frame('[1,2]'),
      frame({ v: 1, id: 'nover', type: 'ping' }),
      frame({
        v: 1,
        id: 'huge',
        type: 'ping',
        params: { payload: 'z'.repeat(MAX_INCOMING_FRAME_BYTES) },
      }),
      frame(Buffer.alloc(MAX_INCOMING_FRAME_BYTES + 1, 0x20)),
      frame(ping('after')),
    ];
    for (const f of frames) h.input.write(f);
    h.input.end();
    assert.equal(await h.done, 0);
    assert.deepEqual(
      h.messages.map((m) => [m.id, m.error?.code ?? m.result.payload]),
      [
        [null, 'E_FRAME_INVALID_JSON'],
        [null, 'E_FRAME_INVALID_JSON'],
        [null, 'E_FRAME_INVALID_JSON'],
        [null, 'E_PROTOCOL_INVALID'],
        [null, 'E_PROTOCOL_INVALID'],
        ['nover', 'E_PROTOCOL_INVALID'],
        ['huge', 'E_FRAME_TOO_LARGE'],
        [null, 'E_FRAME_TOO_LARGE'],
        ['after', 'after'],
      ],
    );
    assert.equal(h.ctx.counters.frameErrors, 8);
  });

  it('hostile: a reply or an event that cannot be encoded becomes a coded error of a few bytes, for the same id', () => {
    const refusals: string[] = [];
    const onRefused = (r: { code: string }) => refusals.push(r.code);
    const big = {
      v: 1,
      id: 'r1',
      type: 'ping',
      ok: true,
      result: { payload: 'p'.repeat(2 * 1024 * 1024) },
    } as Response;
    const reply = replyFrame(big, onRefused);
    const decoded = JSON.parse(reply.subarray(4).toString('utf8'));
    assert.deepEqual(
      [decoded.id, decoded.ok, decoded.error.code],
      ['r1', false, 'E_REPLY_TOO_LARGE'],
    );
    assert.ok(reply.length < 1024);
    const circular: any = { payload: 'x' };
    circular.self = circular;
    const unencodable = { v: 1, id: 'r2', type: 'ping', ok: true, result: circular } as Response;
    const second = JSON.parse(replyFrame(unencodable, onRefused).subarray(4).toString('utf8'));
    assert.deepEqual([second.id, second.error.code], ['r2', 'E_INTERNAL']);
    const event = JSON.parse(eventFrame(bigProgress(), onRefused).subarray(4).toString('utf8'));
    assert.deepEqual([event.event, event.data.code], ['notice', 'E_REPLY_TOO_LARGE']);
    assert.deepEqual(refusals, ['E_REPLY_TOO_LARGE', 'E_INTERNAL', 'E_REPLY_TOO_LARGE']);
  });
});
