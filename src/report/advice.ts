// "What to do next" per verdict. The words live in content/advice/next-steps.yml, parsed by
// content/advice.ts; the caller passes them in and this module fills in the placeholders. Pure.
import { isFileFinding } from '../analysis/correlate.ts'
import { installAdvice } from '../analysis/updates.ts'
import type { Advice } from '../shared/advice.ts'
import type { Category, HuntReport } from '../shared/types.ts'

export type { Advice, VerdictAdvice } from '../shared/advice.ts'

/**
 * The steps for this report's verdict, placeholders filled; none without advice for it (the content is
 * the only source of these words, and its absence is a content error the hunt reports).
 */
export function nextSteps(report: HuntReport, advice?: Advice): string[] {
  const a = advice?.[report.verdict]
  if (!a) return []
  const cats = new Set(report.findings.map((f) => f.category))
  const extra = Object.entries(a.categories ?? {})
    .filter(([c]) => cats.has(c as Category))
    .flatMap(([, s]) => s ?? [])
  const vars = placeholders(report)
  return [...a.steps, ...extra].map((s) => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m))
}

function placeholders(r: HuntReport): Record<string, string> {
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
