// The header every rule format shares (native log rules, web-file heuristics, artefact rules; YARA meta
// maps onto it, Sigma will): who wrote it, what it means, what it proves. One validator for every loader,
// so the same field is checked the same way and reported with the same message. Pure.
import { provesField } from './proves.ts'
import { CATEGORIES, type Category, type Proof, SEVERITIES, type Severity } from './types.ts'

export interface RuleHeader {
  id: string
  title: string
  level: Severity
  category: Category
  /** What one finding of the rule proves on its own (docs/content-format.md, "What a rule proves"). */
  proves: Proof
  cves: string[]
  /** MITRE ATT&CK technique ids. */
  attack: string[]
  /** At least one: the advisory, write-up or upstream rule it encodes. */
  references: string[]
  author?: string
  license?: string
  /** Known benign causes of a match, for the responder who reads the finding. */
  falsepositives: string[]
  /** YYYY-MM-DD of the last change that altered what it matches. */
  modified?: string
  description?: string
}

/** What differs between formats: the id prefix, the categories allowed, where CVEs and ATT&CK ids sit. */
export interface RuleHeaderFormat {
  /** `exh-`, `exh-web-`, `exh-art-`. */
  idPrefix: string
  /** Allowed categories; with `defaultCategory`, the key may be left out. */
  categories: readonly Category[]
  defaultCategory?: Category
  /** Native rules nest them as `classification: { cves, attack }`; the other formats list them at the top. */
  classification: boolean
}

export type HeaderIssue = (path: string, message: string, severity?: 'error' | 'warning') => void

/** Top-level keys the header reads (plus `classification` for formats that nest cves and attack). */
export const RULE_HEADER_KEYS = [
  'id',
  'title',
  'level',
  'category',
  'proves',
  'cves',
  'attack',
  'references',
  'author',
  'license',
  'falsepositives',
  'modified',
  'description',
  'tests',
] as const

const CVE_RE = /^CVE-\d{4}-\d{4,}$/
const ATTACK_RE = /^T\d{4}(?:\.\d{3})?$/
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

/**
 * The header of `doc` (a rule file's parsed YAML), or undefined with every problem reported through
 * `issue`. `file` is content-relative: the id must equal its base name. `tests` (required in every
 * format) is read by each format's loader, since samples are a log line, a record, a file or an item.
 */
export function parseRuleHeader(
  doc: Record<string, unknown>,
  file: string,
  format: RuleHeaderFormat,
  issue: HeaderIssue,
): RuleHeader | undefined {
  let ok = true
  const err = (path: string, message: string) => {
    ok = false
    issue(path, message, 'error')
  }
  const str = (key: string, required: boolean): string | undefined => {
    const v = doc[key]
    if (v === undefined || v === null) {
      if (required) err(key, `${key} is required`)
      return undefined
    }
    // YAML reads an unquoted 2021-03-02 as a date.
    if (v instanceof Date) return v.toISOString().slice(0, 10)
    if (typeof v !== 'string' || v.trim() === '') {
      err(key, `${key} must be a non-empty string`)
      return undefined
    }
    return v
  }
  // A single value stands for a list of one (`references: https://...`).
  const list = (v: unknown, path: string): string[] => {
    if (v === undefined || v === null) return []
    const items = Array.isArray(v) ? v : [v]
    const out: string[] = []
    items.forEach((item, i) => {
      if (typeof item === 'string' && item.trim() !== '') out.push(item.trim())
      else err(Array.isArray(v) ? `${path}[${i}]` : path, 'must be a non-empty string')
    })
    return out
  }

  const id = str('id', true)
  const base = file
    .replace(/\\/g, '/')
    .split('/')
    .pop()
    ?.replace(/\.ya?ml$/i, '')
  if (id !== undefined) {
    const re = new RegExp(`^${format.idPrefix}[a-z0-9]+(?:-[a-z0-9]+)*$`)
    if (!re.test(id)) err('id', `id '${id}' must be kebab-case and start with '${format.idPrefix}'`)
    if (base !== undefined && base !== id)
      err('id', `id '${id}' must equal the file name '${base}'`)
  }
  const title = str('title', true)
  const levelRaw = str('level', true)
  const level = levelRaw as Severity | undefined
  if (levelRaw !== undefined && !SEVERITIES.includes(levelRaw as Severity))
    err('level', `level '${levelRaw}' is not one of ${SEVERITIES.join(', ')}`)
  const catRaw = str('category', format.defaultCategory === undefined)
  const category = (catRaw ?? format.defaultCategory) as Category | undefined
  if (catRaw !== undefined) {
    if (!(CATEGORIES as readonly string[]).includes(catRaw))
      err('category', `category '${catRaw}' is not one of ${CATEGORIES.join(', ')}`)
    else if (!format.categories.includes(catRaw as Category))
      err('category', `category must be ${format.categories.join(' or ')} in this rule format`)
  }
  const proves = provesField(doc.proves, err)

  let cvesRaw: unknown = doc.cves
  let attackRaw: unknown = doc.attack
  let where = ''
  if (format.classification) {
    for (const k of ['cves', 'attack'])
      if (doc[k] !== undefined) err(k, `${k} goes under classification: in this rule format`)
    const c = doc.classification
    cvesRaw = undefined
    attackRaw = undefined
    if (c !== undefined && !isMap(c))
      err('classification', 'classification must be a mapping (cves, attack)')
    else if (c !== undefined) {
      for (const k of Object.keys(c))
        if (k !== 'cves' && k !== 'attack')
          issue(`classification.${k}`, `unknown key '${k}'`, 'warning')
      cvesRaw = c.cves
      attackRaw = c.attack
    }
    where = 'classification.'
  }
  const cves = list(cvesRaw, `${where}cves`)
  cves.forEach((v, i) => {
    if (!CVE_RE.test(v)) err(`${where}cves[${i}]`, `'${v}' is not a CVE id (CVE-YYYY-NNNN)`)
  })
  const attack = list(attackRaw, `${where}attack`)
  attack.forEach((v, i) => {
    if (!ATTACK_RE.test(v))
      issue(`${where}attack[${i}]`, `'${v}' is not an ATT&CK id (T1234 or T1234.001)`, 'warning')
  })

  const references = list(doc.references, 'references')
  if (references.length === 0 && doc.references === undefined)
    err('references', 'references is required')
  else if (references.length === 0) err('references', 'give at least one reference')
  references.forEach((r, i) => {
    if (!/^https?:\/\//.test(r))
      issue(`references[${i}]`, 'a reference should be an http(s) URL', 'warning')
  })
  const author = str('author', false)
  const license = str('license', false)
  const falsepositives = list(doc.falsepositives, 'falsepositives')
  const modified = str('modified', false)
  if (modified !== undefined && !DATE_RE.test(modified))
    err('modified', `modified '${modified}' is not YYYY-MM-DD`)
  const description = str('description', false)
  if (!ok || !id || !title || !level || !category || !proves) return undefined
  const h: RuleHeader = {
    id,
    title,
    level,
    category,
    proves,
    cves,
    attack,
    references,
    falsepositives,
  }
  if (author) h.author = author
  if (license) h.license = license
  if (modified) h.modified = modified
  if (description) h.description = description
  return h
}
