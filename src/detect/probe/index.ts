// The pure probe engine: `compileProbe(content.probe)` once per process, then one session per endpoint
// (shared/probe.ts has the loop). No I/O: the network side sends the requests and feeds the answers.
import type { CompiledProbe, ProbeEndpoint, ProbeLevel } from '../../shared/probe.ts'
import { compileProbeRules } from './compile-rules.ts'
import { exposureLookup } from './missing.ts'
import type {
  CompiledCheck,
  CompiledFingerprint,
  CompiledProbeRule,
  CompiledWebshellRule,
  ProbeContent,
} from './probe-rule.ts'
import { Session, type SessionRules } from './session.ts'

export { compileProbeRules, requestProblem } from './compile-rules.ts'
export { normaliseProbeBuild } from './fingerprint.ts'
export { buildExposure } from './missing.ts'
export { challengeHeader, isAnonymousNegotiate, parseChallenge } from './ntlm.ts'
export type {
  CompiledProbeRule,
  ProbeContent,
  ProbeFamily,
  ProbeIocPath,
  ProbeRuleSource,
} from './probe-rule.ts'
export { runProbeRuleTests } from './rule-tests.ts'
export { webshellPaths } from './webshell.ts'

export interface CompiledProbeWithRules extends CompiledProbe {
  /** The compiled rules (for the content index and rule tests). */
  readonly compiled: readonly CompiledProbeRule[]
}

export function sessionRules(
  rules: readonly CompiledProbeRule[],
  content: ProbeContent,
): SessionRules {
  return {
    fingerprints: rules.filter((r): r is CompiledFingerprint => r.kind === 'fingerprint'),
    checks: rules.filter((r): r is CompiledCheck => r.kind === 'check'),
    webshell: rules.filter((r): r is CompiledWebshellRule => r.kind === 'webshell-paths'),
    exposure: exposureLookup(content.builds, content.families),
  }
}

export function compileProbe(content: ProbeContent): CompiledProbeWithRules {
  const { rules, issues } = compileProbeRules(content.rules, content.iocPaths)
  const sr = sessionRules(rules, content)
  return {
    name: 'probe',
    rules: rules.length,
    issues: issues
      .filter((i) => i.severity === 'error')
      .map((i) => ({ file: i.file, message: i.path ? `${i.path}: ${i.message}` : i.message })),
    compiled: rules,
    session: (endpoint: ProbeEndpoint, level: ProbeLevel) => new Session(sr, endpoint, level),
  }
}
