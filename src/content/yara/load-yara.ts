// Compiles the vendored and our own YARA rules once with yara-x. Each file is validated on its own first,
// so one rule file yara-x rejects is skipped with its reason (a content warning) instead of failing all.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { compile, validate } from '@litko/yara-x'
import { parse } from 'yaml'
import type { YaraContextFilter } from '../../detect/yara/context-filter.ts'
import type { YaraMatchLike, YaraRuleInfo } from '../../detect/yara/yara-hits.ts'
import type { Proof } from '../../shared/types.ts'
import type { ContentIssue } from '../issues.ts'
import { CONTEXT_FILTERS_FILE, loadYaraContextFilters } from './load-context-filters.ts'
import {
  loadVendoredProves,
  ownRuleProves,
  VENDORED_PROVES_FILE,
  vendoredProof,
} from './load-yara-proves.ts'
import { externalKey, splitYaraSources } from './split-externals.ts'

/** Externals signature-base rules may reference (THOR/LOKI fill them per file). */
export const YARA_EXTERNALS = ['filepath', 'filename', 'extension', 'filetype', 'owner'] as const

export interface YaraSkip {
  file: string
  reason: string
}

export interface CompiledYara {
  /** null when no rule compiled. */
  scanner: SplitScanner | null
  /** Rule identifier → where it came from and its attribution. */
  rules: Map<string, YaraRuleInfo>
  /** Content-relative files compiled. */
  files: string[]
  skipped: YaraSkip[]
  /** The accepted rule texts: a worker thread compiles its own scanner from them (`compileYaraSources`). */
  sources: string[]
  /** Context filters (content/rules/yara/context-filters.yml) for hits of these rules. */
  filters: YaraContextFilter[]
  /** Content errors that keep the rules running: a rule without a `proves` declaration. */
  issues: ContentIssue[]
}

interface VendorSource {
  dir: string
  url: string
  license: string
  author?: string
}

// Our own rules have no upstream page: the content file named in the finding is the reference.
const OWN = {
  license: 'MIT (exhunt)',
  author: 'exhunt',
}

function yarFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((n) => /\.yara?$/i.test(n))
      .sort()
      .map((n) => join(dir, n))
  } catch {
    return []
  }
}

function vendorSources(vendorDir: string): VendorSource[] {
  try {
    return parse(readFileSync(join(vendorDir, 'sources.yml'), 'utf8')) as VendorSource[]
  } catch {
    return []
  }
}

const RULE_NAME = /^[ \t]*(?:(?:private|global)[ \t]+)*rule[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm

function ruleNames(source: string): { name: string; index: number }[] {
  return [...source.matchAll(RULE_NAME)].map((m) => ({ name: m[1] as string, index: m.index }))
}

const defineVariables = Object.fromEntries(YARA_EXTERNALS.map((k) => [k, '']))

/** A YARA match as yara-x returns it (the fields the hunt reads). */
// Our own structural match type: the report's types (HuntOptions.content) never name yara-x's, whose
// declarations do not type-check in a strict consumer.
type Match = YaraMatchLike

/**
 * Two compiled scanners over one rule set: `content` holds the rules that read the bytes only, `path`
 * those that read `filepath`/`filename`/`extension` (split-externals.ts). `scan` runs both, so callers
 * that do not dedupe see one scanner; a dedupe scans `scanContent` once per digest, `scanPath` per file.
 */
export interface SplitScanner {
  scan(data: Buffer, variables?: Record<string, string | number>): Match[]
  scanContent(data: Buffer): Match[]
  scanPath(data: Buffer, variables?: Record<string, string | number>): Match[]
  /** Both halves' matches in rule declaration order (one scanner's order), each rule once. */
  merge(content: readonly Match[], path: readonly Match[]): Match[]
  /** Whether any rule reads a per-file external (else `scanPath` finds nothing). */
  readonly pathDependent: boolean
  /**
   * What the path rules can tell apart of these externals (split-externals.ts externalKey): same bytes
   * and same key, same `scanPath` matches. Undefined when the rules read the path in other ways.
   */
  pathKey?(variables: Record<string, string | number>): string
}

/** One scanner from already validated rule texts; null when there are none. Throws when they clash. */
export function compileYaraSources(sources: readonly string[]): SplitScanner | null {
  if (!sources.length) return null
  const split = splitYaraSources(sources)
  const content = split.content.length
    ? compile(split.content.join('\n'), { defineVariables })
    : null
  const path = split.path.length ? compile(split.path.join('\n'), { defineVariables }) : null
  // Matches come back in declaration order within one scanner; keep that order across both.
  const order = new Map<string, number>()
  for (const n of ruleNames(sources.join('\n')))
    if (!order.has(n.name)) order.set(n.name, order.size)
  const merge = (a: readonly Match[], b: readonly Match[]): Match[] => {
    if (b.length === 0) return [...a]
    const seen = new Set(a.map((m) => m.ruleIdentifier))
    const all = [...a, ...b.filter((m) => !seen.has(m.ruleIdentifier))]
    return all.sort(
      (x, y) => (order.get(x.ruleIdentifier) ?? 0) - (order.get(y.ruleIdentifier) ?? 0),
    )
  }
  const scanContent = (data: Buffer) => content?.scan(data) ?? []
  const scanPath = (data: Buffer, vars?: Record<string, string | number>) =>
    path?.scan(data, vars) ?? []
  const out: SplitScanner = {
    scan: (data, vars) => merge(scanContent(data), scanPath(data, vars)),
    scanContent,
    scanPath,
    merge,
    pathDependent: path !== null,
  }
  const tests = split.pathTests
  if (tests) out.pathKey = (vars) => externalKey(tests, vars)
  return out
}

/**
 * Compile every `.yar` under content/rules/vendor/yara and content/rules/yara, plus `extraFiles` (user
 * rules). With `compile: false` the files are only validated (scanner stays null, `sources` is filled):
 * for a caller whose worker threads compile their own scanners.
 */
export function loadYara(
  contentRoot: string,
  extraFiles: readonly string[] = [],
  opts: { compile?: boolean } = {},
): CompiledYara {
  const vendorDir = join(contentRoot, 'rules', 'vendor', 'yara')
  const sources = vendorSources(vendorDir)
  const vendored = yarFiles(vendorDir)
  // Without vendored rules (another --content folder) there is nothing to declare.
  const declared = vendored.length ? loadVendoredProves(contentRoot) : { entries: [], issues: [] }
  const issues: ContentIssue[] = [...declared.issues]
  const rules = new Map<string, YaraRuleInfo>()
  const skipped: YaraSkip[] = []
  const accepted: { file: string; text: string }[] = []
  const candidates = [...vendored, ...yarFiles(join(contentRoot, 'rules', 'yara')), ...extraFiles]
  for (const path of candidates) {
    const rel = path.startsWith(contentRoot) ? relative(contentRoot, path) : path
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      skipped.push({ file: rel, reason: `unreadable: ${(err as Error).message}` })
      continue
    }
    const result = validate(text, { defineVariables })
    if (result.errors.length > 0) {
      const e = result.errors[0]
      skipped.push({
        file: rel,
        reason: `yara-x rejects it: ${e?.code} ${e?.message.split('\n')[0]}${e?.line ? ` (line ${e.line})` : ''}`,
      })
      continue
    }
    const found = ruleNames(text)
    const names = found.map((n) => n.name)
    const dupe = names.find((n) => rules.has(n))
    if (dupe) {
      skipped.push({
        file: rel,
        reason: `rule ${dupe} is already defined by ${rules.get(dupe)?.file}`,
      })
      continue
    }
    const vendorRel = relative(vendorDir, path)
    const vendor = sources.find((s) => vendorRel.startsWith(`${s.dir}/`))
    const fileName = path.slice(path.lastIndexOf('/') + 1)
    const info: YaraRuleInfo = vendor
      ? { file: rel, url: vendor.url.replace('{file}', fileName), license: vendor.license }
      : path.startsWith(contentRoot)
        ? {
            file: rel,
            license: OWN.license,
            defaultAuthor: OWN.author,
          }
        : { file: rel, url: `file://${path}`, license: 'user-supplied' }
    if (vendor?.author) info.defaultAuthor = vendor.author
    const own =
      vendor || !path.startsWith(contentRoot) ? undefined : ownRuleProves(text, found, rel, issues)
    for (const n of names) {
      // A rule with no declaration still runs, as a file to review, and lint reports it.
      let proves: Proof = 'suspicion'
      if (vendor) {
        const d = vendoredProof(declared.entries, vendorRel, n)
        if (d) proves = d.proves
        else if (declared.entries.length > 0)
          issues.push({
            file: VENDORED_PROVES_FILE,
            path: `${vendorRel}: ${n}`,
            severity: 'error',
            message: `no entry declares what vendored rule ${n} proves: add its file and name (or a pattern) with proves: compromise | attempt | suspicion | context and a reason`,
          })
      } else if (own) proves = own.get(n) ?? proves
      rules.set(n, { ...info, proves })
    }
    accepted.push({ file: rel, text })
  }
  let scanner: SplitScanner | null = null
  try {
    if (opts.compile !== false) scanner = compileYaraSources(accepted.map((a) => a.text))
  } catch (err) {
    // Files that each validate can still clash together; say so rather than scan with nothing silently.
    for (const a of accepted)
      skipped.push({
        file: a.file,
        reason: `combined compile failed: ${(err as Error).message.split('\n')[0]}`,
      })
    accepted.length = 0
    rules.clear()
  }
  const ctxFilters = loadYaraContextFilters(contentRoot)
  for (const p of ctxFilters.problems) skipped.push({ file: CONTEXT_FILTERS_FILE, reason: p })
  return {
    scanner,
    rules,
    files: accepted.map((a) => a.file),
    skipped,
    sources: accepted.map((a) => a.text),
    filters: ctxFilters.filters,
    issues,
  }
}

/** Per-file values for the externals: full path as the rules expect it (Windows form when known). */
export function yaraVariables(path: string, windowsPath?: string): Record<string, string> {
  const full = windowsPath ?? path
  const name = full.slice(Math.max(full.lastIndexOf('/'), full.lastIndexOf('\\')) + 1)
  const dot = name.lastIndexOf('.')
  return { filepath: full, filename: name, extension: dot > 0 ? name.slice(dot) : '' }
}
