// One endpoint's probe as rounds: 1) every fingerprint request; 2) at level `safe` and only when round 1
// showed Exchange, the checks' requests and the web-shell paths with their controls. Then done.
import type {
  ProbeCheckResult,
  ProbeEndpoint,
  ProbeJudgement,
  ProbeLevel,
  ProbeRequest,
  ProbeResponse,
  ProbeSession,
  ProbeTls,
} from '../../shared/probe.ts'
import { type Fingerprint, fingerprint } from './fingerprint.ts'
import { type BuildJudgement, judgeBuild, matchContext, runCheck, verdictOf } from './judge.ts'
import type { ExposureLookup } from './missing.ts'
import type { CompiledCheck, CompiledFingerprint, CompiledWebshellRule } from './probe-rule.ts'
import { judgeWebshell, planWebshell, type WebshellPlan } from './webshell.ts'

export interface SessionRules {
  fingerprints: readonly CompiledFingerprint[]
  checks: readonly CompiledCheck[]
  webshell: readonly CompiledWebshellRule[]
  exposure: ExposureLookup
}

const LEVELS: Record<ProbeLevel, number> = { passive: 0, safe: 1 }

export class Session implements ProbeSession {
  private readonly answers = new Map<string, ProbeResponse>()
  private round = 0
  private pending: ProbeRequest[] = []
  private fp: Fingerprint | undefined
  private build: BuildJudgement | undefined
  private plans: { rule: CompiledWebshellRule; plan: WebshellPlan }[] = []
  tls: ProbeTls | undefined

  constructor(
    private readonly rules: SessionRules,
    private readonly endpoint: ProbeEndpoint,
    private readonly level: ProbeLevel,
  ) {}

  private runs(ruleLevel: ProbeLevel): boolean {
    return LEVELS[ruleLevel] <= LEVELS[this.level]
  }

  next(): ProbeRequest[] {
    // Asked again before the answers came: the same requests are still wanted.
    const open = this.pending.filter((q) => !this.answers.has(q.id))
    if (open.length > 0) return open
    if (this.round === 0) {
      this.round = 1
      const seen = new Set<string>()
      this.pending = []
      for (const r of this.rules.fingerprints)
        for (const q of r.requests)
          if (!seen.has(q.id)) {
            seen.add(q.id)
            this.pending.push(q)
          }
      return this.pending
    }
    if (this.round === 1) {
      this.round = 2
      const fp = this.fingerprint()
      if (!fp.exchange || this.level === 'passive') {
        this.pending = []
        return []
      }
      const reqs: ProbeRequest[] = []
      for (const c of this.rules.checks) if (this.runs(c.level)) reqs.push(...c.requests)
      const salt = `${this.endpoint.host}:${this.endpoint.port}`
      for (const rule of this.rules.webshell) {
        if (!this.runs(rule.level)) continue
        // Two web-shell rules would reuse ids: only the first runs (compile warns of more).
        if (this.plans.length > 0) break
        const plan = planWebshell(rule, salt)
        this.plans.push({ rule, plan })
        reqs.push(...plan.requests)
      }
      this.pending = reqs
      return reqs
    }
    this.pending = []
    return []
  }

  feed(responses: readonly ProbeResponse[], tls?: ProbeTls): void {
    for (const r of responses) this.answers.set(r.id, r)
    if (tls) this.tls = tls
    // A round's answers can change the fingerprint only before the checks were planned.
    if (this.round <= 1) this.fp = undefined
  }

  private fingerprint(): Fingerprint {
    if (!this.fp) {
      this.fp = fingerprint(this.rules.fingerprints, this.answers)
      this.build = judgeBuild(this.fp, this.rules.exposure)
    }
    return this.fp
  }

  result(): ProbeJudgement {
    const fp = this.fingerprint()
    const build = this.build as BuildJudgement
    const checks: ProbeCheckResult[] = []
    if (this.round >= 2 && fp.exchange && this.level !== 'passive') {
      const ctx = matchContext(build.missing, build.build !== undefined)
      for (const c of this.rules.checks)
        if (this.runs(c.level)) checks.push(runCheck(c, this.answers, ctx))
      for (const { rule, plan } of this.plans) {
        const j = judgeWebshell(plan, this.answers)
        checks.push({
          id: rule.header.id,
          title: rule.header.title,
          cves: rule.header.cves,
          outcome: j.outcome,
          evidence: j.evidence,
          requestIds: j.requestIds,
          references: rule.header.references,
        })
      }
    }
    const paths = new Map<string, string>()
    for (const r of this.rules.fingerprints) for (const q of r.requests) paths.set(q.id, q.path)
    return verdictOf({ answers: this.answers, fp, build, checks, paths })
  }
}
