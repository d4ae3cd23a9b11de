/**
 * UTF-8 without TextDecoder/TextEncoder: the core is compiled with no DOM and no Node types.
 * Invalid sequences become U+FFFD (like `new TextDecoder('utf-8')`), so a caller that needs
 * strictness checks `decoder.sawInvalid`.
 */
export class Utf8StreamDecoder {
  private pending: number[] = [];
  /** True once an invalid or overlong sequence was replaced by U+FFFD. */
  sawInvalid = false;

  /** Decodes a chunk; a sequence cut at the chunk's end is kept for the next call. */
  write(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.pending.length > 0) {
      const joined = new Uint8Array(this.pending.length + chunk.length);
      joined.set(this.pending, 0);
      joined.set(chunk, this.pending.length);
      bytes = joined;
      this.pending = [];
    }
    const out: string[] = [];
    let codes: number[] = [];
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      const b0 = bytes[i]!;
      if (b0 < 0x80) {
        codes.push(b0);
        i += 1;
      } else {
        const need =
          b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? (b0 <= 0xef ? 3 : 0) : b0 >= 0xc2 ? 2 : 0;
        if (need === 0) {
          codes.push(0xfffd);
          this.sawInvalid = true;
          i += 1;
        } else if (i + need > n && this.prefixValid(bytes, i, n)) {
          for (let k = i; k < n; k++) this.pending.push(bytes[k]!);
          i = n;
        } else {
          const cp = decodeOne(bytes, i, need);
          if (cp < 0) {
            codes.push(0xfffd);
            this.sawInvalid = true;
            i += 1;
          } else {
            if (cp > 0xffff) {
              const v = cp - 0x10000;
              codes.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
            } else codes.push(cp);
            i += need;
          }
        }
      }
      if (codes.length >= 8192) {
        out.push(String.fromCharCode(...codes));
        codes = [];
      }
    }
    if (codes.length > 0) out.push(String.fromCharCode(...codes));
    return out.join('');
  }

  /** Flushes a sequence left incomplete at the end of the input. */
  end(): string {
    if (this.pending.length === 0) return '';
    this.pending = [];
    this.sawInvalid = true;
    return '\ufffd';
  }

  private prefixValid(bytes: Uint8Array, start: number, end: number): boolean {
    for (let k = start + 1; k < end; k++) if ((bytes[k]! & 0xc0) !== 0x80) return false;
    return true;
  }
}

function decodeOne(bytes: Uint8Array, i: number, need: number): number {
  const b0 = bytes[i]!;
  let cp = need === 2 ? b0 & 0x1f : need === 3 ? b0 & 0x0f : b0 & 0x07;
  for (let k = 1; k < need; k++) {
    const b = bytes[i + k]!;
    if ((b & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = need === 2 ? 0x80 : need === 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}

/** Decodes a whole buffer. */
export function decodeUtf8(bytes: Uint8Array): string {
  const d = new Utf8StreamDecoder();
  return d.write(bytes) + d.end();
}

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD). */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000)
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 0x3f),
        0x80 | ((cp >> 6) & 0x3f),
        0x80 | (cp & 0x3f),
      );
  }
  return Uint8Array.from(out);
}

/** ISO-8859-1: each byte is the code point of the same value. */
export function decodeLatin1(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    parts.push(String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192))));
  }
  return parts.join('');
}
