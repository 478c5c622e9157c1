// The build table in memory: rows per product line, sorted by build, plus the caveat rules.
import { compareBuilds, lineOf } from './normalise.ts'

export interface BuildRow {
  product: string
  versionName: string
  /** Normalised, `15.1.2375.7`. */
  build: string
  releaseDate: string
  /** CVE ids (and the `MAR21SU` marker) this row's update fixes. */
  fixes: string[]
}

export interface CaveatRules {
  fixes: { cves?: string[]; pattern?: string; caveat: string; url?: string }[]
  products: { product: string; caveat: string }[]
  markers: Record<string, string>
}

export interface BuildTable {
  rows: BuildRow[]
  /** `major.minor` → rows sorted by build. */
  lines: ReadonlyMap<string, readonly BuildRow[]>
  caveats: CaveatRules
}

export function makeBuildTable(rows: BuildRow[], caveats: CaveatRules): BuildTable {
  const lines = new Map<string, BuildRow[]>()
  for (const r of rows) {
    const k = lineOf(r.build)
    const list = lines.get(k)
    if (list) list.push(r)
    else lines.set(k, [r])
  }
  for (const list of lines.values()) list.sort((a, b) => compareBuilds(a.build, b.build))
  return { rows, lines, caveats }
}
