import { endianness } from 'node:os';

/**
 * The revoked serial numbers of a CRL as the index cache keeps them (crl-index-cache.ts), usable
 * in place without building a `Set` of 100 000 strings on load (30–160 ms here, mostly allocation
 * and hashing; this is ~0 ms plus the file read):
 * - `body`: each serial (lower-case hex, as `normalizeSerial`) followed by `\n`;
 * - `table`: an open-addressing hash table (linear probing, FNV-1a 32-bit of the hex text, load
 *   ≤ 1/2), each slot holding 1 + the offset of a serial in `body`, 0 when empty.
 * Lookups are O(1): one hash of the probe and a byte comparison per probed slot.
 */

/** What a CRL's index offers: a `Set<string>` is one too (the cold path). */
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

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
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
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = offset + 1;
    offset += serial.length + 1;
  }
  return { body, table };
}

export class SerialTable implements SerialSet {
  private readonly mask: number;

  /** `body` and `table` as `buildSerialTable` made them (checked by the caller's HMAC). */
  constructor(
    private readonly body: Uint8Array,
    private readonly table: Uint32Array,
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
      if (start + length < body.length && body[start + length] === 0x0a) {
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
