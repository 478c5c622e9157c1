import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { webFileInfo } from '../webfile/hit.ts'
import { type YaraScanFn, yaraEngine } from './engine.ts'
import type { YaraMatchLike, YaraRuleInfo } from './yara-hits.ts'

const RULES = new Map<string, YaraRuleInfo>([
  ['Shell_A', { file: 'rules/yara/a.yar', license: 'MIT', proves: 'compromise' }],
  ['Shell_B', { file: 'rules/yara/b.yar', license: 'MIT' }],
])

const match = (rule: string, data: string): YaraMatchLike => ({
  ruleIdentifier: rule,
  meta: {},
  matches: [{ data, identifier: '$a', offset: 0, length: data.length }],
})

/** A stand-in for yara-x: reports a rule when its marker is in the bytes (ASCII). */
function fakeScan(calls: { data: string; name: string }[]): YaraScanFn {
  return (data, file) => {
    const text = Buffer.from(data).toString('latin1')
    calls.push({ data: text, name: file.name })
    const out: YaraMatchLike[] = []
    if (text.includes('eval(Request')) out.push(match('Shell_A', 'eval(Request'))
    if (text.includes('Process.Start')) out.push(match('Shell_B', 'Process.Start'))
    return out
  }
}

describe('yaraEngine', () => {
  test('scans the bytes once and names each rule with its attribution', () => {
    const calls: { data: string; name: string }[] = []
    const engine = yaraEngine.compile({ scan: fakeScan(calls), rules: RULES })
    assert.equal(engine.name, 'yara')
    assert.equal(engine.rules, 2)
    const bytes = Buffer.from('<% eval(Request.Item["x"]) %>')
    const hits: string[] = []
    engine.session().match(
      {
        file: webFileInfo('owa/auth/x.aspx', 'C:\\x\\X.aspx', bytes.length),
        bytes,
        text: bytes.toString(),
        encoding: 'utf-8',
      },
      (h) => hits.push(`${h.rule} ${h.proves} ${h.source.file}`),
    )
    assert.deepEqual(hits, ['yara:Shell_A compromise rules/yara/a.yar'])
    assert.deepEqual(
      calls.map((c) => c.name),
      ['x.aspx'],
    )
  })

  test('a UTF-16 page is scanned again as UTF-8; a rule found both times is one hit', () => {
    const calls: { data: string; name: string }[] = []
    const engine = yaraEngine.compile({ scan: fakeScan(calls), rules: RULES })
    const text = 'eval(Request) Process.Start'
    const bytes = Buffer.from(text, 'utf16le')
    // The UTF-16 bytes hold no ASCII marker; a rule that does see them is found only once.
    const scan: YaraScanFn = (data, file, part) => {
      const first = calls.length === 0
      const out = fakeScan(calls)(data, file, part)
      return first ? [match('Shell_A', 'e\0v\0')] : out
    }
    const twice = yaraEngine.compile({ scan, rules: RULES })
    const hits: string[] = []
    twice
      .session()
      .match(
        { file: webFileInfo('x.aspx', undefined, bytes.length), bytes, text, encoding: 'utf-16le' },
        (h) => hits.push(h.rule),
      )
    assert.deepEqual(hits, ['yara:Shell_A', 'yara:Shell_B'])
    assert.equal(calls.length, 2)
    assert.equal(calls[1]!.data, text, 'the second scan reads the UTF-8 form')
    assert.equal(engine.issues.length, 0)
  })

  test('without a compiled scanner it runs no rule and finds nothing', () => {
    const engine = yaraEngine.compile({ scan: null, rules: RULES })
    assert.equal(engine.rules, 0)
    let n = 0
    const bytes = Buffer.from('eval(Request')
    engine.session().match({ file: webFileInfo('x.aspx', undefined, 12), bytes, text: '' }, () => {
      n++
    })
    assert.equal(n, 0)
  })

  test("an input's own scan answers for the rules, told which buffer it reads", () => {
    const compiled: string[] = []
    const engine = yaraEngine.compile({
      scan: (_d, _f, part) => {
        compiled.push(part)
        return []
      },
      rules: RULES,
    })
    const parts: string[] = []
    const own: YaraScanFn = (data, file, part) => {
      parts.push(part)
      return fakeScan([])(data, file, part)
    }
    const text = 'eval(Request)'
    const bytes = Buffer.from(text, 'utf16le')
    const hits: string[] = []
    engine.session().match(
      {
        file: webFileInfo('x.aspx', undefined, bytes.length),
        bytes,
        text,
        encoding: 'utf-16le',
        scan: own,
      },
      (h) => hits.push(h.rule),
    )
    assert.deepEqual(parts, ['bytes', 'utf8'])
    assert.deepEqual(compiled, [], 'the compiled scan is not called beside it')
    assert.deepEqual(hits, ['yara:Shell_A'])
  })
})
