// Deterministic generator of an Exchange log set in a mounted-drive layout (bench/out/, gitignored):
// HttpProxy CSV logs for six protocols plus IIS W3C logs, ~100 MB per file, with attack lines planted
// about once per 10 MB overall. Writes planted.json (file, line, kind, token) next to the `C` folder.
// Run: npx tsx bench/gen-logs.ts [--size 1G] [--seed 42] [--out bench/out/logs-1G]
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { type Planted, plantHttpProxy, plantIis } from './lib/attacks.ts'
import {
  httpProxyHeader,
  httpProxyLine,
  iisHeader,
  iisLine,
  type Proto,
} from './lib/exchange-lines.ts'
import { createRng, type Rng } from './lib/prng.ts'

export interface PlantedAt extends Planted {
  file: string
  lineNo: number
}

export interface LogSet {
  dir: string
  bytes: number
  files: number
  seed: number
  planted: PlantedAt[]
}

const FILE_BYTES = 100 * 1024 * 1024
const PLANT_EVERY = 5 * 1024 * 1024 // in the files that get plants (half the bytes): ~1 per 10 MB overall
const HP_DIR = 'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy'
const IIS_DIR = 'C/inetpub/logs/LogFiles/W3SVC1'
// Share of the bytes per log folder: MAPI and EWS dominate a real CAS; IIS logs every request again.
const SHARES: ReadonlyArray<[Proto | 'IIS', number]> = [
  ['Mapi', 0.22],
  ['Ews', 0.14],
  ['Owa', 0.1],
  ['Eas', 0.08],
  ['Autodiscover', 0.06],
  ['Ecp', 0.05],
  ['IIS', 0.35],
]
const PLANTED_IN = new Set<string>(['Owa', 'Ecp', 'Autodiscover', 'IIS'])
const START = Date.UTC(2023, 0, 6)

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(s.trim())
  if (!m) throw new Error(`bad size "${s}" (use e.g. 200M, 1G, 5G)`)
  const mult = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2]!.toUpperCase()]!
  return Math.round(Number(m[1]) * mult)
}

const pad = (n: number): string => String(n).padStart(2, '0')

function fileName(group: Proto | 'IIS', index: number): string {
  if (group === 'IIS') {
    const d = new Date(START + index * 86_400_000)
    return join(
      IIS_DIR,
      `u_ex${String(d.getUTCFullYear()).slice(2)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}.log`,
    )
  }
  const d = new Date(START + index * 3_600_000)
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}`
  return join(HP_DIR, group, `HttpProxy_${stamp}-1.LOG`)
}

function writeFile(
  root: string,
  group: Proto | 'IIS',
  index: number,
  size: number,
  r: Rng,
  out: PlantedAt[],
): void {
  const rel = fileName(group, index)
  const path = join(root, rel)
  mkdirSync(dirname(path), { recursive: true })
  const fd = openSync(path, 'w')
  const span = group === 'IIS' ? 86_400_000 : 3_600_000
  const t0 = START + index * span
  const header =
    group === 'IIS'
      ? iisHeader(new Date(t0).toISOString().slice(0, 19).replace('T', ' '))
      : httpProxyHeader(new Date(t0).toISOString())
  let written = Buffer.byteLength(header)
  writeSync(fd, header)
  let lineNo = header.split('\r\n').length - 1
  let nextPlant = PLANTED_IN.has(group)
    ? PLANT_EVERY / 2 + r.int(PLANT_EVERY)
    : Number.POSITIVE_INFINITY
  let batch: string[] = []
  let batchBytes = 0
  let n = 0
  while (written + batchBytes < size) {
    // Time follows the bytes written, so each file covers its hour (HttpProxy) or day (IIS) evenly.
    const when = new Date(t0 + Math.floor((span * (written + batchBytes)) / size))
    let line: string
    if (written + batchBytes >= nextPlant) {
      const p = group === 'IIS' ? plantIis(r, when, out.length) : plantHttpProxy(r, group, when)
      out.push({ ...p, file: rel, lineNo: lineNo + 1 })
      line = p.line
      nextPlant += PLANT_EVERY / 2 + r.int(PLANT_EVERY)
    } else {
      line = group === 'IIS' ? iisLine(r, when) : httpProxyLine(r, group, when)
    }
    batch.push(line)
    batchBytes += line.length + 2
    lineNo++
    if (++n % 20_000 === 0) {
      writeSync(fd, `${batch.join('\r\n')}\r\n`)
      written += batchBytes
      batch = []
      batchBytes = 0
    }
  }
  if (batch.length > 0) writeSync(fd, `${batch.join('\r\n')}\r\n`)
  closeSync(fd)
}

/** Generate (or reuse, when planted.json says the same size and seed) the log set under `dir`. */
export function generateLogSet(dir: string, size: number, seed = 42): LogSet {
  const manifest = join(dir, 'planted.json')
  if (existsSync(manifest)) {
    const old = JSON.parse(readFileSync(manifest, 'utf8')) as LogSet
    if (old.bytes === size && old.seed === seed) return { ...old, dir }
  }
  rmSync(dir, { recursive: true, force: true })
  const r = createRng(seed)
  const planted: PlantedAt[] = []
  let files = 0
  for (const [group, share] of SHARES) {
    let left = Math.round(size * share)
    for (let i = 0; left > 0; i++) {
      const chunk = Math.min(FILE_BYTES, left)
      writeFile(dir, group, i, chunk, r, planted)
      left -= chunk
      files++
    }
  }
  const set: LogSet = { dir, bytes: size, files, seed, planted }
  writeFileSync(manifest, JSON.stringify(set))
  return set
}

export function plantedSummary(set: LogSet): string {
  const counts = new Map<string, number>()
  for (const p of set.planted) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1)
  return [...counts].map(([k, v]) => `${k}=${v}`).join(' ')
}

if (process.argv[1] && relative(process.argv[1], new URL(import.meta.url).pathname) === '') {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '1G' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
    },
  })
  const size = parseSize(values.size!)
  const dir =
    values.out ?? join(dirname(new URL(import.meta.url).pathname), 'out', `logs-${values.size}`)
  const t = Date.now()
  const set = generateLogSet(dir, size, Number(values.seed))
  console.log(
    `${set.files} files, ${(size / 2 ** 20).toFixed(0)} MiB in ${dir} (${((Date.now() - t) / 1000).toFixed(1)} s)`,
  )
  console.log(`planted ${set.planted.length}: ${plantedSummary(set)}`)
}
