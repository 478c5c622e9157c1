// `npx tsx bench/evtx-vs-evtxexport.ts [--copies 4] [--runs 3]`: our EVTX reader side by side with
// libevtx's evtxexport (Debian libevtx-utils) and python-evtx (Debian python3-evtx) on the same files:
// every .evtx of ../shared/corpus/evtx, listed --copies times (--only exhunt,evtxexport: a subset). Each tool prints every record as XML to
// /dev/null (exhunt also as NDJSON, what the hunt's engines see). Records are counted once per tool in a
// first run with its output kept. The machine is shared: user+system CPU seconds (GNU time) are the
// figure to compare, wall clock is printed beside them.
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureBundle, ROOT } from './lib/exhunt-cli.ts'
import { machineLine } from './lib/sysinfo.ts'
import { markdownTable } from './lib/table.ts'

const { values } = parseArgs({
  options: {
    copies: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    'python-copies': { type: 'string', default: '1' },
    /** Comma-separated tool name prefixes to run (exhunt, evtxexport, python); default all. */
    only: { type: 'string' },
  },
})
const copies = Number(values.copies)
const runs = Number(values.runs)
const pyCopies = Number(values['python-copies'])

const CORPUS = process.env.EXHUNT_CORPUS ?? join(ROOT, '..', 'shared', 'corpus')
const EVTX_DIR = join(CORPUS, 'evtx')

function evtxFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...evtxFiles(p))
    else if (e.name.endsWith('.evtx')) out.push(p)
  }
  return out
}

interface Usage {
  wall: number
  cpu: number
  user: number
  rssMb: number
}

/** One run under GNU time, output to `out` (a file, or /dev/null); returns CPU and wall seconds. */
function timed(script: string, args: readonly string[], out: string): Usage {
  const tf = join(tmpdir(), `evtx-bench-time-${process.pid}.txt`)
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %U %S %M', '-o', tf, 'sh', '-c', `${script} > "$OUT" 2>/dev/null`, 'sh', ...args],
    {
      env: { ...process.env, OUT: out },
      stdio: 'ignore',
    },
  )
  if (r.error) throw r.error
  const [e, u, s, m] = readFileSync(tf, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
  rmSync(tf, { force: true })
  return { wall: e!, user: u!, cpu: u! + s!, rssMb: m! / 1024 }
}

interface Tool {
  name: string
  /** A shell script over "$@" (the files); stdout is the records. */
  script: string
  /** Records in its output. */
  count: (outFile: string) => number
  copies: number
}

const countLines = (re: RegExp) => (f: string) => {
  let n = 0
  for (const line of readFileSync(f, 'utf8').split('\n')) if (re.test(line)) n++
  return n
}

const node = process.execPath
const bin = join(ROOT, 'bin', 'exhunt.js')
const allTools: Tool[] = [
  {
    name: 'exhunt dump --ndjson',
    script: `"${node}" "${bin}" dump --ndjson "$@"`,
    count: countLines(/^\{"eventId"/),
    copies,
  },
  {
    name: 'exhunt dump --xml',
    script: `"${node}" "${bin}" dump --xml "$@"`,
    count: countLines(/^(<Event xmlns=|<!-- record)/),
    copies,
  },
  {
    name: 'evtxexport -f xml (libevtx 20181227)',
    script: 'for f in "$@"; do evtxexport -f xml "$f"; done',
    count: countLines(/^<Event xmlns=/),
    copies,
  },
  {
    name: 'python-evtx 0.6.1 (evtx_dump.py)',
    script: 'for f in "$@"; do evtx_dump.py "$f"; done',
    count: countLines(/^<Event xmlns=/),
    copies: pyCopies,
  },
]

const only = values.only?.split(',').map((s) => s.trim())
const tools = allTools.filter((t) => !only || only.some((o) => t.name.startsWith(o)))

const missing = ['evtxexport', 'evtx_dump.py'].filter(
  (b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0,
)
if (missing.length) {
  console.error(`missing ${missing.join(', ')}: apt-get install libevtx-utils python3-evtx`)
  process.exit(2)
}
ensureBundle()
const files = evtxFiles(EVTX_DIR)
if (files.length === 0) {
  console.error(`no .evtx under ${EVTX_DIR}`)
  process.exit(2)
}
const bytes1 = files.reduce((s, f) => s + statSync(f).size, 0)
console.log(`${files.length} files, ${(bytes1 / 1e6).toFixed(1)} MB (${EVTX_DIR})`)
console.log(machineLine())

const rows: string[][] = []
const results: { name: string; rps: number; rpsCpu: number }[] = []
for (const t of tools) {
  const list = Array.from({ length: t.copies }, () => files).flat()
  const outFile = join(tmpdir(), `evtx-bench-out-${process.pid}.txt`)
  timed(t.script, files, outFile) // counting run (one copy), warms the page cache
  const records1 = t.count(outFile)
  rmSync(outFile, { force: true })
  const samples: Usage[] = []
  for (let i = 0; i < runs; i++) samples.push(timed(t.script, list, '/dev/null'))
  const med = (k: keyof Usage) =>
    [...samples].map((s) => s[k]).sort((a, b) => a - b)[Math.floor(samples.length / 2)]!
  const cpu = med('cpu')
  const wall = med('wall')
  const records = records1 * t.copies
  const bytes = bytes1 * t.copies
  results.push({ name: t.name, rps: records / wall, rpsCpu: records / cpu })
  rows.push([
    t.name,
    String(records1),
    `${(bytes / 1e6).toFixed(0)}`,
    wall.toFixed(2),
    cpu.toFixed(2),
    (bytes / 1e6 / cpu).toFixed(1),
    Math.round(records / cpu).toLocaleString('en-US'),
    Math.round(records / wall).toLocaleString('en-US'),
    med('rssMb').toFixed(0),
  ])
}
const anchor = results.find((r) => r.name.startsWith('evtxexport'))
for (const [i, r] of results.entries())
  rows[i]!.push(anchor ? `${(r.rpsCpu / anchor.rpsCpu).toFixed(1)}x` : '-')

console.log()
console.log(
  markdownTable(
    [
      'tool',
      'records (1 copy)',
      'MB read',
      'wall s',
      'CPU s (user+sys)',
      'MB/CPU-s',
      'records/CPU-s',
      'records/wall-s',
      'peak RSS MB',
      'vs evtxexport (records/CPU-s)',
    ],
    rows,
  ),
)
console.log(
  `\nmedian of ${runs} runs; exhunt and evtxexport over ${copies} copies of the file list, python-evtx over ${pyCopies}`,
)
console.log(
  `evtxexport: ${execFileSync('sh', ['-c', 'evtxexport -V 2>&1 | head -1']).toString().trim()}`,
)
