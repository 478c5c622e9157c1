// `exhunt content lint`: load and compile every native rule (all problems at once), then run each rule's
// own tests: positives must match, negatives must not, and a positive raw line must pass the prefilter.
import { compileRules } from '../detect/native/compile.ts'
import { ruleMatches } from '../detect/native/match.ts'
import { compileNeedles } from '../sources/logs/needles.ts'
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
        if (side === 'positive' && t.kind === 'line') {
          // The hunt's own line scanner with this rule's prefilter: a rule whose sample the
          // prefilter drops would never see such a line in a real log.
          const scanner = c.prefilter ? compileNeedles(c.prefilter) : null
          const line = Buffer.from(t.line, 'latin1')
          // The separator the hunt passes for the line's layout: CSV when its #Fields has commas.
          scanner?.reset(line, t.header?.includes(',') ? 44 : 32)
          if (scanner && !scanner.wants(0, line.length)) {
            failures.push(
              `${where}: the line does not pass the rule's prefilter ${JSON.stringify(c.prefilter)}`,
            )
          }
        }
      })
    }
  }
  return { run, failed: failures.length, failures }
}
