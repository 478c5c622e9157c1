// The condition table for native log rules: each case is a rule (validated by the content loader), run
// twice per record: on the record through the native engine, and as a line of an HttpProxy log through
// the hunt's own per-file scan (scanLogFile: the needle prefilter, then the engines), so a prefilter
// that drops a line the rule matches fails here.
import { Readable } from 'node:stream'
import { validateRuleDoc } from '../../src/content/rules/load.ts'
import { nativeEngine } from '../../src/detect/native/engine.ts'
import { createLogDetectors, scanLogFile } from '../../src/hunt/log-detectors.ts'
import type { Finding } from '../../src/shared/types.ts'
import { makeRecord } from '../../src/sources/logs/index.ts'
import { CASES, type CaseRecord, type Cond, type Field } from './cases.ts'
import { runConditionCases } from './run-cases.ts'

function raw(c: Cond): unknown {
  if ('all' in c) return { all: c.all.map(raw) }
  if ('any' in c) return { any: c.any.map(raw) }
  if ('none' in c) return { none: c.none.map(raw) }
  if ('not' in c) return { not: raw(c.not) }
  if ('exists' in c) return { field: c.field, exists: c.exists }
  return { field: c.field, [c.op]: c.value, ...(c.case ? { case: c.case } : {}) }
}

/** Exchange's CSV logs quote a value holding a comma, a quote or a line break, doubling quotes. */
function csv(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

const PATH = 'HttpProxy/Ecp/HttpProxy_2021030306-1.LOG'

function ruleFor(when: Cond) {
  const doc = {
    id: 'exh-condition-case',
    title: 'Condition case',
    status: 'test',
    level: 'high',
    category: 'exploitation',
    proves: 'attempt',
    source: 'httpproxy',
    references: ['https://example.org/condition-cases'],
    match: raw(when),
    tests: { positive: [{ a: 'x' }], negative: [{ a: 'y' }] },
  }
  const { rule, issues } = validateRuleDoc(doc, 'rules/native/test/exh-condition-case.yml')
  const errors = issues.filter((i) => i.severity === 'error')
  if (!rule || errors.length > 0) throw new Error(`rule refused: ${JSON.stringify(errors)}`)
  return rule
}

runConditionCases({
  name: 'native log rules',
  // The table's semantics are the native format's: it runs every case.
  unsupported: () => undefined,
  atLeast: CASES.length,
  compile(when) {
    const rule = ruleFor(when)
    const engine = nativeEngine.compile({ rules: [rule] })
    const detectors = createLogDetectors({ parsed: { rules: [rule], iocs: [] } })
    return async (fields: CaseRecord['fields']) => {
      const names = Object.keys(fields) as Field[]
      const values = names.map((n) => fields[n]!)
      // A first column of its own: a one-column `#Fields` reads as W3C (no comma to tell it is CSV).
      const line = ['1', ...values].map(csv).join(',')
      // On the record.
      const onRecord: Finding[] = []
      const session = engine.session()
      session.match(makeRecord('httpproxy', 'Ecp', names, values, PATH, 3, values.join(',')), (f) =>
        onRecord.push(f),
      )
      // As a logged line, through the prefilter.
      const text = `#Log-type: HttpProxy Logs\n#Fields: ${['requestid', ...names].join(',')}\n${line}\n`
      const scanned = await scanLogFile(detectors, Readable.from([Buffer.from(text)]), PATH)
      if (scanned.errors.length > 0) throw new Error(JSON.stringify(scanned.errors))
      const onLine = scanned.findings.length > 0
      if (onLine !== onRecord.length > 0) {
        throw new Error(
          `the record ${onRecord.length > 0 ? 'matches' : 'does not match'} but its line ${onLine ? 'does' : 'does not'} (needles ${JSON.stringify(detectors.needlesFor('httpproxy'))})`,
        )
      }
      return onLine
    }
  },
})
