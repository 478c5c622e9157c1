// Shapes and limits of the in-place zip reader. Limits exist because evidence zips are untrusted:
// a crafted archive must not exhaust memory or disk (zip bombs, lying headers, overlapping entries).

export interface ZipLimits {
  /** Entries listed at most; the rest are reported once and ignored. */
  maxEntries: number
  /** Sum of declared uncompressed sizes at most. */
  maxTotalUncompressed: number
  /** Declared uncompressed / compressed at most (for entries above 1 MiB). */
  maxRatio: number
  /** Declared uncompressed size of one entry at most. */
  maxEntryBytes: number
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = {
  maxEntries: 100_000,
  maxTotalUncompressed: 20 * 1024 ** 3,
  maxRatio: 200,
  maxEntryBytes: 8 * 1024 ** 3,
}

/** Ratios are only meaningful on entries of some size; tiny blank files compress absurdly well. */
export const RATIO_MIN_BYTES = 1024 * 1024

export interface ZipEntry {
  /** Safe relative name with forward slashes (traversal names never get here). */
  name: string
  method: number
  flags: number
  compressedSize: number
  size: number
  localHeaderOffset: number
  crc32: number
  /** Exact UTC from an NTFS or extended-timestamp extra field, else the DOS date/time read as UTC. */
  mtime?: string
  /** True when `mtime` is the DOS date/time: the zipping machine's local time, zone unknown. */
  mtimeLocal?: boolean
  /** Creation time from the NTFS extra field (Windows collectors and 7-Zip write it). */
  btime?: string
  isDirectory: boolean
}
