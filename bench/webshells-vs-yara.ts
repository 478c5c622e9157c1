// Web-shell scan side by side with the yara CLI on the same rule files and the same tree: the public
// web-shell corpus (malicious/dev + benign/mono-xsp) copied N times under Exchange-like web folders in
// bench/out/webtree (never a served web root). yara gets the externals the vendored rules declare
// (-d, one value for the whole run: the CLI cannot vary them per file).
// Three trees (--tree): `copies` (the corpus N times: every file has N identical copies), `exchange`
// (realistic duplication: the benign pages under several owa/auth/<build> and ecp/<build> folders, as an
// Exchange install holds its own files once per build, and the shells in two places), `distinct` (the
// copies tree with a unique line appended to every file: no two files alike, so no result is reused).
// Run: npx tsx bench/webshells-vs-yara.ts [--tree copies|exchange|distinct] [--copies 50] [--runs 3]

import { createHash } from 'node:crypto'
import {
  appendFileSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
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

export type TreeKind = 'copies' | 'exchange' | 'distinct'

// MANIFEST.csv / SOURCES.md describe the corpus; they are not samples.
const notSample = (src: string): boolean => !/(?:MANIFEST\.csv|SOURCES\.md|README\.md)$/.test(src)

function copySet(from: string, to: string): void {
  cpSync(join(CORPUS, 'webshells', from), to, { recursive: true, filter: notSample })
}

const V15 = 'C/Program Files/Microsoft/Exchange Server/V15'
const BUILDS = ['15.1.2375.7', '15.1.2507.6', '15.1.2507.39', '15.2.1118.7', '15.2.1258.12']

/** Build (or reuse) the tree; returns its files. */
export function buildWebTree(dir: string, copies: number, kind: TreeKind = 'copies'): string[] {
  const stamp = join(dir, `.${kind}-${copies}`)
  if (!existsSync(stamp)) {
    rmSync(dir, { recursive: true, force: true })
    if (kind === 'exchange') {
      // Each build folder holds the same pages, front end and back end alike (as Exchange's own
      // owa/auth/<build> and ecp/<build> do); `copies` sets how many install images.
      for (let i = 0; i < Math.max(1, Math.round(copies / (BUILDS.length * 4))); i++) {
        const host = join(dir, `host${i}`)
        for (const b of BUILDS) {
          for (const side of ['FrontEnd/HttpProxy', 'ClientAccess']) {
            copySet('benign/mono-xsp', join(host, V15, side, 'owa/auth', b, 'mono-xsp'))
            copySet('benign/mono-xsp', join(host, V15, side, 'ecp', b, 'mono-xsp'))
          }
        }
        // The shells: one drop in aspnet_client, one in owa/auth.
        copySet('malicious/dev', join(host, 'C/inetpub/wwwroot/aspnet_client/system_web/dev'))
        copySet('malicious/dev', join(host, V15, 'FrontEnd/HttpProxy/owa/auth/dev'))
      }
    } else {
      for (let i = 0; i < copies; i++) {
        const base = join(dir, WEB_DIRS[i % WEB_DIRS.length]!, `c${String(i).padStart(3, '0')}`)
        for (const [from, to] of SETS) copySet(from, join(base, to))
      }
      if (kind === 'distinct') {
        // One unique trailing line per file: no two files share a digest.
        let n = 0
        for (const f of listFiles(dir)) appendFileSync(f, `\n<!-- distinct ${n++} -->\n`)
      }
    }
    writeFileSync(stamp, '')
  }
  return listFiles(dir).filter((f) => !f.endsWith(`.${kind}-${copies}`))
}

function yaraRules(): string[] {
  const dir = join(ROOT, 'content', 'rules', 'vendor', 'yara')
  return listFiles(dir).filter((f) => f.endsWith('.yar'))
}

function distinctDigests(files: readonly string[]): number {
  return new Set(files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'))).size
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

export async function benchWebshells(
  copies: number,
  runs: number,
  kind: TreeKind = 'copies',
): Promise<BenchResult> {
  const tree = join(ROOT, 'bench', 'out', kind === 'copies' ? 'webtree' : `webtree-${kind}`)
  const files = buildWebTree(tree, copies, kind)
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0)
  const mal = files.filter((f) => f.includes('/dev/')).length
  const checks = [
    `tree ${kind}: ${files.length} files (${mal} malicious, ${files.length - mal} benign), ${(bytes / 1e6).toFixed(0)} MB, ${copies} copies, ${distinctDigests(files)} distinct contents`,
  ]
  warm(files)
  const rows: BenchRow[] = []

  const ready = exhuntReady(tree)
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
    title: `Web files, tree ${kind} (${files.length} files), page cache warm, median of ${runs}`,
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
    options: {
      copies: { type: 'string', default: '50' },
      runs: { type: 'string', default: '3' },
      tree: { type: 'string', default: 'copies' },
    },
  })
  const kinds = values.tree.split(',') as TreeKind[]
  for (const k of kinds) {
    if (!['copies', 'exchange', 'distinct'].includes(k)) throw new Error(`--tree ${k}?`)
    console.log(
      renderWebResult(await benchWebshells(Number(values.copies), Number(values.runs), k)),
    )
  }
}
