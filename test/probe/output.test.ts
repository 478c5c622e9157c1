// Probe output: the report envelope (exhunt.probe/1), JSON streamed and whole alike, NDJSON lines,
// CSV with Shadowserver's columns first, the text table (colour only when asked, hostile bytes
// cleaned); --resume skips what is done and survives a line cut short. Loopback only.
import assert from 'node:assert/strict'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ProbeTally } from '../../src/analysis/probe-tally.ts'
import { ResumeLog, readResume } from '../../src/probe/resume.ts'
import { runProbe } from '../../src/probe/run.ts'
import { itemTargets } from '../../src/probe/targets.ts'
import { PROBE_CSV_COLUMNS, renderProbeReport, shadowTag } from '../../src/report/probe/index.ts'
import type { ProbeTargetResult } from '../../src/shared/probe.ts'
import { PROBE_SCHEMA, type ProbeReport } from '../../src/shared/types.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { closedPort, type Running, webServer } from './servers.test-helper.ts'
import { doubleEngine } from './session.test-helper.ts'

const servers: Running[] = []
let report: ProbeReport
let urls: string[]

async function run(
  list: string[],
  extra: Parameters<typeof runProbe>[1] extends infer O ? Partial<O> : never = {},
) {
  const { compiled } = doubleEngine()
  const tally = new ProbeTally()
  const results: ProbeTargetResult[] = []
  const summary = await runProbe(
    list.flatMap((s) => [...itemTargets(s, 'argument')]),
    {
      compiled,
      concurrency: 2,
      onResult: (r) => {
        tally.add(r)
        results.push(r)
      },
      onTargetError: (e) => tally.addError(e),
      ...extra,
    },
  )
  return { summary, tally, results }
}

before(async () => {
  const patched = await webServer((_req, res) => {
    res.setHeader('X-OWA-Version', '15.1.2176.2')
    res.end('ok')
  })
  // A hostile server's header reaches the reason: ESC sequences must not reach the terminal.
  const old = await webServer((_req, res) => {
    res.setHeader('X-OWA-Version', '15.1.2106.2')
    res.end('ok')
  })
  servers.push(patched, old)
  urls = [
    `http://127.0.0.1:${patched.port}`,
    `http://127.0.0.1:${old.port}`,
    `http://127.0.0.1:${await closedPort()}`,
  ]
  const { summary, tally, results } = await run([...urls, 'bad_host!'])
  report = tally.report(
    {
      sources: [...urls, 'bad_host!'],
      level: 'passive',
      contentVersion: '0.1.0+test',
      startedAt: summary.startedAt,
    },
    { finishedAt: summary.finishedAt, complete: true, skipped: 0, requests: summary.requests },
    results,
  )
})
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

describe('probe output', () => {
  test('the envelope: schema, kind, tool, verdict the most serious, reasons, summary', () => {
    assert.equal(report.schema, PROBE_SCHEMA)
    assert.equal(report.kind, 'probe')
    assert.equal(report.tool.name, 'exhunt')
    assert.equal(report.verdict, 'vulnerable')
    assert.deepEqual(report.summary.verdicts, {
      'not-exchange': 0,
      patched: 1,
      vulnerable: 1,
      'likely-compromised': 0,
      unreachable: 1,
    })
    assert.equal(report.summary.targetErrors, 1)
    assert.equal(report.targetErrors[0]?.input, 'bad_host!')
    assert.match(
      report.verdictReasons[0] ?? '',
      /^1 of 3 vulnerable.*15\.1\.2106\.2 \(CVE-2021-26855\)/,
    )
    assert.equal(report.advice.verdict, 'vulnerable')
  })

  test('JSON: one document, keys in order, results inside; NDJSON: a line per result, then the summary', () => {
    const json = renderProbeReport(report, 'json')
    const back = JSON.parse(json) as ProbeReport
    assert.deepEqual(back, JSON.parse(JSON.stringify(report)))
    assert.deepEqual(Object.keys(back).slice(0, 7), [
      'schema',
      'kind',
      'tool',
      'target',
      'input',
      'startedAt',
      'results',
    ])
    const empty = JSON.parse(renderProbeReport({ ...report, results: [] }, 'json')) as ProbeReport
    assert.deepEqual(empty.results, [])
    const lines = renderProbeReport(report, 'ndjson')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.equal(lines.length, 4)
    assert.ok(lines.slice(0, 3).every((l) => l.target && l.verdict))
    assert.equal(lines[3].kind, 'probe')
    assert.equal(lines[3].results, undefined)
  })

  test("CSV: Shadowserver's scan_exchange columns first, then ours; tag as theirs", () => {
    const csv = renderProbeReport(report, 'csv')
    const rows = csv.trimEnd().split('\r\n')
    assert.equal(
      rows[0]?.split(',').slice(0, 15).join(','),
      'timestamp,ip,port,hostname,tag,asn,geo,region,city,naics,sic,sector,version,servername,url',
    )
    assert.equal(rows[0], PROBE_CSV_COLUMNS.join(','))
    assert.equal(rows.length, 4)
    const vuln = rows.find((r) => r.includes('15.1.2106.2'))!.split(',')
    assert.match(vuln[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    assert.equal(vuln[1], '127.0.0.1')
    assert.equal(vuln[4], 'exchange;cve-2021-26855')
    const r = report.results.find((x) => x.verdict === 'vulnerable')!
    assert.equal(
      shadowTag({ ...r, verdict: 'likely-compromised' }),
      'exchange;webshell;cve-2021-26855',
    )
    assert.equal(shadowTag({ ...r, exchange: false }), '')
  })

  test('text: a row per target, colour only when asked, control characters cleaned', () => {
    const plain = renderProbeReport(report, 'text', { width: 120 })
    assert.doesNotMatch(plain, /\u001b\[/)
    assert.match(plain, /^TARGET\s+VERDICT\s+BUILD\s+WHAT/)
    assert.match(plain, /vulnerable\s+15\.1\.2106\.2\s+CVE-2021-26855/)
    assert.match(plain, /unreachable/)
    assert.match(plain, /not a target: argument: bad_host!/)
    const coloured = renderProbeReport(report, 'text', { color: true })
    assert.match(coloured, /\u001b\[31mvulnerable/)
    const hostile = {
      ...report.results.find((r) => r.verdict === 'patched')!,
      reason: 'evil \u001b[2J\u001b]0;pwned\u0007',
    }
    const out = renderProbeReport({ ...report, results: [hostile] }, 'text')
    assert.doesNotMatch(out, /\u001b/)
    assert.match(out, /\\x1b\[2J/)
  })

  test('--resume: targets done are skipped, new results appended; a line cut short is ignored', async () => {
    const dir = tmpDir('probe-resume')
    const file = join(dir, 'results.ndjson')
    const log = new ResumeLog(file)
    await run(urls.slice(0, 2), { onResult: (r) => log.append(r) })
    log.close()
    // A crash mid-write leaves half a line.
    appendFileSync(file, '{"target":{"input":"http://127.0.0.1:1')
    const state = await readResume(file)
    assert.equal(state.done.size, 2)
    assert.equal(state.ignored, 1)
    assert.equal(
      state.verdicts.patched + state.verdicts.vulnerable,
      2,
      'their verdicts, for the exit code',
    )
    const before = servers.map((s) => s.seen.length)
    const log2 = new ResumeLog(file)
    const { summary } = await run(urls, {
      done: (k) => state.done.has(k),
      onResult: (r) => log2.append(r),
    })
    log2.close()
    assert.equal(summary.skipped, 2)
    assert.equal(summary.done, 1)
    assert.deepEqual(
      servers.map((s) => s.seen.length),
      before,
      'the done targets got no request',
    )
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    assert.equal(lines.length, 4, 'two results, the cut line, the new result on its own line')
    assert.ok(JSON.parse(lines[3]!).target)
    assert.equal((await readResume(file)).done.size, 3)
  })
})
