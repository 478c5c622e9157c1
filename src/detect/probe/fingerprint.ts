// What the fingerprint answers show: is it Exchange (and why), every build number seen with its source
// and confidence (strongest first), and the names the server gave itself.
import type { BuildEvidence, ProbeResponse } from '../../shared/probe.ts'
import type { MatchContext } from './matcher.ts'
import { parseChallenge } from './ntlm.ts'
import type { CompiledFingerprint } from './probe-rule.ts'

export interface Fingerprint {
  exchange: boolean
  /** Why it looks like Exchange: the `says` of every exchange condition that held. */
  signs: string[]
  evidence: BuildEvidence[]
  serverNames: string[]
  /** Windows version from the NTLM challenge (`10.0.17763`), when seen. */
  osVersion?: string
}

const NO_BUILD: MatchContext = { missing: new Set(), fixed: () => false }
const RANK = { high: 0, medium: 1, low: 2 }

/** `15.01.2176.009` → `15.1.2176.9`; three or four numeric parts, major 14 or 15. */
export function normaliseProbeBuild(s: string): { build: string; parts: 3 | 4 } | undefined {
  const parts = s.trim().split('.')
  if (parts.length !== 3 && parts.length !== 4) return undefined
  if (!parts.every((p) => /^\d{1,5}$/.test(p))) return undefined
  const nums = parts.map(Number)
  if (nums[0] !== 14 && nums[0] !== 15) return undefined
  return { build: nums.join('.'), parts: parts.length as 3 | 4 }
}

export function fingerprint(
  rules: readonly CompiledFingerprint[],
  answers: ReadonlyMap<string, ProbeResponse>,
): Fingerprint {
  const fp: Fingerprint = { exchange: false, signs: [], evidence: [], serverNames: [] }
  const names = new Set<string>()
  const priority = new Map<BuildEvidence, number>()
  for (const rule of rules) {
    for (const e of rule.exchange) {
      const r = answers.get(e.request)
      if (r && e.when(r, NO_BUILD)) {
        fp.exchange = true
        if (!fp.signs.includes(e.says)) fp.signs.push(e.says)
      }
    }
    for (const x of rule.extract) {
      const r = answers.get(x.request)
      if (!r || r.status === null) continue
      const text = x.part === 'body' ? r.body : x.name ? r.headers[x.name] : undefined
      if (text === undefined || text === '') continue
      if (x.kind === 'ntlm') {
        const c = parseChallenge(text)
        if (!c) continue
        for (const n of [c.netbiosComputer, c.dnsComputer]) if (n) names.add(n)
        if (c.osVersion) fp.osVersion = c.osVersion
        continue
      }
      const m = x.re?.exec(text)
      const g = m?.groups
      if (!g) continue
      if (x.kind === 'server-name') {
        const n = g.name?.trim()
        if (n && /^[A-Za-z0-9._-]{1,253}$/.test(n)) names.add(n)
        continue
      }
      const b = g.build ? normaliseProbeBuild(g.build) : undefined
      if (!b) continue
      if (fp.evidence.some((e) => e.build === b.build && e.source === x.source)) continue
      const ev: BuildEvidence = {
        build: b.build,
        parts: b.parts,
        source: x.source,
        confidence: x.confidence,
        requestId: x.request,
      }
      priority.set(ev, x.priority)
      fp.evidence.push(ev)
    }
  }
  // Four parts before three, then the more trusted source.
  fp.evidence.sort(
    (a, b) =>
      b.parts - a.parts ||
      RANK[a.confidence] - RANK[b.confidence] ||
      (priority.get(a) ?? 50) - (priority.get(b) ?? 50),
  )
  fp.serverNames = [...names].sort()
  return fp
}

/** Pieces of evidence that contradict the strongest one (another build, not just fewer parts of it). */
export function disagreeing(evidence: readonly BuildEvidence[]): BuildEvidence[] {
  const best = evidence[0]
  if (!best) return []
  return evidence.filter(
    (e) => e !== best && !`${best.build}.`.startsWith(`${e.build}.`) && e.build !== best.build,
  )
}
