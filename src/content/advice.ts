// Reads content/advice/next-steps.yml for the report's "what to do next"; a bad file falls back to
// the built-in sentences (the report still renders) and `exhunt content lint` names the problems.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Advice, type AdviceInput, nextSteps, parseAdvice } from '../report/advice.ts'
import type { ReportAdvice } from '../shared/types.ts'
import type { ContentIssue } from './issues.ts'

export const ADVICE_FILE = join('advice', 'next-steps.yml')

export function loadAdviceWithIssues(contentRoot: string): {
  advice: Advice
  issues: ContentIssue[]
} {
  let text: string
  try {
    text = readFileSync(join(contentRoot, ADVICE_FILE), 'utf8')
  } catch (err) {
    const message = `cannot read: ${(err as Error).message}`
    return { advice: {}, issues: [{ file: ADVICE_FILE, path: '', severity: 'warning', message }] }
  }
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

export function loadAdvice(contentRoot: string): Advice {
  return loadAdviceWithIssues(contentRoot).advice
}

/**
 * The next steps a report stores (`HuntReport.advice`), filled from the report when it is made, so a
 * dashboard or an e-mail shows them from the stored JSON. hunt/run.ts calls this once, where the
 * report is assembled.
 */
export function reportAdvice(report: AdviceInput, advice: Advice): ReportAdvice {
  const own = advice[report.verdict]
  return {
    verdict: report.verdict,
    steps: nextSteps(report, advice),
    source: own && own.steps.length > 0 ? ADVICE_FILE.replaceAll('\\', '/') : 'built-in',
  }
}
