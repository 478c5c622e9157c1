import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { commonPathPrefix, idPath, scopedFindingId } from './finding-id.ts'
import type { Finding } from './types.ts'

function finding(path: string, line?: number, fields?: Record<string, string>): Finding {
  return {
    id: 'engine-id',
    rule: 'r1',
    title: 't',
    severity: 'high',
    category: 'exploitation',
    outcome: 'success',
    proves: 'compromise',
    cves: [],
    attack: [],
    source: line === undefined ? { path } : { path, line },
    indicators: { ips: [], users: [], paths: [], userAgents: [] },
    evidence: '',
    ruleSource: { engine: 'native', file: 'x.yml' },
    ...(fields ? { fields } : {}),
  }
}

describe('finding ids in the target scope', () => {
  test('the common prefix stops at a whole folder, a zip name or nothing', () => {
    assert.equal(commonPathPrefix(['a.zip!ev/C/x.log', 'a.zip!ev/C/y/z.log']), 'a.zip!ev/C/')
    assert.equal(commonPathPrefix(['C/logs/u_ex21a.log', 'C/logs/u_ex21b.log']), 'C/logs/')
    assert.equal(commonPathPrefix(['a.zip!x.log', 'a.zip!y.log']), 'a.zip!')
    assert.equal(commonPathPrefix(['x.log', 'y.log']), '')
    assert.equal(commonPathPrefix([]), '')
  })

  test('folder and zip forms give one id; another host, line, rule or field another', () => {
    const zip = { host: 'exch01', prefix: 'e.zip!evidence/C/' }
    const dir = { host: 'exch01', prefix: 'C/' }
    const a = scopedFindingId(zip, finding('e.zip!evidence/C/inetpub/u.log', 7))
    assert.equal(idPath(zip, 'e.zip!evidence/C/inetpub/u.log'), 'inetpub/u.log')
    assert.equal(scopedFindingId(dir, finding('C/inetpub/u.log', 7)), a)
    assert.match(a, /^[0-9a-f]{16}$/)
    const others = [
      scopedFindingId({ ...dir, host: 'exch02' }, finding('C/inetpub/u.log', 7)),
      scopedFindingId(dir, finding('C/inetpub/u.log', 8)),
      scopedFindingId(dir, { ...finding('C/inetpub/u.log', 7), rule: 'r2' }),
      scopedFindingId(dir, finding('C/inetpub/u.log', 7, { site: 'Default Web Site' })),
    ]
    assert.equal(new Set([a, ...others]).size, 5)
  })
})
