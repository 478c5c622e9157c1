// `npm run bench`: check the anchors are installed, run both benches, print one ratio table.
// Options: --size 1G (log set), --copies 50 (web tree), --runs 3.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseSize } from './gen-logs.ts'
import { ROOT } from './lib/exhunt-cli.ts'
import { machineLine } from './lib/sysinfo.ts'
import { fixed, markdownTable, mbps } from './lib/table.ts'
import { type BenchResult, benchLogs, renderResult } from './logs-vs-ripgrep.ts'
import { benchWebshells, renderWebResult } from './webshells-vs-yara.ts'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1G' },
    copies: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
  },
})

const missing = ['rg', 'yara', 'yarac', 'python3'].filter(
  (b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0,
)
if (missing.length > 0) {
  console.log(`missing ${missing.join(', ')}: running bench/setup.sh`)
  const r = spawnSync('bash', [join(ROOT, 'bench', 'setup.sh')], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const runs = Number(values.runs)
const logs = await benchLogs(parseSize(values.size!), runs, values.size!)
console.log(renderResult(logs))
const web = await benchWebshells(Number(values.copies), runs)
console.log(renderWebResult(web))

/** One line per anchor: exhunt's speed-up over it (anchor seconds / exhunt seconds, same input). */
function ratios(r: BenchResult, what: string): string[][] {
  const ex = r.rows[0]
  return r.rows.slice(1).map((row) => {
    const t = row.timed!
    const exMbps = ex?.timed ? mbps(ex.bytes, ex.timed.seconds) : 'pending'
    const speedUp = ex?.timed
      ? `${fixed(t.seconds / row.bytes / (ex.timed.seconds / ex.bytes))}x`
      : 'pending'
    const exRss = ex?.timed ? ex.timed.rssMb.toFixed(0) : 'pending'
    return [what, row.tool, exMbps, mbps(row.bytes, t.seconds), speedUp, exRss, t.rssMb.toFixed(0)]
  })
}

console.log(`### Summary\n${machineLine()}\n`)
console.log(
  markdownTable(
    [
      'bench',
      'anchor',
      'exhunt MB/s',
      'anchor MB/s',
      'exhunt speed-up',
      'exhunt RSS MB',
      'anchor RSS MB',
    ],
    [...ratios(logs, 'logs'), ...ratios(web, 'web files')],
  ),
)
