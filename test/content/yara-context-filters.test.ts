// The YARA context filters against the real vendored rules: a Web Forms page whose only "eval" is data
// binding or client-side JavaScript is lowered, a page with a real eval() in server code next to it is not.
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

function scan(bytes: Buffer, ext = 'aspx') {
  const matches = yara.scanner?.scan(bytes, {}) as YaraMatchLike[]
  return yaraHits(matches, yara.rules, { filters: yara.filters, scanned: () => bytes, ext })
}

// An ordinary Web Forms edit page whose only eval() and `.replace(/_/g` are client-side JavaScript.
function clientScriptPage(server = ''): Buffer {
  return Buffer.from(`<%@ Page Language="C#" AutoEventWireup="true" CodeBehind="Edit.aspx.cs" Inherits="Wiki.Edit" %>
<html><head runat="server"><title>Edit page</title>
<script type="text/javascript">
  function slug(value) { return value.replace(/_/g, '-'); }
  function load(url, done) {
    var request = new XMLHttpRequest();
    request.onload = function () { done(eval('(' + request.responseText + ')')); };
    request.open('GET', url); request.send();
  }
</script></head>
<body><form id="form1" runat="server">
  <asp:TextBox ID="PageName" runat="server" /> <asp:Button ID="Save" runat="server" Text="Save" />
</form>${server}</body></html>
`)
}

const GENERIC = ['yara:WEBSHELL_ASP_Generic', 'yara:WEBSHELL_ASP_Generic_Tiny']

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

  test('client-side JavaScript eval() and .replace(/_/g in a page: the generic ASP rules are lowered', () => {
    const hits = scan(clientScriptPage()).filter((h) => GENERIC.includes(h.rule))
    assert.ok(
      hits.length > 0,
      'the vendored rules still fire on the page (else this test proves nothing)',
    )
    for (const h of hits) {
      assert.equal(h.severity, 'low', h.rule)
      assert.match(h.reasons.join(' '), /context filter exh-yf-client-side-script/)
    }
  })

  test('the same page with server code that evaluates or starts a process keeps the rules at their level', () => {
    for (const server of [
      '<% eval(Request.Item["z"], "unsafe"); %>',
      '<script runat="server">void Page_Load(){ System.Diagnostics.Process.Start(Request["c"]); }</script>',
      '<SCRIPT RUNAT=SERVER LANGUAGE=JSCRIPT>eval(Request.Form("c"))</SCRIPT>',
      '<%= eval(Request["q"]) ',
    ]) {
      const hits = scan(clientScriptPage(server)).filter((h) => GENERIC.includes(h.rule))
      assert.ok(hits.length > 0, server)
      assert.ok(
        hits.some((h) => h.severity !== 'low' && !/client-side-script/.test(h.reasons.join(' '))),
        `${server}: ${hits.map((h) => `${h.rule} ${h.severity}`)}`,
      )
    }
  })

  test('in a handler or a code file, where code needs no block, nothing is lowered', () => {
    const hits = scan(clientScriptPage(), 'ashx').filter((h) => GENERIC.includes(h.rule))
    assert.ok(hits.length > 0)
    assert.ok(hits.every((h) => !/client-side-script/.test(h.reasons.join(' '))))
  })

  test('outside spans: a checked match touching a server block is not benign', () => {
    const f = {
      id: 'exh-yf-t',
      rules: new Set(['R']),
      strings: identifierGlob(['$p*']),
      outside: /<%[\s\S]*?(?:%>|$)/g,
      extensions: new Set(['aspx']),
      level: 'low' as const,
      proves: 'context' as const,
      reason: 'r',
    }
    const bytes = Buffer.from('<script>eval(x)</script><% eval(y) %>')
    const client = { identifier: '$p1', offset: 8, length: 5 }
    const server = { identifier: '$p2', offset: 27, length: 5 }
    assert.equal(onlyInBenignContext(f, [client], bytes, 'aspx'), true)
    assert.equal(onlyInBenignContext(f, [client, server], bytes, 'aspx'), false)
    assert.equal(onlyInBenignContext(f, [client], bytes, 'ashx'), false)
    assert.equal(onlyInBenignContext(f, [client], bytes), false)
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
      '- id: bad id\n  rules: []\n  strings: [x]\n  inside: "("\n  level: odd\n  extensions: []\n',
    )
    const r = loadYaraContextFilters(root)
    assert.equal(r.filters.length, 0)
    for (const f of ['id', 'rules', 'strings', 'level', 'reason', 'inside', 'extensions'])
      assert.ok(
        r.problems.some((p) => p.includes(`${f}:`)),
        `problem for ${f}`,
      )
  })
})
