// The Sigma engine (issue 16 §2): compiles Sigma rules once (selections, modifiers, conditions → closures
// over RE2 and plain string tests) and matches EventRecords. Rules are indexed by channel and event id,
// so an event is evaluated only by the rules of its source. A rule that is broken is a ContentIssue and
// dropped; valid Sigma this engine does not run (aggregations, `near`, correlation rules, `expand`), a
// logsource without events (webserver: IIS logs, read by the native rules) and the noisy list are
// `skipped`, each with its reason, never dropped silently.
import type { ContentIssue } from '../../shared/content-issue.ts'
import type { CompiledEngine, Emit, Engine, EngineSession } from '../../shared/engine.ts'
import type { EventRecord } from '../../shared/event-record.ts'
import type { Finding } from '../../shared/types.ts'
import { compileDetection } from './detection.ts'
import { SigmaRuleError, SigmaUnsupported } from './errors.ts'
import { EventView } from './event-view.ts'
import type { Pred } from './field-match.ts'
import { buildSigmaFinding } from './finding.ts'
import { resolveLogsource } from './logsource.ts'
import type { EventSource, SigmaContent, SigmaRuleData, SkippedRule } from './types.ts'

interface Entry {
  rule: SigmaRuleData
  pred: Pred
  fields: string[]
  source: EventSource
  eventIds?: ReadonlySet<number>
  provider?: string
}

export interface CompiledSigma extends CompiledEngine<EventRecord, Finding> {
  /** Rules that compiled but do not run here, with the reason. */
  readonly skipped: readonly SkippedRule[]
  /** Ids of the rules that run. */
  readonly ruleIds: readonly string[]
  /** Channels (lowercased) some rule reads: a reader may skip the records of any other. */
  readonly channels: ReadonlySet<string>
}

function compileSigma(content: SigmaContent): CompiledSigma {
  const issues: ContentIssue[] = []
  const skipped: SkippedRule[] = []
  const byChannel = new Map<string, Entry[]>()
  const ruleIds: string[] = []
  for (const rule of content.rules) {
    const h = rule.header
    const skip = (reason: string, kind: SkippedRule['kind']) =>
      skipped.push({ rule: h.id, file: rule.file, title: h.title, reason, kind })
    if (rule.unsupportedKeys?.length) {
      skip(
        `${rule.unsupportedKeys.join(', ')}: not supported (correlation or meta rule)`,
        'unsupported',
      )
      continue
    }
    let compiled: ReturnType<typeof compileDetection>
    try {
      compiled = compileDetection(rule.detection)
    } catch (e) {
      if (e instanceof SigmaUnsupported) {
        skip(e.message, 'unsupported')
        continue
      }
      if (e instanceof SigmaRuleError) {
        issues.push({ file: rule.file, path: 'detection', severity: 'error', message: e.message })
        continue
      }
      throw e
    }
    const where = resolveLogsource(rule.logsource, content.mapping)
    if ('elsewhere' in where) {
      skip(where.elsewhere, 'logsource')
      continue
    }
    if ('none' in where) {
      skip(where.none, 'logsource')
      continue
    }
    if (rule.noisy !== undefined && !content.noisy) {
      skip(`noisy: ${rule.noisy}`, 'noisy')
      continue
    }
    ruleIds.push(h.id)
    for (const source of where.sources) {
      const key = source.channel.toLowerCase()
      let list = byChannel.get(key)
      if (!list) {
        list = []
        byChannel.set(key, list)
      }
      const e: Entry = { rule, pred: compiled.pred, fields: compiled.fields, source }
      if (source.eventIds?.length) e.eventIds = new Set(source.eventIds)
      if (source.provider) e.provider = source.provider.toLowerCase()
      list.push(e)
    }
  }
  const channels = new Set(byChannel.keys())
  return {
    name: 'sigma',
    rules: ruleIds.length,
    ruleIds,
    issues,
    skipped,
    channels,
    session(): EngineSession<EventRecord, Finding> {
      return {
        match(rec: EventRecord, emit: Emit<Finding>) {
          const list = byChannel.get(rec.channel.toLowerCase())
          if (!list) return
          // One view per field mapping: Sysmon's and Security's renames read the same event differently.
          const views = new Map<EventSource['fields'], EventView>()
          const provider = rec.provider.toLowerCase()
          for (const e of list) {
            if (e.eventIds && !e.eventIds.has(rec.eventId)) continue
            if (e.provider !== undefined && e.provider !== provider) continue
            let view = views.get(e.source.fields)
            if (!view) {
              view = new EventView(rec, e.source.fields)
              views.set(e.source.fields, view)
            }
            if (e.pred(view)) emit(buildSigmaFinding(e.rule, rec, e.fields, e.source.fields))
          }
        },
        finish() {},
      }
    },
  }
}

export const sigmaEngine = {
  name: 'sigma' as const,
  compile: compileSigma,
} satisfies Engine<SigmaContent, EventRecord, Finding>
