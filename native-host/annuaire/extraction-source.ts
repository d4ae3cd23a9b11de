import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type ZipArchive, type ZipEntry, openZip } from '../../shared/domain/zip/archive';
import { readEntry } from '../../shared/domain/zip/entry-stream';
import type { ZipLimits } from '../../shared/domain/zip/limits';
import type { ZipSource } from '../../shared/domain/zip/source';

/**
 * Limits for the ZIP the ANS publishes around the extraction file: one text file of a few hundred
 * MB (about 400 bytes a row), text compressing ~10×. The ratio check and the streamed size count of
 * the shared reader stay on, so a bomb is refused before or while inflating, never held in memory.
 */
export const EXTRACTION_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 16,
  maxEntrySize: 2 * 1024 * 1024 * 1024,
  maxTotalSize: 2 * 1024 * 1024 * 1024,
  maxRatio: 100,
  ratioFloor: 1024 * 1024,
  maxCentralDirectorySize: 64 * 1024,
});

const EXTRACTION_NAME = /(^|\/)Extraction_Correspondance_MSSante[^/]*\.txt$/i;
const READ_CHUNK = 1024 * 1024;

/** The bytes of one extraction file, streamed, with the total for progress. */
export interface ExtractionSource {
  /** The text file's name (inside the ZIP when it came from one). */
  readonly name: string;
  /** Uncompressed bytes the stream will yield. */
  readonly totalBytes: number;
  chunks(): AsyncIterable<Uint8Array>;
  close(): void;
}

/** A ZIP source over a file descriptor (the reader asks for the bytes it needs). */
function fileZipSource(fd: number, size: number): ZipSource {
  return {
    size,
    read(offset, length) {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buffer, done, length - done, offset + done);
        if (n === 0) return Promise.reject(new MssanteError('E_ZIP_TRUNCATED'));
        done += n;
      }
      return Promise.resolve(buffer);
    },
  };
}

/**
 * The extraction file inside a ZIP: the one entry named `Extraction_Correspondance_MSSante*.txt`
 * (when several, the last by name, the date in the name making it the newest). Hostile archives
 * are refused by the shared reader with their own codes (E_ZIP_BOMB, E_ZIP_PATH_TRAVERSAL…).
 */
export function pickExtractionEntry(archive: ZipArchive): ZipEntry {
  const candidates = archive.entries
    .filter((e) => !e.isDirectory && EXTRACTION_NAME.test(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entry = candidates[candidates.length - 1];
  if (!entry) throw new MssanteError('E_ANNUAIRE_EXTRACTION_NOT_FOUND');
  return entry;
}

/**
 * Opens `file`: a ZIP (recognised by its signature, whatever its name) or the text file itself.
 * Nothing is read beyond the ZIP's central directory until `chunks()` is iterated.
 */
export async function openExtraction(file: string): Promise<ExtractionSource> {
  let fd: number | undefined;
  let size: number;
  const head = new Uint8Array(4);
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    size = stat.size;
    readSync(fd, head, 0, 4, 0);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw new MssanteError('E_FILE_UNREADABLE', { detail: path.basename(file), cause: error });
  }
  const descriptor = fd;
  const isZip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  if (!isZip) {
    closeSync(descriptor);
    return {
      name: path.basename(file),
      totalBytes: size,
      chunks: () => createReadStream(file, { highWaterMark: READ_CHUNK }),
      close: () => undefined,
    };
  }
  try {
    const archive = await openZip(fileZipSource(descriptor, size), EXTRACTION_ZIP_LIMITS);
    const entry = pickExtractionEntry(archive);
    return {
      name: entry.name.slice(entry.name.lastIndexOf('/') + 1),
      totalBytes: entry.uncompressedSize,
      chunks: () => readEntry(archive, entry),
      close: () => closeSync(descriptor),
    };
  } catch (error) {
    closeSync(descriptor);
    throw error;
  }
}
