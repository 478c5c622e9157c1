// NativeRule[] → a CompiledRuleSet: closures per rule, rules grouped by log type, prefilter needles. Pure.

import RE2 from 're2'
import type { ContentIssue } from '../../shared/content-issue.ts'
import type { Condition, NativeRule } from '../../shared/native-rule.ts'
import type { LogType } from '../../shared/types.ts'
import { compileCondition, type Predicate } from './condition.ts'
import { type Conjunction, conditionPrefilter } from './needles.ts'

export interface CompiledRule {
  readonly rule: NativeRule
  readonly match: Predicate
  readonly success?: Predicate
  /** Lowercased subtypes, or undefined for any. */
  readonly subtypes?: ReadonlySet<string>
  /** Alternatives of literals that must all appear in a line it matches; null: no such literals. */
  readonly prefilter: readonly Conjunction[] | null
  /** Fields its `all`/`any` conditions and its success test read, in rule order: shown first. */
  readonly matched: readonly string[]
  /** `matched`, then the rule's own `fields` (time last: the finding has its own time). */
  readonly shown: readonly string[]
}

export interface CompiledRuleSet {
  readonly rules: number
  /**
   * Every rule's prefilter for the log type, each alternative a set of literals a line must all hold
   * (one rule's AND). null = some rule for that type has none (parse every line); [] = no rule.
   */
  prefilterFor(logType: LogType): readonly Conjunction[] | null
  rulesFor(logType: LogType): readonly CompiledRule[]
  byId(id: string): CompiledRule | undefined
}

export function compileRules(
  rules: readonly NativeRule[],
  opts: { untrusted?: boolean } = {},
): { set: CompiledRuleSet; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const byType = new Map<LogType, CompiledRule[]>()
  const byId = new Map<string, CompiledRule>()
  for (const rule of rules) {
    // Retired rules stay in content (so their ids are never reused) but no longer run.
    if (rule.status === 'deprecated') continue
    if (opts.untrusted) {
      const bad = re2Issues(rule)
      if (bad.length > 0) {
        issues.push(...bad)
        continue
      }
    }
    let compiled: CompiledRule
    try {
      compiled = {
        rule,
        match: compileCondition(rule.match, opts),
        ...(rule.outcome?.success ? { success: compileCondition(rule.outcome.success, opts) } : {}),
        ...(rule.subtype ? { subtypes: new Set(rule.subtype) } : {}),
        prefilter: conditionPrefilter(rule.match),
        ...shownFields(rule),
      }
    } catch (e) {
      const engine = opts.untrusted ? ' with RE2 (no lookaround or backreferences)' : ''
      issues.push({
        file: rule.file,
        path: 'match',
        severity: 'error',
        message: `cannot compile${engine}: ${(e as Error).message}`,
      })
      continue
    }
    byId.set(rule.id, compiled)
    for (const t of new Set(rule.source)) {
      let list = byType.get(t)
      if (!list) {
        list = []
        byType.set(t, list)
      }
      list.push(compiled)
    }
  }
  const prefilterCache = new Map<LogType, readonly Conjunction[] | null>()
  const set: CompiledRuleSet = {
    rules: byId.size,
    prefilterFor(t) {
      const hit = prefilterCache.get(t)
      if (hit !== undefined) return hit
      let out: Conjunction[] | null = []
      for (const c of byType.get(t) ?? []) {
        if (c.prefilter === null) {
          out = null
          break
        }
        out.push(...c.prefilter)
      }
      const result = out === null ? null : Object.freeze(out)
      prefilterCache.set(t, result)
      return result
    },
    rulesFor: (t) => byType.get(t) ?? [],
    byId: (id) => byId.get(id),
  }
  return { set, issues }
}

const TIME_FIELDS = new Set(['datetime', 'date', 'time', 'date-time'])

/** The fields a line matched on (not the `none`/`not` ones: those are what it is not), then the rest. */
function shownFields(rule: NativeRule): { matched: string[]; shown: string[] } {
  const matched: string[] = []
  const walk = (c: Condition) => {
    if (c.kind === 'group') {
      for (const x of c.all ?? []) walk(x)
      for (const x of c.any ?? []) walk(x)
      return
    }
    if (c.kind === 'exists' && !c.exists) return
    if (!matched.includes(c.field)) matched.push(c.field)
  }
  walk(rule.match)
  if (rule.outcome?.success) walk(rule.outcome.success)
  const rest = rule.fields.filter((f) => !matched.includes(f))
  const shown = [
    ...matched,
    ...rest.filter((f) => !TIME_FIELDS.has(f)),
    ...rest.filter((f) => TIME_FIELDS.has(f)),
  ]
  return { matched, shown }
}

/** RE2 refuses some JavaScript syntax (lookaround, backreferences): name each such regex by its field path. */
function re2Issues(rule: NativeRule): ContentIssue[] {
  const out: ContentIssue[] = []
  const walk = (c: Condition, path: string) => {
    if (c.kind === 'group') {
      for (const k of ['all', 'any', 'none'] as const) {
        c[k]?.forEach((x, i) => {
          walk(x, `${path}.${k}[${i}]`)
        })
      }
      if (c.not) walk(c.not, `${path}.not`)
      return
    }
    if (c.kind !== 'string' || c.op !== 'regex') return
    try {
      new RE2(c.values[0]!, c.caseSensitive ? '' : 'i')
    } catch (e) {
      out.push({
        file: rule.file,
        path: `${path}.regex`,
        severity: 'error',
        message: `regular expression not supported by RE2 (user content): ${(e as Error).message}`,
      })
    }
  }
  walk(rule.match, 'match')
  if (rule.outcome?.success) walk(rule.outcome.success, 'outcome.success')
  return out
}
