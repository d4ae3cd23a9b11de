// Int32 table and int32 arithmetic keep V8 on its small-integer fast path (a Uint32 table makes
// every step a heap number and costs ~20× more).
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c | 0;
}

/** Incremental CRC-32 (ZIP, IEEE 802.3): `crc32(b, crc32(a))` equals `crc32(a ++ b)`. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous | 0;
  for (let i = 0, n = bytes.length; i < n; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
