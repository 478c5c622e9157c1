// Pure: a probe run as one report (`kind: 'probe'`, `exhunt.probe/1`): the envelope every exhunt report
// shares, its verdict the most serious of its targets'. Tallied as results arrive, so the CLI can
// stream results and still end with the summary; only counts and a few examples are kept.
import type { ProbeLevel, ProbeTargetResult, ProbeVerdict } from '../shared/probe.ts'
import {
  PROBE_SCHEMA,
  type ProbeReport,
  type ProbeTargetError,
  type TargetIdentity,
} from '../shared/types.ts'
import { VERSION } from '../shared/version.ts'

export function emptyVerdicts(): Record<ProbeVerdict, number> {
  return { 'not-exchange': 0, patched: 0, vulnerable: 0, 'likely-compromised': 0, unreachable: 0 }
}

/** Most serious first: the report's verdict is the first with a target. */
export const PROBE_VERDICT_ORDER: readonly ProbeVerdict[] = [
  'likely-compromised',
  'vulnerable',
  'patched',
  'not-exchange',
  'unreachable',
]

const EXAMPLES = 5
/** Bad input items kept in the report; the rest are counted. */
const MAX_TARGET_ERRORS = 1000
/** Input sources named in `target.hosts`. */
const MAX_SOURCES = 64

export function endpointLabel(r: Pick<ProbeTargetResult, 'target'>): string {
  const t = r.target
  const host = t.host.includes(':') ? `[${t.host}]` : t.host
  return `${t.scheme}://${host}:${t.port}`
}

export interface ProbeMeta {
  /** What the user gave: arguments, `-f FILE` as the file name, `-` as stdin. */
  sources: string[]
  level: ProbeLevel
  contentVersion: string
  startedAt: string
}

export interface ProbeEnd {
  finishedAt: string
  complete: boolean
  stopped?: string
  skipped: number
  requests: number
}

export class ProbeTally {
  readonly verdicts = emptyVerdicts()
  private readonly examples = new Map<ProbeVerdict, string[]>()
  readonly targetErrors: ProbeTargetError[] = []
  targetErrorCount = 0
  results = 0

  add(r: ProbeTargetResult): void {
    this.results++
    this.verdicts[r.verdict]++
    const list = this.examples.get(r.verdict) ?? []
    if (list.length < EXAMPLES) {
      const cves = r.missing.filter((m) => m.exploitedInWild).map((m) => m.cve)
      const build = r.build ? ` ${r.build.build}` : ''
      list.push(
        `${endpointLabel(r)}${build}${cves.length ? ` (${cves.slice(0, 4).join(', ')})` : ''}`,
      )
      this.examples.set(r.verdict, list)
    }
  }

  addError(e: ProbeTargetError): void {
    this.targetErrorCount++
    if (this.targetErrors.length < MAX_TARGET_ERRORS) this.targetErrors.push(e)
  }

  verdict(): ProbeVerdict {
    return PROBE_VERDICT_ORDER.find((v) => this.verdicts[v] > 0) ?? 'unreachable'
  }

  reasons(end: Pick<ProbeEnd, 'complete' | 'stopped' | 'skipped'>): string[] {
    const words: Record<ProbeVerdict, string> = {
      'likely-compromised': 'likely compromised: a known web-shell path answered like a shell',
      vulnerable: 'vulnerable: missing fixes or a check answered as an unpatched server does',
      patched: 'Exchange, patched against what the checks and the build table cover',
      'not-exchange': 'not Exchange',
      unreachable: 'unreachable: no HTTP answer',
    }
    const out: string[] = []
    if (this.results === 0) out.push('No target was probed.')
    for (const v of PROBE_VERDICT_ORDER) {
      const n = this.verdicts[v]
      if (n === 0) continue
      const ex = this.examples.get(v) ?? []
      const more = n > ex.length ? ', ...' : ''
      out.push(`${n} of ${this.results} ${words[v]}: ${ex.join('; ')}${more}`)
    }
    if (this.targetErrorCount > 0)
      out.push(`${this.targetErrorCount} input item(s) are not targets and were not probed.`)
    if (end.skipped > 0) out.push(`${end.skipped} target(s) skipped: --resume has their results.`)
    if (!end.complete)
      out.push(`INCOMPLETE: ${end.stopped ?? 'stopped'}; targets not yet done were not probed.`)
    return out
  }

  /** The report without its results (the CLI has streamed them; a library caller adds them). */
  report(meta: ProbeMeta, end: ProbeEnd, results: ProbeTargetResult[] = []): ProbeReport {
    const verdict = this.verdict()
    const target: TargetIdentity = { hosts: meta.sources.slice(0, MAX_SOURCES) }
    return {
      schema: PROBE_SCHEMA,
      kind: 'probe',
      tool: { name: 'exhunt', version: VERSION, contentVersion: meta.contentVersion },
      target,
      startedAt: meta.startedAt,
      finishedAt: end.finishedAt,
      complete: end.complete,
      ...(end.complete
        ? {}
        : { incomplete: { reason: 'aborted' as const, message: end.stopped ?? 'stopped' } }),
      verdict,
      verdictReasons: this.reasons(end),
      // Next steps are content keyed by hunt verdicts (content/advice): none for probes yet.
      advice: { verdict, steps: [], source: 'none' },
      input: { kind: 'targets', sources: meta.sources },
      results,
      targetErrors: this.targetErrors,
      summary: {
        level: meta.level,
        targets: this.results,
        skipped: end.skipped,
        targetErrors: this.targetErrorCount,
        requests: end.requests,
        verdicts: { ...this.verdicts },
      },
    }
  }
}
