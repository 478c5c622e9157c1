// "What to do next" per verdict. The words live in content/advice/next-steps.yml; the caller
// reads that file and passes it in, this module parses and fills it. Pure.
import { parse } from 'yaml'
import { isFileFinding } from '../hunt/correlate.ts'
import type { Category, HuntReport, Verdict } from '../shared/types.ts'
import { CATEGORIES, VERDICTS } from '../shared/types.ts'
import { installAdvice } from './updates.ts'

export interface VerdictAdvice {
  steps: string[]
  categories?: Partial<Record<Category, string[]>>
}

export type Advice = Partial<Record<Verdict, VerdictAdvice>>

export const FALLBACK_ADVICE: Record<Verdict, string> = {
  compromised:
    'Isolate the server, preserve the evidence, and do not just patch: the back door stays. Reset credentials and call your national CERT.',
  attempted:
    'Patch to the latest security update, confirm no web shell exists, and watch the IPs that tried.',
  suspicious:
    'Review the files and settings listed above: who put them there and when. Keep them until you know.',
  'no-evidence':
    'Collect the Exchange and IIS logs and the web folders (see the reasons above) and run exhunt again; this is not a clean result.',
  exposed: 'Install the missing security updates named above, then run exhunt again.',
  clean: 'Keep the logs and read the coverage warnings before relying on this result.',
}

/** Parses the YAML text of next-steps.yml; bad entries are reported and skipped, never thrown. */
export function parseAdvice(text: string): { advice: Advice; issues: string[] } {
  const issues: string[] = []
  const advice: Advice = {}
  let doc: unknown
  try {
    doc = parse(text)
  } catch (err) {
    return { advice, issues: [`not YAML: ${(err as Error).message}`] }
  }
  if (!isObject(doc)) return { advice, issues: ['top level must be a map of verdict -> advice'] }
  for (const [key, value] of Object.entries(doc)) {
    if (!(VERDICTS as readonly string[]).includes(key)) {
      issues.push(`${key}: not a verdict (${VERDICTS.join(', ')})`)
      continue
    }
    if (!isObject(value) || !isStringList(value.steps)) {
      issues.push(`${key}.steps: must be a list of strings`)
      continue
    }
    const entry: VerdictAdvice = { steps: value.steps }
    if (isObject(value.categories)) {
      entry.categories = {}
      for (const [cat, steps] of Object.entries(value.categories)) {
        if (!(CATEGORIES as readonly string[]).includes(cat) || !isStringList(steps)) {
          issues.push(`${key}.categories.${cat}: unknown category or not a list of strings`)
          continue
        }
        entry.categories[cat as Category] = steps
      }
    }
    advice[key as Verdict] = entry
  }
  return { advice, issues }
}

/** What the steps are filled from. */
export type AdviceInput = Pick<HuntReport, 'verdict' | 'findings' | 'timeline' | 'exposure'>

/** The steps for this report's verdict, placeholders filled. */
export function nextSteps(report: AdviceInput, advice?: Advice): string[] {
  const a = advice?.[report.verdict]
  if (!a || a.steps.length === 0) return [FALLBACK_ADVICE[report.verdict]]
  const cats = new Set(report.findings.map((f) => f.category))
  const extra = Object.entries(a.categories ?? {})
    .filter(([c]) => cats.has(c as Category))
    .flatMap(([, s]) => s ?? [])
  const vars = placeholders(report)
  return [...a.steps, ...extra].map((s) => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m))
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string')
}

/**
 * The steps a renderer shows: those stored in the report when it was made; a report without them
 * (`exhunt.hunt/1`, written before reports stored advice) gets them filled here.
 */
export function reportSteps(report: HuntReport, advice?: Advice): string[] {
  const stored = (report as Partial<HuntReport>).advice
  return stored && stored.steps.length > 0 ? stored.steps : nextSteps(report, advice)
}
