// The one shape every detection engine has (issue 13 §2): compile content once, then match inputs of one
// kind and emit what fired. Modelled on nuclei's compiled operators and chainsaw's hunter: all compile
// work (regexes, automata, indexes) happens in `compile`, so content errors surface there as
// `ContentIssue`s and never mid-scan, and matching does no I/O.
//
// Implementations: detect/native (log records), detect/ioc (log records; file identities), detect/yara
// and detect/webfile (web files), detect/artefacts (artefact items). Sigma (EVTX events, and web-server
// rules on log records) is one more `Engine`.
import type { ContentIssue } from './content-issue.ts'
import type { EngineName, Finding, LogRecord, LogType } from './types.ts'

export type Emit<T> = (out: T) => void

/**
 * Matching state for one unit of evidence (one log file, one thread's run of web files): per-rule fold
 * counters, aggregate observations. `finish` emits what was held back (folded repeats).
 */
export interface EngineSession<In, Out = Finding> {
  match(input: In, emit: Emit<Out>): void
  finish(emit: Emit<Out>): void
}

/**
 * A compiled engine. `Out` is `Finding` for engines whose every hit is a finding (log records, events);
 * per-item engines (web files, artefacts) emit hits that the hunt folds into ONE finding per item, because
 * a file that five rules flag is one file to look at.
 */
export interface CompiledEngine<In, Out = Finding> {
  readonly name: EngineName
  /** Rules (or indicators) that run: the broken ones are in `issues`, never half-compiled. */
  readonly rules: number
  /** Problems found while compiling; the rules they name were dropped. */
  readonly issues: readonly ContentIssue[]
  session(): EngineSession<In, Out>
}

export interface Engine<Content, In, Out = Finding> {
  readonly name: EngineName
  compile(content: Content): CompiledEngine<In, Out>
}

/** A literal a line must hold, or a list of literals it must all hold (one rule's AND). */
export type LineNeedle = string | readonly string[]

/**
 * An engine over log records also says which raw lines can matter, so the reader builds records only
 * for lines that hold one of the needles (the hunt's prefilter). null: it must see every line.
 */
export interface LogRecordEngine<Out = Finding> extends CompiledEngine<LogRecord, Out> {
  needlesFor(logType: LogType): readonly LineNeedle[] | null
}

/** The session of an engine that needs no state between inputs. */
export function statelessSession<In, Out>(
  match: (input: In, emit: Emit<Out>) => void,
): EngineSession<In, Out> {
  return { match, finish: () => {} }
}
