// The library entry of the remote side: `probe({ targets })` → one ProbeReport. Content is loaded
// and the engine compiled once (pass `content` or `compiled` to share them across runs). Results are
// kept in the report unless `keepResults: false` (a survey of a /8 takes them through `onResult`).
import { ProbeTally } from '../analysis/probe-tally.ts'
import { type LoadedContent, loadContent } from '../content/load.ts'
import { contentRoot } from '../content/root.ts'
import { compileProbe } from '../detect/probe/index.ts'
import type { CompiledProbe, ProbeTargetResult } from '../shared/probe.ts'
import type { ProbeReport } from '../shared/types.ts'
import { type ProbeRunOptions, runProbe } from './run.ts'
import { readTargets, type TargetOptions, type TargetSource } from './targets.ts'

export interface ProbeOptions extends Omit<ProbeRunOptions, 'compiled' | 'onTargetError'> {
  /** Hosts, IPs, host:port, URLs, CIDR ranges; or sources ({ file }, { stdin: true }). */
  targets: readonly (string | TargetSource)[]
  /** `--sni`: the name sent as SNI and Host. */
  sni?: string
  /** Loaded content (loadContent); loaded from the shipped content folder when absent. */
  content?: LoadedContent
  /** The compiled engine, when the caller keeps one across runs. */
  compiled?: CompiledProbe
  /** false: `results` stays empty (take them from onResult). Default true. */
  keepResults?: boolean
  targetOptions?: Omit<TargetOptions, 'sni'>
}

export function compiledProbe(content: LoadedContent): CompiledProbe {
  return compileProbe(content.content.probe)
}

export async function probe(o: ProbeOptions): Promise<ProbeReport> {
  const startedAt = new Date().toISOString()
  const content = o.content ?? loadContent(contentRoot(), { yara: false, nativeRules: false })
  const compiled = o.compiled ?? compiledProbe(content)
  const sources: TargetSource[] = o.targets.map((t) => (typeof t === 'string' ? { arg: t } : t))
  const tally = new ProbeTally()
  const results: ProbeTargetResult[] = []
  const keep = o.keepResults ?? true
  const summary = await runProbe(
    readTargets(sources, { ...o.targetOptions, ...(o.sni ? { sni: o.sni } : {}) }),
    {
      ...o,
      compiled,
      onResult: (r, t) => {
        tally.add(r)
        if (keep) results.push(r)
        o.onResult?.(r, t)
      },
      onTargetError: (e) => tally.addError(e),
    },
  )
  return tally.report(
    {
      sources: sources.map((s) => ('arg' in s ? s.arg : 'file' in s ? s.file : '-')),
      level: o.level ?? 'passive',
      contentVersion: content.content.version,
      startedAt,
    },
    {
      finishedAt: summary.finishedAt,
      complete: summary.complete,
      ...(summary.stopped ? { stopped: summary.stopped } : {}),
      skipped: summary.skipped,
      requests: summary.requests,
    },
    results,
  )
}
