import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameReader, type FrameEvent } from '../../../native-host/messaging/frame-reader';
import { encodeFrame } from '../../../native-host/messaging/frame-writer';
import { MAX_OUTGOING_FRAME_BYTES } from '../../../native-host/messaging/limits';

function frame(body: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

function feed(reader: FrameReader, bytes: Buffer, cuts: number[] = []): FrameEvent[] {
  const events: FrameEvent[] = [];
  let start = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)]
    .sort((a, b) => a - b)
    .concat(bytes.length)) {
    events.push(...reader.push(bytes.subarray(start, cut)));
    start = cut;
  }
  return events;
}

describe('native-host framing: FrameReader', () => {
  it('decodes frames however the byte stream is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(4000), { maxLength: 12 }),
        (values, cuts) => {
          const bytes = Buffer.concat(
            values.map((v) => frame(Buffer.from(JSON.stringify(v), 'utf8'))),
          );
          const reader = new FrameReader();
          const events = feed(reader, bytes, cuts);
          assert.deepEqual(
            events.map((e) => (e.kind === 'message' ? e.value : e)),
            values.map((v) => JSON.parse(JSON.stringify(v))),
          );
          assert.equal(reader.midFrame, false);
        },
      ),
    );
  });

  it('skips an oversized frame without buffering it and reads its id from the first bytes', () => {
    const reader = new FrameReader(64);
    const big = Buffer.from(
      JSON.stringify({ v: 1, id: 'req-7', type: 'ping', params: { payload: 'x'.repeat(500) } }),
    );
    const next = Buffer.from(JSON.stringify({ ok: 1 }));
    const events = feed(reader, Buffer.concat([frame(big), frame(next)]), [3, 10, 100, 300]);
    assert.equal(events.length, 2);
    assert.deepEqual(events[0], {
      kind: 'error',
      code: 'E_FRAME_TOO_LARGE',
      id: 'req-7',
      bytes: big.length,
      detail: `${big.length} bytes > 64`,
    });
    assert.deepEqual(events[1], { kind: 'message', value: { ok: 1 }, bytes: next.length });
  });

  it('refuses an oversized frame whose id cannot be read with a null id', () => {
    const reader = new FrameReader(8);
    const [event] = reader.push(frame(Buffer.from('"just a long string"')));
    assert.equal(event?.kind, 'error');
    assert.equal(event?.kind === 'error' && event.id, null);
  });

  for (const [name, body] of [
    ['invalid JSON', Buffer.from('{"v":1,')],
    ['invalid UTF-8', Buffer.from([0x22, 0xc3, 0x28, 0x22])],
    ['an empty frame', Buffer.alloc(0)],
  ] as const) {
    it(`answers ${name} with E_FRAME_INVALID_JSON and goes on`, () => {
      const reader = new FrameReader();
      const events = reader.push(Buffer.concat([frame(body), frame(Buffer.from('[1]'))]));
      assert.equal(events[0]?.kind === 'error' && events[0].code, 'E_FRAME_INVALID_JSON');
      assert.deepEqual(events[1], { kind: 'message', value: [1], bytes: 3 });
    });
  }

  it('knows when it stopped in the middle of a frame, and says how far', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from([10, 0]));
    assert.equal(reader.midFrame, true);
    assert.equal(reader.describePartial(), 'got 2 of 4 header bytes');
    reader.push(Buffer.from([0, 0, 0x7b]));
    assert.equal(reader.describePartial(), 'got 1 of 10 bytes');
  });
});

describe('native-host framing: encodeFrame', () => {
  it('writes a little-endian length and UTF-8 JSON', () => {
    const bytes = encodeFrame({ é: 'ü' });
    assert.equal(bytes.readUInt32LE(0), bytes.length - 4);
    assert.deepEqual(JSON.parse(bytes.subarray(4).toString('utf8')), { é: 'ü' });
  });

  it('refuses a reply larger than the 1 MiB Thunderbird accepts with E_REPLY_TOO_LARGE', () => {
    const fits = 'x'.repeat(MAX_OUTGOING_FRAME_BYTES - 2); // JSON adds two quotes
    assert.equal(encodeFrame(fits).length, 4 + MAX_OUTGOING_FRAME_BYTES);
    assert.throws(() => encodeFrame(fits + 'x'), { code: 'E_REPLY_TOO_LARGE' });
  });
});
