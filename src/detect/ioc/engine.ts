// The IOC engine behind the `Engine` interface, in its two input kinds: log records (IPs, user agents,
// URL paths, domains; with the needles the line prefilter needs) and file identities (hashes, paths,
// names). Each is compiled once from the same indicators; a session folds repeats per (indicator, file).
import type { CompiledEngine, Engine, LogRecordEngine } from '../../shared/engine.ts'
import { statelessSession } from '../../shared/engine.ts'
import type { Finding, LogRecord, LogType } from '../../shared/types.ts'
import { iocFinding, ruleId } from './finding.ts'
import { Folder } from './fold.ts'
import { compileFileIocs, type FileInfo } from './match-file.ts'
import { compileRecordIocs } from './match-record.ts'
import type { Ioc } from './types.ts'

export interface IocRecordEngine extends LogRecordEngine {
  /** Lowercase literals (IPs, user-agent words, URL paths, domains): IOCs never need every line. */
  needlesFor(logType: LogType): readonly string[]
}

export const iocRecordEngine = {
  name: 'ioc' as const,
  compile(iocs: readonly Ioc[]): IocRecordEngine {
    const records = compileRecordIocs(iocs)
    return {
      name: 'ioc',
      rules: iocs.length,
      // The loaders validate every indicator and report the bad ones (content/ioc).
      issues: [],
      needlesFor: () => records.needles,
      session() {
        const folder = new Folder()
        return {
          match(rec, emit) {
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
          finish: (emit) => folder.flush(emit),
        }
      },
    }
  },
} satisfies Engine<readonly Ioc[], LogRecord>

export const iocFileEngine = {
  name: 'ioc' as const,
  compile(iocs: readonly Ioc[]): CompiledEngine<FileInfo, Finding> {
    const files = compileFileIocs(iocs)
    const match = (file: FileInfo, emit: (f: Finding) => void) => {
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
    }
    return {
      name: 'ioc',
      rules: iocs.length,
      issues: [],
      // One finding per indicator and file: nothing to fold.
      session: () => statelessSession(match),
    }
  },
} satisfies Engine<readonly Ioc[], FileInfo>
