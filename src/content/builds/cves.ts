// CVE families (content/cves/*.yml): when exploitation began, used to warn when logs do not reach back
// to the exposure window.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

export interface CveInfo {
  id: string
  name: string
  cves: string[]
  /** `YYYY-MM-DD`, or `YYYY-MM` when no day was published. */
  firstExploited: string
  patched: string
  fixedIn?: string
  references: string[]
  /** CVEs of the family that write a file the attacker then runs (`plants:`): a web shell used after a
   * successful finding naming one of them, by the same IP, is named with it. */
  plants: string[]
}

/** First day a `YYYY-MM[-DD]` date can mean, as ISO `YYYY-MM-DD`. */
export function windowStart(date: string): string {
  return /^\d{4}-\d{2}$/.test(date) ? `${date}-01` : date
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  // YAML reads an unquoted 2021-01-03 as a timestamp.
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  return undefined
}

export function loadCveInfo(contentRoot: string): CveInfo[] {
  const dir = join(contentRoot, 'cves')
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yml'))
      .sort()
  } catch {
    return []
  }
  const out: CveInfo[] = []
  for (const n of names) {
    let doc: Record<string, unknown>
    try {
      doc = parse(readFileSync(join(dir, n), 'utf8')) as Record<string, unknown>
    } catch {
      continue
    }
    const id = str(doc?.id)
    const firstExploited = str(doc?.first_exploited)
    const patched = str(doc?.patched)
    if (!id || !firstExploited || !patched || !Array.isArray(doc.cves)) continue
    const info: CveInfo = {
      id,
      name: str(doc.name) ?? id,
      cves: doc.cves.filter((c): c is string => typeof c === 'string'),
      firstExploited,
      patched,
      references: Array.isArray(doc.references)
        ? doc.references.filter((r): r is string => typeof r === 'string')
        : [],
      plants: Array.isArray(doc.plants)
        ? doc.plants.filter((c): c is string => typeof c === 'string')
        : [],
    }
    const fixedIn = str(doc.fixed_in)
    if (fixedIn) info.fixedIn = fixedIn
    out.push(info)
  }
  return out
}
