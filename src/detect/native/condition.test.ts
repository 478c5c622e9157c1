// Conformance table of the native condition operators: each one matching and not, case handling,
// wildcard edge cases, URL decoding, group semantics.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseCondition } from '../../content/rules/parse-condition.ts'
import type { LogRecord } from '../../shared/types.ts'
import { compileCondition } from './condition.ts'
import { FieldReader, urlDecode } from './field-reader.ts'

function rec(fields: Record<string, string>, views: Partial<LogRecord> = {}): LogRecord {
  return {
    logType: 'httpproxy',
    fields,
    path: 'x.log',
    line: 1,
    raw: Object.values(fields).join(','),
    ...views,
  }
}

function holds(cond: unknown, r: LogRecord, untrusted = false): boolean {
  const problems: string[] = []
  const c = parseCondition(cond, 'match', (p, m, s) => {
    if (s !== 'warning') problems.push(`${p}: ${m}`)
  })
  assert.ok(c, problems.join('; '))
  const reader = new FieldReader()
  reader.reset(r)
  return compileCondition(c, { untrusted })(reader)
}

const A = rec({
  anchormailbox: 'ServerInfo~Exch01/ecp/x.js?#',
  httpstatus: '241',
  urlquery: 'a=%2Fowa+x',
})

// [condition, expected] against record A.
const TABLE: [string, unknown, boolean][] = [
  ['equals, other case', { field: 'httpstatus', equals: '241' }, true],
  ['equals miss', { field: 'httpstatus', equals: '24' }, false],
  ['equals number value', { field: 'httpstatus', equals: 241 }, true],
  ['in', { field: 'httpstatus', in: ['200', '241'] }, true],
  ['in miss', { field: 'httpstatus', in: ['200', '500'] }, false],
  ['contains ignores case', { field: 'anchormailbox', contains: 'EXCH01/ECP' }, true],
  ['contains miss', { field: 'anchormailbox', contains: '/owa/' }, false],
  ['contains-any', { field: 'anchormailbox', 'contains-any': ['/owa/', '/ecp/'] }, true],
  ['contains-any miss', { field: 'anchormailbox', 'contains-any': ['/owa/', '/ews/'] }, false],
  ['contains-all', { field: 'anchormailbox', 'contains-all': ['serverinfo', 'x.js'] }, true],
  ['contains-all miss', { field: 'anchormailbox', 'contains-all': ['serverinfo', 'y.js'] }, false],
  ['startswith', { field: 'anchormailbox', startswith: 'serverinfo~' }, true],
  ['startswith miss', { field: 'anchormailbox', startswith: 'smtp:' }, false],
  ['startswith-any', { field: 'anchormailbox', 'startswith-any': ['smtp:', 'ServerInfo'] }, true],
  ['startswith-any miss', { field: 'anchormailbox', 'startswith-any': ['smtp:', 'sid:'] }, false],
  ['endswith', { field: 'anchormailbox', endswith: '?#' }, true],
  ['endswith miss', { field: 'anchormailbox', endswith: '.js' }, false],
  ['endswith-any', { field: 'anchormailbox', 'endswith-any': ['.aspx', '?#'] }, true],
  ['endswith-any miss', { field: 'anchormailbox', 'endswith-any': ['.aspx', '.js'] }, false],
  ['wildcard', { field: 'anchormailbox', wildcard: 'serverinfo~*/*' }, true],
  ['wildcard is whole-value', { field: 'anchormailbox', wildcard: 'serverinfo~*/ecp' }, false],
  ['wildcard ?', { field: 'httpstatus', wildcard: '2?1' }, true],
  ['wildcard ? is one character', { field: 'httpstatus', wildcard: '2?' }, false],
  ['regex', { field: 'anchormailbox', regex: '^serverinfo~[^/]+/ecp/' }, true],
  ['regex miss', { field: 'anchormailbox', regex: '^serverinfo~[^/]+/owa/' }, false],
  [
    'case: sensitive match',
    { field: 'anchormailbox', contains: 'Exch01', case: 'sensitive' },
    true,
  ],
  [
    'case: sensitive miss',
    { field: 'anchormailbox', contains: 'exch01', case: 'sensitive' },
    false,
  ],
  ['regex case: sensitive', { field: 'anchormailbox', regex: 'exch01', case: 'sensitive' }, false],
  ['exists true', { field: 'httpstatus', exists: true }, true],
  ['exists false on absent field', { field: 'nosuch', exists: false }, true],
  ['exists true on absent field', { field: 'nosuch', exists: true }, false],
  ['gte', { field: 'httpstatus', gte: 241 }, true],
  ['lte', { field: 'httpstatus', lte: 240 }, false],
  ['gte + lte range', { field: 'httpstatus', gte: 200, lte: 299 }, true],
  ['decode url', { field: 'urlquery', contains: '/owa x', decode: 'url' }, true],
  ['no decode without decode: url', { field: 'urlquery', contains: '/owa x' }, false],
  ['absent field never matches a string operator', { field: 'nosuch', contains: '' }, false],
  ['not', { not: { field: 'httpstatus', equals: '241' } }, false],
  [
    'none',
    {
      none: [
        { field: 'httpstatus', equals: '500' },
        { field: 'httpstatus', equals: '404' },
      ],
    },
    true,
  ],
  [
    'none with one true child',
    {
      none: [
        { field: 'httpstatus', equals: '500' },
        { field: 'httpstatus', equals: '241' },
      ],
    },
    false,
  ],
  [
    'any',
    {
      any: [
        { field: 'httpstatus', equals: '500' },
        { field: 'httpstatus', equals: '241' },
      ],
    },
    true,
  ],
  [
    'all',
    {
      all: [
        { field: 'httpstatus', equals: '241' },
        { field: 'anchormailbox', contains: 'nope' },
      ],
    },
    false,
  ],
  [
    'several groups in one mapping must all hold',
    {
      all: [{ field: 'httpstatus', equals: '241' }],
      none: [{ field: 'anchormailbox', contains: 'x.js' }],
    },
    false,
  ],
]

describe('native condition operators', () => {
  for (const [name, cond, want] of TABLE) {
    test(name, () => assert.equal(holds(cond, A), want))
  }

  test('the untrusted path (RE2) gives the same answers on regexes', () => {
    for (const [name, cond, want] of TABLE) {
      if (JSON.stringify(cond).includes('"regex"')) assert.equal(holds(cond, A, true), want, name)
    }
  })

  test('normalised views are read when the record has no such column', () => {
    const r = rec(
      { anchormailbox: 'x' },
      { ip: '203.0.113.9', status: 200, urlPath: '/OWA/auth/x.aspx', userAgent: 'curl/8' },
    )
    assert.equal(holds({ field: 'ip', equals: '203.0.113.9' }, r), true)
    assert.equal(holds({ field: 'status', in: ['200'] }, r), true)
    assert.equal(holds({ field: 'urlpath', startswith: '/owa/auth/' }, r), true)
    assert.equal(holds({ field: 'useragent', startswith: 'curl' }, r), true)
    assert.equal(holds({ field: 'raw', contains: 'x' }, r), true)
  })

  test('a column wins over the view of the same name', () => {
    const r = rec({ useragent: 'column' }, { userAgent: 'view' })
    assert.equal(holds({ field: 'useragent', equals: 'column' }, r), true)
  })
})

describe('wildcard edge cases', () => {
  const w = (pattern: string, value: string) =>
    holds({ field: 'f', wildcard: pattern }, rec({ f: value }))
  test('star alone matches anything, including empty', () => {
    assert.equal(w('*', ''), true)
    assert.equal(w('*', 'abc'), true)
  })
  test('no star is equality', () => {
    assert.equal(w('abc', 'ABC'), true)
    assert.equal(w('abc', 'abcd'), false)
  })
  test('prefix and suffix must not overlap', () => {
    assert.equal(w('ab*ba', 'aba'), false)
    assert.equal(w('ab*ba', 'abba'), true)
  })
  test('middle parts in order', () => {
    assert.equal(w('a*b*c', 'a-c-b-c'), true)
    assert.equal(w('a*b*c', 'a-c-c'), false)
    assert.equal(w('*b*c*', 'xcxb'), false)
    assert.equal(w('*b*c*', 'xbxc'), true)
  })
  test('middle part may not eat the suffix', () => {
    assert.equal(w('a*bc*c', 'abc'), false)
    assert.equal(w('a*bc*c', 'abcc'), true)
  })
  test('regex characters are literal', () => {
    assert.equal(w('a.c*', 'abc'), false)
    assert.equal(w('a.c*', 'a.cx'), true)
    assert.equal(w('(x)?', '(x)y'), true)
    assert.equal(w('(x)?', '(x)'), false)
  })
  test('consecutive stars', () => assert.equal(w('a**b', 'ab'), true))
})

describe('urlDecode', () => {
  test('decodes %xx as UTF-8 and + as space, once', () => {
    assert.equal(urlDecode('a%2Fb+c%25%32%46'), 'a/b c%2F')
    assert.equal(urlDecode('%C3%A9'), 'é')
  })
  test('keeps malformed escapes', () => {
    assert.equal(urlDecode('100%'), '100%')
    assert.equal(urlDecode('%zz'), '%zz')
  })
  test('invalid UTF-8 falls back to one character per byte', () => {
    assert.equal(urlDecode('%E9t%E9'), 'été')
  })
})
