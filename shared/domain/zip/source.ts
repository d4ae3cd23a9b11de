/**
 * Random access to an archive's bytes. The core never opens files: the host passes a source
 * backed by a file handle, the extension one backed by an attachment's bytes.
 */
export interface ZipSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Returns exactly `length` bytes from `offset` (the caller keeps within `size`). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A source over bytes already in memory (an attachment, a test fixture). */
export function bytesSource(bytes: Uint8Array): ZipSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}
