// The public shapes of a log scan (API other modules code against).
import type { ItemError, LogRecord, LogType } from '../../shared/types.ts'
import type { Needle } from './needles.ts'

export interface LogScanOptions {
  /**
   * Lowercase literals per log type: a data line is parsed into a record only if it contains
   * (case-insensitively) at least one of them; a needle that is a list holds only when the line
   * contains all of its literals. null/undefined = parse every line. Header (#...) lines are always
   * processed.
   */
  needles?: (logType: LogType) => readonly Needle[] | null
  /**
   * Needles every log type adds to its own (a big IOC feed): compiled once for all types (per array,
   * as `needles` are) and run beside each type's matcher, instead of merged into one copy per type.
   * Ignored for a type whose `needles` is null (every line is parsed anyway).
   */
  sharedNeedles?: readonly Needle[]
  /** Default 1 MiB; a longer line → one ItemError (EXH_ERR_LOG_LINE_TOO_LONG), skipped. */
  maxLineBytes?: number
  onRecord(rec: LogRecord): void
  onError(err: ItemError): void
  /** Called once the log type is known; return false to skip the rest of the file. */
  // biome-ignore lint/suspicious/noConfusingVoidType: callers may return nothing (the agreed API)
  onType?(logType: LogType, subtype: string | undefined): boolean | void
}

export type LogEncoding = 'utf8' | 'utf16le' | 'utf16be'

export interface LogFileSummary {
  path: string
  logType: LogType | null
  subtype?: string
  encoding: LogEncoding
  bytes: number
  lines: number
  /** Lines turned into LogRecords. */
  records: number
  /** ISO UTC, from data lines (also those the needles prefilter skipped). */
  oldest?: string
  newest?: string
  /** `#Software:` / `#Version:` header values (last seen). */
  software?: string
  version?: string
  /** Distinct Exchange builds from `#Version` and Major/Minor/Build/RevisionVersion columns. */
  builds: string[]
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024
