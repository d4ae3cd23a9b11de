import { Inflate } from 'fflate';
import { MssanteError } from '../../errors/mssante-error';
import { crc32 } from '../bytes/crc32';
import { type ZipArchive, type ZipEntry, entryDataOffset } from './archive';

/**
 * Compressed bytes read from the source at a time: 2 KiB first (a deflated CDA header is a few KiB), then
 * doubling up to 256 KiB, so reading only a header costs little and reading a PDF few calls.
 */
const FIRST_READ = 2 * 1024;
const MAX_READ = 256 * 1024;
/**
 * Compressed bytes given to the inflater at a time. Deflate expands at most ~1032×, so one push
 * yields at most ~8 MiB even for a block of zeros: memory stays bounded whatever the archive.
 */
const INFLATE_CHUNK = 8 * 1024;

/**
 * Streams an entry's uncompressed bytes. Output is counted as it comes: more bytes than the
 * central directory declared is a lie meant to defeat the size checks (E_ZIP_BOMB), fewer is
 * damage (E_ZIP_CORRUPT). The CRC is checked when the entry is read to its end; a consumer
 * that stops early (a CDA header) simply breaks out of the loop.
 */
export async function* readEntry(
  archive: ZipArchive,
  entry: ZipEntry,
  options: {
    /** False for a reader that stops early (a CDA header): the CRC could never be checked. */ crc?: boolean;
  } = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const checkCrc = options.crc ?? true;
  const start = await entryDataOffset(archive, entry);
  const declared = entry.uncompressedSize;
  let produced = 0;
  let crc = 0;
  const account = (chunk: Uint8Array) => {
    produced += chunk.length;
    if (produced > declared) {
      throw new MssanteError('E_ZIP_BOMB', {
        detail: `${entry.name} inflates beyond its declared ${declared} bytes`,
      });
    }
    if (checkCrc) crc = crc32(chunk, crc);
  };

  if (entry.method === 0) {
    for (
      let at = 0, size = FIRST_READ;
      at < entry.compressedSize;
      at += size, size = Math.min(size * 2, MAX_READ)
    ) {
      const chunk = await archive.source.read(
        start + at,
        Math.min(size, entry.compressedSize - at),
      );
      account(chunk);
      yield chunk;
    }
  } else {
    let pending: Uint8Array[] = [];
    let finished = false;
    const inflater = new Inflate((data, final) => {
      if (data.length > 0) {
        account(data);
        pending.push(data);
      }
      if (final) finished = true;
    });
    const push = (chunk: Uint8Array, final: boolean) => {
      try {
        inflater.push(chunk, final);
      } catch (error) {
        if (error instanceof MssanteError) throw error;
        throw new MssanteError('E_ZIP_CORRUPT', {
          detail: `${entry.name}: invalid deflate data`,
          cause: error,
        });
      }
    };
    if (entry.compressedSize === 0)
      throw new MssanteError('E_ZIP_CORRUPT', { detail: `${entry.name}: empty deflate data` });
    for (
      let at = 0, size = FIRST_READ;
      at < entry.compressedSize;
      at += size, size = Math.min(size * 2, MAX_READ)
    ) {
      const chunk = await archive.source.read(
        start + at,
        Math.min(size, entry.compressedSize - at),
      );
      for (let k = 0; k < chunk.length; k += INFLATE_CHUNK) {
        const piece = chunk.subarray(k, Math.min(chunk.length, k + INFLATE_CHUNK));
        push(piece, at + k + piece.length >= entry.compressedSize);
        const out = pending;
        pending = [];
        for (const data of out) yield data;
      }
    }
    if (!finished)
      throw new MssanteError('E_ZIP_CORRUPT', {
        detail: `${entry.name}: deflate stream incomplete`,
      });
  }
  if (produced !== declared) {
    throw new MssanteError('E_ZIP_CORRUPT', {
      detail: `${entry.name}: ${produced} bytes instead of ${declared}`,
    });
  }
  if (checkCrc && crc !== entry.crc32)
    throw new MssanteError('E_ZIP_CORRUPT', { detail: `${entry.name}: CRC mismatch` });
}

/** Reads a whole entry, refusing one larger than `maxBytes` before inflating anything. */
export async function readEntryBytes(
  archive: ZipArchive,
  entry: ZipEntry,
  maxBytes: number,
): Promise<Uint8Array> {
  if (entry.uncompressedSize > maxBytes) {
    throw new MssanteError('E_ZIP_BOMB', {
      detail: `${entry.name} is larger than ${maxBytes} bytes`,
    });
  }
  const out = new Uint8Array(entry.uncompressedSize);
  let at = 0;
  for await (const chunk of readEntry(archive, entry)) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
