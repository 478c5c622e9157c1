// One endpoint's answers → the judgement: fingerprint, build, missing CVEs, check outcomes, verdict and
// a reason in plain words. Verdicts by weight (docs/content-format.md, "Probe rules"): unreachable >
// likely-compromised > vulnerable > patched > not-exchange.
import type {
  ProbeBuild,
  ProbeCheckResult,
  ProbeJudgement,
  ProbeMissingCve,
  ProbeResponse,
} from '../../shared/probe.ts'
import { disagreeing, type Fingerprint } from './fingerprint.ts'
import type { MatchContext } from './matcher.ts'
import type { ExposureLookup } from './missing.ts'
import type { CompiledCheck } from './probe-rule.ts'

/** `HTTP 404` / `no answer (reset: socket hang up)`. */
export function describeAnswer(r: ProbeResponse | undefined): string {
  if (!r) return 'no answer'
  if (r.status !== null) return `HTTP ${r.status}`
  if (!r.error) return 'no answer'
  return r.error.message && r.error.message !== r.error.code
    ? `${r.error.code}: ${r.error.message}`
    : r.error.code
}

/** The build context a check's `build-misses` / `build-has` conditions read. */
export function matchContext(missing: readonly ProbeMissingCve[], known: boolean): MatchContext {
  const sure = new Set(missing.filter((m) => m.certainty !== 'possibly').map((m) => m.cve))
  const any = new Set(missing.map((m) => m.cve))
  return { missing: sure, fixed: (cve) => known && !any.has(cve) }
}

export function runCheck(
  check: CompiledCheck,
  answers: ReadonlyMap<string, ProbeResponse>,
  ctx: MatchContext,
): ProbeCheckResult {
  const base = {
    id: check.header.id,
    title: check.header.title,
    cves: check.header.cves,
    requestIds: check.requests.map((r) => r.id),
    references: check.header.references,
  }
  for (const o of check.outcomes) {
    const r = answers.get(o.request)
    if (!r || !o.when(r, ctx)) continue
    return { ...base, outcome: o.outcome, evidence: `${o.evidence} [${describeAnswer(r)}]` }
  }
  const seen = check.requests.map(
    (q) => `${q.path.split('?')[0]}: ${describeAnswer(answers.get(q.id))}`,
  )
  return { ...base, outcome: 'inconclusive', evidence: `no answer that tells: ${seen.join('; ')}` }
}

export interface BuildJudgement {
  build?: ProbeBuild
  missing: ProbeMissingCve[]
  note?: string
}

export function judgeBuild(fp: Fingerprint, lookup: ExposureLookup): BuildJudgement {
  const best = fp.evidence[0]
  if (!best) return { missing: [] }
  const e = lookup(best.build, best.parts)
  const build: ProbeBuild = {
    build: best.build,
    parts: best.parts,
    source: best.source,
    confidence: best.confidence,
    evidence: fp.evidence,
  }
  if (e.product) build.product = e.product
  if (e.versionName) build.versionName = e.versionName
  if (e.releaseDate) build.releaseDate = e.releaseDate
  // Copies: the memoised exposure is shared by every endpoint of the run.
  const out: BuildJudgement = { build, missing: e.missing.map((m) => ({ ...m })) }
  const notes: string[] = []
  if (e.note) notes.push(e.note)
  const other = disagreeing(fp.evidence)
  if (other.length > 0)
    notes.push(
      `other evidence says ${other.map((o) => `${o.build} (${o.source})`).join(', ')}; the ${best.source} is trusted most`,
    )
  if (notes.length > 0) out.note = notes.join('; ')
  return out
}

const list = (xs: readonly string[], max = 6) =>
  xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} and ${xs.length - max} more`

function cveWords(ms: readonly ProbeMissingCve[]): string {
  const byFamily = new Map<string, string[]>()
  for (const m of ms) {
    const k = m.family ?? ''
    byFamily.set(k, [...(byFamily.get(k) ?? []), m.cve])
  }
  return [...byFamily].map(([f, cs]) => (f ? `${f} (${list(cs)})` : list(cs))).join(', ')
}

function buildWords(b: ProbeBuild): string {
  const name = [b.product, b.versionName].filter(Boolean).join(' ')
  const parts =
    b.parts === 3 ? `${b.build}, three-part build from the ${b.source}` : `${b.build}, ${b.source}`
  return name ? `${name} (${parts})` : `build ${parts}`
}

export interface JudgeInput {
  answers: ReadonlyMap<string, ProbeResponse>
  fp: Fingerprint
  build: BuildJudgement
  checks: ProbeCheckResult[]
  /** Request id → path asked (to tell a redirect back to the same URL). */
  paths?: ReadonlyMap<string, string>
}

const pathOf = (u: string) => {
  try {
    return new URL(u, 'http://x').pathname
  } catch {
    return u
  }
}

/** Why no answer can be used (undefined when at least one HTTP answer is complete and clean). */
export function noCleanAnswer(
  responses: readonly ProbeResponse[],
  paths: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  const loops: string[] = []
  for (const r of responses) {
    if (r.error || r.status === null) continue
    const asked = paths.get(r.id)
    const loc = r.headers.location
    if (r.status >= 300 && r.status < 400 && asked && loc && pathOf(loc) === pathOf(asked)) {
      loops.push(`${pathOf(asked)} \u2192 ${pathOf(loc)}`)
      continue
    }
    return undefined
  }
  if (loops.length > 0 && loops.length === responses.length)
    return `Redirect loop: every request was sent back to itself (${list(loops, 3)}); nothing to judge.`
  const codes = new Map<string, { n: number; message: string }>()
  for (const r of responses)
    if (r.error) {
      const c = codes.get(r.error.code)
      codes.set(r.error.code, { n: (c?.n ?? 0) + 1, message: c?.message ?? r.error.message })
    }
  const top = [...codes].sort((a, b) => b[1].n - a[1].n)[0]
  const why = top
    ? `${top[0]} (${top[1].message}) on ${top[1].n} of ${responses.length} requests`
    : 'nothing came back'
  const any = responses.some((r) => r.status !== null)
  return any ? `Every answer was cut or broken: ${why}.` : `No HTTP answer: ${why}.`
}

export function verdictOf(input: JudgeInput): ProbeJudgement {
  const { answers, fp, build, checks } = input
  const base = {
    exchange: fp.exchange,
    missing: build.missing,
    checks,
    serverNames: fp.serverNames,
  }
  const withBuild = build.build ? { build: build.build } : {}
  const responses = [...answers.values()]
  // The issue: hostile targets "end as unreachable with a reason". A target that never gave one
  // complete, clean answer (every answer errored, or only sent each request back to itself) cannot be
  // judged at all; "not Exchange" would claim more than is known. Only without Exchange signs: a reset
  // on a real Exchange's check round is an answer (a mitigation), and a plain 404 is a clean answer.
  const unusable = fp.exchange ? undefined : noCleanAnswer(responses, input.paths)
  if (unusable) {
    return {
      ...base,
      exchange: false,
      verdict: 'unreachable',
      confidence: 'high',
      reason: unusable,
    }
  }
  const shells = checks.filter((c) => c.outcome === 'shell-answered')
  const mitigated = checks.filter((c) => c.outcome === 'mitigated')
  const mitigationWords =
    mitigated.length > 0
      ? ` ${mitigated.map((c) => `${c.cves.join('/') || c.title}: a URL Rewrite mitigation cut the check's request`).join('; ')}, which helps against known attack patterns but does not fix the build.`
      : ''
  const note = build.note ? ` Note: ${build.note}.` : ''
  if (shells.length > 0) {
    return {
      ...base,
      ...withBuild,
      verdict: 'likely-compromised',
      confidence: 'high',
      reason: `A known web-shell path answered like a page: ${shells.map((s) => s.evidence).join('; ')}. Investigate the server (exhunt hunt on its logs and web folders).`,
    }
  }
  if (!fp.exchange) {
    const owa = answers.get('fp-owa')
    return {
      ...base,
      verdict: 'not-exchange',
      confidence: owa?.status != null ? 'high' : 'medium',
      reason: `It answers HTTP but shows no sign of Exchange (/owa/: ${describeAnswer(owa)}; no Exchange header, logon page or export-tool manifest).`,
    }
  }
  const vulnChecks = checks.filter((c) => c.outcome === 'vulnerable')
  const exploited = build.missing.filter((m) => m.exploitedInWild)
  const sure = exploited.filter((m) => m.certainty !== 'possibly')
  const maybe = exploited.filter((m) => m.certainty === 'possibly')
  const b = build.build
  if (vulnChecks.length > 0 || sure.length > 0) {
    const parts: string[] = []
    if (vulnChecks.length > 0)
      parts.push(
        `the server answered like an unpatched one: ${vulnChecks.map((c) => `${c.title} (${c.evidence})`).join('; ')}`,
      )
    if (sure.length > 0 && b)
      parts.push(
        `${buildWords(b)} ${b.parts === 3 ? 'misses at least' : 'misses'} ${sure.length} CVE${sure.length > 1 ? 's' : ''} exploited in the wild: ${cveWords(sure)}${maybe.length > 0 ? `, and possibly ${cveWords(maybe)}, depending on which update of ${b.versionName ?? 'its CU'} is installed` : ''}`,
      )
    const high =
      vulnChecks.length > 0 || (b?.parts === 4 && sure.some((m) => m.certainty === 'exact'))
    return {
      ...base,
      ...withBuild,
      verdict: 'vulnerable',
      confidence: high && b?.confidence !== 'low' ? 'high' : 'medium',
      reason: `${cap(parts.join('; '))}.${mitigationWords}${note}`,
    }
  }
  if (maybe.length > 0 && b) {
    return {
      ...base,
      ...withBuild,
      verdict: 'vulnerable',
      confidence: 'low',
      reason: `${cap(buildWords(b))} shows only its CU: some security updates of ${b.versionName ?? 'that CU'} miss ${cveWords(maybe)}, exploited in the wild; whether this server has the update that fixes them cannot be seen from outside.${mitigationWords}${note}`,
    }
  }
  if (!b) {
    const notVuln = checks.filter((c) => c.outcome === 'not-vulnerable').map((c) => c.title)
    return {
      ...base,
      verdict: 'vulnerable',
      confidence: 'low',
      reason: `Exchange (${fp.signs.join('; ')}) whose build could not be read (no build number in any answer): could not tell patched from vulnerable, so it is treated as vulnerable until shown otherwise${notVuln.length > 0 ? ` (checks that found nothing: ${notVuln.join(', ')})` : ''}.${mitigationWords}`,
    }
  }
  const others = build.missing.filter((m) => !m.exploitedInWild)
  const rest =
    others.length > 0
      ? ` It still misses ${others.length} other CVE${others.length > 1 ? 's' : ''} not known to be exploited in the wild (${list(others.map((m) => m.cve))}).`
      : ''
  return {
    ...base,
    ...withBuild,
    verdict: 'patched',
    confidence: b.parts === 4 && b.confidence === 'high' ? 'high' : 'medium',
    reason: `${cap(buildWords(b))} has the fixes for every CVE exploited in the wild that exhunt knows for it.${rest}${mitigationWords}${note}`,
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
