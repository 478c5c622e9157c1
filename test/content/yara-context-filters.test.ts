// The YARA context filters against the real vendored rules: a Web Forms page whose only "eval" is data
// binding is lowered, a page with a real eval() next to the same data binding is not.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { loadYaraContextFilters } from '../../src/content/yara/load-context-filters.ts'
import { type CompiledYara, loadYara } from '../../src/content/yara/load-yara.ts'
import { identifierGlob, onlyInBenignContext } from '../../src/detect/yara/context-filter.ts'
import { type YaraMatchLike, yaraHits } from '../../src/detect/yara/yara-hits.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'

const CONTENT = join(REPO_ROOT, 'content')

// A small admin grid: data binding everywhere, several .ToString( calls (the rule's obfuscation count).
function gridPage(extra = ''): Buffer {
  const rows = Array.from(
    { length: 6 },
    (_, i) => `<asp:Label ID="L${i}" runat="server" Text='<%# Eval("Field${i}").ToString() %>' />`,
  ).join('\n')
  return Buffer.from(
    `<%@ Page Language="C#" AutoEventWireup="false" CodeBehind="Grid.aspx.cs" Inherits="App.Grid" %>\n<asp:Repeater ID="R" runat="server"><ItemTemplate>\n${rows}\n</ItemTemplate></asp:Repeater>\n${extra}`,
  )
}

let yara: CompiledYara
before(() => {
  yara = loadYara(CONTENT)
})

function scan(bytes: Buffer) {
  const matches = yara.scanner?.scan(bytes, {}) as YaraMatchLike[]
  return yaraHits(matches, yara.rules, { filters: yara.filters, scanned: () => bytes })
}

describe('YARA context filters', () => {
  test('the shipped filters load without problems', () => {
    const r = loadYaraContextFilters(CONTENT)
    assert.deepEqual(r.problems, [])
    assert.ok(r.filters.some((f) => f.id === 'exh-yf-databinding-eval'))
  })

  test('data-binding Eval() alone: WEBSHELL_ASP_OBFUSC fires but is lowered to low, with the reason', () => {
    const hit = scan(gridPage()).find((h) => h.rule === 'yara:WEBSHELL_ASP_OBFUSC')
    assert.ok(hit, 'the vendored rule still fires on the page (else this test proves nothing)')
    assert.equal(hit.severity, 'low')
    assert.match(hit.reasons.join(' '), /context filter exh-yf-databinding-eval/)
  })

  test('a real eval() beside the data binding keeps the rule at its own level', () => {
    const hits = scan(gridPage('<% eval(Request.Item["z"], "unsafe"); %>'))
    const hit = hits.find((h) => h.rule === 'yara:WEBSHELL_ASP_OBFUSC')
    assert.ok(hit)
    assert.equal(hit.severity, 'high')
    assert.doesNotMatch(hit.reasons.join(' '), /context filter/)
  })

  test('a match outside every benign span, or no checked string at all, leaves the hit alone', () => {
    const f = {
      id: 'exh-yf-t',
      rules: new Set(['R']),
      strings: identifierGlob(['$p*']),
      inside: /<%#[^%]*%>/g,
      level: 'low' as const,
      proves: 'context' as const,
      reason: 'r',
    }
    const bytes = Buffer.from('<%# Eval("a") %> eval(x)')
    const inSpan = { identifier: '$p1', offset: 4, length: 5 }
    const outside = { identifier: '$p2', offset: 17, length: 5 }
    assert.equal(onlyInBenignContext(f, [inSpan], bytes), true)
    assert.equal(onlyInBenignContext(f, [inSpan, outside], bytes), false)
    assert.equal(onlyInBenignContext(f, [{ identifier: '$q', offset: 4, length: 5 }], bytes), false)
  })

  test('a broken filter file is reported, not fatal', () => {
    const root = tmpDir('ctxf')
    mkdirSync(join(root, 'rules', 'yara'), { recursive: true })
    writeFileSync(
      join(root, 'rules', 'yara', 'context-filters.yml'),
      '- id: bad id\n  rules: []\n  strings: [x]\n  inside: "("\n  level: odd\n',
    )
    const r = loadYaraContextFilters(root)
    assert.equal(r.filters.length, 0)
    for (const f of ['id', 'rules', 'strings', 'level', 'reason', 'inside'])
      assert.ok(
        r.problems.some((p) => p.includes(`${f}:`)),
        `problem for ${f}`,
      )
  })
})
