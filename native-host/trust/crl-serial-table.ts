import { endianness } from 'node:os';

/**
 * The revoked serial numbers of a CRL as the index cache keeps them (crl-index-cache.ts), usable
 * in place without building a `Set` of 100 000 strings on load (30–160 ms here, mostly allocation
 * and hashing; this is ~0 ms plus the file read):
 * - `body`: each serial (lower-case hex, as `normalizeSerial`) followed by `\n`;
 * - `table`: an open-addressing hash table (linear probing, FNV-1a 32-bit of the hex text, load
 *   ≤ 1/2), each slot holding 1 + the offset of a serial in `body`, 0 when empty.
 * Lookups are O(1): one hash of the probe and a byte comparison per probed slot.
 * The cold path (crl-entries.ts) builds the same table straight from the CRL's serial bytes
 * (`SerialTableBuilder`): no string per serial, no `Set`, and the index cache writes it as is.
 */

/** What a CRL's index offers (a `Set<string>` is one too). */
export interface SerialSet extends Iterable<string> {
  readonly size: number;
  has(serial: string): boolean;
}

/** The table is kept in the machine's byte order; this file format is for little-endian hosts. */
export const TABLE_USABLE = endianness() === 'LE';

/** Number of slots for `count` serials: a power of two ≥ 2 × count. */
export function tableSlots(count: number): number {
  let slots = 2;
  while (slots < 2 * count) slots *= 2;
  return slots;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const NEWLINE = 0x0a;
/** The character codes of `0123456789abcdef`. */
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * Most slots one insertion may probe. The hash is not keyed (the index file keeps the table), so
 * serials chosen to collide could make building it quadratic; an insertion probing more than this
 * refuses the CRL instead. At a load of at most 1/2, linear probing reaches it by chance with a
 * probability under 1e-15 for a million serials, so no genuine CRL is refused.
 */
export const MAX_PROBES = 256;

function tooManyCollisions(): never {
  throw new Error('CRL serial numbers collide in the index beyond any chance (crafted?)');
}

function fnv1a(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** `body` and `table` for `serials` (distinct, hex). */
export function buildSerialTable(serials: Iterable<string>): { body: Buffer; table: Uint32Array } {
  const list = [...serials];
  const body = Buffer.from(list.length ? `${list.join('\n')}\n` : '', 'latin1');
  const table = new Uint32Array(tableSlots(list.length));
  const mask = table.length - 1;
  let offset = 0;
  for (const serial of list) {
    let slot = fnv1a(serial) & mask;
    for (let probes = 0; table[slot] !== 0; probes++) {
      if (probes === MAX_PROBES) tooManyCollisions();
      slot = (slot + 1) & mask;
    }
    table[slot] = offset + 1;
    offset += serial.length + 1;
  }
  return { body, table };
}

export class SerialTable implements SerialSet {
  private readonly mask: number;

  /** `body` and `table` as `buildSerialTable` made them (checked by the caller's HMAC). */
  constructor(
    readonly body: Uint8Array,
    readonly table: Uint32Array,
    readonly size: number,
  ) {
    this.mask = table.length - 1;
  }

  has(serial: string): boolean {
    const { body, table, mask } = this;
    const length = serial.length;
    let slot = fnv1a(serial) & mask;
    for (let probes = 0; probes <= mask; probes++) {
      const entry = table[slot]!;
      if (entry === 0) return false;
      const start = entry - 1;
      if (start + length < body.length && body[start + length] === NEWLINE) {
        let same = true;
        for (let i = 0; i < length && same; i++) same = body[start + i] === serial.charCodeAt(i);
        if (same) return true;
      }
      slot = (slot + 1) & mask;
    }
    return false;
  }

  *[Symbol.iterator](): Iterator<string> {
    let start = 0;
    while (start < this.body.length) {
      const end = this.body.indexOf(0x0a, start);
      yield Buffer.from(this.body.buffer, this.body.byteOffset + start, end - start).toString(
        'latin1',
      );
      start = end + 1;
    }
  }
}

/**
 * Builds a `SerialTable` from serial numbers given as spans of DER INTEGER content bytes in one
 * buffer (a CRL's entries), equal to `buildSerialTable` of their `normalizeSerial` texts in the
 * same order: leading zero bytes dropped (one kept), lower-case hex without a leading `0` digit;
 * duplicates kept once. `add` stores two offsets; `finish` writes each serial's hex into `body`
 * while hashing it, then inserts it: linear in the bytes, no string per serial.
 */
export class SerialTableBuilder {
  private spans = new Uint32Array(1024);
  private count = 0;
  /** Upper bound of the body's length: 2 hex digits per byte and a newline per serial. */
  private bodyBytes = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The serial whose content bytes are `bytes[start..end)` (not empty). */
  add(start: number, end: number): void {
    if (2 * this.count + 2 > this.spans.length) {
      const grown = new Uint32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    this.spans[2 * this.count] = start;
    this.spans[2 * this.count + 1] = end;
    this.count += 1;
    this.bodyBytes += 2 * (end - start) + 1;
  }

  finish(): SerialTable {
    const { bytes, spans, count } = this;
    const body = Buffer.alloc(this.bodyBytes);
    const table = new Uint32Array(tableSlots(count));
    const mask = table.length - 1;
    let offset = 0;
    let size = 0;
    for (let i = 0; i < count; i++) {
      let at = spans[2 * i]!;
      const end = spans[2 * i + 1]!;
      while (at < end - 1 && bytes[at] === 0) at++;
      let write = offset;
      let h = FNV_OFFSET;
      for (; at < end; at++) {
        const byte = bytes[at]!;
        if (write !== offset || byte >= 0x10) {
          const high = HEX_DIGITS[byte >> 4]!;
          body[write++] = high;
          h = Math.imul(h ^ high, FNV_PRIME);
        }
        const low = HEX_DIGITS[byte & 15]!;
        body[write++] = low;
        h = Math.imul(h ^ low, FNV_PRIME);
      }
      const slot = findSlot(body, table, mask, h & mask, offset, write - offset);
      if (slot < 0) continue; // a duplicate: its hex is overwritten by the next serial
      table[slot] = offset + 1;
      body[write] = NEWLINE;
      offset = write + 1;
      size += 1;
    }
    const serials = new SerialTable(body.subarray(0, offset), table, size);
    if (tableSlots(size) === table.length) return serials;
    // Duplicates made the table larger than the index file's format says: built again (rare).
    const rebuilt = buildSerialTable(serials);
    return new SerialTable(rebuilt.body, rebuilt.table, size);
  }
}

/**
 * The empty slot, from `slot` on, for the `length` hex digits at `body[offset..]`; -1 when the
 * table already holds the same serial.
 */
function findSlot(
  body: Uint8Array,
  table: Uint32Array,
  mask: number,
  slot: number,
  offset: number,
  length: number,
): number {
  for (let probes = 0; ; probes++) {
    if (probes > MAX_PROBES) tooManyCollisions();
    const entry = table[slot]!;
    if (entry === 0) return slot;
    const start = entry - 1;
    if (body[start + length] === NEWLINE) {
      let same = true;
      for (let i = 0; i < length && same; i++) same = body[start + i] === body[offset + i];
      if (same) return -1;
    }
    slot = (slot + 1) & mask;
  }
}
