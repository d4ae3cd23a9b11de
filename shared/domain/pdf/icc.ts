/**
 * A minimal ICC version 2 RGB display profile (sRGB primaries and tone curve), built in code
 * for the PDF/A-1 OutputIntent: no profile file ships with the add-on or is downloaded.
 *
 * Layout per ICC.1:2001-04 (ICC profile format, version 2.4):
 * - §6.1 profile header, 128 bytes (size, version 2.1.0, class `mntr`, colour space `RGB `,
 *   PCS `XYZ `, `acsp` signature, D50 PCS illuminant);
 * - §6.2 tag table (count, then signature/offset/size triples; data 4-byte aligned);
 * - §6.3.1.2 / §6.3.4.2 three-component matrix-based display profile: required tags
 *   `desc`, `wtpt`, `cprt`, `rXYZ`/`gXYZ`/`bXYZ` (colorants, D50-adapted) and
 *   `rTRC`/`gTRC`/`bTRC` (tone curves);
 * - tag types §6.5.5 curveType (`curv`, table of uint16), §6.5.17 textDescriptionType (`desc`),
 *   §6.5.18 textType (`text`), §6.5.26 XYZType (`XYZ `); numbers are s15Fixed16Number (§5.3.7).
 * Colorant and white point values are those of the sRGB IEC 61966-2.1 profile (IEC 61966-2-1
 * primaries adapted to D50 with the Bradford transform).
 */

const sig = (s: string) => [...s].map((c) => c.charCodeAt(0));

class Writer {
  readonly bytes: number[] = [];
  u8(v: number) {
    this.bytes.push(v & 0xff);
  }
  u16(v: number) {
    this.u8(v >>> 8);
    this.u8(v);
  }
  u32(v: number) {
    this.u16(v >>> 16);
    this.u16(v & 0xffff);
  }
  s15f16(v: number) {
    this.u32(Math.round(v * 65536) >>> 0);
  }
  sig(s: string) {
    for (const b of sig(s)) this.u8(b);
  }
  ascii(s: string) {
    for (const c of s) this.u8(c.charCodeAt(0));
  }
  pad4() {
    while (this.bytes.length % 4 !== 0) this.u8(0);
  }
}

function xyzTag(x: number, y: number, z: number): number[] {
  const w = new Writer();
  w.sig('XYZ ');
  w.u32(0);
  w.s15f16(x);
  w.s15f16(y);
  w.s15f16(z);
  return w.bytes;
}

function textTag(text: string): number[] {
  const w = new Writer();
  w.sig('text');
  w.u32(0);
  w.ascii(text);
  w.u8(0);
  return w.bytes;
}

function descTag(text: string): number[] {
  const w = new Writer();
  w.sig('desc');
  w.u32(0);
  w.u32(text.length + 1); // ASCII count, NUL included
  w.ascii(text);
  w.u8(0);
  w.u32(0); // Unicode language code
  w.u32(0); // Unicode count
  w.u16(0); // ScriptCode code
  w.u8(0); // ScriptCode count
  for (let i = 0; i < 67; i++) w.u8(0); // ScriptCode description (67 bytes)
  return w.bytes;
}

/** The sRGB transfer function sampled at 1024 points (curveType table, §6.5.5). */
function srgbCurveTag(): number[] {
  const w = new Writer();
  w.sig('curv');
  w.u32(0);
  const n = 1024;
  w.u32(n);
  for (let i = 0; i < n; i++) {
    const v = i / (n - 1);
    const linear = v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    w.u16(Math.round(linear * 65535));
  }
  return w.bytes;
}

let cached: Uint8Array | undefined;

/** The profile's bytes (same bytes on every call). */
export function srgbIccProfile(): Uint8Array {
  if (cached) return cached.slice();
  const curve = srgbCurveTag();
  const tags: [string, number[]][] = [
    ['desc', descTag('sRGB IEC61966-2.1 (open MSSante)')],
    ['cprt', textTag('No copyright, use freely')],
    ['wtpt', xyzTag(0.9505, 1.0, 1.089)],
    ['rXYZ', xyzTag(0.4361, 0.2225, 0.0139)],
    ['gXYZ', xyzTag(0.3851, 0.7169, 0.0971)],
    ['bXYZ', xyzTag(0.1431, 0.0606, 0.7141)],
    ['rTRC', curve],
    ['gTRC', curve],
    ['bTRC', curve],
  ];
  const tableSize = 4 + 12 * tags.length;
  const offsets: number[] = [];
  let at = 128 + tableSize;
  const data = new Writer();
  const shared = new Map<number[], number>();
  for (const [, bytes] of tags) {
    const known = shared.get(bytes);
    if (known !== undefined) {
      offsets.push(known);
      continue;
    }
    offsets.push(at);
    shared.set(bytes, at);
    for (const b of bytes) data.u8(b);
    data.pad4();
    at = 128 + tableSize + data.bytes.length;
  }
  const size = 128 + tableSize + data.bytes.length;

  const w = new Writer();
  w.u32(size); // §6.1.1 profile size
  w.u32(0); // CMM type
  w.u32(0x02100000); // §6.1.3 version 2.1.0
  w.sig('mntr'); // §6.1.4 display device profile
  w.sig('RGB '); // §6.1.5 data colour space
  w.sig('XYZ '); // §6.1.6 PCS
  for (const v of [2024, 1, 1, 0, 0, 0]) w.u16(v); // §6.1.7 creation date
  w.sig('acsp'); // §6.1.8 profile file signature
  w.u32(0); // primary platform
  w.u32(0); // flags
  w.u32(0); // device manufacturer
  w.u32(0); // device model
  w.u32(0); // device attributes (8 bytes)
  w.u32(0);
  w.u32(0); // rendering intent: perceptual
  w.s15f16(0.9642); // §6.1.13 PCS illuminant D50
  w.s15f16(1.0);
  w.s15f16(0.8249);
  w.u32(0); // profile creator
  while (w.bytes.length < 128) w.u8(0); // reserved
  w.u32(tags.length);
  tags.forEach(([name, bytes], i) => {
    w.sig(name);
    w.u32(offsets[i]!);
    w.u32(bytes.length);
  });
  for (const b of data.bytes) w.u8(b);
  cached = Uint8Array.from(w.bytes);
  return cached.slice();
}
