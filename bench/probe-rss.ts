// Peak RSS of a probe run as the target count grows: N targets (a file of N lines, streamed as the CLI
// streams it) against one HTTPS server on 127.0.0.1 in a child process (its memory is not counted).
// Every target is its own endpoint: its own pool, TCP connection and TLS handshake, like N hosts.
// Usage: npx tsx bench/probe-rss.ts 1000 10000 [--engine double|real] [--concurrency 64]
// Loopback only. Prints one line per N: targets, seconds, targets/s, peak RSS (process.resourceUsage).
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runProbe } from '../src/probe/run.ts'
import { readTargets } from '../src/probe/targets.ts'
import type { CompiledProbe } from '../src/shared/probe.ts'

const args = process.argv.slice(2)
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? (args.splice(i, 2)[1] ?? dflt) : dflt
}
const engine = flag('--engine', 'double')
const concurrency = Number(flag('--concurrency', '64'))
const counts = args.map(Number).filter((n) => n > 0)
if (counts.length !== 1) {
  // One count per process, so each peak RSS is that run's own: re-run this script per count.
  for (const n of counts.length ? counts : [1000, 10000]) {
    await new Promise<void>((resolve) => {
      const c = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          import.meta.filename,
          String(n),
          '--engine',
          engine,
          '--concurrency',
          String(concurrency),
        ],
        { stdio: 'inherit' },
      )
      c.on('exit', () => resolve())
    })
  }
  process.exit(0)
}
const n = counts[0]!

const SERVER = `
import { createServer } from 'node:https'
import { readFileSync } from 'node:fs'
const dir = process.argv[1]
const s = createServer({ key: readFileSync(dir + '/probe-test.key'), cert: readFileSync(dir + '/probe-test.crt') }, (req, res) => {
  res.setHeader('X-OWA-Version', '15.1.2176.2')
  res.writeHead(req.url === '/owa/' ? 302 : 200, { location: '/owa/auth/logon.aspx' })
  res.end('<html>logon</html>')
})
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'))
`
const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'probe')
const server = spawn(process.execPath, ['--input-type=module', '-e', SERVER, fixtures], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
const port = await new Promise<number>((resolve) =>
  server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
)
const out = join(import.meta.dirname, 'out')
mkdirSync(out, { recursive: true })
const file = join(out, `probe-targets-${n}.txt`)
writeFileSync(file, `https://127.0.0.1:${port}\n`.repeat(n))

let compiled: CompiledProbe
if (engine === 'real') {
  const { loadContent } = await import('../src/content/load.ts')
  const { contentRoot } = await import('../src/content/root.ts')
  const { compiledProbe } = await import('../src/probe/probe.ts')
  compiled = compiledProbe(loadContent(contentRoot(), { yara: false, nativeRules: false }))
} else {
  const { doubleEngine } = await import('../test/probe/session.test-helper.ts')
  compiled = doubleEngine().compiled
}

const t0 = performance.now()
let done = 0
const cpu0 = process.cpuUsage()
const summary = await runProbe(readTargets([{ file }]), {
  compiled,
  level: engine === 'real' ? 'safe' : 'passive',
  concurrency,
  onResult: () => {
    done++
  },
})
const s = (performance.now() - t0) / 1000
const cpu = process.cpuUsage(cpu0)
const rss = process.resourceUsage().maxRSS / 1024
console.log(
  `targets ${n}  engine ${engine}  concurrency ${concurrency}  done ${done}  requests ${summary.requests}  ${s.toFixed(1)} s  ${(n / s).toFixed(0)} targets/s  cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s  peak RSS ${rss.toFixed(0)} MiB  verdicts ${JSON.stringify(summary.verdicts)}`,
)
server.kill()
