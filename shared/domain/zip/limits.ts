/**
 * Safety limits of the ZIP reader; docs/domain.md explains each figure. An IHE_XDM archive of
 * 20 documents holds about 25 entries; one CDA level 1 document carries a base64 PDF, so
 * 128 MiB per entry leaves room for a ~90 MiB PDF while refusing a 300 MB bomb outright.
 */
export interface ZipLimits {
  /** Most entries (files and folders) an archive may declare. */
  maxEntries: number;
  /** Largest uncompressed size of one entry, in bytes. */
  maxEntrySize: number;
  /** Largest sum of uncompressed sizes, in bytes. */
  maxTotalSize: number;
  /** Highest uncompressed/compressed ratio of an entry larger than `ratioFloor`. */
  maxRatio: number;
  /** Entries smaller than this are exempt from the ratio check (tiny files compress well). */
  ratioFloor: number;
  /** Largest central directory read into memory, in bytes. */
  maxCentralDirectorySize: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 256,
  maxEntrySize: 128 * 1024 * 1024,
  maxTotalSize: 512 * 1024 * 1024,
  maxRatio: 200,
  ratioFloor: 1024 * 1024,
  maxCentralDirectorySize: 4 * 1024 * 1024,
});
