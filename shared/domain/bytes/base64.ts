const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Base64 decoder fed with text pieces (a CDA `nonXMLBody/text` arrives in chunks).
 * Whitespace is skipped; any other foreign character, or data after padding, makes `write`
 * return `false` so the caller can refuse the document with its own error code.
 */
export class Base64StreamDecoder {
  private acc = 0;
  private bits = 0;
  private padded = false;
  /** Number of bytes produced so far. */
  produced = 0;

  write(text: string): Uint8Array | false {
    const out = new Uint8Array(Math.ceil((text.length * 3) / 4) + 3);
    let o = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (c === 0x3d /* = */) {
        this.padded = true;
        continue;
      }
      const v = c < 128 ? VALUES[c]! : -1;
      if (v < 0 || this.padded) return false;
      this.acc = ((this.acc << 6) | v) & 0xffffff;
      this.bits += 6;
      if (this.bits >= 8) {
        this.bits -= 8;
        out[o++] = (this.acc >> this.bits) & 0xff;
      }
    }
    this.produced += o;
    return out.subarray(0, o);
  }

  /** True when the input ended on a whole number of bytes (leftover bits only from padding). */
  end(): boolean {
    return this.bits < 6;
  }
}

/** Decodes a whole base64 string; returns `false` when it is not base64. */
export function decodeBase64(text: string): Uint8Array | false {
  const d = new Base64StreamDecoder();
  const out = d.write(text);
  return out !== false && d.end() ? out : false;
}
