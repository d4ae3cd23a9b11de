import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { HostContext } from '../../../native-host/handlers/context';
import type { Logger, LogFields } from '../../../native-host/log';
import { FrameReader } from '../../../native-host/messaging/frame-reader';
import { MAX_INCOMING_FRAME_BYTES } from '../../../native-host/messaging/limits';
import { serve } from '../../../native-host/server';

function frame(value: unknown): Buffer {
  const body = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

function harness(partialFrameTimeoutMs?: number) {
  const input = new PassThrough();
  const output = new PassThrough();
  const replies: any[] = [];
  const reader = new FrameReader(64 * 1024 * 1024);
  output.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) if (e.kind === 'message') replies.push(e.value);
  });
  const logged: Array<[string, string, LogFields | undefined]> = [];
  const log: Logger = {
    info: (event, fields) => logged.push(['info', event, fields]),
    warn: (event, fields) => logged.push(['warn', event, fields]),
    error: (event, fields) => logged.push(['error', event, fields]),
    close: () => {},
  };
  const ctx: HostContext = {
    log,
    startedAt: 0,
    now: () => 1234,
    counters: { requestsServed: 0, frameErrors: 0 },
  };
  const stderr: string[] = [];
  const done = serve({
    input,
    output,
    stderr: (l) => stderr.push(l),
    ctx,
    ...(partialFrameTimeoutMs ? { partialFrameTimeoutMs } : {}),
  });
  return { input, replies, logged, stderr, done, ctx };
}

const hello = (id: string) => ({
  v: 1,
  id,
  type: 'hello',
  params: { client: { name: 't', version: '1' } },
});

describe('native-host server', () => {
  it('answers hello with host version, protocol version and capabilities', async () => {
    const h = harness();
    h.input.end(frame(hello('h1')));
    assert.equal(await h.done, 0);
    assert.equal(h.replies.length, 1);
    const [reply] = h.replies;
    assert.equal(reply.id, 'h1');
    assert.equal(reply.ok, true);
    assert.deepEqual(reply.result.protocol, { version: 1, min: 1 });
    assert.deepEqual(reply.result.capabilities, ['status', 'ping', 'psc', 'mailbox']);
    assert.equal(reply.result.host.name, 'open-mssante-host');
  });

  it('answers status with counters that count served requests and refused frames', async () => {
    const h = harness();
    h.input.write(frame('not json'));
    h.input.write(frame(hello('a')));
    h.input.end(frame({ v: 1, id: 's', type: 'status', params: {} }));
    await h.done;
    const status = h.replies[2].result;
    assert.equal(status.state, 'ready');
    assert.equal(status.pid, process.pid);
    assert.equal(status.requestsServed, 1);
    assert.equal(status.frameErrors, 1);
    assert.equal(status.uptimeMs, 1234);
  });

  it('refuses a reply over 1 MiB with E_REPLY_TOO_LARGE for the same id, and keeps serving', async () => {
    const h = harness();
    h.input.write(
      frame({ v: 1, id: 'big', type: 'ping', params: { payload: 'y'.repeat(2 * 1024 * 1024) } }),
    );
    h.input.end(frame({ v: 1, id: 'small', type: 'ping', params: { payload: 'ok' } }));
    assert.equal(await h.done, 0);
    assert.deepEqual(
      h.replies.map((r) => [r.id, r.ok, r.error?.code ?? r.result.payload]),
      [
        ['big', false, 'E_REPLY_TOO_LARGE'],
        ['small', true, 'ok'],
      ],
    );
  });

  it('skips a frame over the incoming limit with E_FRAME_TOO_LARGE and answers the next one', async () => {
    const h = harness();
    h.input.write(
      frame({
        v: 1,
        id: 'huge',
        type: 'ping',
        params: { payload: 'z'.repeat(MAX_INCOMING_FRAME_BYTES) },
      }),
    );
    h.input.end(frame(hello('next')));
    await h.done;
    assert.deepEqual(
      h.replies.map((r) => [r.id, r.error?.code]),
      [
        ['huge', 'E_FRAME_TOO_LARGE'],
        ['next', undefined],
      ],
    );
    assert.ok(
      h.logged.some(
        ([level, event, f]) =>
          level === 'warn' && event === 'frame.refused' && f?.code === 'E_FRAME_TOO_LARGE',
      ),
    );
  });

  it('exits 1 with a message on stderr when the input ends inside a frame', async () => {
    const h = harness();
    h.input.write(frame(hello('ok')));
    h.input.end(frame(hello('cut')).subarray(0, 20));
    assert.equal(await h.done, 1);
    assert.equal(h.replies.length, 1, 'the complete request before was still answered');
    assert.match(h.stderr.join('\n'), /truncated\. \(got 16 of \d+ bytes\)/);
  });

  it('exits 1 instead of hanging when a frame stalls half-way', async () => {
    const h = harness(30);
    h.input.write(frame(hello('cut')).subarray(0, 10));
    assert.equal(await h.done, 1);
    assert.match(h.stderr.join('\n'), /stalled: got 6 of \d+ bytes/);
  });

  it('never logs payloads', async () => {
    const h = harness();
    h.input.write(frame({ v: 1, id: 'p', type: 'ping', params: { payload: 'SECRET-PAYLOAD' } }));
    h.input.end(
      frame({ v: 1, id: 'q', type: 'ping', params: { payload: 7, token: 'SECRET-TOKEN' } }),
    );
    await h.done;
    assert.doesNotMatch(JSON.stringify(h.logged), /SECRET/);
  });
});
