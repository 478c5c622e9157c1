// Compiles the vendored and our own YARA rules once with yara-x. Each file is validated on its own first,
// so one rule file yara-x rejects is skipped with its reason (a content warning) instead of failing all.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { compile, validate, type YaraX } from '@litko/yara-x'
import { parse } from 'yaml'
import type { YaraContextFilter } from '../../detect/yara/context-filter.ts'
import type { YaraRuleInfo } from '../../detect/yara/yara-hits.ts'
import type { Proof } from '../../shared/types.ts'
import type { ContentIssue } from '../issues.ts'
import { CONTEXT_FILTERS_FILE, loadYaraContextFilters } from './load-context-filters.ts'
import {
  loadVendoredProves,
  ownRuleProves,
  VENDORED_PROVES_FILE,
  vendoredProof,
} from './load-yara-proves.ts'

/** Externals signature-base rules may reference (THOR/LOKI fill them per file). */
export const YARA_EXTERNALS = ['filepath', 'filename', 'extension', 'filetype', 'owner'] as const

export interface YaraSkip {
  file: string
  reason: string
}

export interface CompiledYara {
  /** null when no rule compiled. */
  scanner: YaraX | null
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

/** One scanner from already validated rule texts; null when there are none. Throws when they clash. */
export function compileYaraSources(sources: readonly string[]): YaraX | null {
  return sources.length ? compile(sources.join('\n'), { defineVariables }) : null
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
  let scanner: YaraX | null = null
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
