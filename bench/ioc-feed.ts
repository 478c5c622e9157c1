// A hunt of the demo with a user IOC feed of 100,000 indicators (and 20,000), against the same hunt
// without a feed: what a large feed costs, and that the findings of its planted hits are there.
// Usage: npx tsx bench/ioc-feed.ts [--sizes 20000,100000] [--runs 3]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { EXHUNT, ensureBundle, ROOT } from './lib/exhunt-cli.ts'
import { DEMO_HITS, iocFeed } from './lib/ioc-feed.ts'
import { measure } from './lib/measure.ts'
import { machineLine } from './lib/sysinfo.ts'
import { markdownTable } from './lib/table.ts'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20000,100000' },
    runs: { type: 'string', default: '3' },
  },
})
const runs = Number(values.runs)
const out = join(ROOT, 'bench', 'out')
mkdirSync(out, { recursive: true })
ensureBundle()

const demo = join(ROOT, 'demo', 'evidence')
const rows: string[][] = []
for (const size of [0, ...values.sizes!.split(',').map(Number)]) {
  const args = [EXHUNT, 'hunt', demo, '--format', 'json', '--no-progress']
  if (size > 0) {
    const feed = join(out, `ioc-feed-${size}.txt`)
    writeFileSync(feed, iocFeed(size))
    args.push('--ioc', feed)
  }
  const report = join(out, `ioc-feed-${size}.json`)
  args.push('-o', report)
  const times: number[] = []
  let rss = 0
  for (let i = 0; i < runs; i++) {
    const r = await measure(process.execPath, args)
    if (r.code !== 0 && r.code !== 1) throw new Error(`exhunt exit ${r.code}: ${r.stderr}`)
    times.push(r.seconds)
    rss = Math.max(rss, r.rssMb)
  }
  times.sort((a, b) => a - b)
  const findings = (JSON.parse(readFileSync(report, 'utf8')) as { findings: { rule: string }[] })
    .findings
  const iocHits = findings.filter((f) => f.rule.startsWith('ioc:')).length
  rows.push([
    size === 0 ? 'none' : size.toLocaleString('en'),
    times[Math.floor(times.length / 2)]!.toFixed(2),
    rss.toFixed(0),
    String(findings.length),
    String(iocHits),
  ])
}
console.log(`### Demo hunt with a user IOC feed, median of ${runs}\n${machineLine()}\n`)
console.log(
  `Feed: domains, IPv4 addresses and URL paths; the demo holds ${DEMO_HITS.join(', ')}.\n`,
)
console.log(markdownTable(['feed', 'seconds', 'peak RSS MB', 'findings', 'IOC findings'], rows))
