// The condition table for Sigma: each case becomes one Sigma rule (a search identifier per leaf, the
// tree as a condition expression), compiled by the Sigma engine and run on an event whose fields are
// the case's `a` and `b`. Sigma's own semantics decide the few cases it cannot express.
import { sigmaEngine } from '../../src/detect/sigma/index.ts'
import type { EventRecord } from '../../src/shared/event-record.ts'
import { type CaseRecord, type Cond, DASH_CASE, type StringOp } from './cases.ts'
import { runConditionCases } from './run-cases.ts'

const MAPPING = {
  logsources: [{ when: { product: 'windows', service: 'cases' }, sources: [{ channel: 'Cases' }] }],
}

/** A literal in a Sigma string: `*`, `?` and `\` escaped (a backslash before them is the escape). */
const lit = (s: string) => s.replace(/[*?\\]/g, '\\$&')

const MODS: Record<StringOp, { mods: string[]; raw?: boolean }> = {
  equals: { mods: [] },
  in: { mods: [] },
  contains: { mods: ['contains'] },
  'contains-any': { mods: ['contains'] },
  'contains-all': { mods: ['contains', 'all'] },
  startswith: { mods: ['startswith'] },
  'startswith-any': { mods: ['startswith'] },
  endswith: { mods: ['endswith'] },
  'endswith-any': { mods: ['endswith'] },
  // The table's wildcard is Sigma's own: `*` and `?` as written.
  wildcard: { mods: [], raw: true },
  regex: { mods: ['re'], raw: true },
}

function toSigma(c: Cond): { detection: Record<string, unknown> } {
  const detection: Record<string, unknown> = {}
  let n = 0
  const walk = (c: Cond): string => {
    if ('all' in c) return `(${c.all.map(walk).join(' and ')})`
    if ('any' in c) return `(${c.any.map(walk).join(' or ')})`
    if ('none' in c) return `not (${c.none.map(walk).join(' or ')})`
    if ('not' in c) return `not ${walk(c.not)}`
    const name = `sel${n++}`
    if ('exists' in c) {
      detection[name] = { [`${c.field}|exists`]: c.exists }
      return name
    }
    const m = MODS[c.op]
    const mods = [...m.mods]
    // Sigma's regexes are case sensitive unless |i; its other values fold case unless |cased.
    if (c.op === 'regex') {
      if (!c.case) mods.push('i')
    } else if (c.case) mods.push('cased')
    const values = (typeof c.value === 'string' ? [c.value] : c.value).map((v) =>
      m.raw ? v : lit(v),
    )
    detection[name] = {
      [[c.field, ...mods].join('|')]: values.length === 1 ? values[0] : values,
    }
    return name
  }
  detection.condition = walk(c)
  return { detection }
}

runConditionCases({
  name: 'sigma',
  atLeast: 35,
  unsupported(c) {
    if (c.name === DASH_CASE)
      return "'-' is an IIS log's empty marker; an event field that holds '-' holds '-' (and exists)"
    if (c.name.startsWith('exists:'))
      return "Sigma's |exists tests whether the event has the field: a field holding '' exists"
    return undefined
  },
  compile(when, name) {
    const { detection } = toSigma(when)
    const c = sigmaEngine.compile({
      mapping: MAPPING,
      rules: [
        {
          file: 'rules/sigma/condition-case.yml',
          header: {
            id: 'exh-evt-condition-case',
            title: name,
            level: 'high',
            category: 'exploitation',
            proves: 'attempt',
            cves: [],
            attack: [],
            references: ['https://example.org/condition-cases'],
            falsepositives: [],
          },
          logsource: { product: 'windows', service: 'cases' },
          detection,
        },
      ],
    })
    if (c.issues.length > 0 || c.skipped.length > 0)
      throw new Error(
        `rule refused: ${JSON.stringify([...c.issues, ...c.skipped])} ${JSON.stringify(detection)}`,
      )
    const session = c.session()
    let n = 0
    return (fields: CaseRecord['fields']) => {
      const rec: EventRecord = {
        eventId: 1,
        provider: 'Cases',
        channel: 'Cases',
        computer: 'X',
        time: '',
        recordId: ++n,
        fields: { ...fields },
        source: { path: 'cases.evtx', offset: n, chunk: 0 },
      }
      let hit = false
      session.match(rec, () => {
        hit = true
      })
      return hit
    }
  },
})
