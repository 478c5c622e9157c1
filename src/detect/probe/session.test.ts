// The session loop as shared/probe.ts describes it: fingerprint first, checks only at `safe` and only on
// Exchange, the same requests again when asked before their answers, then done; the requests are those
// of the content (the lab is checked against them).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadContent } from '../../content/load.ts'
import type { ProbeRequest, ProbeResponse } from '../../shared/probe.ts'
import { compileProbe } from './index.ts'
import { sampleResponse } from './probe-rule.ts'

const { content } = loadContent(join(import.meta.dirname, '../../../content'))
const probe = compileProbe(content.probe)
const endpoint = {
  input: '127.0.0.1:8443',
  scheme: 'https' as const,
  host: '127.0.0.1',
  port: 8443,
}

const EXCHANGE: Record<string, ProbeResponse> = {
  'fp-owa': sampleResponse('fp-owa', {
    status: 302,
    headers: { location: '/owa/auth/logon.aspx?url=%2fowa%2f&reason=0', 'x-feserver': 'MAIL1' },
  }),
}
const answer = (q: ProbeRequest) => EXCHANGE[q.id] ?? sampleResponse(q.id, { status: 404 })

describe('probe session', () => {
  test('round 1 is the five fingerprint requests, as the content writes them', () => {
    const s = probe.session(endpoint, 'safe')
    const r1 = s.next()
    assert.deepEqual(r1.map((q) => `${q.id} ${q.method} ${q.path}`).sort(), [
      'fp-ews GET /EWS/Exchange.asmx',
      'fp-exporttool GET /ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application',
      'fp-owa GET /owa/',
      'fp-owa-logon GET /owa/auth/logon.aspx',
      'fp-rpc-ntlm GET /rpc/rpcproxy.dll',
    ])
    assert.equal(
      r1.find((q) => q.id === 'fp-rpc-ntlm')?.headers?.Authorization,
      'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAA=',
    )
    // Asked again before the answers came: the same requests.
    assert.deepEqual(s.next(), r1)
  })
  test('safe on Exchange: round 2 has the three checks and the web-shell paths with their controls', () => {
    const s = probe.session(endpoint, 'safe')
    s.feed(s.next().map(answer))
    const r2 = s.next()
    const ids = r2.map((q) => q.id)
    for (const id of ['chk-cve-2021-26855', 'chk-proxyshell', 'chk-proxynotshell'])
      assert.ok(ids.includes(id))
    const shells = r2.filter((q) => /^shell-\d+$/.test(q.id))
    const controls = r2.filter((q) => q.id.startsWith('shell-control-'))
    assert.equal(shells.length, 32)
    assert.ok(controls.length >= 3 && controls.length <= 8, `${controls.length} controls`)
    for (const q of [...shells, ...controls]) {
      assert.equal(q.method, 'GET')
      assert.ok(!q.path.includes('?') && q.body === undefined && q.headers === undefined)
    }
    // Controls are stable for one target and differ between targets.
    const again = probe.session(endpoint, 'safe')
    again.feed(again.next().map(answer))
    assert.deepEqual(
      again.next().filter((q) => q.id.startsWith('shell-control-')),
      controls,
    )
    const other = probe.session({ ...endpoint, port: 443 }, 'safe')
    other.feed(other.next().map(answer))
    assert.notDeepEqual(
      other
        .next()
        .filter((q) => q.id.startsWith('shell-control-'))
        .map((q) => q.path),
      controls.map((q) => q.path),
    )
    s.feed(r2.map(answer))
    assert.deepEqual(s.next(), [])
    assert.equal(s.result().checks.length, 4)
  })
  test('passive never sends a check; not Exchange gets no round 2', () => {
    const p = probe.session(endpoint, 'passive')
    p.feed(p.next().map(answer))
    assert.deepEqual(p.next(), [])
    assert.deepEqual(p.result().checks, [])
    const n = probe.session(endpoint, 'safe')
    n.feed(n.next().map((q) => sampleResponse(q.id, { status: 404 })))
    assert.deepEqual(n.next(), [])
    assert.equal(n.result().verdict, 'not-exchange')
  })
  test('Exchange without any build number: vulnerable with low confidence, never patched', () => {
    const s = probe.session(endpoint, 'passive')
    s.feed(s.next().map(answer))
    const j = s.result()
    assert.equal(j.exchange, true)
    assert.equal(j.build, undefined)
    assert.equal(j.verdict, 'vulnerable')
    assert.equal(j.confidence, 'low')
    assert.match(j.reason, /could not tell/)
  })
  test('result before any answer: unreachable, nothing came back', () => {
    const s = probe.session(endpoint, 'safe')
    s.next()
    assert.equal(s.result().verdict, 'unreachable')
  })
})
