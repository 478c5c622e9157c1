// Log hunting side by side with ripgrep and a Test-ProxyLogon-style full CSV parse, on a generated
// Exchange log set (bench/gen-logs.ts), page cache warm. Checks recall of the planted lines first.
// Run: npx tsx bench/logs-vs-ripgrep.ts [--size 1G] [--runs 3]
import { spawnSync } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { generateLogSet, type LogSet, parseSize, plantedSummary } from './gen-logs.ts'
import { EXHUNT, exhuntReady, huntArgs, ROOT, readReport } from './lib/exhunt-cli.ts'
import { FIXED_PATTERNS, ruleLogPatterns } from './lib/log-patterns.ts'
import { type Timed, timeRuns } from './lib/measure.ts'
import { machineLine } from './lib/sysinfo.ts'
import { fixed, markdownTable, mbps } from './lib/table.ts'

export interface BenchRow {
  tool: string
  bytes: number
  files: number
  timed?: Timed
  note: string
}

export interface BenchResult {
  title: string
  rows: BenchRow[]
  checks: string[]
}

const HP_REL = 'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy'

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
}

/** Read every file once so all tools start with the page cache warm. */
export function warm(files: readonly string[]): void {
  const buf = Buffer.allocUnsafe(1 << 22)
  for (const f of files) {
    const fd = openSync(f, 'r')
    while (readSync(fd, buf, 0, buf.length, null) > 0) {}
    closeSync(fd)
  }
}

function rgPatterns(): { file: string; count: number; dropped: string[]; rules: number } {
  const derived = ruleLogPatterns(join(ROOT, 'content'))
  const all = [...new Set([...FIXED_PATTERNS, ...derived.patterns])]
  const dropped: string[] = []
  const ok = all.filter((p) => {
    const r = spawnSync('rg', ['-i', '-e', p, '/dev/null'])
    if (r.status === 2) dropped.push(p)
    return r.status !== 2
  })
  const file = '/tmp/exhunt-bench-rg-patterns.txt'
  writeFileSync(file, `${ok.join('\n')}\n`)
  return { file, count: ok.length, dropped, rules: derived.rules }
}

function rgArgs(patterns: string, target: string): string[] {
  // --no-ignore: bench/out is gitignored, which rg would otherwise honour.
  return ['-i', '-c', '--no-ignore', '--hidden', '--no-messages', '-f', patterns, target]
}

function checkRg(set: LogSet, patterns: string, counts: string): string {
  const planted = '/tmp/exhunt-bench-planted.log'
  writeFileSync(planted, `${set.planted.map((p) => p.line).join('\n')}\n`)
  const r = spawnSync('rg', ['-i', '-c', '-f', patterns, planted], { encoding: 'utf8' })
  const hit = Number(r.stdout.trim() || 0)
  const perFile = new Map<string, number>()
  for (const line of counts.trim().split('\n')) {
    const i = line.lastIndexOf(':')
    perFile.set(relative(set.dir, line.slice(0, i)), Number(line.slice(i + 1)))
  }
  const want = new Map<string, number>()
  for (const p of set.planted) want.set(p.file, (want.get(p.file) ?? 0) + 1)
  const short = [...want].filter(([f, n]) => (perFile.get(f) ?? 0) < n).length
  return `rg: ${hit}/${set.planted.length} planted lines matched by the patterns; ${short} file(s) with fewer hits than plants`
}

const CORPUS = process.env.EXHUNT_CORPUS ?? '/work/shared/corpus'
/** A few web files, as a drive holds them beside its logs: Exchange pages and two web shells. */
const WEB_FILES: [string, string][] = [
  [
    'webshells/benign/mono-xsp',
    'C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth',
  ],
  ['webshells/malicious/dev', 'C/inetpub/wwwroot/aspnet_client/system_web'],
]
const WEB_PER_SET = [6, 2]

/**
 * The log set as a drive (hard links, no copy) plus a few web files, for the default hunt (logs and
 * files): what a mounted Exchange disk with 1 GB of logs and a handful of pages looks like.
 */
function driveWithWebFiles(set: LogSet, files: readonly string[]): { dir: string; web: string[] } {
  const dir = `${set.dir}-drive`
  rmSync(dir, { recursive: true, force: true })
  for (const f of files) {
    const to = join(dir, relative(set.dir, f))
    mkdirSync(dirname(to), { recursive: true })
    linkSync(f, to)
  }
  const web: string[] = []
  WEB_FILES.forEach(([from, to], i) => {
    const src = join(CORPUS, from)
    const names = existsSync(src)
      ? readdirSync(src, { recursive: true, encoding: 'utf8' })
          .filter((n) => /\.(aspx|ashx|asmx|asp)$/i.test(n))
          .sort()
          .slice(0, WEB_PER_SET[i])
      : []
    for (const n of names) {
      const target = join(dir, to, n.slice(n.lastIndexOf('/') + 1))
      mkdirSync(dirname(target), { recursive: true })
      copyFileSync(join(src, n), target)
      web.push(target)
    }
  })
  return { dir, web }
}

function checkExhunt(set: LogSet, reportPath: string): string {
  const report = readReport(reportPath)
  const text = report.findings
    .map((f) => `${f.evidence}\n${Object.values(f.fields ?? {}).join('\n')}`)
    .join('\n')
  const found = new Map<string, [number, number]>()
  for (const p of set.planted) {
    const c = found.get(p.kind) ?? [0, 0]
    c[1]++
    if (text.includes(p.token)) c[0]++
    found.set(p.kind, c)
  }
  const kinds = [...found].map(([k, [a, b]]) => `${k} ${a}/${b}`).join(', ')
  return `exhunt: ${kinds}; ${report.findings.length} findings (${report.stats.folded} folded), ${report.errors.length} item errors, ${report.stats.rules} rules, ${report.stats.workers} workers`
}

export async function benchLogs(size: number, runs: number, label: string): Promise<BenchResult> {
  const dir = join(ROOT, 'bench', 'out', `logs-${label}`)
  const set = generateLogSet(dir, size)
  const files = listFiles(dir)
  const hpDir = join(dir, HP_REL)
  const hpFiles = files.filter((f) => f.startsWith(hpDir))
  const hpBytes = hpFiles.reduce((n, f) => n + statSync(f).size, 0)
  const checks = [
    `log set: ${set.files} files, ${(size / 2 ** 20).toFixed(0)} MiB, planted ${set.planted.length} (${plantedSummary(set)})`,
  ]
  const pat = rgPatterns()
  checks.push(
    `rg patterns: ${pat.count} (${FIXED_PATTERNS.length} fixed + from ${pat.rules} native log rules)${pat.dropped.length ? `; dropped (rg syntax): ${pat.dropped.join(' ')}` : ''}`,
  )
  warm(files)
  const rows: BenchRow[] = []

  const ready = exhuntReady(generateLogSet(join(ROOT, 'bench', 'out', 'logs-ready'), 2 ** 20).dir)
  const out = '/tmp/exhunt-bench-logs.json'
  if (ready.ok) {
    const t = await timeRuns(1, process.execPath, huntArgs(dir, 'logs', out))
    checks.push(checkExhunt(set, out))
    const timed = runs > 1 ? await timeRuns(runs, process.execPath, huntArgs(dir, 'logs', out)) : t
    rows.push({
      tool: 'exhunt hunt --only logs (all rules)',
      bytes: size,
      files: files.length,
      timed,
      note: '',
    })
  } else {
    checks.push(`exhunt: pending (${ready.why})`)
    rows.push({
      tool: 'exhunt hunt --only logs (all rules)',
      bytes: size,
      files: files.length,
      note: 'pending',
    })
  }

  if (ready.ok) {
    // The default hunt: logs and files, a few web files beside the logs (YARA compiled for them).
    const drive = driveWithWebFiles(set, files)
    const webBytes = drive.web.reduce((n, f) => n + statSync(f).size, 0)
    const dout = '/tmp/exhunt-bench-default.json'
    const args = [EXHUNT, 'hunt', drive.dir, '--format', 'json', '--no-progress', '-o', dout]
    const timed = await timeRuns(runs, process.execPath, args)
    const shells = readReport(dout).findings.filter((f) =>
      f.source.path.includes('aspnet_client'),
    ).length
    const dev = drive.web.filter((f) => f.includes('aspnet_client')).length
    checks.push(
      `${checkExhunt({ ...set, dir: drive.dir }, dout).replace('exhunt:', 'exhunt default hunt:')}; web files ${drive.web.length}, shells flagged ${shells}/${dev}`,
    )
    rows.push({
      tool: `exhunt hunt (default: logs + ${drive.web.length} web files)`,
      bytes: size + webBytes,
      files: files.length + drive.web.length,
      timed,
      note: 'YARA compiled',
    })
  }

  const rg = await timeRuns(runs, 'rg', rgArgs(pat.file, dir))
  checks.push(checkRg(set, pat.file, rg.last.stdout))
  rows.push({
    tool: `rg -i -c, ${pat.count} patterns`,
    bytes: size,
    files: files.length,
    timed: rg,
    note: 'counts only',
  })

  const py = await timeRuns(runs, 'python3', [
    join(ROOT, 'bench', 'lib', 'test-proxylogon-emulation.py'),
    hpDir,
  ])
  const ssrf = set.planted.filter((p) => p.kind === 'proxylogon-ssrf').length
  checks.push(
    `Test-ProxyLogon emulation: ${py.last.stdout.trim()} ServerInfo~*/* rows (planted ${ssrf})`,
  )
  rows.push({
    tool: 'python csv.DictReader (Test-ProxyLogon)',
    bytes: hpBytes,
    files: hpFiles.length,
    timed: py,
    note: 'HttpProxy only, 1 rule',
  })
  return {
    title: `Logs, ${(size / 2 ** 30).toFixed(2)} GiB, page cache warm, median of ${runs}`,
    rows,
    checks,
  }
}

export function renderResult(r: BenchResult): string {
  const first = r.rows[0]
  const base = first?.timed ? first.bytes / first.timed.seconds : undefined
  const rows = r.rows.map((row) => {
    const t = row.timed
    if (!t) return [row.tool, String((row.bytes / 1e6).toFixed(0)), '-', '-', '-', '-', row.note]
    // Throughput relative to exhunt (bytes per second, so inputs of different sizes compare).
    const ratio = base ? `${fixed(row.bytes / t.seconds / base)}x` : '-'
    return [
      row.tool,
      (row.bytes / 1e6).toFixed(0),
      fixed(t.seconds),
      mbps(row.bytes, t.seconds),
      t.rssMb.toFixed(0),
      ratio,
      row.note,
    ]
  })
  const table = markdownTable(
    ['tool', 'MB', 'seconds', 'MB/s', 'peak RSS MB', 'MB/s vs exhunt', 'note'],
    rows,
  )
  return `### ${r.title}\n${machineLine()}\n\n${table}\n\n${r.checks.map((c) => `- ${c}`).join('\n')}\n`
}

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: '1G' }, runs: { type: 'string', default: '3' } },
  })
  const result = await benchLogs(parseSize(values.size!), Number(values.runs), values.size!)
  console.log(renderResult(result))
}
