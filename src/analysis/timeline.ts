// Who did what when: first/last seen per attacker IP and per attack phase. Pure.

import type { Category, Finding, Phase, Severity, TimelineEntry } from '../shared/types.ts'
import { PHASES, severityRank } from '../shared/types.ts'
import { countEvents } from './events.ts'
import { byTime } from './group.ts'

const MAX_IDS = 20
const LOW = severityRank('low')

/** Phase for findings whose rule does not name one. */
const PHASE_OF: Partial<Record<Category, Phase>> = {
  exploitation: 'initial-access',
  webshell: 'persistence',
  reconnaissance: 'reconnaissance',
}

export function phaseOf(f: Finding): Phase | undefined {
  return f.phase ?? PHASE_OF[f.category]
}

interface Acc {
  entry: TimelineEntry
  list: Finding[]
}

export function buildTimeline(findings: readonly Finding[]): TimelineEntry[] {
  const actors = new Map<string, Acc>()
  const phases = new Map<string, Acc>()
  for (const f of findings) {
    if (severityRank(f.severity) < LOW) continue
    for (const ip of f.indicators.ips) add(actors, 'actor', ip, f)
    const phase = phaseOf(f)
    if (phase) add(phases, 'phase', phase, f)
  }
  const entries = [...actors.values(), ...phases.values()].map(finish)
  return entries.sort(
    (a, b) =>
      compareTime(a.first, b.first) ||
      (a.kind === b.kind ? 0 : a.kind === 'phase' ? -1 : 1) ||
      phaseIndex(a) - phaseIndex(b) ||
      a.key.localeCompare(b.key),
  )
}

function add(map: Map<string, Acc>, kind: TimelineEntry['kind'], key: string, f: Finding): void {
  let acc = map.get(key)
  if (!acc) {
    acc = {
      entry: {
        kind,
        key,
        first: '',
        last: '',
        count: 0,
        rules: [],
        severity: f.severity,
        findings: [],
      },
      list: [],
    }
    map.set(key, acc)
  }
  const e = acc.entry
  acc.list.push(f)
  if (!e.rules.includes(f.rule)) e.rules.push(f.rule)
  if (severityRank(f.severity) > severityRank(e.severity)) e.severity = f.severity as Severity
  if (f.time) {
    if (!e.first || f.time < e.first) e.first = f.time
    if (!e.last || f.time > e.last) e.last = f.time
  }
}

function finish(acc: Acc): TimelineEntry {
  acc.entry.count = countEvents(acc.list)
  acc.entry.findings = [...acc.list]
    .sort(byTime)
    .slice(0, MAX_IDS)
    .map((f) => f.id)
  return acc.entry
}

/** Entries with no time ('' first) go last. */
function compareTime(a: string, b: string): number {
  if (a === b) return 0
  if (!a) return 1
  if (!b) return -1
  return a < b ? -1 : 1
}

function phaseIndex(e: TimelineEntry): number {
  return e.kind === 'phase' ? PHASES.indexOf(e.key as Phase) : 0
}
