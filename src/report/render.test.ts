import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseAdvice } from '../content/advice.ts'
import type { HuntReport } from '../shared/types.ts'
import { PROOFS, VERDICTS } from '../shared/types.ts'
import { IP_SHELL, proxyLogonReport, XSS } from './fixtures.test-helper.ts'
import { CSV_COLUMNS, ndjsonLine, renderReport } from './index.ts'
import { checkSchema, type Schema } from './schema-check.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const schema = JSON.parse(
  readFileSync(join(ROOT, 'docs/hunt-report.schema.json'), 'utf8'),
) as Schema
const advice = parseAdvice(readFileSync(join(ROOT, 'content/advice/next-steps.yml'), 'utf8'))

function withEvidence(evidence: string): HuntReport {
  const r = proxyLogonReport()
  const first = r.findings[0]
  if (first) first.evidence = evidence
  return r
}

describe('json', () => {
  test('validates against docs/hunt-report.schema.json', () => {
    const out = JSON.parse(renderReport(proxyLogonReport(), 'json'))
    assert.deepEqual(checkSchema(out, schema), [])
  })

  test('the schema knows every verdict and proves value, and requires proves on a finding', () => {
    for (const v of VERDICTS) {
      const out = JSON.parse(renderReport({ ...proxyLogonReport(), verdict: v }, 'json'))
      assert.deepEqual(checkSchema(out, schema), [], v)
    }
    for (const p of PROOFS) {
      const r = proxyLogonReport()
      for (const f of r.findings) f.proves = p
      assert.deepEqual(checkSchema(JSON.parse(renderReport(r, 'json')), schema), [], p)
    }
    const out = JSON.parse(renderReport(proxyLogonReport(), 'json'))
    delete out.findings[0].proves
    out.findings[1].proves = 'probably'
    assert.equal(checkSchema(out, schema).length, 2)
  })

  test('the schema checker is not a rubber stamp', () => {
    const out = JSON.parse(renderReport(proxyLogonReport(), 'json'))
    out.verdict = 'pwned'
    out.findings[0].severity = 9
    delete out.stats.rules
    out.findings[1].extra = true
    const errs = checkSchema(out, schema)
    assert.equal(errs.length, 4, errs.join('\n'))
  })

  test('keys in the documented order whatever order they were built in, 2-space indent', () => {
    const r = proxyLogonReport()
    const shuffled = Object.fromEntries(Object.entries(r).reverse()) as unknown as HuntReport
    const a = renderReport(r, 'json')
    assert.equal(renderReport(shuffled, 'json'), a)
    assert.deepEqual(Object.keys(JSON.parse(a)).slice(0, 3), ['schema', 'tool', 'input'])
    assert.match(a, /^\{\n {2}"schema": "exhunt.hunt\/1",\n/)
    assert.deepEqual(
      JSON.parse(a),
      JSON.parse(JSON.stringify(r)),
      'the report exactly, nothing added or lost',
    )
  })

  test('every schema property is documented in docs/output-formats.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/output-formats.md'), 'utf8')
    const names = new Set<string>()
    const walk = (s: unknown) => {
      if (!s || typeof s !== 'object') return
      const props = (s as Schema).properties as Record<string, unknown> | undefined
      for (const k of Object.keys(props ?? {})) names.add(k)
      for (const v of Object.values(s)) walk(v)
    }
    walk(schema)
    const missing = [...names].filter((n) => !doc.includes(`\`${n}\``))
    assert.deepEqual(missing, [])
    for (const c of CSV_COLUMNS) assert.ok(doc.includes(`\`${c}\``), `CSV column ${c} documented`)
  })
})

describe('ndjson', () => {
  test('one finding per line, then a summary line', () => {
    const r = proxyLogonReport()
    const lines = renderReport(r, 'ndjson').trimEnd().split('\n')
    assert.equal(lines.length, r.findings.length + 1)
    const parsed = lines.map((l) => JSON.parse(l))
    assert.ok(parsed.slice(0, -1).every((p) => p.type === 'finding'))
    assert.equal(parsed[0].id, r.findings[0]?.id)
    const summary = parsed.at(-1)
    assert.equal(summary.type, 'summary')
    assert.equal(summary.verdict, 'compromised')
    assert.deepEqual(summary.reasons, r.verdictReasons)
    for (const k of ['stats', 'coverage', 'exposure', 'errors', 'timeline'])
      assert.ok(k in summary, k)
    assert.equal(summary.findings, undefined)
    assert.equal(ndjsonLine(r.findings[0]!), lines[0])
  })

  test('summaryOnly closes a stream whose findings were already written', () => {
    const out = renderReport(proxyLogonReport(), 'ndjson', { summaryOnly: true })
    assert.equal(out.split('\n').length, 2)
    assert.equal(JSON.parse(out).type, 'summary')
  })
})

describe('csv', () => {
  function parseCsv(text: string): string[][] {
    const rows: string[][] = []
    let row: string[] = []
    let cell = ''
    let quoted = false
    let i = 0
    while (i < text.length) {
      const ch = text[i] as string
      const next = text[i + 1]
      i++
      if (quoted) {
        if (ch === '"' && next === '"') {
          cell += '"'
          i++
        } else if (ch === '"') quoted = false
        else cell += ch
      } else if (ch === '"') quoted = true
      else if (ch === ',') {
        row.push(cell)
        cell = ''
      } else if (ch === '\r' && next === '\n') {
        row.push(cell)
        rows.push(row)
        row = []
        cell = ''
        i++
      } else cell += ch
    }
    return rows
  }

  test('header, one row per finding, RFC 4180 quoting round-trips evidence', () => {
    const r = withEvidence('a,"b"\r\nline two')
    const rows = parseCsv(renderReport(r, 'csv'))
    assert.deepEqual(rows[0], [...CSV_COLUMNS])
    assert.equal(rows.length, r.findings.length + 1)
    assert.ok(rows.every((x) => x.length === CSV_COLUMNS.length))
    assert.equal(rows[1]?.[CSV_COLUMNS.indexOf('evidence')], 'a,"b"\r\nline two')
  })

  test('cells starting with = + - @ are defused with a quote', () => {
    const r = withEvidence('=HYPERLINK("http://x","y")')
    const rows = parseCsv(renderReport(r, 'csv'))
    assert.equal(rows[1]?.[CSV_COLUMNS.indexOf('evidence')], `'=HYPERLINK("http://x","y")`)
    const ua = rows.find((x) => x[CSV_COLUMNS.indexOf('user_agents')]?.includes('calc'))
    assert.equal(ua?.[CSV_COLUMNS.indexOf('user_agents')], `'=cmd|' /C calc'!A0`)
    for (const row of rows) for (const c of row) assert.ok(!/^[=+\-@]/.test(c), c)
  })
})

describe('text', () => {
  test('verdict first, then why, findings, chain, actors, coverage, exposure, errors, next steps', () => {
    const out = renderReport(proxyLogonReport(), 'text', { width: 100, advice: advice.advice })
    assert.match(out.split('\n')[1] as string, /COMPROMISED/)
    const order = [
      'WHY',
      'TOP FINDINGS',
      'ATTACK CHAIN',
      'ACTORS',
      'COVERAGE',
      'EXPOSURE',
      'ERRORS',
      'WHAT TO DO NEXT',
    ]
    const at = order.map((h) => out.indexOf(`\n${h}`))
    assert.ok(
      at.every((i) => i > 0),
      at.join(','),
    )
    assert.deepEqual(
      at,
      [...at].sort((a, b) => a - b),
    )
    assert.match(out, /Do not just patch/)
    assert.match(out, new RegExp(IP_SHELL.replace(/\./g, '\\.')))
    assert.match(out.replace(/\s+/g, ' '), /HttpProxy and IIS logs 2021-02-20/)
    assert.match(out, /Jul21SU +CVE-2021-34470\*/, 'one row per update, caveat marked')
    assert.match(out, /\* CVE-2021-34470: also needs \/PrepareSchema/)
    assert.ok(!out.includes('ALL FINDINGS'))
  })

  test('no colour means no ESC byte, even when evidence carries escape sequences', () => {
    const r = withEvidence('GET /owa \u001b[31mred\u001b[0m \u0007')
    const plain = renderReport(r, 'text', { color: false, verbose: true })
    assert.ok(!plain.includes('\u001b'))
    assert.match(plain, /\\x1b\[31mred/)
    const colour = renderReport(r, 'text', { color: true })
    assert.ok(colour.includes('\u001b[41m'), 'red banner when colour is on')
  })

  test('lines fit the width; verbose lists every finding', () => {
    const r = proxyLogonReport()
    for (const width of [60, 80, 120]) {
      const out = renderReport(r, 'text', { width, verbose: true })
      const long = out.split('\n').filter((l) => [...l].length > width)
      assert.deepEqual(long, [], `width ${width}`)
    }
    const v = renderReport(r, 'text', { verbose: true })
    for (const f of r.findings) assert.ok(v.includes(`id ${f.id} `), f.id)
    assert.match(v, /\[exploitation, success, proves compromise,\s+CVE-2021-26855\]/)
  })

  test('the steps come from the advice; without advice there is no section and no made-up words', () => {
    const out = renderReport(proxyLogonReport(), 'text', { advice: advice.advice })
    assert.match(out, /WHAT TO DO NEXT\n {2}1\. +Isolate the server/)
    const bare = renderReport(proxyLogonReport(), 'text')
    assert.doesNotMatch(bare, /WHAT TO DO NEXT|Isolate/)
    assert.doesNotMatch(renderReport(proxyLogonReport(), 'html'), /What to do next/)
  })
})

describe('html', () => {
  const html = renderReport(withEvidence(XSS), 'html', { advice: advice.advice })

  test('each finding says what it proves', () => {
    assert.match(html, /<div class="small">proves compromise · id /)
  })

  test('evidence is escaped, attribute-breaking quotes included', () => {
    assert.ok(!html.includes('<script>alert(1)'))
    assert.ok(!html.includes('<img src=x'))
    assert.ok(
      html.includes(
        '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;',
      ),
    )
    assert.equal(html.match(/<script/g)?.length, 1, 'only the report script itself')
  })

  test('self-contained: no external resource, references only as plain anchors', () => {
    assert.ok(!/<script[^>]+src/i.test(html))
    assert.ok(!/<link\b/i.test(html))
    assert.ok(!/\ssrc=["']?(https?:)?\/\//i.test(html))
    assert.ok(!/url\(/i.test(html))
    for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1] as string, /^https:\/\//)
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/)
  })

  test('javascript: links in rule sources stay text', () => {
    const r = proxyLogonReport()
    if (r.findings[0])
      r.findings[0].ruleSource = {
        ...r.findings[0].ruleSource,
        url: 'javascript:alert(1)',
        file: 'evil.yml',
      }
    const out = renderReport(r, 'html')
    assert.ok(!out.includes('javascript:'))
  })

  test('has banner, reasons, timeline, actors, findings table, coverage, exposure, errors, attribution', () => {
    assert.match(html, /<header class="banner v-compromised">/)
    for (const h of [
      'Why',
      'Attack chain',
      'Actors (4)',
      'Findings',
      'Coverage',
      'Exposure',
      'Errors (3)',
      'What to do next',
    ]) {
      assert.ok(html.includes(`<h2>${h}`), h)
    }
    const rows = html.match(/<tr data-sev=/g)?.length
    assert.equal(rows, proxyLogonReport().findings.length)
    assert.match(html, /Florian Roth \(Nextron Systems\)<\/td><td>DRL-1\.1/)
    assert.match(html, /<pre>/)
  })
})

describe('advice', () => {
  test('content/advice/next-steps.yml parses without issues and covers every verdict', () => {
    assert.deepEqual(advice.issues, [])
    assert.deepEqual(Object.keys(advice.advice).sort(), [...VERDICTS].sort())
  })

  test('bad entries are reported, not thrown', () => {
    const { advice: a, issues } = parseAdvice(
      'pwned:\n  steps: [x]\nclean:\n  steps: nope\nexposed:\n  steps: [ok]\n  categories:\n    nope: [x]\n',
    )
    assert.deepEqual(issues, [
      'pwned: not a verdict (no-evidence, clean, exposed, suspicious, attempted, compromised)',
      'clean.steps: must be a non-empty list of strings',
      'exposed.categories.nope: unknown category or not a list of strings',
      'no-evidence: no steps',
      'suspicious: no steps',
      'attempted: no steps',
      'compromised: no steps',
    ])
    assert.deepEqual(a.exposed, { steps: ['ok'], categories: {} })
    assert.deepEqual(parseAdvice(': : :\n\t- [').issues.length, 1)
  })

  test('placeholders are filled from the report', () => {
    const out = renderReport(proxyLogonReport(), 'text', { advice: advice.advice, width: 200 })
    assert.match(out, /patch to Jul21SU or later/)
    assert.match(
      out,
      /only after preserving them: C\/inetpub\/wwwroot\/aspnet_client\/system_web\/supp0rt\.aspx\./,
    )
    assert.ok(!/\{\w+\}/.test(out))
  })
})

describe('log evidence: the fields that matched come first', () => {
  const RAW =
    '2021-03-03T06:10:05.402Z,b713d143-282e-4459-a2fd-3c7971b05431,15,1,2176,2,,Ecp,mail.contoso.com,/ecp/y.js,,Anonymous,false,,,ServerInfo~a]@EXCH01.contoso.local:444/mapi/emsmdb/?#'
  function report(): HuntReport {
    const r = proxyLogonReport()
    const f = r.findings[0]
    if (!f) throw new Error('fixture has findings')
    f.source = { path: 'Logging/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG', line: 21 }
    f.evidence = RAW
    f.fields = {
      anchormailbox: 'ServerInfo~a]@EXCH01.contoso.local:444/mapi/emsmdb/?#',
      httpstatus: '200',
      clientipaddress: '104.140.114.110',
      urlstem: '/ecp/y.js',
      datetime: '2021-03-03T06:10:05.402Z',
    }
    f.matched = ['anchormailbox', 'httpstatus']
    return r
  }

  test('text: the summary and --verbose show matched fields before the raw line', () => {
    for (const verbose of [false, true]) {
      const out = renderReport(report(), 'text', { verbose, width: 160 })
      const fields = out.indexOf('> anchormailbox=ServerInfo~a]@EXCH01')
      const raw = out.indexOf('2021-03-03T06:10:05.402Z,b713d143')
      assert.ok(fields > 0, 'matched fields shown')
      assert.ok(raw > fields, 'raw line after the fields')
      assert.match(out, /anchormailbox=\S+ {2}httpstatus=200 {2}clientipaddress=104\.140\.114\.110/)
    }
  })

  test('html and json carry the matched fields', () => {
    const html = renderReport(report(), 'html')
    assert.match(html, /<th class="mono"><b>anchormailbox<\/b><\/th>/)
    assert.ok(
      html.indexOf('anchormailbox=ServerInfo') < html.indexOf('2021-03-03T06:10:05.402Z,b713'),
    )
    const json = JSON.parse(renderReport(report(), 'json'))
    assert.deepEqual(json.findings[0].matched, ['anchormailbox', 'httpstatus'])
    assert.deepEqual(checkSchema(json, schema), [])
  })
})
