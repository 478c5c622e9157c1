// The verdict policy for vendored Sigma rules, as content: content/rules/sigma/vendored-proves.yml (what
// each rule proves and its category, from a reviewed table) and noisy.yml (rules that do not run by
// default). Problems are ContentIssues, never thrown.
import { join } from 'node:path'
import { parse } from 'yaml'
import type { ContentIssue } from '../../shared/content-issue.ts'
import { provesField } from '../../shared/proves.ts'
import { CATEGORIES, type Category, type Proof } from '../../shared/types.ts'
import { readContentText } from '../issues.ts'

export const SIGMA_PROVES_FILE = 'rules/sigma/vendored-proves.yml'
export const SIGMA_NOISY_FILE = 'rules/sigma/noisy.yml'

export interface ProvesEntry {
  rules: RegExp[]
  proves: Proof
  category: Category
  reason: string
}

function glob(g: string): RegExp {
  const src = g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${src}$`)
}

function readYamlList(root: string, file: string, issues: ContentIssue[]): unknown[] {
  const text = readContentText(join(root, file), file, issues)
  if (text === undefined) return []
  let doc: unknown
  try {
    doc = parse(text)
  } catch (e) {
    issues.push({
      file,
      path: '',
      severity: 'error',
      message: `not valid YAML: ${(e as Error).message}`,
    })
    return []
  }
  if (!Array.isArray(doc)) {
    issues.push({ file, path: '', severity: 'error', message: 'must be a list of entries' })
    return []
  }
  return doc
}

export function loadSigmaProves(root: string): { entries: ProvesEntry[]; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const entries: ProvesEntry[] = []
  const file = SIGMA_PROVES_FILE
  readYamlList(root, file, issues).forEach((e, i) => {
    const o = (e ?? {}) as Record<string, unknown>
    let ok = true
    const err = (path: string, message: string) => {
      ok = false
      issues.push({ file, path: `[${i}].${path}`, severity: 'error', message })
    }
    const rules = Array.isArray(o.rules) ? o.rules : []
    if (rules.length === 0 || !rules.every((r) => typeof r === 'string' && r !== ''))
      err('rules', 'a non-empty list of rule file base names (globs)')
    const proves = provesField(o.proves, err)
    const category = o.category
    if (!(CATEGORIES as readonly unknown[]).includes(category))
      err('category', `category must be one of ${CATEGORIES.join(', ')}`)
    if (typeof o.reason !== 'string' || o.reason.trim().length < 20)
      err('reason', 'say why (a sentence a reviewer can check)')
    if (ok && proves)
      entries.push({
        rules: (rules as string[]).map(glob),
        proves,
        category: category as Category,
        reason: String(o.reason),
      })
  })
  return { entries, issues }
}

export function loadSigmaNoisy(root: string): {
  noisy: Map<string, string>
  issues: ContentIssue[]
} {
  const issues: ContentIssue[] = []
  const noisy = new Map<string, string>()
  const file = SIGMA_NOISY_FILE
  readYamlList(root, file, issues).forEach((e, i) => {
    const o = (e ?? {}) as Record<string, unknown>
    if (typeof o.rule !== 'string' || typeof o.reason !== 'string' || o.reason.trim() === '') {
      issues.push({
        file,
        path: `[${i}]`,
        severity: 'error',
        message: 'each entry needs rule and reason',
      })
      return
    }
    noisy.set(o.rule, o.reason.trim().replace(/\s+/g, ' '))
  })
  return { noisy, issues }
}
