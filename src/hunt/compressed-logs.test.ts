// Rotated logs hunted end to end on real corpus logs, compressed at test time: a .gz, a zip in the log
// folder and a .gz inside an evidence zip give the same findings and coverage as the plain files; a
// truncated .gz and a gzip bomb are item errors and the other logs are still hunted; event logs are
// counted as not read, in coverage.unread and in the text report.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { describe, test } from 'node:test'
import { createGzip, gzipSync } from 'node:zlib'
import { corpusPath, corpusSkip } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { makeZip } from '../../test/helpers/zip-writer.ts'
import { renderReport } from '../report/index.ts'
import type { HuntReport } from '../shared/types.ts'
import { hunt } from './run.ts'

const W3SVC1 = 'C/inetpub/logs/LogFiles/W3SVC1'
const PROXY = 'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/PowerShell'
/** Real logs: a Tunna tunnel in IIS (hundreds of findings), ProxyShell IIS lines, HttpProxy rows. */
const LOGS = () => ({
  [`${W3SVC1}/u_ex190903.log`]: readFileSync(corpusPath('logs/iis-tunna/Tunna_rdp_tunnel_IIS.log')),
  [`${W3SVC1}/u_ex210812.log`]: readFileSync(
    corpusPath('logs/proxyshell-blog-excerpts-unverified/iis_proxyshell_lines_sanitized.log'),
  ),
  [`${PROXY}/HttpProxy_2023011116-1.LOG`]: readFileSync(
    corpusPath('logs/exchange-log-formats/ex15_PowerShell_HttpProxy_logs.log'),
  ),
})

function tree(root: string, files: Record<string, Buffer | string>): string {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), body)
  }
  return root
}

const base = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('!')) + 1)

/** Findings without where the file sat: rule, line, time, outcome, file name without .gz. */
function shape(r: HuntReport): string[] {
  return r.findings
    .map((f) =>
      [
        f.rule,
        base(f.source.path).replace(/\.gz$/, ''),
        f.source.line,
        f.time,
        f.outcome,
        f.severity,
        f.folded ?? 0,
      ].join(' '),
    )
    .sort()
}

/** The corpus ProxyShell excerpt has no #Fields header: one EXH_ERR_LOG_NO_HEADER in every variant. */
const codes = (r: HuntReport) => r.errors.map((e) => e.code).sort()

const coverage = (r: HuntReport) => r.coverage.entries.filter((e) => e.logType !== 'webfiles')

async function run(input: string): Promise<HuntReport> {
  return hunt({ input, workers: 2, only: ['logs'] })
}

describe('compressed logs, hunted', { skip: corpusSkip }, () => {
  let plain: HuntReport
  test('the plain logs (the reference)', async () => {
    plain = await run(tree(tmpDir(), LOGS()))
    assert.ok(plain.findings.length > 10, 'the corpus logs give findings')
    assert.deepEqual(codes(plain), ['EXH_ERR_LOG_NO_HEADER'])
    assert.deepEqual(plain.stats.examined, {
      logFiles: 3,
      logLines: plain.stats.lines,
      webFiles: 0,
      artefacts: 0,
    })
  })

  test('gzipped in place (u_ex190903.log.gz): same findings, same coverage', async () => {
    const files = Object.fromEntries(
      Object.entries(LOGS()).map(([p, b]) => [`${p}.gz`, gzipSync(b)]),
    )
    const r = await run(tree(tmpDir(), files))
    assert.deepEqual(codes(r), codes(plain))
    assert.deepEqual(shape(r), shape(plain))
    assert.deepEqual(coverage(r), coverage(plain))
    assert.ok(r.findings.some((f) => f.source.path === `${W3SVC1}/u_ex190903.log.gz`))
    assert.equal(r.coverage.unread, undefined, 'nothing left unread')
  })

  test('zipped in the log folders (logs.zip!W3SVC1/u_ex190903.log): same findings, same coverage', async () => {
    const logs = LOGS()
    const iis = makeZip(
      Object.entries(logs)
        .filter(([p]) => p.startsWith(W3SVC1))
        .map(([p, data]) => ({ name: `W3SVC1/${base(p)}`, data })),
    )
    const proxy = makeZip(
      Object.entries(logs)
        .filter(([p]) => p.startsWith(PROXY))
        .map(([p, data]) => ({ name: base(p), data })),
    )
    const r = await run(
      tree(tmpDir(), {
        'C/inetpub/logs/LogFiles/logs.zip': iis,
        [`${PROXY}/HttpProxy-2023-01.zip`]: proxy,
      }),
    )
    assert.deepEqual(codes(r), codes(plain))
    assert.deepEqual(shape(r), shape(plain))
    assert.deepEqual(coverage(r), coverage(plain))
    assert.ok(
      r.findings.some(
        (f) => f.source.path === 'C/inetpub/logs/LogFiles/logs.zip!W3SVC1/u_ex190903.log',
      ),
    )
  })

  test('.gz logs inside an evidence zip: same findings, same coverage', async () => {
    const zip = join(tmpDir(), 'evidence.zip')
    writeFileSync(
      zip,
      makeZip(
        Object.entries(LOGS()).map(([p, b]) => ({ name: `${p}.gz`, data: gzipSync(b), method: 0 })),
      ),
    )
    const r = await run(zip)
    assert.deepEqual(codes(r), codes(plain))
    assert.deepEqual(shape(r), shape(plain))
    assert.deepEqual(coverage(r), coverage(plain))
  })

  test('a truncated .gz is an item error, its first part and the other logs are still hunted', async () => {
    const logs = LOGS()
    const tunna = gzipSync(logs[`${W3SVC1}/u_ex190903.log`]!)
    const r = await run(
      tree(tmpDir(), {
        ...logs,
        [`${W3SVC1}/u_ex190903.log`]: '',
        [`${W3SVC1}/u_ex190902.log.gz`]: tunna.subarray(0, tunna.length >> 1),
      }),
    )
    const errs = r.errors.filter((e) => e.path === `${W3SVC1}/u_ex190902.log.gz`)
    assert.deepEqual(
      errs.map((e) => e.code),
      ['EXH_ERR_GZIP_CORRUPT'],
    )
    // The other files' findings are all there.
    const others = (x: HuntReport) => shape(x).filter((s) => !s.includes('u_ex190903.log'))
    assert.deepEqual(
      others(r).filter((s) => !s.includes('u_ex190902.log')),
      others(plain),
    )
    // And the half that could be read was hunted.
    const part = r.findings.filter((f) => f.source.path === `${W3SVC1}/u_ex190902.log.gz`)
    assert.ok(part.length > 0, 'findings from the readable part are kept')
    const unreadable = r.coverage.unread?.find((u) => u.kind === 'unreadable')
    assert.deepEqual(unreadable?.examples, [`${W3SVC1}/u_ex190902.log.gz`])
  })

  test('a gzip bomb is capped with EXH_ERR_GZIP_BOMB; the run goes on', async () => {
    const header =
      '#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n'
    const line = '2024-06-01 00:00:01 10.0.0.5 GET /owa/ - 443 - 1.2.3.4 - - 200 0 0 5\n'
    const gz = createGzip({ level: 9 })
    const out = buffer(gz)
    gz.write(header)
    const block = Buffer.from(line.repeat(16_000)) // ~1.1 MB
    for (let i = 0; i < 200; i++)
      if (!gz.write(block)) await new Promise((r) => gz.once('drain', r))
    gz.end()
    const bomb = await out
    assert.ok(bomb.length < 1_000_000, `tiny on disk (${bomb.length} bytes for ~220 MB)`)
    const r = await run(tree(tmpDir(), { ...LOGS(), [`${W3SVC1}/u_ex210301.log.gz`]: bomb }))
    const errs = r.errors.filter((e) => e.path === `${W3SVC1}/u_ex210301.log.gz`)
    assert.deepEqual(
      errs.map((e) => e.code),
      ['EXH_ERR_GZIP_BOMB'],
    )
    assert.deepEqual(
      shape(r).filter((s) => !s.includes('u_ex210301')),
      shape(plain),
    )
    const iis = r.coverage.entries.find((e) => e.logType === 'iis')
    const plainIis = plain.coverage.entries.find((e) => e.logType === 'iis')
    assert.ok(iis && plainIis && iis.lines > plainIis.lines, 'lines before the cap are counted')
    assert.ok(iis.lines < plainIis.lines + 3_200_000, 'but not the whole bomb')
    assert.equal(iis.oldest, plainIis.oldest)
    assert.equal(iis.newest, '2024-06-01T00:00:01Z', 'the bomb lines before the cap carry times')
  })

  test('event logs are counted as not read: coverage.unread and the text report', async () => {
    const evtx = 'C/Windows/System32/winevt/Logs'
    const r = await hunt({
      input: tree(tmpDir(), {
        ...LOGS(),
        [`${evtx}/Security.evtx`]: Buffer.alloc(69_632, 1),
        [`${evtx}/System.evtx`]: Buffer.alloc(1_000, 1),
        [`${evtx}/MSExchange Management.evtx`]: Buffer.alloc(3_000, 1),
      }),
      workers: 2,
    })
    assert.deepEqual(r.coverage.unread, [
      {
        kind: 'evtx',
        files: 3,
        bytes: 73_632,
        reason: 'Windows event logs are not read yet',
        examples: [
          `${evtx}/MSExchange Management.evtx`,
          `${evtx}/Security.evtx`,
          `${evtx}/System.evtx`,
        ],
      },
    ])
    const text = renderReport(r, 'text', { color: false, width: 100 })
    assert.match(
      text,
      /3 event log files not read \(73\.6 KB\): Windows event logs are not read yet/,
    )
    const html = renderReport(r, 'html')
    assert.match(html, /3 event log files not read/)
    const json = JSON.parse(renderReport(r, 'json')) as HuntReport
    assert.equal(json.coverage.unread?.[0]?.files, 3)
  })
})
