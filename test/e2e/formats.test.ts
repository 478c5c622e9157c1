// Every output format of one hunt (the demo) as a responder's tools read it: NDJSON streams, CSV
// opens in a spreadsheet, HTML is safe to mail and open offline, text is colourless unless asked.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import type { Finding } from '../../src/shared/types.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { type CliResult, DEMO, runCli } from './cli.ts'

/** ESC [ : what colour output is made of. */
const ESC = /\u001b\[/

/** The documented CSV columns (docs/output-formats.md), in order. */
const CSV_COLUMNS =
  'time,severity,category,outcome,rule,title,cves,attack,ips,users,paths,user_agents,source_path,source_line,evidence,rule_engine,rule_file,rule_license,folded,id'.split(
    ',',
  )

/** RFC 4180 reader: CRLF rows, quoted cells with doubled quotes and embedded line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === '"' && cell === '') {
      let j = i + 1
      for (;;) {
        const q = text.indexOf('"', j)
        assert.ok(q !== -1, `unterminated quoted cell at ${i}`)
        if (text[q + 1] === '"') {
          cell += text.slice(j, q + 1)
          j = q + 2
          continue
        }
        cell += text.slice(j, q)
        i = q + 1
        break
      }
      assert.ok(i >= text.length || text[i] === ',' || text[i] === '\r', `junk after quote at ${i}`)
      continue
    }
    if (c === ',') {
      row.push(cell)
      cell = ''
      i++
    } else if (c === '\r') {
      assert.equal(text[i + 1], '\n', `bare CR at ${i}`)
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i += 2
    } else {
      assert.notEqual(c, '\n', `bare LF outside quotes at ${i}`)
      assert.notEqual(c, '"', `quote inside an unquoted cell at ${i}`)
      cell += c
      i++
    }
  }
  assert.ok(cell === '' && row.length === 0, 'the last row must end with CRLF')
  return rows
}

describe('exhunt hunt output formats (demo)', () => {
  let ndjson: CliResult
  let csv: string
  let csvRun: CliResult
  let html: CliResult
  let noColor: CliResult
  let color: CliResult
  before(async () => {
    const out = tmpDir('exhunt-e2e-formats-')
    const csvFile = join(out, 'findings.csv')
    const base = ['hunt', DEMO, '--no-progress']
    ;[ndjson, csvRun, html] = await Promise.all([
      runCli([...base, '--format', 'ndjson']),
      runCli([...base, '--format', 'csv', '-o', csvFile]),
      runCli([...base, '--format', 'html']),
    ])
    csv = readFileSync(csvFile, 'utf8')
    ;[noColor, color] = await Promise.all([
      // NO_COLOR wins over FORCE_COLOR (no-color.org); stdout is a pipe here, not a TTY.
      runCli(base, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }),
      runCli([...base, '--color'], { env: { NO_COLOR: '1' } }),
    ])
  })

  it('ndjson: one finding per line, then one summary line with the verdict', () => {
    assert.equal(ndjson.code, 1, ndjson.stderr)
    assert.ok(ndjson.stdout.endsWith('\n'))
    const lines = ndjson.stdout.slice(0, -1).split('\n')
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    const summary = objs.at(-1)!
    assert.equal(summary.type, 'summary')
    assert.equal(summary.verdict, 'compromised')
    assert.equal(summary.schema, 'exhunt.hunt/2')
    assert.ok(Array.isArray(summary.reasons) && summary.reasons.length > 0)
    const findings = objs.slice(0, -1)
    assert.ok(findings.length > 0)
    for (const f of findings) {
      assert.equal(f.type, 'finding')
      assert.equal(Object.keys(f)[1], 'id')
      assert.ok(typeof f.rule === 'string' && typeof f.severity === 'string')
    }
    const stats = summary.stats as { findings: number }
    assert.equal(findings.length, stats.findings, 'every finding streamed, once')
    assert.equal(new Set(findings.map((f) => f.id)).size, findings.length)
  })

  it('csv: the documented header, RFC 4180 rows, one per finding', () => {
    // The streamed findings are the reference: same ids, rules, paths and evidence.
    const streamed = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Finding & { type: string })
      .filter((f) => f.type === 'finding')
    assert.equal(csvRun.code, 1)
    assert.equal(csvRun.stdout, '', '-o writes the file, not stdout')
    const rows = parseCsv(csv)
    assert.deepEqual(rows[0], CSV_COLUMNS)
    const body = rows.slice(1)
    assert.equal(body.length, streamed.length)
    for (const r of body) assert.equal(r.length, CSV_COLUMNS.length)
    const col = (name: string) => CSV_COLUMNS.indexOf(name)
    const byId = new Map(streamed.map((f) => [f.id, f]))
    for (const r of body) {
      const f = byId.get(r[col('id')]!)
      assert.ok(f, `csv id ${r[col('id')]} not among the streamed findings`)
      assert.equal(r[col('rule')], f.rule)
      assert.equal(r[col('source_path')], f.source.path)
      // Evidence survives the round trip, but for the formula guard on a leading = + - @.
      const ev = r[col('evidence')]!
      assert.equal(/^[=+\-@\t\r]/.test(f.evidence) ? ev.slice(1) : ev, f.evidence)
    }
    // The ECP line with the script tag holds quotes and commas: it had to be quoted.
    assert.ok(
      body.some((r) => r[col('evidence')]!.includes('"') && r[col('evidence')]!.includes(',')),
    )
  })

  it('html: self-contained, no external load, evidence escaped', () => {
    const h = html.stdout
    assert.equal(html.code, 1)
    assert.match(h, /^<!doctype html>/i)
    assert.match(h, /Content-Security-Policy[^>]*default-src 'none'/i)
    assert.doesNotMatch(h, /<script[^>]*\ssrc\s*=/i)
    assert.doesNotMatch(
      h,
      /<(img|iframe|link|embed|object|source|audio|video)\b[^>]*\s(src|href|data)\s*=\s*["']?(https?:)?\/\//i,
    )
    assert.doesNotMatch(h, /<link\b[^>]*rel=["']?stylesheet/i)
    assert.doesNotMatch(h, /url\(\s*["']?(https?:)?\/\//i)
    assert.doesNotMatch(h, /@import/i)
    // The attacker's script tag from the ECP log is shown as text, never as markup.
    assert.doesNotMatch(h, /<script language="JScript"/i)
    assert.match(h, /&lt;script language=(&quot;|&#34;|&#x22;)JScript/i)
    assert.match(h, /compromised/i)
  })

  it('text: no colour without a TTY and with NO_COLOR; --color forces it', () => {
    assert.equal(noColor.code, 1)
    assert.match(noColor.stdout, /compromised/i)
    assert.doesNotMatch(noColor.stdout, ESC)
    assert.equal(color.code, 1)
    assert.match(color.stdout, ESC)
    assert.match(color.stdout, /compromised/i)
  })
})
