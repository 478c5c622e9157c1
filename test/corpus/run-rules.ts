// Test helper: run every shipped native rule over log files the way a hunt does (parser → prefilter
// needles → matcher → aggregates), without the hunt's worker pool.
import { createReadStream, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Readable } from 'node:stream'
import { loadNativeRules } from '../../src/content/rules/load.ts'
import { compileRules } from '../../src/detect/native/compile.ts'
import { createMatcher, finishAggregates } from '../../src/detect/native/match.ts'
import type { Finding, ItemError, LogRecord } from '../../src/shared/types.ts'
import { severityRank } from '../../src/shared/types.ts'
import { scanLog } from '../../src/sources/logs/index.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'

const { rules } = loadNativeRules(join(REPO_ROOT, 'content'))
const { set } = compileRules(rules)

export interface RuleRun {
  findings: Finding[]
  errors: ItemError[]
  records: number
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

/** A rule session: feed streams or records, then `finish()` for the findings. */
export function ruleSession() {
  const matcher = createMatcher(set)
  const findings: Finding[] = []
  const errors: ItemError[] = []
  let records = 0
  const emit = (f: Finding) => findings.push(f)
  return {
    async scan(stream: Readable, path: string): Promise<void> {
      await scanLog(stream, path, {
        // The prefilter the hunt itself runs, so corpus expectations hold for real hunts.
        needles: (t) => set.prefilterFor(t),
        onRecord(rec) {
          records++
          matcher.match(rec, emit)
        },
        onError: (e) => errors.push(e),
      })
    },
    record(rec: LogRecord): void {
      records++
      matcher.match(rec, emit)
    },
    finish(): RuleRun {
      findings.push(...finishAggregates(set, matcher.takeObservations()))
      return { findings, errors, records }
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
