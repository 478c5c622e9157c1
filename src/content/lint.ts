// `exhunt content lint`: load and compile every native rule (all problems at once), then run each rule's
// own tests: positives must match, negatives must not, and a positive raw line must pass the prefilter.
import { compileRules } from '../detect/native/compile.ts'
import { ruleMatches } from '../detect/native/match.ts'
import type { ContentIssue } from './issues.ts'
import { loadNativeRules } from './rules/load.ts'
import type { NativeRule } from './rules/rule-types.ts'
import { testRecord } from './rules/test-record.ts'

export interface LintResult {
  issues: ContentIssue[]
  rules: number
  tests: { run: number; failed: number; failures: string[] }
}

export function lintContent(contentRoot: string): LintResult {
  const loaded = loadNativeRules(contentRoot)
  const compiled = compileRules(loaded.rules)
  const tests = runRuleTests(loaded.rules)
  return { issues: [...loaded.issues, ...compiled.issues], rules: loaded.rules.length, tests }
}

/** Run every rule's tests, deprecated ones too (compiled on their own, since hunts skip them). */
export function runRuleTests(rules: readonly NativeRule[]): LintResult['tests'] {
  const failures: string[] = []
  let run = 0
  for (const rule of rules) {
    const { set } = compileRules([
      { ...rule, status: rule.status === 'deprecated' ? 'test' : rule.status },
    ])
    const c = set.byId(rule.id)
    if (!c) continue
    for (const side of ['positive', 'negative'] as const) {
      rule.tests[side].forEach((t, i) => {
        run++
        const where = `${rule.file}#tests.${side}[${i}]`
        let matched: boolean
        try {
          matched = ruleMatches(c, testRecord(rule, t, where))
        } catch (e) {
          failures.push(`${where}: ${(e as Error).message}`)
          return
        }
        if (matched !== (side === 'positive')) {
          failures.push(`${where}: ${side === 'positive' ? 'did not match' : 'matched'}`)
          return
        }
        if (side === 'positive' && t.kind === 'line' && c.needles) {
          const lower = t.line.toLowerCase()
          if (!c.needles.some((n) => lower.includes(n))) {
            failures.push(
              `${where}: the line holds none of the prefilter needles ${JSON.stringify(c.needles)}`,
            )
          }
        }
      })
    }
  }
  return { run, failed: failures.length, failures }
}
