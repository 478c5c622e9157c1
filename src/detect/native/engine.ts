// The native log-rule engine behind the `Engine` interface: compileRules once, one matcher per log file
// (its fold counters are per file), aggregate observations finished across files.
import type { ContentIssue } from '../../shared/content-issue.ts'
import type { Engine, EngineSession, LogRecordEngine } from '../../shared/engine.ts'
import type { NativeRule } from '../../shared/native-rule.ts'
import type { Finding, LogRecord } from '../../shared/types.ts'
import { type CompiledRuleSet, compileRules } from './compile.ts'
import { type AggregateObservation, createMatcher, finishAggregates } from './match.ts'

export interface NativeContent {
  rules: readonly NativeRule[]
  /** User content: regexes through RE2 (linear time). */
  untrusted?: boolean
  maxFindingsPerRule?: number
}

export interface NativeSession extends EngineSession<LogRecord, Finding> {
  /** The aggregate rules' observations so far (taken: the next call returns only newer ones). */
  takeObservations(): AggregateObservation[]
}

export interface NativeEngine extends LogRecordEngine {
  readonly set: CompiledRuleSet
  session(): NativeSession
  /** Aggregate rules over every file's observations (the main thread, once all files are done). */
  finishAggregates(observations: Iterable<AggregateObservation>): Finding[]
}

export const nativeEngine = {
  name: 'native' as const,
  compile(content: NativeContent): NativeEngine {
    const { set, issues } = compileRules(content.rules, { untrusted: content.untrusted })
    return compiledNative(set, issues, content.maxFindingsPerRule)
  },
} satisfies Engine<NativeContent, LogRecord>

function compiledNative(
  set: CompiledRuleSet,
  issues: readonly ContentIssue[],
  maxFindingsPerRule: number | undefined,
): NativeEngine {
  return {
    name: 'native',
    rules: set.rules,
    issues,
    set,
    needlesFor: (t) => set.prefilterFor(t),
    session() {
      const m = createMatcher(set, { maxFindingsPerRule })
      return {
        match: (rec, emit) => m.match(rec, emit),
        // Plain rules emit as they match; the aggregates are finished across files.
        finish: () => {},
        takeObservations: () => m.takeObservations(),
      }
    },
    finishAggregates: (obs) => finishAggregates(set, obs),
  }
}
