// What a build lacks: every fix a later build of its product line carries, with the first update that
// brings it and what else the fix needs. Pure; the table comes from content/builds.
import type { Exposure, MissingFix, UpdateRef } from '../../shared/types.ts'
import { compareBuilds, lineOf, normaliseBuild } from './normalise.ts'
import type { BuildRow, BuildTable } from './table.ts'

// An update row (SU, HU, hotfix) on top of a CU/RU: `CU19 Mar21SU`, `CU23 Nov24SUv2`, `CU9 + KB4340731`.
const UPDATE_SUFFIX = /\s+(?:[A-Z][a-z]{2}\d{2}(?:SU|HU)(?:v\d+)?|\+\s*KB\d+)$/

/** The CU/RU a row belongs to: `CU19` of `CU19 Mar21SU`. */
export function baseName(row: BuildRow): string {
  return row.versionName.replace(UPDATE_SUFFIX, '')
}

/** Fixes a build has: every CU/RU row up to its own base, plus its own base's updates up to itself. */
function fixesPresent(line: readonly BuildRow[], row: BuildRow): Set<string> {
  const base = baseName(row)
  // Match the base by product too: Exchange SE's `RTM` shares the 15.2 line with Exchange 2019's.
  let baseRow = row
  for (const r of line) {
    if (compareBuilds(r.build, row.build) > 0) break
    if (r.product === row.product && r.versionName === base) baseRow = r
  }
  const have = new Set<string>()
  for (const r of line) {
    const isBase = !UPDATE_SUFFIX.test(r.versionName)
    const upToBase = compareBuilds(r.build, baseRow.build) <= 0
    const ownUpdate =
      r.product === row.product &&
      baseName(r) === base &&
      compareBuilds(r.build, baseRow.build) >= 0 &&
      compareBuilds(r.build, row.build) <= 0
    if ((isBase && upToBase) || ownUpdate) for (const f of r.fixes) have.add(f)
  }
  return have
}

function fixCaveat(table: BuildTable, id: string): string | undefined {
  for (const c of table.caveats.fixes) {
    if (c.cves?.includes(id)) return c.caveat
    if (c.pattern && new RegExp(c.pattern).test(id)) return c.caveat
  }
  return table.caveats.markers[id]
}

export function exposureFor(table: BuildTable, build: string, buildSource: string): Exposure {
  const norm = normaliseBuild(build) ?? build
  const out: Exposure = { build: norm, buildSource, missing: [], caveats: [] }
  const line = table.lines.get(lineOf(norm))
  if (!line || line.length === 0) {
    out.caveats.push(
      `Build ${norm} belongs to no Exchange product line exhunt knows; exposure unknown.`,
    )
    out.approximate = true
    return out
  }
  let row = line.find((r) => r.build === norm)
  if (!row) {
    row = [...line].reverse().find((r) => compareBuilds(r.build, norm) < 0)
    out.approximate = true
    if (!row) {
      out.product = (line[0] as BuildRow).product
      out.caveats.push(
        `Build ${norm} is older than every known ${out.product} build; exposure unknown.`,
      )
      return out
    }
    out.caveats.push(
      `Build ${norm} is not in the build table; judged from the nearest lower known build ${row.build} (${row.versionName}).`,
    )
  }
  out.product = row.product
  out.versionName = row.versionName
  out.releaseDate = row.releaseDate
  const have = fixesPresent(line, row)
  const missing = new Map<string, MissingFix>()
  for (const r of line) {
    if (compareBuilds(r.build, row.build) <= 0) continue
    for (const id of r.fixes) {
      if (have.has(id) || missing.has(id)) continue
      const fix: MissingFix = { cve: id, fixedIn: r.versionName }
      const caveat = fixCaveat(table, id)
      if (caveat) fix.caveat = caveat
      missing.set(id, fix)
    }
  }
  out.missing = [...missing.values()]
  const update = updateFixingAll(line, row, out.missing)
  if (update) out.update = update
  for (const id of have) {
    const caveat = table.caveats.fixes.find((c) => c.cves?.includes(id))?.caveat
    if (caveat && !out.caveats.includes(`${id}: ${caveat}`)) out.caveats.push(`${id}: ${caveat}`)
  }
  if (
    [...have].some((id) =>
      table.caveats.fixes.some((c) => c.pattern && new RegExp(c.pattern).test(id)),
    )
  ) {
    const c = table.caveats.fixes.find((x) => x.pattern)?.caveat
    if (c) out.caveats.push(c)
  }
  for (const p of table.caveats.products) if (p.product === row.product) out.caveats.push(p.caveat)
  return out
}

/**
 * The update to install: among the later builds of the line whose fixes cover everything missing, the
 * earliest released (by the table's release date, never by name: "CU23 Oct25SU" sorts after
 * "CU23 Aug26SU" as text), then one on this build's own CU, then the lowest build.
 */
function updateFixingAll(
  line: readonly BuildRow[],
  row: BuildRow,
  missing: readonly MissingFix[],
): UpdateRef | undefined {
  if (missing.length === 0) return undefined
  const base = baseName(row)
  let best: BuildRow | undefined
  for (const r of line) {
    if (compareBuilds(r.build, row.build) <= 0) continue
    const have = fixesPresent(line, r)
    if (!missing.every((m) => have.has(m.cve))) continue
    if (!best || rank(r, best, base, row.product) < 0) best = r
  }
  if (!best) return undefined
  return {
    name: best.versionName,
    product: best.product,
    build: best.build,
    releaseDate: best.releaseDate,
  }
}

function rank(a: BuildRow, b: BuildRow, base: string, product: string): number {
  if (a.releaseDate !== b.releaseDate) return a.releaseDate < b.releaseDate ? -1 : 1
  const own = (r: BuildRow) => (r.product === product ? 0 : 2) + (baseName(r) === base ? 0 : 1)
  return own(a) - own(b) || compareBuilds(a.build, b.build)
}

/** true when the build lacks the March 2021 ProxyLogon update (the `MAR21SU` marker). */
export function missesProxyLogonUpdate(e: Exposure): boolean {
  return e.missing.some((m) => m.cve === 'MAR21SU')
}
