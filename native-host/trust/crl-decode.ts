import * as asn1js from 'asn1js';

/**
 * Decodes a DER X.509 CRL (RFC 5280 §5.1) with asn1js, without building an asn1js object tree for
 * the revoked entries. asn1js' `fromBER` costs several microseconds and a dozen objects per node:
 * ~4 s for the ~300 000 nodes of a 100 000-entry CRL. So:
 * - the envelope and every tbsCertList field but the entry list are decoded by `asn1js.fromBER`
 *   (version, algorithms, issuer Name, times, CRL extensions), their headers located with
 *   asn1js' own identification and length block decoders (`TlvReader`);
 * - the entry list is only located here and walked by crl-entries.ts, which reads each entry's
 *   three TLV headers (SEQUENCE, INTEGER, Time) with a 30-line DER header reader of its own
 *   (`DerHeader`) and hashes the serial's content bytes straight into the serial table
 *   (crl-serial-table.ts); an entry's extensions, when it has some, are decoded by `asn1js.fromBER`.
 * Why a header reader of our own in that one loop: it runs 300 000 times for a 100 000-entry
 * CRL, and asn1js 4's block decoders checked and converted their buffer argument on each call
 * (`@peculiar/utils`' `isArrayBuffer`/`tagOf`, `Object.prototype.toString`, twice per header):
 * ~42% of a cold load's CPU, the entry walk 134 ms of 173 (docs/trust.md). Reading a tag byte
 * and a definite length is small enough to own and test (test/unit/native-host/trust/
 * crl-entries.test.ts); what the structure means stays asn1js' (and pkijs') everywhere else.
 * DER only: indefinite lengths, non-minimal lengths, truncation, trailing bytes and out-of-order
 * fields are refused. Throws `Error` with a message saying what is wrong; crl-store.ts turns it
 * into "unavailable".
 */

export interface DecodedExtension {
  oid: string;
  critical: boolean;
  /** The extnValue's content (DER of the extension's value). */
  value: Uint8Array;
}

export interface DecodedCrl {
  /** DER of tbsCertList: the signed bytes. */
  tbs: Uint8Array;
  /** DER of the outer signatureAlgorithm (equal to tbsCertList's signature field). */
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  version: 1 | 2;
  /** DER of the issuer Name. */
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | null;
  extensions: DecodedExtension[];
  /** Where revokedCertificates' content lies in `bytes` (empty when there is none). */
  entries: { start: number; end: number };
  /** The CRL's bytes (a copy of the input, offsets above are into it). */
  bytes: Uint8Array;
}

/** Largest CRL accepted (the HTTP fetcher's limit too). */
export const MAX_CRL_BYTES = 64 * 1024 * 1024;
const UNIVERSAL = 1;
const CONTEXT = 3;
const TAG = {
  integer: 2,
  bitString: 3,
  octetString: 4,
  oid: 6,
  sequence: 16,
  utc: 23,
  gen: 24,
};

interface Tlv {
  tagClass: number;
  tagNumber: number;
  constructed: boolean;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just after the content. */
  end: number;
}

/** Reads TLV headers with asn1js' identification and length block decoders. */
class TlvReader {
  private readonly block = new asn1js.BaseBlock();
  readonly buffer: ArrayBuffer;

  constructor(readonly bytes: Uint8Array) {
    this.buffer = bytes.buffer as ArrayBuffer; // asn1js checks an ArrayBuffer faster than a view
    if (bytes.byteOffset !== 0 || bytes.byteLength !== this.buffer.byteLength)
      throw new Error('TlvReader needs a view of a whole ArrayBuffer');
  }

  /** The TLV at `offset`, which must end by `limit`. */
  read(offset: number, limit: number, what: string): Tlv {
    const { idBlock, lenBlock } = this.block;
    if (offset >= limit) throw new Error(`CRL truncated: ${what} missing`);
    const afterId = idBlock.fromBER(this.buffer, offset, limit - offset);
    if (afterId === -1) throw new Error(`CRL ${what}: ${idBlock.error}`);
    const start = lenBlock.fromBER(this.buffer, afterId, limit - afterId);
    if (start === -1) throw new Error(`CRL ${what}: ${lenBlock.error}`);
    if (lenBlock.isIndefiniteForm) throw new Error(`CRL ${what}: indefinite length (not DER)`);
    if (lenBlock.warnings.length) throw new Error(`CRL ${what}: ${lenBlock.warnings[0]} (not DER)`);
    const end = start + lenBlock.length;
    if (end > limit) throw new Error(`CRL truncated in ${what}`);
    return {
      tagClass: idBlock.tagClass,
      tagNumber: idBlock.tagNumber,
      constructed: idBlock.isConstructed,
      start,
      end,
    };
  }

  /** Like `read`, also checking the tag is a universal one. */
  expect(offset: number, limit: number, tagNumber: number, what: string): Tlv {
    const tlv = this.read(offset, limit, what);
    if (tlv.tagClass !== UNIVERSAL || tlv.tagNumber !== tagNumber)
      throw new Error(`CRL ${what}: unexpected tag`);
    return tlv;
  }

  /** The whole element (header included) from `offset` to `tlv.end`. */
  element(offset: number, tlv: Tlv): Uint8Array {
    return this.bytes.subarray(offset, tlv.end);
  }

  /** Decodes one element fully with asn1js. */
  decode(offset: number, tlv: Tlv, what: string): asn1js.AsnType {
    return decodeElement(this.bytes, offset, tlv.end, what);
  }
}

/** Decodes the one element `bytes[start..end)` (header included) fully with asn1js. */
export function decodeElement(
  bytes: Uint8Array,
  start: number,
  end: number,
  what: string,
): asn1js.AsnType {
  const view = bytes.subarray(start, end);
  const { offset, result } = asn1js.fromBER(view, {
    maxContentLength: view.length,
    parseEmbedded: false,
    copyInput: false,
  });
  if (offset !== view.length || result.error)
    throw new Error(`CRL ${what}: ${result.error || 'bad DER'}`);
  return result;
}

function isTime(tlv: Tlv): boolean {
  return tlv.tagClass === UNIVERSAL && (tlv.tagNumber === TAG.utc || tlv.tagNumber === TAG.gen);
}

function time(reader: TlvReader, offset: number, tlv: Tlv, what: string): Date {
  const value = reader.decode(offset, tlv, what);
  if (!(value instanceof asn1js.UTCTime)) throw new Error(`CRL ${what}: not a time`); // GeneralizedTime extends UTCTime
  const date = value.toDate();
  if (Number.isNaN(date.getTime())) throw new Error(`CRL ${what}: invalid time`);
  return date;
}

/**
 * Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, decoded by asn1js. An empty SEQUENCE is
 * taken as no extensions (@peculiar/x509's CRL generator writes one in each entry).
 */
export function decodeExtensions(value: asn1js.AsnType, what: string): DecodedExtension[] {
  if (!(value instanceof asn1js.Sequence))
    throw new Error(`CRL ${what}: not a SEQUENCE OF Extension`);
  const seen = new Set<string>();
  return value.valueBlock.value.map((ext) => {
    const parts = ext instanceof asn1js.Sequence ? ext.valueBlock.value : [];
    const [oid, second, third] = parts;
    const critical = parts.length === 3 ? second : undefined;
    const octets = parts.length === 3 ? third : second;
    if (
      !(oid instanceof asn1js.ObjectIdentifier) ||
      (parts.length === 3 && !(critical instanceof asn1js.Boolean)) ||
      !(octets instanceof asn1js.OctetString) ||
      parts.length < 2 ||
      parts.length > 3
    )
      throw new Error(`CRL ${what}: malformed Extension`);
    const id = oid.valueBlock.toString();
    if (seen.has(id)) throw new Error(`CRL ${what}: extension ${id} twice`);
    seen.add(id);
    return {
      oid: id,
      critical: critical instanceof asn1js.Boolean && critical.valueBlock.value,
      value: octets.valueBlock.valueHexView,
    };
  });
}

/** The CRL's structure; the entry list is only located (walked by crl-entries.ts). */
export function decodeCrl(der: Uint8Array): DecodedCrl {
  if (der.length > MAX_CRL_BYTES) throw new Error(`CRL larger than ${MAX_CRL_BYTES} bytes`);
  const bytes = new Uint8Array(der); // own ArrayBuffer: offsets below are into it
  const r = new TlvReader(bytes);
  const outer = r.expect(0, bytes.length, TAG.sequence, 'CertificateList');
  if (outer.end !== bytes.length) throw new Error('CRL followed by trailing bytes');
  const tbsTlv = r.expect(outer.start, outer.end, TAG.sequence, 'tbsCertList');
  const algTlv = r.expect(tbsTlv.end, outer.end, TAG.sequence, 'signatureAlgorithm');
  const sigTlv = r.expect(algTlv.end, outer.end, TAG.bitString, 'signatureValue');
  if (sigTlv.end !== outer.end) throw new Error('CRL CertificateList: unexpected element');
  const sigValue = r.decode(algTlv.end, sigTlv, 'signatureValue');
  if (!(sigValue instanceof asn1js.BitString) || sigValue.valueBlock.unusedBits !== 0)
    throw new Error('CRL signatureValue: not a whole number of bytes');
  r.decode(tbsTlv.end, algTlv, 'signatureAlgorithm'); // well-formed
  const signatureAlgorithm = r.element(tbsTlv.end, algTlv);

  // tbsCertList fields, in order.
  const end = tbsTlv.end;
  let at = tbsTlv.start;
  let field = r.read(at, end, 'tbsCertList');
  let version: 1 | 2 = 1;
  if (field.tagClass === UNIVERSAL && field.tagNumber === TAG.integer) {
    const v = r.decode(at, field, 'version') as asn1js.Integer;
    if (v.valueBlock.valueHexView.length !== 1 || v.valueBlock.valueDec !== 1)
      throw new Error(`CRL version ${v.valueBlock.valueDec + 1} is not 2`);
    version = 2;
    at = field.end;
    field = r.read(at, end, 'signature');
  }
  if (field.tagClass !== UNIVERSAL || field.tagNumber !== TAG.sequence)
    throw new Error('CRL signature: unexpected tag');
  if (!Buffer.from(r.element(at, field)).equals(signatureAlgorithm))
    throw new Error('CRL signature algorithm differs inside and outside tbsCertList');
  at = field.end;
  const issuerTlv = r.expect(at, end, TAG.sequence, 'issuer');
  r.decode(at, issuerTlv, 'issuer'); // well-formed
  const issuer = r.element(at, issuerTlv);
  at = issuerTlv.end;
  field = r.read(at, end, 'thisUpdate');
  if (!isTime(field)) throw new Error('CRL thisUpdate: not a time');
  const thisUpdate = time(r, at, field, 'thisUpdate');
  at = field.end;
  let nextUpdate: Date | null = null;
  let entries = { start: at, end: at };
  const extensions: DecodedExtension[] = [];
  let step = 0; // 0: nextUpdate, 1: revokedCertificates, 2: crlExtensions, 3: nothing more
  while (at < end) {
    field = r.read(at, end, 'tbsCertList');
    if (step <= 0 && isTime(field)) {
      nextUpdate = time(r, at, field, 'nextUpdate');
      step = 1;
    } else if (step <= 1 && field.tagClass === UNIVERSAL && field.tagNumber === TAG.sequence) {
      entries = { start: field.start, end: field.end };
      step = 2;
    } else if (step <= 2 && field.tagClass === CONTEXT && field.tagNumber === 0) {
      if (version !== 2) throw new Error('CRL v1 with extensions');
      const inner = r.expect(field.start, field.end, TAG.sequence, 'crlExtensions');
      if (inner.end !== field.end) throw new Error('CRL crlExtensions: unexpected element');
      extensions.push(
        ...decodeExtensions(r.decode(field.start, inner, 'crlExtensions'), 'crlExtensions'),
      );
      step = 3;
    } else throw new Error('CRL tbsCertList: unexpected element');
    at = field.end;
  }
  return {
    tbs: r.element(outer.start, tbsTlv),
    signatureAlgorithm,
    signature: sigValue.valueBlock.valueHexView.subarray(0),
    version,
    issuer,
    thisUpdate,
    nextUpdate,
    extensions,
    entries,
    bytes,
  };
}
