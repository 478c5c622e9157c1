// Everything that looks at a log record, compiled once per thread: native rules and IOCs.

import type { Ioc } from '../content/ioc/load.ts'
import { iocContentFiles, loadIocs } from '../content/ioc/load.ts'
import { loadNativeRules } from '../content/rules/load.ts'
import type { NativeRule } from '../content/rules/rule-types.ts'
import { compileIocs } from '../detect/ioc/index.ts'
import { compileRules } from '../detect/native/compile.ts'
import { type AggregateObservation, createMatcher } from '../detect/native/match.ts'
import type { Finding, LogRecord, LogType } from '../shared/types.ts'
import type { Needle } from '../sources/logs/index.ts'

export interface LogDetectorConfig {
  contentRoot: string
  userIocFiles: string[]
  /**
   * Rules and IOCs the main thread already parsed (plain data, cloned into each worker): a worker
   * then only compiles them instead of parsing the YAML and CSV again (~0.1 s of start-up each).
   */
  parsed?: { rules: NativeRule[]; iocs: Ioc[] }
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
  const compiled = compileRules(cfg.parsed?.rules ?? loadNativeRules(cfg.contentRoot).rules)
  const iocs = compileIocs(
    cfg.parsed?.iocs ?? [
      ...loadIocs(iocContentFiles(cfg.contentRoot), { user: false }).iocs,
      ...loadIocs(cfg.userIocFiles, { user: true }).iocs,
    ],
  )
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
