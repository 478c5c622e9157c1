// Issue 14 §3: `exhunt probe` (built bundle) against nmap with Microsoft's CVE-2021-26855 NSE script and
// a plain curl loop, on the same `exhunt lab` fleet: one TLS host per loopback address (127.1.x.y), one
// port (8443: in nmap's shortport.http list, so the script runs without -sV). Hosts/s, CPU seconds
// (user+sys of the tool, GNU time) and the lab process's CPU (/proc/PID/stat), and whether each tool's
// CVE-2021-26855 answer agrees with the fleet truth (truth.checks ssrf === 'vulnerable').
// Usage: npm run build && npx tsx bench/probe-vs-nmap.ts 100 1000 [--exhunt-only 10000]
// Loopback only. Needs nmap, curl, /usr/bin/time and ../shared/anchors/nmap.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const out = join(import.meta.dirname, 'out', 'probe-vs-nmap')
mkdirSync(out, { recursive: true })
const nse = join(root, '..', 'shared', 'anchors', 'nmap', 'http-vuln-cve2021-26855.nse')
if (!existsSync(nse)) throw new Error(`anchor missing: ${nse} (see ../shared/anchors/README.md)`)
const PORT = 8443
const SSRF = 'exh-probe-cve-2021-26855-ssrf'
const COOKIE =
  'Cookie: X-AnonResource=true; X-AnonResource-Backend=localhost/ecp/default.flt?~3; X-BEResource=localhost/owa/auth/logon.aspx?~3;'
// No hostile kinds: a tls-stall host would measure the tools' timeouts, not their speed.
const BUILDS = [
  '15.1.2176.2',
  '15.2.792.3,mitigation=eomt',
  '15.0.1497.2',
  '15.1.2176.9',
  '15.2.986.30',
  '15.2.2562.46',
  '14.3.513.0',
  '15.0.1497.12,mitigation=eomt',
  'not-exchange',
]

const args = process.argv.slice(2)
const onlyAt = args.indexOf('--exhunt-only')
const exhuntOnly = onlyAt >= 0 ? args.splice(onlyAt, 2).slice(1).map(Number) : []
const counts = args.map(Number).filter((n) => n > 0)

function addresses(n: number): string[] {
  // 127.1.0.1 upward, skipping .0 and .255.
  const a: string[] = []
  for (let i = 0; a.length < n; i++) {
    const lo = i % 254
    const hi = Math.floor(i / 254)
    a.push(`127.1.${hi}.${lo + 1}`)
  }
  return a
}

function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ')
  return (Number(rest[11]) + Number(rest[12])) / 100 // utime, stime in clock ticks (100/s)
}

interface Timed {
  wall: number
  cpu: number
  rssKb: number
}
// GNU time around the tool; stdout to `file`. A non-zero exit is fine (exhunt exits 2 on "vulnerable").
function timedTo(cmd: string, argv: string[], file: string, stdin?: string): Timed {
  const tf = `${file}.time`
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', tf, cmd, ...argv], {
    input: stdin,
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
    maxBuffer: 1 << 30,
    cwd: root,
  })
  writeFileSync(file, r.stdout)
  const last = readFileSync(tf, 'utf8').trim().split('\n').pop() ?? ''
  const [e, u, s, m] = last.split(' ').map(Number)
  return { wall: e ?? Number.NaN, cpu: (u ?? 0) + (s ?? 0), rssKb: m ?? 0 }
}

async function startLab(n: number) {
  const fleetFile = join(out, `fleet-${n}.json`)
  const addrs = addresses(n)
  const lab = spawn(
    process.execPath,
    [
      join(root, 'dist', 'main.mjs'),
      'lab',
      '--addresses',
      `${addrs[0]}-${addrs[n - 1]}`,
      '--count',
      String(n),
      '--port',
      String(PORT),
      '--fleet',
      fleetFile,
      ...BUILDS.flatMap((b) => ['--build', b]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let err = ''
    lab.stderr.on('data', (d: Buffer) => {
      err += d.toString()
      if (err.includes('instances up')) resolve()
    })
    lab.on('exit', (c) => reject(new Error(`lab exited ${c}: ${err}`)))
  })
  const fleet = JSON.parse(readFileSync(fleetFile, 'utf8')) as {
    instances: { host: string; truth: { checks: Record<string, string> } }[]
  }
  const truth = new Map(fleet.instances.map((i) => [i.host, i.truth.checks[SSRF] === 'vulnerable']))
  return { lab, addrs, truth }
}

interface Row {
  tool: string
  hosts: number
  wall: number
  cpu: number
  labCpu: number
  rssMb: number
  agree: string
}
const rows: Row[] = []
function agree(truth: Map<string, boolean>, said: Map<string, boolean>): string {
  let ok = 0
  for (const [h, v] of truth) if ((said.get(h) ?? false) === v) ok++
  return `${ok}/${truth.size}`
}

async function one(n: number, tools: string[]) {
  const { lab, addrs, truth } = await startLab(n)
  const pid = lab.pid!
  try {
    const targets = addrs.map((a) => `https://${a}:${PORT}`).join('\n')
    for (const tool of tools) {
      const file = join(out, `${tool}-${n}.out`)
      const c0 = cpuOf(pid)
      let t: Timed
      const said = new Map<string, boolean>()
      if (tool.startsWith('exhunt')) {
        const level = tool === 'exhunt-safe' ? 'safe' : 'passive'
        t = timedTo(
          process.execPath,
          [
            join(root, 'dist', 'main.mjs'),
            'probe',
            '--checks',
            level,
            '--format',
            'ndjson',
            '--no-progress',
            '-f',
            '-',
          ],
          file,
          `${targets}\n`,
        )
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          if (!line.startsWith('{"') || line.includes('"kind":"probe"')) continue
          const r = JSON.parse(line)
          if (!r.target?.ip) continue
          // safe: the check's outcome; passive: the build misses the fix (the only thing it can say).
          const v =
            level === 'safe'
              ? r.checks?.some(
                  (c: { id: string; outcome: string }) =>
                    c.id === SSRF && c.outcome === 'vulnerable',
                )
              : r.missing?.some((m: { cve: string }) => m.cve === 'CVE-2021-26855')
          said.set(r.target.ip, Boolean(v))
        }
      } else if (tool === 'nmap') {
        t = timedTo('nmap', ['-Pn', '-n', '-p', String(PORT), '--script', nse, ...addrs], file)
        let host = ''
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          const m = /^Nmap scan report for (\S+)/.exec(line)
          if (m) host = m[1]!
          if (line.includes('State: VULNERABLE')) said.set(host, true)
        }
      } else {
        // curl: Microsoft's request per host, 2 at a time; prints host and the X-CalculatedBETarget value.
        const script = `h="$1"; v=$(curl -sk -o /dev/null -D - --max-time 10 -H '${COOKIE}' "https://$h:${PORT}/owa/auth/x.js" | tr -d '\\r' | grep -i '^x-calculatedbetarget:' | grep -c localhost); echo "$h $v"`
        t = timedTo(
          'sh',
          ['-c', `xargs -P 2 -n 1 sh -c '${script.replace(/'/g, `'\\''`)}' _`],
          file,
          `${addrs.join('\n')}\n`,
        )
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          const [h, v] = line.split(' ')
          if (h) said.set(h, v === '1')
        }
      }
      const labCpu = cpuOf(pid) - c0
      const row = {
        tool,
        hosts: n,
        wall: t.wall,
        cpu: t.cpu,
        labCpu,
        rssMb: t.rssKb / 1024,
        agree: agree(truth, said),
      }
      rows.push(row)
      console.log(
        `${tool.padEnd(14)} ${String(n).padStart(6)} hosts  ${t.wall.toFixed(2)} s wall  ${(n / t.wall).toFixed(1)} hosts/s  cpu ${t.cpu.toFixed(2)} s  lab cpu ${labCpu.toFixed(2)} s  rss ${row.rssMb.toFixed(0)} MB  agree ${row.agree}  load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      )
    }
  } finally {
    lab.kill('SIGTERM')
    await new Promise((r) => lab.once('exit', r))
  }
}

for (const n of counts) await one(n, ['exhunt-passive', 'exhunt-safe', 'nmap', 'curl'])
for (const n of exhuntOnly) await one(n, process.env.SAFE ? ['exhunt-safe'] : ['exhunt-passive'])
for (const n of [...counts]) {
  const hs = (tool: string) => {
    const r = rows.find((x) => x.tool === tool && x.hosts === n)
    return r ? n / r.wall : Number.NaN
  }
  console.log(
    `${n} hosts: exhunt-safe/nmap ${(hs('exhunt-safe') / hs('nmap')).toFixed(1)}x, exhunt-safe/curl ${(hs('exhunt-safe') / hs('curl')).toFixed(1)}x; passive/nmap ${(hs('exhunt-passive') / hs('nmap')).toFixed(1)}x, passive/curl ${(hs('exhunt-passive') / hs('curl')).toFixed(1)}x`,
  )
}
