// IP → AS number and organisation from @ip-location-db/asn (CC BY 4.0: RouteViews, NRO and DB-IP;
// https://github.com/sapics/ip-location-db). The package ships inclusive ranges, not prefixes,
// sorted by start: `asn-ipv4-num.csv` / `asn-ipv6-num.csv` rows are
// `start,end,asn,"organisation"` with the addresses as integers (no address parsing per row).
// Its author marks the npm copy as buggy and no longer updated (checked on 2.3.2026061719: 411,960
// IPv4 and 103,196 IPv6 rows, one IPv4 range overlapping the one before it, 78,282 IPv4 ranges that
// are not one CIDR block), so nothing here trusts order or disjointness: the file is streamed once
// (constant memory whatever its size), every row is tested against the sorted target addresses by
// binary search, and where ranges overlap the narrowest one containing an address wins (the longest
// prefix). A newer copy from the project's GitHub releases can be given as `dir`.
import { createReadStream, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseCsvLine } from '../../sources/logs/csv-line.ts'
import type { Family, IpKey } from './ip.ts'

export const ASN_ATTRIBUTION =
  'AS data: RouteViews (routeviews.org), NRO (nro.net) and IP to ASN Lite by DB-IP (https://db-ip.com), CC BY 4.0, via ip-location-db'

export interface AsnHit {
  asn: number
  organisation: string
  /** The range that matched, `start-end` as integers of the file. */
  range: string
}

export interface AsnLookup {
  /** Key: `ipKeyString(ip)`. */
  hits: Map<string, AsnHit>
  /** Rows that could not be read, per file, with their line; the stream goes on. */
  issues: { file: string; line: number; message: string }[]
  rowsRead: number
}

export const ipKeyString = (ip: IpKey) => `${ip.family}:${ip.value.toString(16)}`

/** The folder of the installed @ip-location-db/asn package. */
export function defaultAsnDir(): string {
  return dirname(fileURLToPath(import.meta.resolve('@ip-location-db/asn/package.json')))
}

/** The version of the shipped AS data (its date is the last part: 2.3.2026061719 is 2026-06-17). */
export async function asnDataVersion(): Promise<string> {
  const pkg = await import('@ip-location-db/asn/package.json', { with: { type: 'json' } })
  return String(pkg.default.version)
}

const FILES: Record<Family, string> = { 4: 'asn-ipv4-num.csv', 6: 'asn-ipv6-num.csv' }

/** First index of `sorted` whose value is >= x. */
function lowerBound(sorted: bigint[], x: bigint): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as bigint) < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

export async function lookupAsns(ips: readonly IpKey[], dir = defaultAsnDir()): Promise<AsnLookup> {
  const out: AsnLookup = { hits: new Map(), issues: [], rowsRead: 0 }
  for (const family of [4, 6] as const) {
    const wanted = [...new Set(ips.filter((i) => i.family === family).map((i) => i.value))].sort(
      (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    )
    if (wanted.length === 0) continue
    const file = join(dir, FILES[family])
    if (!existsSync(file)) {
      out.issues.push({ file, line: 0, message: 'ASN range file not found' })
      continue
    }
    const widths = new Map<bigint, bigint>()
    let line = 0
    const lines = createInterface({
      input: createReadStream(file),
      crlfDelay: Number.POSITIVE_INFINITY,
    })
    for await (const text of lines) {
      line++
      if (text.length === 0) continue
      const cells = parseCsvLine(text)
      const [s, e, a, org] = cells
      if (!s || !e || !a || !/^\d+$/.test(s) || !/^\d+$/.test(e) || !/^\d+$/.test(a)) {
        if (out.issues.length < 100)
          out.issues.push({ file, line, message: 'not start,end,asn,organisation' })
        continue
      }
      out.rowsRead++
      const start = BigInt(s)
      const end = BigInt(e)
      if (end < start) {
        if (out.issues.length < 100)
          out.issues.push({ file, line, message: 'range ends before it starts' })
        continue
      }
      const width = end - start
      for (let i = lowerBound(wanted, start); i < wanted.length; i++) {
        const v = wanted[i] as bigint
        if (v > end) break
        const best = widths.get(v)
        if (best !== undefined && best <= width) continue
        widths.set(v, width)
        out.hits.set(ipKeyString({ family, value: v }), {
          asn: Number(a),
          organisation: (org ?? '').trim(),
          range: `${s}-${e}`,
        })
      }
    }
  }
  return out
}
