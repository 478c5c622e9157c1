// Every probe rule's inline tests (recorded answers → what they must mean), run by `exhunt content lint`
// and the unit tests: a fingerprint's Exchange sign, build and names; a check's outcome.
import type { ProbeResponse } from '../../shared/probe.ts'
import type { BuildTable } from '../exposure/index.ts'
import { fingerprint, normaliseProbeBuild } from './fingerprint.ts'
import { judgeBuild, matchContext, runCheck } from './judge.ts'
import { buildExposure } from './missing.ts'
import type { CompiledProbeRule, ProbeFamily, SampleAnswer } from './probe-rule.ts'
import { sampleResponse } from './probe-rule.ts'
import { judgeWebshell, planWebshell } from './webshell.ts'

function answerMap(answers: Record<string, SampleAnswer>): Map<string, ProbeResponse> {
  return new Map(Object.entries(answers).map(([id, a]) => [id, sampleResponse(id, a)]))
}

/** Failures as `file: test name: what differs`; empty when every test holds. */
export function runProbeRuleTests(
  rules: readonly CompiledProbeRule[],
  builds: BuildTable,
  families: readonly ProbeFamily[],
): { run: number; failures: string[] } {
  const failures: string[] = []
  let run = 0
  for (const rule of rules) {
    for (const t of rule.tests) {
      run++
      const fail = (m: string) => failures.push(`${rule.file}: ${t.name}: ${m}`)
      if (rule.kind === 'fingerprint' && 'exchange' in t) {
        const fp = fingerprint([rule], answerMap(t.answers))
        if (fp.exchange !== t.exchange) fail(`exchange is ${fp.exchange}, expected ${t.exchange}`)
        const got = fp.evidence[0]?.build
        if ((t.build ?? undefined) !== got)
          fail(`build is ${got ?? 'none'}, expected ${t.build ?? 'none'}`)
        if (t.serverNames && t.serverNames.join(',') !== fp.serverNames.join(','))
          fail(`server names are [${fp.serverNames}], expected [${t.serverNames}]`)
      } else if (rule.kind === 'check' && 'outcome' in t) {
        let ctx = matchContext([], false)
        if ('build' in t && t.build) {
          const b = normaliseProbeBuild(t.build)
          if (!b) {
            fail(`build ${t.build} is not a build number`)
            continue
          }
          const fp = {
            exchange: true,
            signs: [],
            serverNames: [],
            evidence: [{ ...b, source: 'test', confidence: 'high' as const, requestId: 'test' }],
          }
          const j = judgeBuild(fp, (x, p) => buildExposure(builds, families, x, p))
          ctx = matchContext(j.missing, true)
        }
        const r = runCheck(rule, answerMap(t.answers), ctx)
        if (r.outcome !== t.outcome)
          fail(`outcome is ${r.outcome} (${r.evidence}), expected ${t.outcome}`)
      } else if (rule.kind === 'webshell-paths' && 'outcome' in t) {
        const plan = planWebshell(rule, 'test')
        const answers = new Map<string, ProbeResponse>()
        for (const q of plan.requests) {
          const isControl = q.id.startsWith('shell-control-')
          const a = isControl ? t.answers.control : t.answers[q.path]
          answers.set(q.id, sampleResponse(q.id, a ?? { status: 404 }))
        }
        const j = judgeWebshell(plan, answers)
        if (j.outcome !== t.outcome)
          fail(`outcome is ${j.outcome} (${j.evidence}), expected ${t.outcome}`)
      }
    }
  }
  return { run, failures }
}
