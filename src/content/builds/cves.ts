// CVE families (content/cves/*.yml): when exploitation began, used to warn when logs do not reach back
// to the exposure window.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { type ContentIssue, readContentText } from '../issues.ts'

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
  /** CVEs of the family in CISA's Known Exploited Vulnerabilities catalog (`kev:`): exploited in the wild. */
  kev: string[]
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

const KEYS = new Set([
  'id',
  'name',
  'cves',
  'plants',
  'first_exploited',
  'patched',
  'fixed_in',
  'references',
  'kev',
])
const CVE_RE = /^CVE-\d{4}-\d{4,}$/
const DATE_RE = /^\d{4}-\d{2}(?:-\d{2})?$/

/** One CVE family file's text → its CveInfo, or undefined with every problem in `issues`. */
export function parseCveInfo(
  text: string,
  file: string,
  issues: ContentIssue[],
): CveInfo | undefined {
  const before = issues.length
  const err = (path: string, message: string) =>
    issues.push({ file, path, severity: 'error', message })
  let doc: unknown
  try {
    doc = parse(text)
  } catch (e) {
    err('', `not valid YAML: ${(e as Error).message}`)
    return undefined
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    err('', 'a CVE family file holds one mapping')
    return undefined
  }
  const d = doc as Record<string, unknown>
  for (const k of Object.keys(d))
    if (!KEYS.has(k))
      issues.push({ file, path: k, severity: 'warning', message: `unknown key '${k}'` })
  const id = str(d.id)
  if (!id) err('id', 'id is required')
  else if (!file.endsWith(`/${id}.yml`)) err('id', `file name must be ${id}.yml`)
  const date = (key: string): string | undefined => {
    const v = str(d[key])
    if (v === undefined) err(key, `${key} is required (YYYY-MM-DD, or YYYY-MM)`)
    else if (!DATE_RE.test(v)) err(key, `${key} '${v}' is not YYYY-MM-DD or YYYY-MM`)
    return v
  }
  const firstExploited = date('first_exploited')
  const patched = date('patched')
  const cveList = (key: string, required: boolean): string[] => {
    const v = d[key]
    if (v === undefined && !required) return []
    if (!Array.isArray(v) || (required && v.length === 0)) {
      err(key, `${key} must be a${required ? ' non-empty' : ''} list of CVE ids`)
      return []
    }
    v.forEach((c, i) => {
      if (typeof c !== 'string' || !CVE_RE.test(c))
        err(`${key}[${i}]`, `'${String(c)}' is not a CVE id (CVE-YYYY-NNNN)`)
    })
    return v.filter((c): c is string => typeof c === 'string')
  }
  const cves = cveList('cves', true)
  const plants = cveList('plants', false)
  plants.forEach((c, i) => {
    if (!cves.includes(c)) err(`plants[${i}]`, `${c} is not one of this family's cves`)
  })
  const kev = cveList('kev', false)
  kev.forEach((c, i) => {
    if (!cves.includes(c)) err(`kev[${i}]`, `${c} is not one of this family's cves`)
  })
  const references = d.references === undefined ? [] : d.references
  if (!Array.isArray(references) || references.some((r) => typeof r !== 'string'))
    err('references', 'references must be a list of URLs')
  if (d.name !== undefined && !str(d.name)) err('name', 'name must be a string')
  if (d.fixed_in !== undefined && !str(d.fixed_in)) err('fixed_in', 'fixed_in must be a string')
  if (issues.slice(before).some((i) => i.severity === 'error')) return undefined
  const info: CveInfo = {
    id: id!,
    name: str(d.name) ?? id!,
    cves,
    firstExploited: firstExploited!,
    patched: patched!,
    references: references as string[],
    plants,
    kev,
  }
  const fixedIn = str(d.fixed_in)
  if (fixedIn) info.fixedIn = fixedIn
  return info
}

/** Every CVE family of content/cves; a broken file is left out and reported, never silently. */
export function loadCveInfoChecked(contentRoot: string): {
  cves: CveInfo[]
  issues: ContentIssue[]
} {
  const dir = join(contentRoot, 'cves')
  const issues: ContentIssue[] = []
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yml'))
      .sort()
  } catch (e) {
    const message = `cannot read the folder: ${(e as Error).message}`
    return { cves: [], issues: [{ file: 'cves', path: '', severity: 'error', message }] }
  }
  const cves: CveInfo[] = []
  const seen = new Set<string>()
  for (const n of names) {
    const file = `cves/${n}`
    const text = readContentText(join(dir, n), file, issues)
    if (text === undefined) continue
    const info = parseCveInfo(text, file, issues)
    if (!info) continue
    if (seen.has(info.id)) {
      issues.push({ file, path: 'id', severity: 'error', message: `duplicate id ${info.id}` })
      continue
    }
    seen.add(info.id)
    cves.push(info)
  }
  return { cves, issues }
}

export function loadCveInfo(contentRoot: string): CveInfo[] {
  return loadCveInfoChecked(contentRoot).cves
}
