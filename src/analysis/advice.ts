// "What to do next" per verdict, filled from a report. The words live in content/advice/next-steps.yml
// (parsed by content/advice.ts); the hunt stores the filled steps in the report (`HuntReport.advice`)
// and the renderers show what is stored. Pure.
import type { Advice } from '../shared/advice.ts'
import type { Category, HuntReport, ReportAdvice } from '../shared/types.ts'
import { isFileFinding } from './correlate.ts'
import { installAdvice } from './updates.ts'

/** Where the steps come from, relative to the content root. */
export const ADVICE_SOURCE = 'advice/next-steps.yml'

/** What the steps are filled from. */
export type AdviceInput = Pick<HuntReport, 'verdict' | 'findings' | 'timeline' | 'exposure'>

/**
 * The steps for this report's verdict, placeholders filled; none without advice for it (the content is
 * the only source of these words, and its absence is a content error the hunt reports).
 */
export function nextSteps(report: AdviceInput, advice?: Advice): string[] {
  const a = advice?.[report.verdict]
  if (!a) return []
  const cats = new Set(report.findings.map((f) => f.category))
  const extra = Object.entries(a.categories ?? {})
    .filter(([c]) => cats.has(c as Category))
    .flatMap(([, s]) => s ?? [])
  const vars = placeholders(report)
  return [...a.steps, ...extra].map((s) => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m))
}

/**
 * The next steps a report stores, filled when it is made, so a dashboard or an e-mail shows them from
 * the stored JSON. hunt/run.ts calls this once, where the report is assembled.
 */
export function reportAdvice(report: AdviceInput, advice: Advice): ReportAdvice {
  const steps = nextSteps(report, advice)
  return { verdict: report.verdict, steps, source: steps.length > 0 ? ADVICE_SOURCE : 'none' }
}

function placeholders(r: AdviceInput): Record<string, string> {
  const shells = r.findings.filter(isFileFinding).map((f) => f.source.path)
  const ips = r.timeline
    .filter((t) => t.kind === 'actor')
    .sort((a, b) => b.count - a.count)
    .map((t) => t.key)
  return {
    fixedIn: installAdvice(r.exposure) ?? 'the latest security update',
    build: r.exposure?.build ?? 'unknown',
    shells:
      shells.length > 0 ? [...new Set(shells)].slice(0, 10).join(', ') : 'none found by this scan',
    ips:
      ips.length > 0
        ? ips.slice(0, 10).join(', ') + (ips.length > 10 ? ` and ${ips.length - 10} more` : '')
        : 'none',
  }
}
