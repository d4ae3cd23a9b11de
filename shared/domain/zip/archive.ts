import { MssanteError } from '../../errors/mssante-error';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './limits';
import { checkEntryName, decodeEntryName, duplicateKey } from './names';
import type { ZipSource } from './source';

/** One entry of the central directory, checked against the limits. */
export interface ZipEntry {
  readonly name: string;
  readonly isDirectory: boolean;
  /** 0 stored, 8 deflated: the only methods accepted. */
  readonly method: 0 | 8;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

export interface ZipArchive {
  readonly source: ZipSource;
  readonly limits: Readonly<ZipLimits>;
  readonly entries: readonly ZipEntry[];
  /** Where the central directory starts: no entry data may reach past it. */
  readonly centralDirectoryOffset: number;
  /** Exact (case-sensitive) lookup. */
  get(name: string): ZipEntry | undefined;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  const value = u32(b, o) + u32(b, o + 4) * 0x100000000;
  if (!Number.isSafeInteger(value))
    throw new MssanteError('E_ZIP_UNSUPPORTED', { detail: 'ZIP64 size too large' });
  return value;
}

function startsLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && u32(head, 0) === SIG_LOCAL;
}

/**
 * Reads and checks the central directory: nothing is inflated here, so every refusal based on
 * declared sizes (too many entries, size, ratio, overlapping data) costs a few kilobytes of reading.
 */
export async function openZip(
  source: ZipSource,
  limits: Readonly<ZipLimits> = DEFAULT_ZIP_LIMITS,
): Promise<ZipArchive> {
  const head = await source.read(0, Math.min(4, source.size));
  if (source.size < EOCD_SIZE) {
    throw new MssanteError(startsLikeZip(head) ? 'E_ZIP_TRUNCATED' : 'E_XDM_NOT_ZIP');
  }
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (u32(tail, i) === SIG_EOCD && i + EOCD_SIZE + u16(tail, i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new MssanteError(startsLikeZip(head) ? 'E_ZIP_TRUNCATED' : 'E_XDM_NOT_ZIP', {
      detail: 'no end of central directory',
    });
  }
  const eocdOffset = tailStart + eocd;
  const diskNumber = u16(tail, eocd + 4);
  const cdDisk = u16(tail, eocd + 6);
  let count = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  if (diskNumber !== 0 || cdDisk !== 0 || u16(tail, eocd + 8) !== count) {
    throw new MssanteError('E_ZIP_UNSUPPORTED', { detail: 'multi-disk archive' });
  }
  let cdEnd = eocdOffset;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    ({ count, cdSize, cdOffset, cdEnd } = await readZip64End(source, eocdOffset));
  }
  if (count > limits.maxEntries) {
    throw new MssanteError('E_ZIP_TOO_MANY_ENTRIES', {
      detail: `${count} entries, limit ${limits.maxEntries}`,
    });
  }
  if (cdSize > limits.maxCentralDirectorySize) {
    throw new MssanteError('E_ZIP_TOO_MANY_ENTRIES', { detail: 'central directory too large' });
  }
  if (cdOffset + cdSize > cdEnd) {
    // Offsets pointing past the end usually mean the file was cut.
    throw new MssanteError(cdOffset + cdSize > source.size ? 'E_ZIP_TRUNCATED' : 'E_ZIP_CORRUPT', {
      detail: 'central directory out of bounds',
    });
  }
  const cd = await source.read(cdOffset, cdSize);
  const entries = parseCentralDirectory(cd, count, limits);
  checkLayout(entries, cdOffset);
  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    source,
    limits,
    entries,
    centralDirectoryOffset: cdOffset,
    get: (name) => byName.get(name),
  };
}

async function readZip64End(source: ZipSource, eocdOffset: number) {
  if (eocdOffset < 20) throw new MssanteError('E_ZIP_CORRUPT', { detail: 'ZIP64 locator missing' });
  const locator = await source.read(eocdOffset - 20, 20);
  if (u32(locator, 0) !== SIG_EOCD64_LOCATOR)
    throw new MssanteError('E_ZIP_CORRUPT', { detail: 'ZIP64 locator missing' });
  const at = u64(locator, 8);
  if (at + 56 > eocdOffset - 20)
    throw new MssanteError('E_ZIP_CORRUPT', { detail: 'ZIP64 record out of bounds' });
  const rec = await source.read(at, 56);
  if (u32(rec, 0) !== SIG_EOCD64)
    throw new MssanteError('E_ZIP_CORRUPT', { detail: 'ZIP64 record missing' });
  if (u32(rec, 16) !== 0 || u32(rec, 20) !== 0)
    throw new MssanteError('E_ZIP_UNSUPPORTED', { detail: 'multi-disk archive' });
  return { count: u64(rec, 32), cdSize: u64(rec, 40), cdOffset: u64(rec, 48), cdEnd: at };
}

function parseCentralDirectory(
  cd: Uint8Array,
  count: number,
  limits: Readonly<ZipLimits>,
): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let p = 0;
  for (let index = 0; index < count; index++) {
    if (p + 46 > cd.length || u32(cd, p) !== SIG_CENTRAL) {
      throw new MssanteError('E_ZIP_CORRUPT', {
        detail: `central directory entry ${index} unreadable`,
      });
    }
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    let compressedSize = u32(cd, p + 20);
    let uncompressedSize = u32(cd, p + 24);
    const nameLength = u16(cd, p + 28);
    const extraLength = u16(cd, p + 30);
    const commentLength = u16(cd, p + 32);
    let localHeaderOffset = u32(cd, p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length)
      throw new MssanteError('E_ZIP_CORRUPT', { detail: 'central directory entry overflows' });
    const name = decodeEntryName(cd.subarray(p + 46, p + 46 + nameLength), (flags & 0x0800) !== 0);
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    if (
      uncompressedSize === 0xffffffff ||
      compressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      const z = zip64Extra(
        extra,
        uncompressedSize === 0xffffffff,
        compressedSize === 0xffffffff,
        localHeaderOffset === 0xffffffff,
      );
      uncompressedSize = z.uncompressedSize ?? uncompressedSize;
      compressedSize = z.compressedSize ?? compressedSize;
      localHeaderOffset = z.localHeaderOffset ?? localHeaderOffset;
    }
    p = end;

    checkEntryName(name);
    if ((flags & 0x0001) !== 0 || method === 99)
      throw new MssanteError('E_ZIP_ENCRYPTED', { detail: name });
    if (method !== 0 && method !== 8)
      throw new MssanteError('E_ZIP_UNSUPPORTED', { detail: `method ${method}` });
    const key = duplicateKey(name);
    if (seen.has(key)) throw new MssanteError('E_ZIP_DUPLICATE_NAME', { detail: name });
    seen.add(key);
    if (uncompressedSize > limits.maxEntrySize) {
      throw new MssanteError('E_ZIP_BOMB', {
        detail: `entry of ${uncompressedSize} bytes, limit ${limits.maxEntrySize}`,
      });
    }
    if (
      uncompressedSize > limits.ratioFloor &&
      uncompressedSize > compressedSize * limits.maxRatio
    ) {
      throw new MssanteError('E_ZIP_BOMB', {
        detail: `compression ratio above ${limits.maxRatio}`,
      });
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw new MssanteError('E_ZIP_CORRUPT', { detail: 'stored entry with two sizes' });
    }
    total += uncompressedSize;
    if (total > limits.maxTotalSize) {
      throw new MssanteError('E_ZIP_BOMB', { detail: `total above ${limits.maxTotalSize} bytes` });
    }
    entries.push({
      name,
      isDirectory: name.endsWith('/'),
      method,
      crc32: crc,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
  }
  return entries;
}

function zip64Extra(extra: Uint8Array, wantU: boolean, wantC: boolean, wantO: boolean) {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = u16(extra, p);
    const size = u16(extra, p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const out: {
        uncompressedSize?: number;
        compressedSize?: number;
        localHeaderOffset?: number;
      } = {};
      const take = () => {
        if (q + 8 > p + 4 + size)
          throw new MssanteError('E_ZIP_CORRUPT', { detail: 'short ZIP64 extra field' });
        const v = u64(extra, q);
        q += 8;
        return v;
      };
      if (wantU) out.uncompressedSize = take();
      if (wantC) out.compressedSize = take();
      if (wantO) out.localHeaderOffset = take();
      return out;
    }
    p += 4 + size;
  }
  throw new MssanteError('E_ZIP_CORRUPT', { detail: 'ZIP64 extra field missing' });
}

/**
 * Entries must not share bytes (the "overlapping files" bomb reuses one deflate stream for
 * thousands of names) and must end before the central directory.
 */
function checkLayout(entries: readonly ZipEntry[], cdOffset: number): void {
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    const minimalEnd = e.localHeaderOffset + 30 + e.compressedSize;
    const next = sorted[i + 1];
    const limit = next ? next.localHeaderOffset : cdOffset;
    if (minimalEnd > limit) {
      throw new MssanteError(next ? 'E_ZIP_BOMB' : 'E_ZIP_CORRUPT', {
        detail: next ? 'overlapping entries' : 'entry data runs into the central directory',
      });
    }
  }
}

/** Reads the local header of an entry and returns where its data starts. */
export async function entryDataOffset(archive: ZipArchive, entry: ZipEntry): Promise<number> {
  const { source } = archive;
  if (entry.localHeaderOffset + 30 > source.size) throw new MssanteError('E_ZIP_TRUNCATED');
  const header = await source.read(entry.localHeaderOffset, 30);
  if (u32(header, 0) !== SIG_LOCAL)
    throw new MssanteError('E_ZIP_CORRUPT', { detail: `no local header for ${entry.name}` });
  if ((u16(header, 6) & 0x0001) !== 0)
    throw new MssanteError('E_ZIP_ENCRYPTED', { detail: entry.name });
  const nameLength = u16(header, 26);
  const start = entry.localHeaderOffset + 30 + nameLength + u16(header, 28);
  const rawName = await source.read(
    entry.localHeaderOffset + 30,
    Math.min(nameLength, source.size - entry.localHeaderOffset - 30),
  );
  if (
    rawName.length !== nameLength ||
    decodeEntryName(rawName, (u16(header, 6) & 0x0800) !== 0) !== entry.name
  ) {
    throw new MssanteError('E_ZIP_CORRUPT', {
      detail: `local and central names differ for ${entry.name}`,
    });
  }
  if (start + entry.compressedSize > archive.centralDirectoryOffset) {
    throw new MssanteError('E_ZIP_CORRUPT', { detail: `data of ${entry.name} out of bounds` });
  }
  return start;
}
