// A fingerprinted build → product, CU/SU and the CVEs it misses, through the same exposureFor a hunt uses.
// A three-part build (what OWA's static paths show) stands for every SU of one CU: a CVE every one of
// them misses is missed `at-least`; one only some of them miss is `possibly` missed.
import type { ProbeMissingCve } from '../../shared/probe.ts'
import { baseName, exposureFor } from '../exposure/exposure.ts'
import type { BuildTable } from '../exposure/index.ts'
import type { ProbeFamily } from './probe-rule.ts'

const CVE = /^CVE-\d{4}-\d{4,}$/

export interface BuildExposure {
  product?: string
  versionName?: string
  releaseDate?: string
  missing: ProbeMissingCve[]
  /** Said in the reason: the build is not in the table, judged from a neighbour. */
  note?: string
}

function missingOf(table: BuildTable, build: string): { cves: string[]; approximate: boolean } {
  const e = exposureFor(table, build, 'probe')
  return {
    cves: e.missing.map((m) => m.cve).filter((c) => CVE.test(c)),
    approximate: !!e.approximate,
  }
}

export function buildExposure(
  table: BuildTable,
  families: readonly ProbeFamily[],
  build: string,
  parts: 3 | 4,
): BuildExposure {
  const tag = (cve: string, certainty: ProbeMissingCve['certainty']): ProbeMissingCve => {
    const fam = families.find((f) => f.cves.includes(cve))
    const m: ProbeMissingCve = {
      cve,
      exploitedInWild: families.some((f) => f.exploited.includes(cve)),
      certainty,
    }
    if (fam) m.family = fam.name
    return m
  }
  // Exploited first, then the surer, then by id.
  const sure = (m: ProbeMissingCve) => (m.certainty === 'possibly' ? 1 : 0)
  const order = (a: ProbeMissingCve, b: ProbeMissingCve) =>
    Number(b.exploitedInWild) - Number(a.exploitedInWild) ||
    sure(a) - sure(b) ||
    a.cve.localeCompare(b.cve)
  if (parts === 4) {
    const e = exposureFor(table, build, 'probe')
    const { cves, approximate } = missingOf(table, build)
    const out: BuildExposure = {
      missing: cves.map((c) => tag(c, approximate ? 'possibly' : 'exact')).sort(order),
    }
    if (e.product) out.product = e.product
    if (e.versionName) out.versionName = e.versionName
    if (e.releaseDate) out.releaseDate = e.releaseDate
    if (approximate) out.note = e.caveats[0] ?? `build ${build} is not in the build table`
    return out
  }
  const rows = table.rows.filter((r) => r.build.startsWith(`${build}.`))
  if (rows.length === 0) {
    const e = exposureFor(table, `${build}.0`, 'probe')
    const out: BuildExposure = {
      missing: missingOf(table, `${build}.0`)
        .cves.map((c) => tag(c, 'possibly'))
        .sort(order),
      note: `no build of the table starts with ${build}; judged from its neighbours`,
    }
    if (e.product) out.product = e.product
    return out
  }
  const sets = rows.map((r) => new Set(missingOf(table, r.build).cves))
  const union = new Set(sets.flatMap((s) => [...s]))
  const missing: ProbeMissingCve[] = []
  for (const c of union) missing.push(tag(c, sets.every((s) => s.has(c)) ? 'at-least' : 'possibly'))
  const su = (b: string) => Number(b.split('.')[3])
  const lowest = rows.slice().sort((a, b) => su(a.build) - su(b.build))[0] as (typeof rows)[number]
  return {
    product: lowest.product,
    versionName: baseName(lowest),
    releaseDate: lowest.releaseDate,
    missing: missing.sort(order),
  }
}

export type ExposureLookup = (build: string, parts: 3 | 4) => BuildExposure

/**
 * buildExposure memoised per build for one compiled probe: a fleet shows few distinct builds, and one
 * look-up walks the build table (a three-part build once per SU of its CU). Bounded: cleared when full.
 */
export function exposureLookup(
  table: BuildTable,
  families: readonly ProbeFamily[],
  max = 4096,
): ExposureLookup {
  const memo = new Map<string, BuildExposure>()
  return (build, parts) => {
    const key = `${parts}|${build}`
    let e = memo.get(key)
    if (!e) {
      if (memo.size >= max) memo.clear()
      e = buildExposure(table, families, build, parts)
      memo.set(key, e)
    }
    return e
  }
}
