// Reads content/advice/next-steps.yml, the report's "what to do next". The content is the only source
// of these words: a missing or broken file, or a verdict without steps, is a content error that the hunt
// reports and `exhunt content lint` fails on.
import { join } from 'node:path'
import { parse } from 'yaml'
import type { Advice, VerdictAdvice } from '../shared/advice.ts'
import { CATEGORIES, type Category, VERDICTS, type Verdict } from '../shared/types.ts'
import { type ContentIssue, readContentText } from './issues.ts'

export type { Advice, VerdictAdvice } from '../shared/advice.ts'

export const ADVICE_FILE = 'advice/next-steps.yml'

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
    if (!isObject(value) || !isStringList(value.steps) || value.steps.length === 0) {
      issues.push(`${key}.steps: must be a non-empty list of strings`)
      continue
    }
    const entry: VerdictAdvice = { steps: value.steps }
    if (value.categories !== undefined && !isObject(value.categories)) {
      issues.push(`${key}.categories: must be a map of category -> steps`)
    } else if (isObject(value.categories)) {
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
  // Nothing else says what to do: every verdict needs its steps.
  for (const v of VERDICTS) {
    if (!advice[v] && !issues.some((i) => i.startsWith(`${v}.`))) issues.push(`${v}: no steps`)
  }
  return { advice, issues }
}

export function loadAdviceWithIssues(contentRoot: string): {
  advice: Advice
  issues: ContentIssue[]
} {
  const unread: ContentIssue[] = []
  const text = readContentText(join(contentRoot, ADVICE_FILE), ADVICE_FILE, unread)
  if (text === undefined) return { advice: {}, issues: unread }
  const r = parseAdvice(text)
  return {
    advice: r.advice,
    issues: r.issues.map((message) => ({
      file: ADVICE_FILE,
      path: '',
      severity: 'error',
      message,
    })),
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string')
}
