// The IOC engine: compile indicators once, then test log records and files. Pure (no I/O).
import type { Finding, LogRecord, LogType } from '../../shared/types.ts'
import { iocFinding, ruleId } from './finding.ts'
import { Folder } from './fold.ts'
import { compileFileIocs, type FileInfo } from './match-file.ts'
import { compileRecordIocs } from './match-record.ts'
import type { Ioc } from './types.ts'

export type { FileInfo } from './match-file.ts'
export { normaliseUa } from './match-record.ts'
export { IOC_TYPES, type Ioc, type IocType, isIocType } from './types.ts'

export interface IocMatcher {
  /** Lowercase literals a line must contain to be worth a record (IPs, both UA forms, URL paths, domains). */
  needlesFor(logType: LogType): readonly string[]
  matchRecord(rec: LogRecord, emit: (f: Finding) => void): void
  matchFile(file: FileInfo, emit: (f: Finding) => void): void
  /** Emit the summaries of hits folded past the per-(indicator, file) cap; call after each file or at the end. */
  flush(emit: (f: Finding) => void): void
  readonly count: number
}

export function compileIocs(iocs: readonly Ioc[]): IocMatcher {
  const records = compileRecordIocs(iocs)
  const files = compileFileIocs(iocs)
  const folder = new Folder()
  return {
    count: iocs.length,
    needlesFor: () => records.needles,
    matchRecord(rec, emit) {
      records.match(rec, (ioc, ctx) => {
        folder.offer(
          ruleId(ioc),
          rec.path,
          () =>
            iocFinding(
              ioc,
              { ...ctx, path: rec.path, line: rec.line, time: rec.time, evidence: rec.raw },
              false,
            ),
          emit,
        )
      })
    },
    matchFile(file, emit) {
      files.match(file, (ioc, ctx) => {
        const f = iocFinding(ioc, { ...ctx, path: file.path, evidence: ctx.matched }, true)
        f.indicators.paths = [file.windowsPath ?? file.path]
        f.file = {
          size: file.size ?? 0,
          ...(file.sha256 ? { sha256: file.sha256 } : {}),
          ...(file.sha1 ? { sha1: file.sha1 } : {}),
          ...(file.md5 ? { md5: file.md5 } : {}),
        }
        emit(f)
      })
    },
    flush: (emit) => folder.flush(emit),
  }
}
