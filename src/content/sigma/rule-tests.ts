// Inline tests of our own Sigma-format event rules: `tests: { positive: [event], negative: [event] }`,
// each event written as the reader yields it (channel, provider, eventId, level, fields, data). Every
// rule needs at least one of each; `exhunt content lint` runs them through the real engine.
import { type SigmaContent, type SigmaRuleData, sigmaEngine } from '../../detect/sigma/index.ts'
import type { EventRecord, EventValue } from '../../shared/event-record.ts'

export interface SigmaTests {
  positive: EventRecord[]
  negative: EventRecord[]
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function toEvent(v: unknown, where: string, err: (p: string, m: string) => void, n: number) {
  if (!isMap(v) || typeof v.channel !== 'string' || typeof v.eventId !== 'number') {
    err(where, 'a test event needs channel and eventId (and fields or data)')
    return undefined
  }
  const fields: Record<string, EventValue> = {}
  if (v.fields !== undefined) {
    if (!isMap(v.fields)) {
      err(`${where}.fields`, 'a map of field name → value')
      return undefined
    }
    for (const [k, x] of Object.entries(v.fields)) fields[k] = x as EventValue
  }
  const data = Array.isArray(v.data) ? v.data.map(String) : undefined
  // As the reader names unnamed inserts: Data, Data1, ...
  if (data) for (const [i, d] of data.entries()) fields[i === 0 ? 'Data' : `Data${i}`] = d
  const rec: EventRecord = {
    eventId: v.eventId,
    provider: typeof v.provider === 'string' ? v.provider : '',
    channel: v.channel,
    computer: 'TEST',
    time: '',
    recordId: n,
    fields,
    source: { path: 'inline-test', offset: 0, chunk: 0 },
    ...(typeof v.level === 'number' ? { level: v.level } : {}),
    ...(data ? { data } : {}),
  }
  return rec
}

export function sigmaTests(
  raw: unknown,
  err: (p: string, m: string) => void,
): SigmaTests | undefined {
  if (!isMap(raw)) {
    err('tests', 'tests: { positive: [event, ...], negative: [event, ...] } is required')
    return undefined
  }
  const out: SigmaTests = { positive: [], negative: [] }
  let ok = true
  for (const kind of ['positive', 'negative'] as const) {
    const list = raw[kind]
    if (!Array.isArray(list) || list.length === 0) {
      err(`tests.${kind}`, `give at least one ${kind} event`)
      ok = false
      continue
    }
    list.forEach((v, i) => {
      const e = toEvent(v, `tests.${kind}[${i}]`, err, i + 1)
      if (e) out[kind].push(e)
      else ok = false
    })
  }
  return ok ? out : undefined
}

/** Runs each rule's tests alone through the engine; one message per failed event. */
export function runSigmaRuleTests(
  content: SigmaContent,
  tests: ReadonlyMap<string, SigmaTests>,
): { run: number; failures: string[] } {
  const failures: string[] = []
  let run = 0
  const byId = new Map<string, SigmaRuleData>(content.rules.map((r) => [r.header.id, r]))
  for (const [id, t] of tests) {
    const rule = byId.get(id)
    if (!rule) continue
    const c = sigmaEngine.compile({ rules: [rule], mapping: content.mapping, noisy: true })
    for (const [kind, events] of [
      ['positive', t.positive],
      ['negative', t.negative],
    ] as const) {
      events.forEach((e, i) => {
        run++
        let hit = false
        c.session().match(e, () => {
          hit = true
        })
        if (hit !== (kind === 'positive'))
          failures.push(
            `${rule.file}: tests.${kind}[${i}] ${hit ? 'matches' : 'does not match'} (${kind === 'positive' ? 'it should' : 'it should not'})`,
          )
      })
    }
  }
  return { run, failures }
}
