import type { ErrorCode } from '../../shared/errors/codes';
import { MAX_INCOMING_FRAME_BYTES, OVERSIZED_PREFIX_BYTES } from './limits';

/** What the reader produces for each frame: a parsed JSON value, or a coded refusal. */
export type FrameEvent =
  | { kind: 'message'; value: unknown; bytes: number }
  | { kind: 'error'; code: ErrorCode; id: string | null; bytes: number; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Incremental decoder of native-messaging frames: a 32-bit length in native byte order (little
 * endian on every platform Thunderbird ships for) followed by that many bytes of UTF-8 JSON.
 * Oversized frames are skipped, never buffered; only their first bytes are kept to find the id.
 */
export class FrameReader {
  private header = Buffer.alloc(0);
  private expected = -1;
  private chunks: Buffer[] = [];
  private received = 0;
  private skipping = false;
  private prefix = Buffer.alloc(0);

  constructor(private readonly maxBytes = MAX_INCOMING_FRAME_BYTES) {}

  /** True while a frame has started but not ended. */
  get midFrame(): boolean {
    return this.header.length > 0 || this.expected >= 0;
  }

  /** Bytes still missing from the current frame, for error messages. */
  describePartial(): string {
    if (this.expected < 0) return `got ${this.header.length} of 4 header bytes`;
    return `got ${this.received} of ${this.expected} bytes`;
  }

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.expected < 0) {
        const need = 4 - this.header.length;
        const take = chunk.subarray(offset, offset + need);
        this.header = Buffer.concat([this.header, take]);
        offset += take.length;
        if (this.header.length < 4) break;
        this.expected = this.header.readUInt32LE(0);
        this.skipping = this.expected > this.maxBytes;
        if (this.expected === 0) events.push(this.finish());
        continue;
      }
      const take = chunk.subarray(offset, offset + (this.expected - this.received));
      offset += take.length;
      this.received += take.length;
      if (!this.skipping) this.chunks.push(take);
      else if (this.prefix.length < OVERSIZED_PREFIX_BYTES) {
        this.prefix = Buffer.concat([
          this.prefix,
          take.subarray(0, OVERSIZED_PREFIX_BYTES - this.prefix.length),
        ]);
      }
      if (this.received === this.expected) events.push(this.finish());
    }
    return events;
  }

  private finish(): FrameEvent {
    const bytes = this.expected;
    const skipped = this.skipping;
    const body = Buffer.concat(this.chunks);
    const prefix = this.prefix;
    this.header = Buffer.alloc(0);
    this.expected = -1;
    this.chunks = [];
    this.received = 0;
    this.skipping = false;
    this.prefix = Buffer.alloc(0);
    if (skipped) {
      return {
        kind: 'error',
        code: 'E_FRAME_TOO_LARGE',
        id: sniffId(prefix),
        bytes,
        detail: `${bytes} bytes > ${this.maxBytes}`,
      };
    }
    try {
      return { kind: 'message', value: JSON.parse(utf8.decode(body)), bytes };
    } catch (error) {
      return {
        kind: 'error',
        code: 'E_FRAME_INVALID_JSON',
        id: null,
        bytes,
        detail: error instanceof Error ? error.message.slice(0, 120) : 'invalid',
      };
    }
  }
}

/**
 * The extension's client writes the envelope first (`{"v":1,"id":"…",`), so the id of a frame
 * too large to parse can still be read from its first bytes and the refusal routed to the caller.
 */
function sniffId(prefix: Buffer): string | null {
  const match = /^\{\s*"v"\s*:\s*\d+\s*,\s*"id"\s*:\s*"([A-Za-z0-9_.:-]{1,64})"/.exec(
    prefix.toString('latin1'),
  );
  return match?.[1] ?? null;
}
