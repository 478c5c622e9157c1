// Everything that looks at a log record, compiled once per thread: native rules and IOCs.

import type { Ioc } from '../content/ioc/load.ts'
import type { NativeRule } from '../content/rules/rule-types.ts'
import { compileIocs } from '../detect/ioc/index.ts'
import { compileRules } from '../detect/native/compile.ts'
import { type AggregateObservation, createMatcher } from '../detect/native/match.ts'
import type { Finding, LogRecord, LogType } from '../shared/types.ts'
import type { Needle } from '../sources/logs/index.ts'

export interface LogDetectorConfig {
  /**
   * Rules and IOCs the main thread parsed (plain data, cloned into each worker): a worker only
   * compiles them, and its bundle carries no YAML or CSV parser (start-up is the hunt's fixed cost).
   */
  parsed: { rules: NativeRule[]; iocs: Ioc[] }
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

/**
 * Past this many IOC needles (a user's feed), the IOCs get one prefilter of their own per worker,
 * run beside each log type's rule prefilter, instead of a copy merged into every type's: one
 * automaton of 100,000 indicators per worker, not one per log type. Below it, one merged automaton
 * per type scans each block once (the shipped IOCs: a few hundred).
 */
const SHARED_IOC_NEEDLES = 2000

export interface LogDetectors {
  /** Prefilter per log type: literals, or lists of literals a line must all hold (scanLog `needles`). */
  needlesFor(t: LogType): readonly Needle[] | null
  /** IOC needles every type shares, for a big feed (scanLog `sharedNeedles`); else in `needlesFor`. */
  sharedNeedles?: readonly Needle[]
  forFile(): FileDetector
  maxLineBytes?: number
  rules: number
}

export function createLogDetectors(cfg: LogDetectorConfig): LogDetectors {
  const compiled = compileRules(cfg.parsed.rules)
  const iocs = compileIocs(cfg.parsed.iocs)
  const needleCache = new Map<LogType, readonly Needle[] | null>()
  // IOC needles do not depend on the log type; one array, so the scan compiles it once per worker.
  const iocNeedles: readonly Needle[] = [...new Set(iocs.needlesFor('iis'))]
  const shared = iocNeedles.length > SHARED_IOC_NEEDLES
  return {
    needlesFor(t) {
      let n = needleCache.get(t)
      if (n === undefined) {
        const r = compiled.set.prefilterFor(t)
        n = r === null ? null : shared ? r : [...r, ...iocNeedles]
        needleCache.set(t, n)
      }
      return n
    },
    ...(shared ? { sharedNeedles: iocNeedles } : {}),
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
