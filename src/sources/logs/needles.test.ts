import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildAutomaton } from '../../shared/aho-corasick.ts'
import {
  compileNeedles,
  DECODED,
  FIELD_END,
  MASK,
  type Needle,
  urlDecodeLatin1,
} from './needles.ts'

/** Just past what the dense automaton builds (it would need ~5.6 M table entries; the limit is 4 Mi). */
const bigFeed = Array.from({ length: 12_000 }, (_, i) => `ioc-${i}.example.com`)
assert.equal(buildAutomaton(bigFeed.map((n) => Buffer.from(n))), null)

/** Which lines of `text` the compiled needles keep. */
function kept(needles: readonly Needle[], text: string, separator = 32): number[] {
  const m = compileNeedles(needles)
  assert.ok(m)
  const buf = Buffer.from(text, 'utf8')
  m.reset(buf, separator)
  const out: number[] = []
  let pos = 0
  let line = 1
  while (pos < buf.length) {
    let nl = buf.indexOf(10, pos)
    if (nl === -1) nl = buf.length
    if (m.wants(pos, nl)) out.push(line)
    pos = nl + 1
    line++
  }
  return out
}

describe('needle prefilter', () => {
  test('literals match case-insensitively anywhere in a line, lines in order', () => {
    const text = 'a ServerInfo~x\nplain\nxx python-requests/2.25\nServerInfo~ python-requests/\n'
    assert.deepEqual(kept(['serverinfo~', 'python-requests/'], text), [1, 3, 4])
    assert.deepEqual(kept([], text), [])
  })

  test('a conjunction keeps a line only when all its literals are there', () => {
    const text = 'POST /ecp/y.js\nPOST /ecp/PersonalSettings/HomePage.aspx\nGET /ecp/y.js\n'
    assert.deepEqual(kept([['/ecp/', 'post', '.js']], text), [1])
    // Another conjunction on the same anchor, or the anchor alone, still counts.
    assert.deepEqual(
      kept(
        [
          ['/ecp/', 'post', '.js'],
          ['/ecp/', 'get'],
        ],
        text,
      ),
      [1, 3],
    )
    assert.deepEqual(kept([['/ecp/', 'post', '.js'], '/ecp/'], text), [1, 2, 3])
  })

  test('overlapping and nested needles are all seen (one is a suffix or prefix of another)', () => {
    const text = 'x /owa/auth/current/a POST\ny /auth/ GET\nz antsword/v2\n'
    assert.deepEqual(
      kept(
        [
          ['/auth/', 'get'],
          ['/owa/auth/current/', 'post'],
        ],
        text,
      ),
      [1, 2],
    )
    assert.deepEqual(kept([['word/', 'v2'], 'antsword/v9'], text), [3])
    assert.deepEqual(
      kept(
        [
          ['ab', 'q'],
          ['abc', 'z'],
        ],
        'abcz\nabq\nabc\n',
      ),
      [1, 2],
    )
  })

  test('decoded literals are searched in the URL-decoded line; they cannot anchor alone', () => {
    const text =
      'GET /autodiscover/autodiscover.json a=%2Fpowershell\nGET /autodiscover/autodiscover.json x=1\nGET /autodiscover.json?@x+/PowerShell\n'
    assert.deepEqual(kept([['autodiscover.json', `${DECODED}/powershell`]], text), [1, 3])
    assert.deepEqual(kept([['autodiscover.json', `${DECODED}?@x /powershell`]], text), [3])
    assert.equal(compileNeedles([[`${DECODED}/powershell`]]), null)
  })

  test('a field-end literal anchors only where its field ends (separator, quote, line end)', () => {
    const text = [
      '2021-03-03 06:24:11 10.0.0.5 POST /ecp/y.js - 443',
      '2021-03-03 06:24:11 10.0.0.5 POST /autodiscover/autodiscover.json - 443',
      '2021-03-03 06:24:11 10.0.0.5 POST /ecp/Y.JS',
      '2021-03-03 06:24:11 10.0.0.5 GET /ecp/a.js?x - 443',
    ].join('\n')
    assert.deepEqual(kept([['/ecp/', 'post', `${FIELD_END}.js`]], text), [1, 3])
    const csv =
      '2021-03-03T06:24:11Z,POST,/ecp/y.js,200\n2021-03-03T06:24:11Z,POST,"/ecp/b,c.js",200\n'
    assert.deepEqual(kept([['/ecp/', 'post', `${FIELD_END}.js`]], csv, 44), [1, 2])
    // Marked in one conjunction and plain in another: the plain one still takes any occurrence.
    assert.deepEqual(kept([[`${FIELD_END}.js`], ['.js', 'autodiscover']], text), [1, 2, 3])
  })

  test('masks: an anchor inside a whole field equal to an excluded value does not count', () => {
    const masks = ['/owa/auth/logon.aspx', '/owa/auth/errorFE.aspx'].map(
      (m) => MASK + m.toLowerCase(),
    )
    const needle: Needle = ['/owa/auth/', '.aspx', ...masks]
    const iis = [
      '2023-01-06 00:00:00 10.0.0.5 GET /owa/auth/logon.aspx url=x 443 - 1.1.1.1 Mozilla - 200',
      '2023-01-06 00:00:00 10.0.0.5 GET /OWA/auth/ErrorFE.aspx - 443 - 1.1.1.1 Mozilla - 200',
      '2023-01-06 00:00:00 10.0.0.5 POST /owa/auth/x.aspx - 443 - 1.1.1.1 Mozilla https://m/owa/auth/logon.aspx 200',
      '2023-01-06 00:00:00 10.0.0.5 GET /owa/auth/logon.aspx.aspx - 443 - 1.1.1.1 Mozilla - 200',
      '2023-01-06 00:00:00 10.0.0.5 GET /owa/auth/logon.aspx/x.aspx - 443 - 1.1.1.1 Mozilla - 200',
      '/owa/auth/logon.aspx',
    ].join('\n')
    assert.deepEqual(kept([needle], iis), [3, 4, 5])
    // CSV: the separator is the comma; a quoted value holding the excluded one is not that value.
    const csv = [
      '2023-01-06T00:00:00Z,GET,/owa/auth/logon.aspx,200',
      '2023-01-06T00:00:00Z,GET,"/owa/auth/logon.aspx,x.aspx",200',
      '2023-01-06T00:00:00Z,GET,/owa/auth/logon.aspx x.aspx,200',
    ].join('\n')
    assert.deepEqual(kept([needle], csv, 44), [2, 3])
    // The sparse automaton (a feed too big for the dense one) honours masks the same way.
    assert.deepEqual(kept([...bigFeed, needle], iis), [3, 4, 5])
  })

  test('a decoded literal is found exactly where decoding the whole line finds it', () => {
    // Windowed decoding around escapes must agree with decoding the line (random lines, fixed seed).
    let x = 7
    const rnd = (n: number) => {
      x = (x * 1103515245 + 12345) & 0x7fffffff
      return x % n
    }
    const parts = ['a', 'b', '@', '/', '%40', '%2f', '%41', '+', ' ', '%2b', '%', 'json', '?']
    const lits = ['json?@', 'json @', 'a/b', '@a', 'b a', 'ab', '/a@']
    for (let i = 0; i < 3000; i++) {
      let line = 'anchor '
      for (let k = rnd(12); k > 0; k--) line += parts[rnd(parts.length)]
      const lit = lits[rnd(lits.length)]!
      const want = urlDecodeLatin1(line.toLowerCase()).includes(lit)
      assert.equal(
        kept([['anchor', `${DECODED}${lit}`]], line).length === 1,
        want,
        `${line} / ${lit}`,
      )
    }
  })

  test('URL decoding: %xx (lowercase hex) and + as space, a decoded %2b stays +', () => {
    assert.equal(urlDecodeLatin1('a+b%2bc%2fd'), 'a b+c/d')
    assert.equal(urlDecodeLatin1('100%+%4'), '100% %4')
    assert.equal(urlDecodeLatin1('%41%zz'), 'a%zz')
    assert.equal(urlDecodeLatin1('plain'), 'plain')
  })

  test('a block with more hits than the wasm scanner holds is filtered by the JS automaton', () => {
    // ~77,000 hits in one block overflow the wasm hit buffer (64 Ki): same lines kept either way.
    const lines = Array.from({ length: 90_000 }, (_, i) => (i % 7 === 0 ? 'x b' : 'a'))
    const want = lines.flatMap((l, i) => (l === 'a' ? [i + 1] : []))
    assert.deepEqual(kept(['a'], `${lines.join('\n')}\n`), want)
    assert.deepEqual(kept([['a', 'zz']], `${lines.join('\n')}\n`), [])
  })

  test('non-ASCII needle bytes match exactly, ASCII folds', () => {
    assert.deepEqual(kept(['café/'], 'CAFÉ/\ncafé/\nCAFé/\n'), [2, 3])
  })

  test('the automaton reports every needle ending at a position', () => {
    const ac = buildAutomaton(['he', 'she', 'hers'].map((s) => Buffer.from(s)))
    assert.ok(ac)
    const buf = Buffer.from('uSHErs')
    const ends: [number, number[]][] = []
    let from = 0
    let state = 0
    for (;;) {
      const end = ac.scan(buf, from, state)
      if (end < 0) break
      ends.push([end, [...ac.outputs(ac.lastState)].sort()])
      from = end
      state = ac.lastState
    }
    assert.deepEqual(ends, [
      [4, [0, 1]],
      [6, [2]],
    ])
  })

  test('a feed too big for the dense automaton still filters, through the sparse one', () => {
    const text = `GET http://IOC-${bigFeed.length - 1}.example.com/\nGET http://other.example.com/\nPOST /ecp/y.js\n`
    assert.deepEqual(kept([...bigFeed, ['/ecp/', 'post', '.js']], text), [1, 3])
  })
})
