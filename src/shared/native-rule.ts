// The native rule as the loader hands it to the engine: validated, normalised, plain data. It lives in
// shared/ because both sides of that hand-over read it: content/ builds it, detect/native compiles it.
import type { Category, LogType, Phase, Proof, Severity } from './types.ts'

export const STRING_OPERATORS = [
  'equals',
  'in',
  'contains',
  'contains-any',
  'contains-all',
  'startswith',
  'startswith-any',
  'endswith',
  'endswith-any',
  'wildcard',
  'regex',
] as const
export type StringOperator = (typeof STRING_OPERATORS)[number]

/** Operators whose value is a list of strings. */
export const LIST_OPERATORS: ReadonlySet<string> = new Set([
  'in',
  'contains-any',
  'contains-all',
  'startswith-any',
  'endswith-any',
])

export type Leaf =
  | {
      readonly kind: 'string'
      readonly field: string
      readonly op: StringOperator
      /** One pattern, or several for the list operators. */
      readonly values: readonly string[]
      readonly caseSensitive: boolean
      readonly decodeUrl: boolean
    }
  | { readonly kind: 'exists'; readonly field: string; readonly exists: boolean }
  | {
      readonly kind: 'range'
      readonly field: string
      readonly gte?: number
      readonly lte?: number
      readonly decodeUrl: boolean
    }

/** A mapping of groups, all of which must hold (an empty group mapping is rejected at load). */
export interface Group {
  readonly kind: 'group'
  readonly all?: readonly Condition[]
  readonly any?: readonly Condition[]
  readonly none?: readonly Condition[]
  readonly not?: Condition
}

export type Condition = Group | Leaf

export type RuleStatus = 'experimental' | 'test' | 'stable' | 'deprecated'
export const RULE_STATUSES: readonly RuleStatus[] = ['experimental', 'test', 'stable', 'deprecated']

export interface RuleOutcome {
  readonly default: 'success' | 'attempt' | 'unknown'
  readonly success?: Condition
  readonly levelIfAttempt?: Severity
}

export interface RuleAggregate {
  readonly by: string
  readonly distinct: string
  readonly min: number
  /** Window in milliseconds. */
  readonly windowMs?: number
  /** As written (`1h`), for messages. */
  readonly window?: string
}

/** A test entry: a field map (lowercased names, views allowed) or a raw line with its `#Fields:` header. */
export type TestCase =
  | { readonly kind: 'fields'; readonly fields: Readonly<Record<string, string>> }
  | { readonly kind: 'line'; readonly line: string; readonly header?: string }

export interface NativeRule {
  readonly id: string
  readonly title: string
  readonly status: RuleStatus
  readonly level: Severity
  readonly category: Category
  /** The most a finding of this rule proves (success); an `attempt` outcome caps it at `attempt`. */
  readonly proves: Proof
  readonly phase?: Phase
  readonly source: readonly LogType[]
  /** Lowercased; a record's subtype must be one of them. */
  readonly subtype?: readonly string[]
  readonly cves: readonly string[]
  readonly attack: readonly string[]
  readonly references: readonly string[]
  readonly author?: string
  readonly license?: string
  readonly date?: string
  /** The rest of the shared header (shared/rule-header.ts). */
  readonly modified?: string
  readonly falsepositives?: readonly string[]
  readonly description?: string
  readonly match: Condition
  readonly outcome?: RuleOutcome
  readonly aggregate?: RuleAggregate
  readonly fields: readonly string[]
  readonly tests: { readonly positive: readonly TestCase[]; readonly negative: readonly TestCase[] }
  /** Relative to the content root, forward slashes. */
  readonly file: string
}
