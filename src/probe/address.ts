// IP addresses as numbers, for CIDR ranges walked one address at a time (a /8 is never a list) and
// for the per-network rate limit key (/24 for IPv4, /64 for IPv6).
import { isIPv4, isIPv6 } from 'node:net'
import { ipv6Text } from '../detect/ioc/ip.ts'

export function ipv4ToNumber(ip: string): number {
  const p = ip.split('.').map(Number)
  return (((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!) >>> 0
}

export function numberToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

/** The eight 16-bit groups of an IPv6 address (with `::` and an embedded IPv4 tail expanded). */
function ipv6Groups(ip: string): number[] {
  let s = ip
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (v4) {
    const n = ipv4ToNumber(v4[1]!)
    s = `${s.slice(0, v4.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined]
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0')
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g, 16))
}

export function ipv6ToBigInt(ip: string): bigint {
  let n = 0n
  for (const g of ipv6Groups(ip)) n = (n << 16n) | BigInt(g)
  return n
}

/** RFC 5952 text: lower case, longest run of zero groups as `::`. */
export function bigIntToIpv6(n: bigint): string {
  const g: number[] = []
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn))
  return ipv6Text(g)
}

/** The network an address belongs to for the per-network rate limit: its /24 (IPv4) or /64 (IPv6). */
export function networkKey(host: string): string {
  if (isIPv4(host)) return `${numberToIpv4(ipv4ToNumber(host) & 0xffffff00)}/24`
  if (isIPv6(host)) {
    const n = ipv6ToBigInt(host) & ~((1n << 64n) - 1n)
    return `${bigIntToIpv6(n)}/64`
  }
  // A host name: its own bucket (its addresses are only known once undici resolves it).
  return host.toLowerCase()
}
