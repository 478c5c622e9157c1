// Test helper: the shipped native rules and IOCs over log files, through the hunt's own log detectors
// (hunt/log-detectors.ts, as each log worker builds them) and its per-file scan (scanLogFile: the needle
// prefilter with the IOCs' needles, then every log-record engine), with the aggregates finished as the
// hunt's main thread finishes them. No second pipeline: a rule the prefilter hides fails here too.
import { createReadStream, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Readable } from 'node:stream'
import { iocContentFiles, loadIocs } from '../../src/content/ioc/load.ts'
import { loadNativeRules } from '../../src/content/rules/load.ts'
import type { AggregateObservation } from '../../src/detect/native/match.ts'
import { createLogDetectors, scanLogFile } from '../../src/hunt/log-detectors.ts'
import type { Finding, ItemError, LogRecord } from '../../src/shared/types.ts'
import { severityRank } from '../../src/shared/types.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'

const content = join(REPO_ROOT, 'content')
/** What run.ts hands the log workers for a hunt without `--ioc`: the rules and the shipped IOCs. */
const detectors = createLogDetectors({
  parsed: {
    rules: loadNativeRules(content).rules,
    iocs: loadIocs(iocContentFiles(content), { user: false }).iocs,
  },
})

export interface RuleRun {
  findings: Finding[]
  errors: ItemError[]
  records: number
  /** Lines read from the files (the prefilter makes records of only some of them). */
  lines: number
}

export function allFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...allFiles(p))
    else out.push(p)
  }
  return out
}

/** A rule session: feed streams (one log file each) or records, then `finish()` for the findings. */
export function ruleSession() {
  const findings: Finding[] = []
  const errors: ItemError[] = []
  const observations: AggregateObservation[] = []
  let records = 0
  let lines = 0
  // Records handed in directly (event text the hunt does not read from a log file) skip only the line
  // prefilter: they go through the same engines.
  let loose: ReturnType<typeof detectors.forFile> | undefined
  const emit = (f: Finding) => findings.push(f)
  return {
    async scan(stream: Readable, path: string): Promise<void> {
      const r = await scanLogFile(detectors, stream, path)
      findings.push(...r.findings)
      errors.push(...r.errors)
      observations.push(...r.observations)
      records += r.summary?.records ?? 0
      lines += r.summary?.lines ?? 0
    },
    record(rec: LogRecord): void {
      records++
      loose ??= detectors.forFile()
      loose.match(rec, emit)
    },
    finish(): RuleRun {
      if (loose) observations.push(...loose.finish(emit))
      findings.push(...detectors.finishAggregates(observations))
      return { findings, errors, records, lines }
    },
  }
}

/** Run the rules over every file under `root`; finding paths are relative to `root`. */
export async function runRulesOnDir(root: string): Promise<RuleRun> {
  const s = ruleSession()
  for (const f of allFiles(root)) {
    await s.scan(createReadStream(f), relative(root, f).split('\\').join('/'))
  }
  return s.finish()
}

export function rulesHit(run: RuleRun): Set<string> {
  return new Set(run.findings.map((f) => f.rule))
}

/** Findings above `low`, as 'rule @ path:line' for readable assertion messages. */
export function aboveLow(run: RuleRun): string[] {
  return run.findings
    .filter((f) => severityRank(f.severity) > severityRank('low'))
    .map((f) => `${f.rule} (${f.severity}) @ ${f.source.path}:${f.source.line}`)
}
