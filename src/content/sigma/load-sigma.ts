// Sigma content: the vendored SigmaHQ rules (content/rules/vendor/sigma, DRL 1.1, each with its
// attribution), our own event rules in Sigma format (content/rules/sigma/exh-evt-*.yml), the logsource
// mapping (content/mappings) and the verdict policy (vendored-proves.yml, noisy.yml) → one cloneable
// SigmaContent. Sigma's header maps onto the shared RuleHeader: id, title, level, tags (attack.tNNNN →
// attack, cve.YYYY-NNNN → cves, the first tactic → phase), references, author, license. The rules are
// compiled once here as well, so a broken rule is a ContentIssue (and dropped) and each rule that does
// not run is reported with its reason: `exhunt content lint` covers them.
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import {
  type CompiledSigma,
  phaseFromTags,
  type SigmaContent,
  type SigmaRuleData,
  type SkippedRule,
  sigmaEngine,
} from '../../detect/sigma/index.ts'
import type { ContentIssue } from '../../shared/content-issue.ts'
import { parseRuleHeader, type RuleHeader } from '../../shared/rule-header.ts'
import { CATEGORIES, type Severity } from '../../shared/types.ts'
import { readContentText } from '../issues.ts'
import { loadSigmaMapping } from './mapping.ts'
import { loadSigmaNoisy, loadSigmaProves, SIGMA_NOISY_FILE, SIGMA_PROVES_FILE } from './policy.ts'
import { type SigmaTests, sigmaTests } from './rule-tests.ts'

export const SIGMA_VENDOR_DIR = 'rules/vendor/sigma'
export const SIGMA_OWN_DIR = 'rules/sigma'

export interface LoadedSigma {
  sigma: SigmaContent
  issues: ContentIssue[]
  /** Rules that do not run, each with its reason (`content lint` lists them by reason). */
  skipped: SkippedRule[]
  /** Inline tests of our own rules, by rule id. */
  tests: Map<string, SigmaTests>
  /** Vendored rule files read. */
  vendored: number
  /** Rules that run on events (compiled, mapped, not noisy). */
  running: number
}

const LEVELS: Record<string, Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
}

// Top-level keys of Sigma documents this engine does not run.
const UNSUPPORTED_KEYS = ['correlation', 'action', 'filter']

function ymlFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch {
    return []
  }
  return names.flatMap((n) => {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) return ymlFiles(p)
    return /\.ya?ml$/i.test(n) ? [p] : []
  })
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

/** YAML → the rule's document, or undefined with the problem reported; multi-document files are unsupported. */
function readRuleDoc(
  root: string,
  file: string,
  issues: ContentIssue[],
  skipped: SkippedRule[],
): Record<string, unknown> | undefined {
  const text = readContentText(join(root, file), file, issues)
  if (text === undefined) return undefined
  const docs = parseAllDocuments(text)
  if (!Array.isArray(docs)) return undefined
  const bad = docs.flatMap((d) => d.errors)
  if (bad.length > 0) {
    issues.push({
      file,
      path: '',
      severity: 'error',
      message: `not valid YAML: ${bad[0]!.message}`,
    })
    return undefined
  }
  if (docs.length > 1) {
    skipped.push({
      rule: file,
      file,
      title: file,
      kind: 'unsupported',
      reason: 'a rule collection (several YAML documents in one file) is not supported',
    })
    return undefined
  }
  const doc = docs[0]?.toJS()
  if (!isMap(doc)) {
    issues.push({ file, path: '', severity: 'error', message: 'a Sigma rule is a YAML map' })
    return undefined
  }
  return doc
}

function tagsOf(doc: Record<string, unknown>): string[] {
  return Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string') : []
}

function attackOf(tags: readonly string[]): string[] {
  return tags
    .map((t) => /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t)?.[1]?.toUpperCase())
    .filter((t): t is string => t !== undefined)
}

function cvesOf(tags: readonly string[]): string[] {
  return tags
    .map((t) => /^cve\.(\d{4}-\d{4,})$/i.exec(t)?.[1])
    .filter((t): t is string => t !== undefined)
    .map((t) => `CVE-${t}`)
}

function logsourceOf(doc: Record<string, unknown>, err: (p: string, m: string) => void) {
  const ls = doc.logsource
  if (!isMap(ls)) {
    err('logsource', 'logsource is required (product, category, service)')
    return undefined
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(ls)) if (typeof v === 'string') out[k] = v
  return out
}

function unsupportedKeys(doc: Record<string, unknown>): string[] | undefined {
  const keys = UNSUPPORTED_KEYS.filter((k) => doc[k] !== undefined)
  return keys.length ? keys : undefined
}

export function loadSigma(root: string): LoadedSigma {
  const issues: ContentIssue[] = []
  const skipped: SkippedRule[] = []
  const rules: SigmaRuleData[] = []
  const tests = new Map<string, SigmaTests>()
  const { mapping, issues: mi } = loadSigmaMapping(root)
  issues.push(...mi)
  const proves = loadSigmaProves(root)
  issues.push(...proves.issues)
  const noisy = loadSigmaNoisy(root)
  issues.push(...noisy.issues)
  const usedNoisy = new Set<string>()

  // --- Vendored SigmaHQ rules -------------------------------------------------------------------
  const srcFile = `${SIGMA_VENDOR_DIR}/sources.yml`
  let urlTemplate: string | undefined
  let license = 'DRL-1.1 (https://github.com/SigmaHQ/Detection-Rule-License)'
  const srcText = readContentText(join(root, srcFile), srcFile, issues)
  if (srcText !== undefined) {
    const s = parse(srcText) as Record<string, unknown>
    if (typeof s?.url === 'string') urlTemplate = s.url
    if (typeof s?.license === 'string') license = s.license
  }
  const vendorDir = join(root, SIGMA_VENDOR_DIR)
  const vendoredFiles = ymlFiles(vendorDir).filter((p) => !p.endsWith('sources.yml'))
  for (const abs of vendoredFiles) {
    const file = relative(root, abs).replace(/\\/g, '/')
    const doc = readRuleDoc(root, file, issues, skipped)
    if (!doc) continue
    let ok = true
    const err = (path: string, message: string) => {
      ok = false
      issues.push({ file, path, severity: 'error', message })
    }
    const id = typeof doc.id === 'string' ? doc.id : undefined
    const title = typeof doc.title === 'string' ? doc.title : undefined
    if (!id) err('id', 'id (the rule UUID) is required')
    if (!title) err('title', 'title is required')
    const level = LEVELS[String(doc.level)]
    if (!level)
      err('level', `level '${String(doc.level)}' is not one of ${Object.keys(LEVELS).join(', ')}`)
    const logsource = logsourceOf(doc, err)
    const stem = file
      .split('/')
      .pop()!
      .replace(/\.ya?ml$/i, '')
    const policy = proves.entries.find((e) => e.rules.some((r) => r.test(stem)))
    if (!policy)
      err(
        '',
        `no entry of ${SIGMA_PROVES_FILE} names '${stem}': every vendored rule needs its proves`,
      )
    if (!ok || !id || !title || !level || !logsource || !policy) continue
    const tags = tagsOf(doc)
    const refs = Array.isArray(doc.references)
      ? doc.references.filter((r): r is string => typeof r === 'string')
      : []
    const path = file.slice(SIGMA_VENDOR_DIR.length + 1)
    const url = urlTemplate?.replace('{path}', path)
    const header: RuleHeader = {
      id: `sigma:${id}`,
      title,
      level,
      category: policy.category,
      proves: policy.proves,
      cves: cvesOf(tags),
      attack: attackOf(tags),
      references: refs.length ? refs : url ? [url] : [],
      falsepositives: Array.isArray(doc.falsepositives)
        ? doc.falsepositives.filter((r): r is string => typeof r === 'string')
        : [],
      license,
    }
    if (typeof doc.author === 'string') header.author = doc.author
    if (typeof doc.description === 'string') header.description = doc.description
    const modified = doc.modified ?? doc.date
    if (modified instanceof Date) header.modified = modified.toISOString().slice(0, 10)
    else if (typeof modified === 'string') header.modified = modified.replace(/\//g, '-')
    const rule: SigmaRuleData = { file, header, logsource, detection: doc.detection }
    if (url) rule.url = url
    const phase = phaseFromTags(tags)
    if (phase) rule.phase = phase
    const u = unsupportedKeys(doc)
    if (u) rule.unsupportedKeys = u
    const n = noisy.noisy.get(stem) ?? noisy.noisy.get(header.id)
    if (n !== undefined) {
      rule.noisy = n
      usedNoisy.add(noisy.noisy.has(stem) ? stem : header.id)
    }
    rules.push(rule)
  }
  for (const k of noisy.noisy.keys())
    if (!usedNoisy.has(k))
      issues.push({
        file: SIGMA_NOISY_FILE,
        path: k,
        severity: 'warning',
        message: `'${k}' names no vendored Sigma rule`,
      })

  // --- Our own rules in Sigma format ------------------------------------------------------------
  const ownDir = join(root, SIGMA_OWN_DIR)
  const policyFiles = new Set([SIGMA_PROVES_FILE, SIGMA_NOISY_FILE])
  for (const abs of ymlFiles(ownDir)) {
    const file = relative(root, abs).replace(/\\/g, '/')
    if (policyFiles.has(file)) continue
    const doc = readRuleDoc(root, file, issues, skipped)
    if (!doc) continue
    let ok = true
    const err = (path: string, message: string, severity: 'error' | 'warning' = 'error') => {
      if (severity === 'error') ok = false
      issues.push({ file, path, severity, message })
    }
    const header = parseRuleHeader(
      doc,
      file,
      { idPrefix: 'exh-evt-', categories: CATEGORIES, classification: false },
      err,
    )
    const logsource = logsourceOf(doc, err)
    const t = sigmaTests(doc.tests, err)
    if (!ok || !header || !logsource || !t) continue
    const rule: SigmaRuleData = { file, header, logsource, detection: doc.detection }
    const phase = phaseFromTags(tagsOf(doc))
    if (phase) rule.phase = phase
    const u = unsupportedKeys(doc)
    if (u) rule.unsupportedKeys = u
    rules.push(rule)
    tests.set(header.id, t)
  }

  // Compile once to report broken rules and the ones that do not run.
  const sigma: SigmaContent = { rules, mapping }
  const compiled: CompiledSigma = sigmaEngine.compile(sigma)
  issues.push(...compiled.issues)
  const broken = new Set(compiled.issues.map((i) => i.file))
  skipped.push(...compiled.skipped)
  // Not issues: a skipped rule is policy or a known limit, listed by `content lint` and in `skipped`.
  return {
    sigma: { rules: rules.filter((r) => !broken.has(r.file)), mapping },
    issues,
    skipped,
    tests,
    vendored: vendoredFiles.length,
    running: compiled.rules,
  }
}
