// A rule's `detection:` → one predicate. Search identifiers: a map (every field item holds), a list of
// maps (any of them), a list of values or one value (keywords: full-text search over the event's
// values), a map whose key is '' or starts with '|' (keywords with modifiers, e.g. `'|all': [...]`).
// `condition` may be a list (any holds). `timeframe` only serves aggregations, which are not supported.
import { compileCondition, parseCondition } from './condition.ts'
import { SigmaRuleError, SigmaUnsupported } from './errors.ts'
import { compileFieldMatch, type Pred } from './field-match.ts'

export interface CompiledDetection {
  pred: Pred
  /** Field names the rule reads, in rule order ('' when it searches keywords). */
  fields: string[]
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

function compileMap(m: Record<string, unknown>, where: string, fields: Set<string>): Pred {
  const keys = Object.keys(m)
  if (keys.length === 0) throw new SigmaRuleError(`${where}: an empty selection`)
  const preds = keys.map((k) => {
    // `'|all': [...]` is a keyword search with modifiers: its field is ''.
    const fm = compileFieldMatch(k, m[k], `${where}.${k}`)
    fields.add(fm.field)
    return fm.pred
  })
  return preds.length === 1 ? preds[0]! : (v) => preds.every((p) => p(v))
}

function compileSearch(name: string, def: unknown, fields: Set<string>): Pred {
  const where = `detection.${name}`
  if (isMap(def)) return compileMap(def, where, fields)
  if (Array.isArray(def)) {
    if (def.length === 0) throw new SigmaRuleError(`${where}: an empty list`)
    if (def.every(isMap)) {
      const ps = def.map((m, i) => compileMap(m, `${where}[${i}]`, fields))
      return ps.length === 1 ? ps[0]! : (v) => ps.some((p) => p(v))
    }
    if (def.some(isMap) || def.some(Array.isArray))
      throw new SigmaRuleError(`${where}: a list mixes maps and values`)
    fields.add('')
    return compileFieldMatch('', def, where).pred
  }
  if (typeof def === 'string' || typeof def === 'number') {
    fields.add('')
    return compileFieldMatch('', def, where).pred
  }
  throw new SigmaRuleError(`${where}: a search identifier is a map, a list of maps or keywords`)
}

export function compileDetection(detection: unknown): CompiledDetection {
  if (!isMap(detection)) throw new SigmaRuleError('detection must be a map')
  const cond = detection.condition
  if (cond === undefined) throw new SigmaRuleError('detection.condition is required')
  const conds = Array.isArray(cond) ? cond : [cond]
  if (conds.length === 0 || !conds.every((c) => typeof c === 'string' && c.trim() !== ''))
    throw new SigmaRuleError('detection.condition must be a string or a list of strings')
  // Parse first: an aggregation makes the rule unsupported, whatever its selections hold.
  const trees = (conds as string[]).map(parseCondition)
  if (detection.timeframe !== undefined)
    throw new SigmaUnsupported('timeframe (a time window for aggregations) is not supported')
  const fields = new Set<string>()
  const searches = new Map<string, Pred>()
  for (const [name, def] of Object.entries(detection)) {
    if (name === 'condition') continue
    searches.set(name, compileSearch(name, def, fields))
  }
  const preds = trees.map((t) => compileCondition(t, searches))
  const pred: Pred = preds.length === 1 ? preds[0]! : (v) => preds.some((p) => p(v))
  return { pred, fields: [...fields] }
}
