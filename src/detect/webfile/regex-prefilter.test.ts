import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  hasRun,
  literalIndex,
  literalsIn,
  mayMatch,
  type RegexPrefilter,
  regexPrefilter,
  requiredLiteral,
} from './regex-prefilter.ts'

test('required literals: quantified, grouped and escaped atoms are handled', () => {
  assert.equal(requiredLiteral('\\bProcess\\s*\\.\\s*Start\\s*\\('), 'Process')
  assert.equal(
    requiredLiteral('CreateObject\\s*\\(\\s*"WScript\\.Shell"\\s*\\)'),
    '"WScript.Shell"',
  )
  assert.equal(requiredLiteral('abc?d'), 'ab')
  assert.equal(requiredLiteral('\\x41\\x42'), '')
  assert.equal(requiredLiteral('(?:foo|bar)+'), '')
  assert.deepEqual(regexPrefilter('<%|runat\\s*=\\s*server', 'i')?.alts, [[['<%']], [['server']]])
  assert.equal(regexPrefilter('ab|\\d+', 'i'), undefined)
})

test('groups a match cannot skip add literal sets; optional groups and look-arounds do not', () => {
  assert.deepEqual(regexPrefilter('(?:DirectoryInfo|GetFiles)\\s*\\(\\s*Request\\b', 'i')?.alts, [
    [['request'], ['directoryinfo', 'getfiles']],
  ])
  // `\b(\w+)` has no literal; the second group does, in both branches.
  assert.deepEqual(regexPrefilter('\\b(\\w+)\\s*=\\s*(Foo|Bar)\\s*\\1', '')?.alts, [
    [['Foo', 'Bar']],
  ])
  assert.deepEqual(
    regexPrefilter(
      '\\b(?:File|Directory)\\s*\\.\\s*(?:Delete|Move)\\s*\\(|\\.\\s*MoveFile\\s*\\(',
      'i',
    )?.alts,
    [
      [
        ['file', 'directory'],
        ['delete', 'move'],
      ],
      [['movefile']],
    ],
  )
  for (const src of [
    '(?:GetFiles|GetDirectories)?\\s*\\(\\w\\)',
    '(?:GetFiles|GetDirectories){0,3}\\(',
    '(?:GetFiles|GetDirectories)*\\(',
    '(?=GetFiles|GetDirectories)\\w+\\(',
    '(?!GetFiles|GetDirectories)\\w+\\(',
    '(?:GetFiles|\\w)\\(',
  ]) {
    assert.equal(regexPrefilter(src, 'i'), undefined, src)
  }
  assert.deepEqual(regexPrefilter('(?:ab|cd){2,}x', '')?.alts, [[['ab', 'cd']]])
})

test('the prefilter never rules out text the regex matches', () => {
  const cases: [string, string, string[]][] = [
    [
      '\\bStrReverse\\s*\\(|\\bArray\\s*\\.\\s*Reverse\\s*\\(',
      'i',
      ['x = strREVERSE (a)', 'Array . Reverse(b)'],
    ],
    [
      '(?:External|Internal)Url\\W{0,20}[^\\r\\n]{0,200}?<script',
      'i',
      ['ExternalUrl : http://x/<SCRIPT'],
    ],
    ['[A-Za-z0-9+/]{64,}={0,2}', '', [`q ${'Ab+/'.repeat(16)}==`, 'A'.repeat(64)]],
    ['(?:0x)?[0-9a-f]{64,}', 'i', [`0x${'AB'.repeat(40)}`, `zz${'f'.repeat(63)}e`]],
    [
      '\\b(\\w+)\\s*=\\s*Request\\b[^;\\n]{0,120};[\\s\\S]{0,4000}?(?:DirectoryInfo|GetFiles)\\s*\\(\\s*\\1\\s*[,)]',
      'i',
      ['p = Request["d"];\nvar d = new DIRECTORYINFO(p);', 'x=request.Form("a");GetFiles( x,'],
    ],
    // VB.NET ignores case: so do the regexes (`i`), and their literals are compared lowercased.
    [
      'ProcessStartInfo\\s*\\(\\s*(?!System\\b)\\w+\\s*\\.\\s*Text\\b',
      'i',
      ['Dim i As New ProCeSsStaRtInFo(zxcerwew.teXt)', 'NEW PROCESSSTARTINFO(TB.TEXT)'],
    ],
    [
      '\\b(?:CType|DirectCast|TryCast)\\s*\\(\\s*(?:\\w+\\s*\\.\\s*)?(?:Session|Application|Cache)\\s*[\\[(][^\\n]{0,100}?,\\s*(?:System\\.Net\\.Sockets\\.)?(?:Socket|TcpClient)\\s*\\)',
      'i',
      [
        'ctype(ctx.APPLICATION(id), tcpCLIENT)',
        'DirectCast(Session("s"), System.Net.Sockets.Socket)',
      ],
    ],
    [
      'Connection\\s*\\(\\s*(?:Request\\b|[\\w.]+\\.Text\\s*\\))',
      '',
      ['new SqlConnection( Request["c"])', 'OleDbConnection(tb.Text )'],
    ],
  ]
  for (const [src, flags, texts] of cases) {
    const pre = regexPrefilter(src, flags)
    assert.ok(pre, src)
    const re = new RegExp(src, flags)
    for (const t of texts) {
      assert.ok(re.test(t), `${src} should match ${t}`)
      assert.ok(mayMatch(pre, t, t.toLowerCase()), `${src} prefilter rejected ${t}`)
    }
    assert.equal(mayMatch(pre, 'nothing here', 'nothing here'), false)
  }
})

test('hasRun agrees with a plain scan on random text', () => {
  const table = new Uint8Array(128)
  for (const c of 'ab') table[c.charCodeAt(0)] = 1
  let seed = 7
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed
  }
  for (let n = 0; n < 2000; n++) {
    const len = rnd() % 60
    let t = ''
    for (let i = 0; i < len; i++) t += 'abc'[rnd() % 3]
    const min = 1 + (rnd() % 8)
    const longest = Math.max(0, ...(t.match(/[ab]+/g) ?? []).map((r) => r.length))
    assert.equal(hasRun(t, table, min), longest >= min, `${t} ${min}`)
  }
})

test('literals found in one pass over UTF-8 bytes answer as the text would', () => {
  const regexes: [string, string][] = [
    ['(?:DirectoryInfo|GetFiles)\\s*\\(\\s*Request\\b', 'i'],
    ['\\bProcess\\s*\\.\\s*Start\\s*\\(|WScript\\.Shell', 'i'],
    ['ADODB\\.Stream', ''],
    ['\\bCmd\\.exe\\b|\\bpowershell\\b', ''],
    ['é\\s*Request', 'i'],
  ]
  const pres = regexes.map(([src, flags]) => regexPrefilter(src, flags) as RegexPrefilter)
  const ix = literalIndex(pres)
  const texts = [
    'var d = new DirectoryInfo( Request["p"]);',
    'x = new directoryinfo(request.Form("d"))',
    'Dim s: Set s = CreateObject("wscript.shell")',
    'Set o = CreateObject("adodb.stream")',
    'Set o = CreateObject("ADODB.Stream")',
    '<% Response.Write("Prozeß ") %> cmd.exe Cmd.exe POWERSHELL',
    'café request',
    'nothing here at all',
  ]
  for (const t of texts) {
    const bytes = Buffer.from(t, 'utf8')
    const memo = new Map<string, boolean>()
    literalsIn(ix, bytes, memo)
    regexes.forEach(([src, flags], i) => {
      const pre = pres[i] as RegexPrefilter
      const alone = mayMatch(pre, t, t.toLowerCase())
      assert.equal(mayMatch(pre, t, t.toLowerCase(), new Map(memo)), alone, `${src} on ${t}`)
      if (new RegExp(src, flags).test(t)) assert.ok(alone, `${src} prefilter rejected ${t}`)
    })
  }
  // A case-sensitive literal found with another case is left to `includes`, not answered "present".
  const memo = new Map<string, boolean>()
  literalsIn(ix, Buffer.from('adodb.stream'), memo)
  assert.equal(memo.get('\0ADODB.Stream'), undefined)
  literalsIn(ix, Buffer.from('nothing'), memo)
  assert.equal(memo.get('\0ADODB.Stream'), false)
})
