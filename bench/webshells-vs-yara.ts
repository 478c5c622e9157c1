// Web-shell scan side by side with the yara CLI on the same rule files and the same tree: the public
// web-shell corpus (malicious/dev + benign/mono-xsp) copied N times under Exchange-like web folders in
// bench/out/webtree (never a served web root). yara gets the externals the vendored rules declare
// (-d, one value for the whole run: the CLI cannot vary them per file).
// Run: npx tsx bench/webshells-vs-yara.ts [--copies 50] [--runs 3]
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { exhuntReady, huntArgs, ROOT, readReport } from './lib/exhunt-cli.ts'
import { type Timed, timeRuns } from './lib/measure.ts'
import { machineLine } from './lib/sysinfo.ts'
import { fixed, markdownTable, mbps } from './lib/table.ts'
import type { BenchResult, BenchRow } from './logs-vs-ripgrep.ts'
import { warm } from './logs-vs-ripgrep.ts'

const CORPUS = process.env.EXHUNT_CORPUS ?? '/work/shared/corpus'
const SETS = [
  ['malicious/dev', 'dev'],
  ['benign/mono-xsp', 'mono-xsp'],
] as const
const WEB_DIRS = [
  'C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth',
  'C/inetpub/wwwroot/aspnet_client/system_web',
]
const EXTERNALS = ['filepath', 'filename', 'extension', 'filetype', 'owner']

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}

/** Build (or reuse) the tree; returns its files. */
export function buildWebTree(dir: string, copies: number): string[] {
  const stamp = join(dir, `.copies-${copies}`)
  if (!existsSync(stamp)) {
    rmSync(dir, { recursive: true, force: true })
    for (let i = 0; i < copies; i++) {
      const base = join(dir, WEB_DIRS[i % WEB_DIRS.length]!, `c${String(i).padStart(3, '0')}`)
      for (const [from, to] of SETS) {
        // MANIFEST.csv / SOURCES.md describe the corpus; they are not samples.
        const filter = (src: string): boolean =>
          !/(?:MANIFEST\.csv|SOURCES\.md|README\.md)$/.test(src)
        cpSync(join(CORPUS, 'webshells', from), join(base, to), { recursive: true, filter })
      }
    }
    writeFileSync(stamp, '')
  }
  return listFiles(dir).filter((f) => !f.endsWith(`.copies-${copies}`))
}

function yaraRules(): string[] {
  const dir = join(ROOT, 'content', 'rules', 'vendor', 'yara')
  return listFiles(dir).filter((f) => f.endsWith('.yar'))
}

const defines = (): string[] => EXTERNALS.flatMap((e) => ['-d', `${e}=`])

function flagged(paths: Iterable<string>): { mal: number; ben: number } {
  const set = new Set(paths)
  let mal = 0
  let ben = 0
  for (const p of set) {
    if (p.includes('/dev/')) mal++
    else if (p.includes('/mono-xsp/')) ben++
  }
  return { mal, ben }
}

function yaraFlagged(stdout: string): { mal: number; ben: number } {
  return flagged(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(l.indexOf(' ') + 1)),
  )
}

export async function benchWebshells(copies: number, runs: number): Promise<BenchResult> {
  const tree = join(ROOT, 'bench', 'out', 'webtree')
  const files = buildWebTree(tree, copies)
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0)
  const mal = files.filter((f) => f.includes('/dev/')).length
  const checks = [
    `tree: ${files.length} files (${mal} malicious, ${files.length - mal} benign), ${(bytes / 1e6).toFixed(0)} MB, ${copies} copies`,
  ]
  warm(files)
  const rows: BenchRow[] = []

  const ready = exhuntReady(join(tree, WEB_DIRS[0]!, 'c000'))
  const out = '/tmp/exhunt-bench-files.json'
  if (ready.ok) {
    const timed = await timeRuns(runs, process.execPath, huntArgs(tree, 'files', out))
    const report = readReport(out)
    const f = flagged(report.findings.map((x) => x.source.path))
    checks.push(
      `exhunt: flagged ${f.mal}/${mal} malicious, ${f.ben} benign files; ${report.findings.length} findings, ${report.errors.length} item errors`,
    )
    rows.push({ tool: 'exhunt hunt --only files', bytes, files: files.length, timed, note: '' })
  } else {
    checks.push(`exhunt: pending (${ready.why})`)
    rows.push({ tool: 'exhunt hunt --only files', bytes, files: files.length, note: 'pending' })
  }

  const rules = yaraRules()
  const withCompile = await timeRuns(runs, 'yara', [
    '-w',
    '-r',
    '-p',
    '2',
    ...defines(),
    ...rules,
    tree,
  ])
  const y = yaraFlagged(withCompile.last.stdout)
  checks.push(
    `yara: ${rules.length} rule files; flagged ${y.mal}/${mal} malicious, ${y.ben} benign files`,
  )
  rows.push({
    tool: 'yara -r -w -p 2 (compiles rules)',
    bytes,
    files: files.length,
    timed: withCompile,
    note: '',
  })

  const compiled = '/tmp/exhunt-bench-rules.yarc'
  const yc = await timeRuns(runs, 'yarac', ['-w', ...defines(), ...rules, compiled])
  rows.push({
    tool: 'yara -C (precompiled rules)',
    bytes,
    files: files.length,
    timed: await timeRuns(runs, 'yara', ['-C', '-w', '-r', '-p', '2', compiled, tree]),
    note: '',
  })
  checks.push(`yarac compile alone: ${fixed(yc.seconds)} s`)
  return {
    title: `Web files, ${copies} copies of the web-shell corpus, page cache warm, median of ${runs}`,
    rows,
    checks,
  }
}

export function renderWebResult(r: BenchResult): string {
  const first = r.rows[0]
  const base = first?.timed ? first.bytes / first.timed.seconds : undefined
  const rows = r.rows.map((row) => {
    const t: Timed | undefined = row.timed
    if (!t) return [row.tool, String(row.files), '-', '-', '-', '-', '-', row.note]
    // Throughput relative to exhunt (bytes per second, so inputs of different sizes compare).
    const ratio = base ? `${fixed(row.bytes / t.seconds / base)}x` : '-'
    return [
      row.tool,
      String(row.files),
      fixed(t.seconds),
      mbps(row.bytes, t.seconds),
      (row.files / t.seconds).toFixed(0),
      t.rssMb.toFixed(0),
      ratio,
      row.note,
    ]
  })
  const table = markdownTable(
    ['tool', 'files', 'seconds', 'MB/s', 'files/s', 'peak RSS MB', 'MB/s vs exhunt', 'note'],
    rows,
  )
  return `### ${r.title}\n${machineLine()}\n\n${table}\n\n${r.checks.map((c) => `- ${c}`).join('\n')}\n`
}

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') {
  const { values } = parseArgs({
    options: { copies: { type: 'string', default: '50' }, runs: { type: 'string', default: '3' } },
  })
  console.log(renderWebResult(await benchWebshells(Number(values.copies), Number(values.runs))))
}
