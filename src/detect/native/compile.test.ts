import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { makeRule } from '../../../test/helpers/native-rule.ts'
import { parseCondition } from '../../content/rules/parse-condition.ts'
import { compileRules } from './compile.ts'
import { conditionPrefilter, DECODED, FIELD_END, MASK, safeLiteral } from './needles.ts'

describe('compileRules', () => {
  test('groups rules by log type and skips deprecated ones', () => {
    const { set, issues } = compileRules([
      makeRule('exh-a', { source: ['httpproxy', 'iis'] }),
      makeRule('exh-b', { status: 'deprecated' }),
    ])
    assert.deepEqual(issues, [])
    assert.equal(set.rules, 1)
    assert.equal(set.rulesFor('iis').length, 1)
    assert.equal(set.byId('exh-b'), undefined)
    assert.deepEqual(set.prefilterFor('httpproxy'), [['serverinfo~']])
    assert.deepEqual(set.prefilterFor('ews'), [])
  })

  test('one rule without a needle makes the whole log type parse every line', () => {
    const { set } = compileRules([
      makeRule('exh-a'),
      makeRule('exh-b', { match: { field: 'httpstatus', gte: 500 } }),
    ])
    assert.equal(set.prefilterFor('httpproxy'), null)
  })

  test('untrusted content compiles regexes with RE2 and names the field of a regex RE2 refuses', () => {
    const rule = makeRule('exh-re', {
      match: {
        all: [
          { field: 'urlstem', contains: '/' },
          { field: 'urlstem', regex: '(?<=/ecp/)x' },
        ],
      },
    })
    assert.equal(compileRules([rule]).issues.length, 0, 'JavaScript RegExp accepts lookbehind')
    const { set, issues } = compileRules([rule], { untrusted: true })
    assert.equal(set.rules, 0)
    assert.deepEqual(
      issues.map((i) => [i.file, i.path, i.severity]),
      [['rules/native/t/exh-re.yml', 'match.all[1].regex', 'error']],
    )
    assert.match(issues[0]!.message, /RE2/)
    const ok = compileRules(
      [makeRule('exh-ok', { match: { field: 'urlstem', regex: '^/ecp/[a-z]+\\.js$' } })],
      {
        untrusted: true,
      },
    )
    assert.deepEqual(ok.issues, [])
    assert.equal(ok.set.rules, 1)
  })
})

describe('literals', () => {
  test('literals are cut where a log writer may escape them', () => {
    // CSV doubles quotes, IIS writes spaces as '+', %xx may stand for anything, non-ASCII folds differently.
    assert.equal(safeLiteral('runat="server"'), 'runat=')
    assert.equal(safeLiteral('Mozilla/5.0 (compatible; MSIE'), '(compatible;')
    assert.equal(safeLiteral('a+bcd'), 'bcd')
    assert.equal(safeLiteral('%2fowa'), '2fowa')
    assert.equal(safeLiteral('Ärger-Straße'), 'rger-stra')
  })
})

function prefilter(cond: unknown): string[][] | null {
  const c = parseCondition(cond, 'match', () => {})
  assert.ok(c)
  return conditionPrefilter(c)?.map((x) => [...x]) ?? null
}

describe('prefilter (conjunctions)', () => {
  test('an AND keeps the literals of every part, so a broad one is checked with a rare one', () => {
    assert.deepEqual(
      prefilter({
        all: [
          { field: 'method', equals: 'POST' },
          { field: 'urlpath', startswith: '/ecp/' },
          { field: 'urlpath', regex: '^/ecp/[0-9a-z]{1,3}\\.js$' },
        ],
      }),
      [['/ecp/', 'post', `${FIELD_END}.js`]],
    )
  })

  test('a literal that ends the value (endswith, or a regex ending in it and $) is marked', () => {
    assert.deepEqual(prefilter({ field: 'urlpath', 'endswith-any': ['/a.aspx', '/B.ASPX'] }), [
      [`${FIELD_END}/a.aspx`],
      [`${FIELD_END}/b.aspx`],
    ])
    assert.deepEqual(prefilter({ field: 'urlpath', regex: '^/owa/[a-z]+/shell\\.aspx$' }), [
      [`${FIELD_END}/shell.aspx`, '/owa/'],
    ])
    // Not at the end: a trailing class, an escaped dollar, or an alternation in the last group.
    assert.deepEqual(prefilter({ field: 'urlpath', regex: '\\.js[a-z]$' }), [['.js']])
    assert.deepEqual(prefilter({ field: 'urlpath', regex: '\\.js\\$' }), [['.js$']])
    assert.deepEqual(prefilter({ field: 'urlpath', regex: '\\.(?:js|css)$' }), [['.js'], ['.css']])
    // A decoded view or an escaped character in the value: no mark.
    assert.deepEqual(prefilter({ field: 'urlpath', endswith: 'a b.aspx' }), [['b.aspx']])
  })

  test('a none-list of whole values on the same field becomes masks of that field only', () => {
    const own = prefilter({
      all: [{ field: 'urlpath', contains: '/auth/' }],
      none: [{ field: 'urlpath', in: ['/owa/auth/logon.aspx', '/ecp/auth/TimeoutLogout.aspx'] }],
    })
    assert.deepEqual(own, [
      ['/auth/', `${MASK}/owa/auth/logon.aspx`, `${MASK}/ecp/auth/timeoutlogout.aspx`],
    ])
    // A literal of another field in the conjunction: blanking could hide it, so no masks.
    assert.deepEqual(
      prefilter({
        all: [
          { field: 'urlpath', contains: '/auth/' },
          { field: 'method', equals: 'POST' },
        ],
        none: [{ field: 'urlpath', in: ['/owa/auth/logon.aspx'] }],
      }),
      [['/auth/', 'post']],
    )
    // The excluded values are on another field, or are regexes / case-sensitive: no masks.
    for (const none of [
      { field: 'query', in: ['/owa/auth/logon.aspx'] },
      { field: 'urlpath', regex: '^/owa/auth/logon\\.aspx$' },
      { field: 'urlpath', in: ['/owa/auth/logon.aspx'], case: 'sensitive' },
    ]) {
      assert.deepEqual(
        prefilter({ all: [{ field: 'urlpath', contains: '/auth/' }], none: [none] }),
        [['/auth/']],
      )
    }
    // Masks survive an outer AND only while every literal is still from that field.
    assert.deepEqual(
      prefilter({
        all: [
          {
            all: [{ field: 'urlpath', contains: '/auth/' }],
            none: [{ field: 'urlpath', in: ['/owa/auth/logon.aspx'] }],
          },
          { field: 'cs-method', equals: 'POST' },
        ],
      }),
      [['/auth/', 'post']],
    )
  })

  test('an ANY becomes alternatives; a part without literals leaves the others', () => {
    const got = prefilter({
      all: [
        { field: 'urlpath', regex: '\\.(?:aspx|ashx)$' },
        {
          any: [
            { field: 'query', contains: 'cmd=read' },
            { field: 'x', contains: 'abc' },
          ],
        },
        { field: 'status', gte: 200 },
      ],
    })
    assert.deepEqual(got?.map((c) => c.sort().join(' ')).sort(), [
      '.ashx abc',
      '.ashx cmd=read',
      '.aspx abc',
      '.aspx cmd=read',
    ])
    assert.equal(
      prefilter({
        any: [
          { field: 'a', contains: 'x' },
          { field: 'b', gte: 1 },
        ],
      }),
      null,
    )
  })

  test('a decoded field gives decoded literals; the query view is bounded by ? or a space', () => {
    assert.deepEqual(
      prefilter({
        all: [
          { field: 'urlpath', contains: 'autodiscover.json' },
          { field: 'raw', decode: 'url', contains: 'json @' },
        ],
      }),
      [['autodiscover.json', `${DECODED}json @`]],
    )
    assert.deepEqual(prefilter({ field: 'query', equals: 'proxy' }), [['?proxy'], [' proxy']])
    assert.deepEqual(prefilter({ field: 'query', contains: 'proxy' }), [['proxy']])
  })

  test('the rule set hands out every rule conjunction for its log type', () => {
    const { set } = compileRules([makeRule('exh-a')])
    assert.deepEqual(set.prefilterFor('httpproxy'), set.rulesFor('httpproxy')[0]?.prefilter)
    assert.deepEqual(set.prefilterFor('ews'), [])
  })
})
