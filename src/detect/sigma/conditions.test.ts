// Sigma condition forms and search-identifier shapes, on hand-built events.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { matches } from './sigma.test-helper.ts'

const d = (condition: unknown, searches: Record<string, unknown>) => ({ ...searches, condition })
const S = {
  sel_a: { A: 'a' },
  sel_b: { B: 'b' },
  filter_c: { C: 'c' },
  _hidden: { D: 'd' },
}

describe('sigma conditions', () => {
  it('and, or, not, with not > and > or', () => {
    assert.ok(matches(d('sel_a and sel_b', S), { A: 'a', B: 'b' }))
    assert.ok(!matches(d('sel_a and sel_b', S), { A: 'a' }))
    assert.ok(matches(d('sel_a or sel_b', S), { B: 'b' }))
    assert.ok(matches(d('sel_a and not filter_c', S), { A: 'a' }))
    assert.ok(!matches(d('sel_a and not filter_c', S), { A: 'a', C: 'c' }))
    // a or b and c = a or (b and c)
    assert.ok(matches(d('sel_a or sel_b and filter_c', S), { A: 'a' }))
    assert.ok(!matches(d('sel_a or sel_b and filter_c', S), { B: 'b' }))
    // not a and b = (not a) and b
    assert.ok(matches(d('not sel_a and sel_b', S), { B: 'b' }))
    assert.ok(!matches(d('not sel_a and sel_b', S), { A: 'a', B: 'b' }))
    assert.ok(matches(d('not not sel_a', S), { A: 'a' }))
  })
  it('parentheses', () => {
    assert.ok(!matches(d('(sel_a or sel_b) and filter_c', S), { A: 'a' }))
    assert.ok(matches(d('(sel_a or sel_b) and filter_c', S), { B: 'b', C: 'c' }))
    assert.ok(matches(d('not (sel_a or sel_b)', S), { C: 'c' }))
    assert.ok(matches(d('((sel_a))', S), { A: 'a' }))
  })
  it('1 of / all of a pattern; any of; N of', () => {
    assert.ok(matches(d('1 of sel_*', S), { B: 'b' }))
    assert.ok(!matches(d('all of sel_*', S), { B: 'b' }))
    assert.ok(matches(d('all of sel_*', S), { A: 'a', B: 'b' }))
    assert.ok(matches(d('any of sel*', S), { A: 'a' }))
    assert.ok(matches(d('2 of them', S), { A: 'a', C: 'c' }))
    assert.ok(!matches(d('2 of them', S), { A: 'a' }))
    assert.ok(matches(d('sel_a and not 1 of filter_*', S), { A: 'a' }))
  })
  it('them: every search identifier but those starting with _', () => {
    assert.ok(matches(d('all of them', S), { A: 'a', B: 'b', C: 'c' }))
    assert.ok(!matches(d('1 of them', S), { D: 'd' }))
    assert.ok(matches(d('_hidden', S), { D: 'd' }))
  })
  it('a list of conditions: any holds', () => {
    assert.ok(matches(d(['sel_a', 'sel_b'], S), { B: 'b' }))
  })
  it('a list of maps is any of them; a map is all of its fields', () => {
    const s = { s: [{ A: 'a', B: 'b' }, { C: 'c' }] }
    assert.ok(matches(d('s', s), { C: 'c' }))
    assert.ok(!matches(d('s', s), { A: 'a' }))
    assert.ok(matches(d('s', s), { A: 'a', B: 'b' }))
  })
  it('keywords: a list searches every value of the event, case folded; |all makes it every one', () => {
    const k = { keywords: ['Install-TransportAgent', 'eval(request'] }
    assert.ok(matches(d('keywords', k), { Data: 'x INSTALL-TRANSPORTAGENT -Name y' }))
    assert.ok(!matches(d('keywords', k), { Data: 'Get-TransportAgent' }))
    const all = { keywords: { '|all': ['OabVirtualDirectory', ' -ExternalUrl '] } }
    assert.ok(matches(d('keywords', all), { A: 'Set-OabVirtualDirectory', B: 'x -ExternalUrl y' }))
    assert.ok(!matches(d('keywords', all), { A: 'Set-OabVirtualDirectory' }))
    // One keyword as a scalar, with a wildcard.
    assert.ok(matches(d('k', { k: 'cmd*whoami' }), { X: 'cmd.exe /c whoami' }))
    // A number keyword.
    assert.ok(matches(d('k', { k: [200] }), { S: '200' }))
  })
  it('broken conditions are rule errors', () => {
    assert.throws(() => matches(d('sel_a and', S), {}), /ends too early/)
    assert.throws(() => matches(d('missing', S), {}), /lacks/)
    assert.throws(() => matches(d('1 of nothing_*', S), {}), /matches no search identifier/)
    assert.throws(() => matches(d('(sel_a', S), {}), /not closed/)
    assert.throws(() => matches(d('sel_a sel_b', S), {}), /unexpected/)
    assert.throws(() => matches(d('sel_*', S), {}), /needs '1 of'/)
    assert.throws(() => matches({ sel: {} }, {}), /condition is required/)
  })
  it('aggregations, near and timeframe are unsupported (skipped, with the reason)', () => {
    assert.throws(() => matches(d('sel_a | count() > 5', S), {}), /skipped: aggregation/)
    assert.throws(() => matches(d('sel_a | count(B) by C > 5', S), {}), /skipped: aggregation/)
    assert.throws(() => matches(d('sel_a near sel_b', S), {}), /skipped: 'near'/)
    assert.throws(() => matches({ ...d('sel_a', S), timeframe: '5m' }, {}), /skipped: timeframe/)
  })
})
