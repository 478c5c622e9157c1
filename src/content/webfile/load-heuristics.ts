// Loads content/rules/webfile/*.yml (format: docs/content-format.md, "Web-file heuristics"), validates
// every file (all problems at once, with file and field) and compiles the conditions once.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import type {
  CompiledHeuristic,
  CompiledHeuristics,
  HeuristicCondition,
} from '../../detect/webfile/heuristics.ts'
import { regexPrefilter } from '../../detect/webfile/regex-prefilter.ts'
import type { ContentIssue } from '../../shared/content-issue.ts'
import { parseRuleHeader, type RuleHeaderFormat } from '../../shared/rule-header.ts'

export interface HeuristicSample {
  name: string
  path?: string
  text?: string
  hex?: string
  /** The sample stands for the first bytes of a file over the size limit. */
  oversized?: boolean
}

export interface LoadedHeuristics extends CompiledHeuristics {
  /** Errors, `<file>: <message>`: the rule they name is not loaded. */
  problems: string[]
  /** Warnings (a reference that is no URL, an odd ATT&CK id): the rule is kept. */
  warnings: string[]
  tests: Map<string, { positive: HeuristicSample[]; negative: HeuristicSample[] }>
}

type Raw = Record<string, unknown>

function compileCondition(raw: unknown, where: string, problems: string[]): HeuristicCondition {
  const fail = (msg: string): HeuristicCondition => {
    problems.push(`${where}: ${msg}`)
    return { any: [] }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return fail('a condition must be a mapping')
  const r = raw as Raw
  const keys = Object.keys(r).filter((k) => k !== 'case')
  if (keys.length !== 1)
    return fail(`one operator per condition, found ${keys.join(', ') || 'none'}`)
  const key = keys[0] as string
  const v = r[key]
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : [x])
  const regex = (src: unknown, flags: string): RegExp | undefined => {
    try {
      return new RegExp(String(src), flags)
    } catch (err) {
      problems.push(`${where}.${key}: bad regex: ${(err as Error).message}`)
      return undefined
    }
  }
  const ci = r.case === 'sensitive' ? '' : 'i'
  switch (key) {
    case 'all':
    case 'any':
    case 'none': {
      if (!Array.isArray(v) || v.length === 0) return fail(`${key} needs a non-empty list`)
      const kids = v.map((c, i) => compileCondition(c, `${where}.${key}[${i}]`, problems))
      return key === 'all' ? { all: kids } : key === 'any' ? { any: kids } : { none: kids }
    }
    case 'at-least': {
      const o = (v ?? {}) as Raw
      if (!Number.isInteger(o.count) || (o.count as number) < 1)
        return fail('at-least needs count: a whole number >= 1')
      if (!Array.isArray(o.of) || o.of.length < (o.count as number))
        return fail('at-least needs `of`: a list with at least `count` conditions')
      const kids = o.of.map((c, i) => compileCondition(c, `${where}.at-least.of[${i}]`, problems))
      return { atLeast: o.count as number, of: kids }
    }
    case 'regex': {
      const re = regex(v, ci)
      if (!re) return { any: [] }
      const pre = regexPrefilter(re.source, re.flags)
      return pre ? { regex: re, pre } : { regex: re }
    }
    case 'contains':
    case 'contains-any':
      return { contains: list(v).map((s) => String(s).toLowerCase()) }
    case 'head-hex': {
      const heads = list(v).map((h) => String(h).replace(/\s+/g, ''))
      if (heads.some((h) => !/^([0-9a-f]{2})+$/i.test(h)))
        return fail('head-hex wants hex byte strings')
      return { head: heads.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))) }
    }
    case 'path-regex': {
      const re = regex(v, ci)
      return re ? { path: re } : { any: [] }
    }
    case 'name-regex': {
      const re = regex(v, ci)
      return re ? { name: re } : { any: [] }
    }
    case 'ext':
      return { ext: new Set(list(v).map((s) => String(s).toLowerCase().replace(/^\./, ''))) }
    case 'oversized':
      if (typeof v !== 'boolean') return fail('oversized wants true or false')
      return { oversized: v }
    case 'max-size':
    case 'min-size':
      if (typeof v !== 'number') return fail(`${key} wants a number of bytes`)
      return key === 'max-size' ? { maxSize: v } : { minSize: v }
    default:
      return fail(`unknown operator ${key}`)
  }
}

function samples(raw: unknown, where: string, problems: string[]): HeuristicSample[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`${where}: at least one sample`)
    return []
  }
  return raw.map((s, i) => {
    const o = (s ?? {}) as Raw
    if (typeof o.name !== 'string' || (typeof o.text !== 'string' && typeof o.hex !== 'string')) {
      problems.push(`${where}[${i}]: needs name and text or hex`)
    }
    return o as unknown as HeuristicSample
  })
}

/** Web-file heuristics: category webshell, CVEs and ATT&CK ids at the top. */
const WEB_HEADER: RuleHeaderFormat = {
  idPrefix: 'exh-web-',
  categories: ['webshell'],
  defaultCategory: 'webshell',
  classification: false,
}

export function compileHeuristic(
  doc: Raw,
  rel: string,
  problems: string[],
  warnings: string[] = [],
): {
  rule: CompiledHeuristic
  tests: { positive: HeuristicSample[]; negative: HeuristicSample[] }
} {
  const need = (k: string) => {
    if (doc[k] === undefined) problems.push(`${rel}: ${k} is required`)
  }
  for (const k of ['match', 'reasons', 'tests']) need(k)
  // A heuristic with a header problem (no `proves`, say) is a content error and is not run.
  const h = parseRuleHeader(doc, rel, WEB_HEADER, (path, message, severity) =>
    (severity === 'warning' ? warnings : problems).push(`${rel}: ${path}: ${message}`),
  )
  const reasons = Array.isArray(doc.reasons) ? doc.reasons.map(String) : []
  if (reasons.length === 0) problems.push(`${rel}: reasons needs at least one line`)
  const match = compileCondition(doc.match, `${rel}: match`, problems)
  const tests = (doc.tests ?? {}) as Raw
  const rule: CompiledHeuristic = {
    id: h?.id ?? String(doc.id ?? ''),
    title: h?.title ?? String(doc.title ?? ''),
    level: h?.level ?? 'info',
    proves: h?.proves ?? 'suspicion',
    match,
    reasons,
    source: {
      engine: 'heuristic',
      file: rel,
      author: h?.author ?? 'exhunt',
      license: h?.license ?? 'MIT (exhunt)',
    },
    cves: h?.cves ?? [],
    attack: h?.attack ?? [],
  }
  if (h?.references[0]) rule.source.url = h.references[0]
  if (Array.isArray(doc.extensions)) {
    rule.extensions = new Set(doc.extensions.map((e) => String(e).toLowerCase()))
  }
  return {
    rule,
    tests: {
      positive: samples(tests.positive, `${rel}: tests.positive`, problems),
      negative: samples(tests.negative, `${rel}: tests.negative`, problems),
    },
  }
}

export function loadHeuristics(contentRoot: string): LoadedHeuristics {
  const dir = join(contentRoot, 'rules', 'webfile')
  const problems: string[] = []
  const warnings: string[] = []
  const rules: CompiledHeuristic[] = []
  const tests: LoadedHeuristics['tests'] = new Map()
  let names: string[] = []
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yml'))
      .sort()
  } catch {
    problems.push(`${relative(contentRoot, dir)}: folder missing`)
  }
  const seen = new Set<string>()
  for (const n of names) {
    const rel = relative(contentRoot, join(dir, n))
    let doc: Raw
    try {
      doc = parse(readFileSync(join(dir, n), 'utf8')) as Raw
    } catch (err) {
      problems.push(`${rel}: not valid YAML: ${(err as Error).message}`)
      continue
    }
    const before = problems.length
    const { rule, tests: t } = compileHeuristic(doc ?? {}, rel, problems, warnings)
    if (seen.has(rule.id)) problems.push(`${rel}: duplicate id ${rule.id}`)
    // A rule with any problem is dropped, never run half-compiled: a broken child compiles to an
    // empty group, which under `none:` would turn an exclusion into "exclude nothing".
    if (problems.length > before) continue
    seen.add(rule.id)
    rules.push(rule)
    tests.set(rule.id, t)
  }
  return { rules, problems, warnings, tests }
}

/** The loader's problem and warning lines (`<file>: <message>`) as content issues. */
export function heuristicIssues(
  problems: readonly string[],
  warnings: readonly string[] = [],
): ContentIssue[] {
  const issue = (p: string, severity: 'error' | 'warning'): ContentIssue => {
    const m = /^(rules\/webfile\/[^:]+): (.*)$/s.exec(p)
    return m
      ? { file: m[1]!, path: '', severity, message: m[2]! }
      : { file: 'rules/webfile', path: '', severity, message: p }
  }
  return [...problems.map((p) => issue(p, 'error')), ...warnings.map((w) => issue(w, 'warning'))]
}
