// The IOC engine: compile indicators once, then test log records and files. Pure (no I/O).
import type { Finding, LogRecord, LogType } from '../../shared/types.ts'
import { iocFileEngine, iocRecordEngine } from './engine.ts'
import type { FileInfo } from './match-file.ts'
import type { Ioc } from './types.ts'

export { iocFileEngine, iocRecordEngine } from './engine.ts'

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

/** Both IOC engines over one indicator list, as one matcher (one fold state across files until `flush`). */
export function compileIocs(iocs: readonly Ioc[]): IocMatcher {
  const records = iocRecordEngine.compile(iocs)
  const files = iocFileEngine.compile(iocs).session()
  let session = records.session()
  return {
    count: iocs.length,
    needlesFor: (t) => records.needlesFor(t),
    matchRecord: (rec, emit) => session.match(rec, emit),
    matchFile: (file, emit) => files.match(file, emit),
    flush(emit) {
      session.finish(emit)
      session = records.session()
    },
  }
}
