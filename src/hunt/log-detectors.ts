// Everything that looks at a log record, compiled once per thread: native rules and IOCs.
import { iocContentFiles, loadIocs } from '../content/ioc/load.ts'
import { loadNativeRules } from '../content/rules/load.ts'
import { compileIocs } from '../detect/ioc/index.ts'
import { compileRules } from '../detect/native/compile.ts'
import { type AggregateObservation, createMatcher } from '../detect/native/match.ts'
import type { Finding, LogRecord, LogType } from '../shared/types.ts'
import type { Needle } from '../sources/logs/index.ts'

export interface LogDetectorConfig {
  contentRoot: string
  userIocFiles: string[]
  maxLineBytes?: number
  maxFindingsPerRule?: number
}

/**
 * Detection state for one file. Findings fold repeats into earlier findings of the same file, so the
 * caller posts a file's findings only once the file is done (a finding already sent could not grow).
 */
export interface FileDetector {
  match(rec: LogRecord, emit: (f: Finding) => void): void
  /** Emits IOC repeats folded past the cap and returns the aggregate rules' observations. */
  finish(emit: (f: Finding) => void): AggregateObservation[]
}

export interface LogDetectors {
  /** Prefilter per log type: literals, or lists of literals a line must all hold (scanLog `needles`). */
  needlesFor(t: LogType): readonly Needle[] | null
  forFile(): FileDetector
  maxLineBytes?: number
  rules: number
}

export function createLogDetectors(cfg: LogDetectorConfig): LogDetectors {
  const loaded = loadNativeRules(cfg.contentRoot)
  const compiled = compileRules(loaded.rules)
  const shipped = loadIocs(iocContentFiles(cfg.contentRoot), { user: false })
  const user = loadIocs(cfg.userIocFiles, { user: true })
  const iocs = compileIocs([...shipped.iocs, ...user.iocs])
  const needleCache = new Map<LogType, readonly Needle[] | null>()
  return {
    needlesFor(t) {
      let n = needleCache.get(t)
      if (n === undefined) {
        const r = compiled.set.prefilterFor(t)
        n = r === null ? null : [...r, ...new Set(iocs.needlesFor(t))]
        needleCache.set(t, n)
      }
      return n
    },
    forFile() {
      const matcher = createMatcher(compiled.set, { maxFindingsPerRule: cfg.maxFindingsPerRule })
      return {
        match(rec, emit) {
          matcher.match(rec, emit)
          iocs.matchRecord(rec, emit)
        },
        finish(emit) {
          iocs.flush(emit)
          return matcher.takeObservations()
        },
      }
    },
    maxLineBytes: cfg.maxLineBytes,
    rules: compiled.set.rules,
  }
}
