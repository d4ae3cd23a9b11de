import {
  type DecodedCrl,
  type DecodedExtension,
  decodeElement,
  decodeExtensions,
} from './crl-decode';
import { SerialTable, SerialTableBuilder } from './crl-serial-table';

/**
 * The hot path of a cold CRL load: walks revokedCertificates (crl-decode.ts located it) and
 * builds the serial table of crl-serial-table.ts from it, in one pass over the entries and one
 * over the serials. Each entry must be SEQUENCE { INTEGER, Time, Extensions? } and nothing else.
 * Its TLV headers are read by `DerHeader` below rather than asn1js' block decoders: see
 * crl-decode.ts's header for why, and what it accepts (DER only).
 */

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const CONSTRUCTED = 0x20;

/**
 * One DER TLV header, read in place (no allocation): the identifier byte (`tag`: low tag numbers
 * only, as DER writes every tag an entry may hold) and a definite length, short form or minimal
 * long form. Refuses, in asn1js' words where its decoders refused the same: a missing or cut
 * header, an indefinite length, a non-minimal length, content past `limit`.
 */
class DerHeader {
  tag = 0;
  /** Offset of the first content byte. */
  start = 0;
  /** Offset just after the content. */
  end = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(at: number, limit: number, what: string): void {
    const b = this.bytes;
    if (at >= limit) throw new Error(`CRL truncated: ${what} missing`);
    this.tag = b[at]!;
    if ((this.tag & 0x1f) === 0x1f) throw new Error(`CRL ${what}: unexpected tag`);
    if (at + 1 >= limit) throw new Error(`CRL ${what}: Zero buffer length`);
    let length = b[at + 1]!;
    let start = at + 2;
    if (length >= 0x80) {
      const count = length & 0x7f;
      if (count === 0) throw new Error(`CRL ${what}: indefinite length (not DER)`);
      if (count === 0x7f) throw new Error(`CRL ${what}: Length block 0xFF is reserved by standard`);
      if (count > 8) throw new Error(`CRL ${what}: Too big integer`);
      if (start + count > limit)
        throw new Error(`CRL ${what}: End of input reached before message was fully decoded`);
      if (b[start] === 0) throw new Error(`CRL ${what}: Needlessly long encoded length (not DER)`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + b[start + i]!;
      if (length > Number.MAX_SAFE_INTEGER) throw new Error(`CRL ${what}: Too big integer`);
      if (length < 0x80)
        throw new Error(`CRL ${what}: Unnecessary usage of long length form (not DER)`);
      start += count;
    }
    const end = start + length;
    if (end > limit) throw new Error(`CRL truncated in ${what}`);
    this.start = start;
    this.end = end;
  }

  /** Like `read`, also checking the identifier byte (a primitive type's, or SEQUENCE's). */
  expect(at: number, limit: number, tag: number, what: string): void {
    this.read(at, limit, what);
    if (this.tag !== tag) refuseTag(this.tag, tag, what);
  }
}

/** Refuses an unexpected identifier byte, naming a primitive type encoded as constructed. */
function refuseTag(tag: number, expected: number, what: string): never {
  if (expected !== SEQUENCE && tag === (expected | CONSTRUCTED))
    throw new Error(`CRL ${what}: Constructed encoding used for primitive type`);
  throw new Error(`CRL ${what}: unexpected tag`);
}

function refuseTime(tag: number): never {
  if (tag === (UTC_TIME | CONSTRUCTED) || tag === (GENERALIZED_TIME | CONSTRUCTED))
    throw new Error('CRL revocationDate: Constructed encoding used for primitive type');
  throw new Error('CRL revocationDate: not a time');
}

/** The serial number as `normalizeSerial` writes it (only for messages and rare entries). */
function serialText(bytes: Uint8Array, start: number, end: number): string {
  let first = start;
  while (first < end - 1 && bytes[first] === 0) first++;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + first, end - first).toString('hex');
  return text.charCodeAt(0) === 0x30 ? text.slice(1) : text; // "0f" → "f"
}

/**
 * The revoked serial numbers of `crl` (normalised hex, as `normalizeSerial`), with
 * `onExtensions` called with the extensions of the entries that have some (decoded by asn1js),
 * which may throw to refuse the CRL.
 */
export function indexEntries(
  crl: DecodedCrl,
  onExtensions: (extensions: DecodedExtension[], serial: string) => void,
): SerialTable {
  const { bytes } = crl;
  const h = new DerHeader(bytes);
  const table = new SerialTableBuilder(bytes);
  const { end } = crl.entries;
  let at = crl.entries.start;
  while (at < end) {
    h.expect(at, end, SEQUENCE, 'revoked entry');
    const entryEnd = h.end;
    h.expect(h.start, entryEnd, INTEGER, 'userCertificate');
    if (h.end === h.start) throw new Error('CRL userCertificate: empty INTEGER');
    const serialStart = h.start;
    const serialEnd = h.end;
    h.read(serialEnd, entryEnd, 'revocationDate');
    if (h.tag !== UTC_TIME && h.tag !== GENERALIZED_TIME) refuseTime(h.tag);
    table.add(serialStart, serialEnd);
    if (h.end !== entryEnd) {
      if (crl.version !== 2) throw new Error('CRL v1 entry with extensions');
      const extAt = h.end;
      h.expect(extAt, entryEnd, SEQUENCE, 'crlEntryExtensions');
      if (h.end !== entryEnd) throw new Error('CRL revoked entry: unexpected element');
      const extensions = decodeElement(bytes, extAt, h.end, 'crlEntryExtensions');
      onExtensions(
        decodeExtensions(extensions, 'crlEntryExtensions'),
        serialText(bytes, serialStart, serialEnd),
      );
    }
    at = entryEnd;
  }
  return table.finish();
}
