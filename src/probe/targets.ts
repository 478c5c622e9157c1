// What the user asks to probe, streamed: arguments, files of them (`-f FILE`, `-` for stdin), one or
// more per line. Each item becomes the endpoints to try in order (no scheme or port: https:443, then
// http:80), or a per-line error; the run goes on. A CIDR range is walked one address at a time, so a
// /8 costs no more memory than one host.
import { createReadStream } from 'node:fs'
import { isIPv4, isIPv6 } from 'node:net'
import { createInterface } from 'node:readline'
import type { ProbeEndpoint } from '../shared/probe.ts'
import { bigIntToIpv6, ipv4ToNumber, ipv6ToBigInt, numberToIpv4 } from './address.ts'

export interface ProbeTarget {
  /** What the user gave (the argument or the line's item). */
  input: string
  /** Endpoints to try in order until one answers HTTP. */
  candidates: ProbeEndpoint[]
  /** Stable identity for --resume: input and host (an address of a range shares its range's input). */
  key: string
}

export interface TargetError {
  input: string
  /** `-f FILE:LINE`, `stdin:LINE` or `argument`. */
  where: string
  message: string
}

export type TargetItem = { target: ProbeTarget } | { error: TargetError }

export type TargetSource = { arg: string } | { file: string } | { stdin: true }

export interface TargetOptions {
  /** `--sni NAME`: the name sent as SNI and Host for every target (an IP target then gets a name). */
  sni?: string
  /** Smallest IPv4 prefix accepted (default 8: 16.7 million addresses). */
  minPrefix4?: number
  /** Smallest IPv6 prefix accepted (default 104: 16.7 million addresses). */
  minPrefix6?: number
}

export function targetKey(input: string, host: string): string {
  return `${input}\t${host.toLowerCase()}`
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i

/** Splits a line into items: whitespace or commas separate them, `#` starts a comment. */
export function lineItems(line: string): string[] {
  const hash = line.indexOf('#')
  const text = hash >= 0 ? line.slice(0, hash) : line
  return text.split(/[\s,]+/).filter((s) => s !== '')
}

function endpoints(
  input: string,
  host: string,
  scheme: 'https' | 'http' | undefined,
  port: number | undefined,
  name: string | undefined,
): ProbeEndpoint[] {
  const ip = isIPv4(host) || isIPv6(host) ? host : undefined
  const base = { input, host, ...(ip ? { ip } : {}), ...(name ? { serverName: name } : {}) }
  if (scheme) return [{ ...base, scheme, port: port ?? (scheme === 'https' ? 443 : 80) }]
  if (port === 80) return [{ ...base, scheme: 'http', port }]
  if (port === 443) return [{ ...base, scheme: 'https', port }]
  if (port !== undefined)
    return [
      { ...base, scheme: 'https', port },
      { ...base, scheme: 'http', port },
    ]
  return [
    { ...base, scheme: 'https', port: 443 },
    { ...base, scheme: 'http', port: 80 },
  ]
}

function parsePort(s: string): number | string {
  if (!/^\d{1,5}$/.test(s)) return `"${s}" is not a port`
  const n = Number(s)
  return n >= 1 && n <= 65535 ? n : `port ${n} is out of range (1-65535)`
}

/** One item (not a range) → its target, or why it is not one. */
export function parseTarget(item: string, o: TargetOptions = {}): ProbeTarget | string {
  let scheme: 'https' | 'http' | undefined
  let host: string
  let port: number | undefined
  let urlName: string | undefined
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(item)) {
    const m = /^(https?):\/\//i.exec(item)
    if (!m) return `only http:// and https:// URLs can be probed`
    let url: URL
    try {
      url = new URL(item)
    } catch {
      return 'not a valid URL'
    }
    if (url.username || url.password)
      return 'a URL with credentials is refused (probes never authenticate)'
    scheme = m[1]!.toLowerCase() as 'https' | 'http'
    host = url.hostname.replace(/^\[|\]$/g, '')
    if (url.port) port = Number(url.port)
    if (!isIPv4(host) && !isIPv6(host)) urlName = host
  } else {
    const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(item)
    if (v6) {
      host = v6[1]!
      if (!isIPv6(host)) return `"${host}" is not an IPv6 address`
      if (v6[2] !== undefined) {
        const p = parsePort(v6[2])
        if (typeof p === 'string') return p
        port = p
      }
    } else if (isIPv6(item)) {
      host = item
    } else {
      const colon = item.lastIndexOf(':')
      host = colon >= 0 ? item.slice(0, colon) : item
      if (colon >= 0) {
        const p = parsePort(item.slice(colon + 1))
        if (typeof p === 'string') return p
        port = p
      }
      if (!isIPv4(host) && /^[\d.]+$/.test(host)) return `"${host}" is not an IPv4 address`
      if (!isIPv4(host) && !HOST_NAME.test(host)) return `"${host}" is not a host name`
      if (!isIPv4(host)) urlName = host.replace(/\.$/, '')
    }
  }
  const name = o.sni ?? urlName
  return {
    input: item,
    candidates: endpoints(item, host.toLowerCase(), scheme, port, name),
    key: targetKey(item, host),
  }
}

/** A CIDR item → its addresses one at a time, or why it is refused. */
export function parseRange(
  item: string,
  o: TargetOptions = {},
): { addresses: () => Generator<string>; count: number } | string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(item)
  if (!m) return undefined
  const base = m[1]!
  const prefix = Number(m[2])
  if (isIPv4(base)) {
    const min = o.minPrefix4 ?? 8
    if (prefix > 32) return `/${prefix} is not an IPv4 prefix`
    if (prefix < min) return `/${prefix} is larger than the largest range allowed (/${min})`
    const size = 2 ** (32 - prefix)
    const first =
      (ipv4ToNumber(base) & (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) >>> 0
    // The network and broadcast addresses of a /30 or larger are not hosts.
    const skipEnds = prefix <= 30
    return {
      count: skipEnds ? size - 2 : size,
      *addresses() {
        for (let i = skipEnds ? 1 : 0; i < (skipEnds ? size - 1 : size); i++)
          yield numberToIpv4(first + i)
      },
    }
  }
  if (isIPv6(base)) {
    const min = o.minPrefix6 ?? 104
    if (prefix > 128) return `/${prefix} is not an IPv6 prefix`
    if (prefix < min) return `/${prefix} is larger than the largest IPv6 range allowed (/${min})`
    const bits = BigInt(128 - prefix)
    const first = ipv6ToBigInt(base) & ~((1n << bits) - 1n)
    const size = 1n << bits
    return {
      count: Number(size),
      *addresses() {
        for (let i = 0n; i < size; i++) yield bigIntToIpv6(first + i)
      },
    }
  }
  return `"${base}" is not an IP address`
}

/** Every target of one item (a range expands lazily). */
export function* itemTargets(
  item: string,
  where: string,
  o: TargetOptions = {},
): Generator<TargetItem> {
  const range = parseRange(item, o)
  if (typeof range === 'string') {
    yield { error: { input: item, where, message: range } }
    return
  }
  if (range) {
    // Built by hand, not through endpoints(): a /8 is 16.7 million of these.
    const name = o.sni
    for (const addr of range.addresses()) {
      const https: ProbeEndpoint = { input: item, scheme: 'https', host: addr, ip: addr, port: 443 }
      const http: ProbeEndpoint = { input: item, scheme: 'http', host: addr, ip: addr, port: 80 }
      if (name) {
        https.serverName = name
        http.serverName = name
      }
      yield { target: { input: item, candidates: [https, http], key: `${item}\t${addr}` } }
    }
    return
  }
  const t = parseTarget(item, o)
  if (typeof t === 'string') yield { error: { input: item, where, message: t } }
  else yield { target: t }
}

/** Every target of every source, in order, streamed (files and stdin line by line). */
export async function* readTargets(
  sources: readonly TargetSource[],
  o: TargetOptions = {},
): AsyncGenerator<TargetItem> {
  for (const s of sources) {
    if ('arg' in s) {
      yield* itemTargets(s.arg, 'argument', o)
      continue
    }
    const label = 'file' in s ? s.file : 'stdin'
    const stream = 'file' in s ? createReadStream(s.file) : process.stdin
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
    let n = 0
    try {
      for await (const line of lines) {
        n++
        for (const item of lineItems(line)) yield* itemTargets(item, `${label}:${n}`, o)
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      yield {
        error: { input: label, where: label, message: `cannot read (${e.code ?? e.message})` },
      }
    } finally {
      lines.close()
      if ('file' in s) (stream as ReturnType<typeof createReadStream>).destroy()
    }
  }
}
