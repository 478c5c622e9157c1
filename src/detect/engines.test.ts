// Every engine of detect/ behind the one `Engine` interface (shared/engine.ts): compiled once, named,
// counting its rules, reporting its compile issues, and keeping its matching state per session.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { makeRule } from '../../test/helpers/native-rule.ts'
import type { Finding, LogRecord } from '../shared/types.ts'
import { artefactEngine } from './artefacts/index.ts'
import { FOLD_AFTER } from './ioc/fold.ts'
import { iocFileEngine, iocRecordEngine } from './ioc/index.ts'
import { nativeEngine } from './native/engine.ts'
import { heuristicEngine } from './webfile/engine.ts'
import { yaraEngine } from './yara/engine.ts'

const rec = (line: number, ip = '192.0.2.9'): LogRecord => ({
  logType: 'httpproxy',
  path: 'HttpProxy/Ecp/x.LOG',
  line,
  raw: `ServerInfo~a ${ip}`,
  fields: { anchormailbox: 'ServerInfo~a]@x:444/x?#', clientipaddress: ip },
  ip,
})

describe('the Engine interface', () => {
  test('each implementation has its name', () => {
    const names = [
      nativeEngine.compile({ rules: [] }).name,
      iocRecordEngine.compile([]).name,
      iocFileEngine.compile([]).name,
      yaraEngine.compile({ scan: null, rules: new Map() }).name,
      heuristicEngine.compile({ rules: [] }).name,
      artefactEngine.compile({ rules: [], tests: new Map() }).name,
    ]
    assert.deepEqual(names, ['native', 'ioc', 'ioc', 'yara', 'heuristic', 'artefact'])
  })

  test('native: a rule that does not compile is an issue and does not run', () => {
    const bad = makeRule('exh-bad', { match: { field: 'urlstem', regex: '(?<=/ecp/)x' } })
    const engine = nativeEngine.compile({ rules: [makeRule('exh-ok'), bad], untrusted: true })
    assert.equal(engine.rules, 1)
    assert.equal(engine.issues.length, 1)
    assert.match(engine.issues[0]!.message, /RE2/)
  })

  test('native: each session folds on its own (one per log file)', () => {
    const engine = nativeEngine.compile({ rules: [makeRule('exh-ok')], maxFindingsPerRule: 2 })
    const count = () => {
      const s = engine.session()
      const out: Finding[] = []
      for (let i = 1; i <= 5; i++) s.match(rec(i), (f) => out.push(f))
      s.finish((f) => out.push(f))
      return out.length
    }
    assert.equal(count(), 2)
    assert.equal(count(), 2, 'a second file starts with its own cap')
    assert.deepEqual(engine.needlesFor('httpproxy'), [['serverinfo~']])
  })

  test('ioc: needles for the prefilter; repeats past the cap come out at finish', () => {
    const engine = iocRecordEngine.compile([
      { value: '192.0.2.9', type: 'ipv4', origins: ['t'], file: 't.csv' },
    ])
    assert.deepEqual(engine.needlesFor('httpproxy'), ['192.0.2.9'])
    const s = engine.session()
    const out: Finding[] = []
    for (let i = 1; i <= FOLD_AFTER + 3; i++) s.match(rec(i), (f) => out.push(f))
    assert.equal(out.length, FOLD_AFTER)
    s.finish((f) => out.push(f))
    assert.equal(out.length, FOLD_AFTER + 1)
    assert.equal(out.at(-1)!.folded, 2)
  })
})
