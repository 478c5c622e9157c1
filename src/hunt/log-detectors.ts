// Everything that looks at a log record, compiled once per thread: the log-record engines (native rules,
// IOCs) through the one `Engine` interface, their needles merged into the line prefilter.

import type { Ioc } from '../content/ioc/load.ts'
import type { NativeRule } from '../content/rules/rule-types.ts'
import { iocRecordEngine } from '../detect/ioc/index.ts'
import { nativeEngine } from '../detect/native/engine.ts'
import type { AggregateObservation } from '../detect/native/match.ts'
import type { EngineSession, LogRecordEngine } from '../shared/engine.ts'
import { toItemError } from '../shared/errors.ts'
import type { Finding, ItemError, LogRecord, LogType } from '../shared/types.ts'
import { type Needle, scanLog } from '../sources/logs/index.ts'
import type { LogJobResult } from './log-job.ts'

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

export interface LogDetectors {
  /** Prefilter per log type: literals, or lists of literals a line must all hold (scanLog `needles`). */
  needlesFor(t: LogType): readonly Needle[] | null
  forFile(): FileDetector
  /** The aggregate rules over every file's observations (the main thread, once all files are done). */
  finishAggregates(observations: Iterable<AggregateObservation>): Finding[]
  maxLineBytes?: number
  rules: number
}

/**
 * One log file through the detectors, as a log worker runs it: bytes → lines → needle prefilter →
 * records for the lines with a hit → every engine. Whatever was found before a read failure is kept.
 * The corpus tests call this too, so a rule the prefilter would hide fails there.
 */
export async function scanLogFile(
  detectors: LogDetectors,
  chunks: AsyncIterable<Buffer | string>,
  path: string,
): Promise<LogJobResult> {
  const findings: Finding[] = []
  const errors: ItemError[] = []
  const emit = (f: Finding) => findings.push(f)
  const file = detectors.forFile()
  const result: LogJobResult = { findings, observations: [], errors }
  try {
    result.summary = await scanLog(chunks, path, {
      needles: detectors.needlesFor,
      maxLineBytes: detectors.maxLineBytes,
      onRecord: (rec) => file.match(rec, emit),
      onError: (e) => errors.push(e),
    })
  } catch (err) {
    errors.push(toItemError(err, path, 'EXH_ERR_LOG_READ'))
  }
  result.observations = file.finish(emit)
  return result
}

export function createLogDetectors(cfg: LogDetectorConfig): LogDetectors {
  const native = nativeEngine.compile({
    rules: cfg.parsed.rules,
    maxFindingsPerRule: cfg.maxFindingsPerRule,
  })
  // Every log-record engine runs through the same interface; Sigma's web-server rules join this list.
  const engines: readonly LogRecordEngine[] = [native, iocRecordEngine.compile(cfg.parsed.iocs)]
  const needleCache = new Map<LogType, readonly Needle[] | null>()
  return {
    needlesFor(t) {
      let n = needleCache.get(t)
      if (n === undefined) {
        n = mergedNeedles(engines, t)
        needleCache.set(t, n)
      }
      return n
    },
    forFile() {
      const own = native.session()
      const sessions: EngineSession<LogRecord>[] = [
        own,
        ...engines.slice(1).map((e) => e.session()),
      ]
      return {
        match(rec, emit) {
          for (const s of sessions) s.match(rec, emit)
        },
        finish(emit) {
          for (const s of sessions) s.finish(emit)
          return own.takeObservations()
        },
      }
    },
    finishAggregates: (obs) => native.finishAggregates(obs),
    maxLineBytes: cfg.maxLineBytes,
    rules: native.rules,
  }
}

/** One engine that must see every line (null) makes the prefilter pass every line. */
function mergedNeedles(engines: readonly LogRecordEngine[], t: LogType): readonly Needle[] | null {
  const out: Needle[] = []
  for (const e of engines) {
    const n = e.needlesFor(t)
    if (n === null) return null
    // An engine's literals may repeat (one IOC value of several lists): the prefilter needs each once.
    out.push(...new Set(n))
  }
  return out
}
