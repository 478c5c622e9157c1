// IP addresses and prefixes as (family, 128-bit integer) keys, parsed with ipaddr.js. Strict on
// purpose: ipaddr.js's IPv4 parser also takes `1`, `0x7f.1` and other inet_aton forms, which no
// contact file means; an IPv4-mapped IPv6 address (::ffff:192.0.2.1) is its IPv4 address.
import ipaddr from 'ipaddr.js'

export type Family = 4 | 6

export interface IpKey {
  family: Family
  value: bigint
}

export interface Prefix extends IpKey {
  /** Prefix length in bits (32 for one IPv4 address, 128 for one IPv6 address). */
  bits: number
}

const bitsOf = (family: Family) => (family === 4 ? 32 : 128)

function toBig(bytes: number[]): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

function parseAddress(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s)
  if (s.includes(':') && ipaddr.IPv6.isValid(s)) {
    const v6 = ipaddr.IPv6.parse(s)
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6
  }
  return undefined
}

/** One address, or undefined when `s` is not a plain IPv4 dotted quad or IPv6 address. */
export function parseIp(s: string): IpKey | undefined {
  const a = parseAddress(s.trim())
  if (!a) return undefined
  return { family: a.kind() === 'ipv4' ? 4 : 6, value: toBig(a.toByteArray()) }
}

/** `192.0.2.0/24`, `2001:db8::/32` or a single address (a full-length prefix); host bits are cleared. */
export function parsePrefix(s: string): Prefix | undefined {
  const t = s.trim()
  const slash = t.indexOf('/')
  if (slash === -1) {
    const ip = parseIp(t)
    return ip && { ...ip, bits: bitsOf(ip.family) }
  }
  const ip = parseIp(t.slice(0, slash))
  const lenText = t.slice(slash + 1)
  if (!ip || !/^\d{1,3}$/.test(lenText)) return undefined
  let bits = Number(lenText)
  // ::ffff:192.0.2.0/120 is 192.0.2.0/24 once the address became IPv4.
  if (ip.family === 4 && t.slice(0, slash).includes(':')) bits -= 96
  if (bits < 0 || bits > bitsOf(ip.family)) return undefined
  return { family: ip.family, value: maskTo(ip.value, ip.family, bits), bits }
}

export function maskTo(value: bigint, family: Family, bits: number): bigint {
  const width = BigInt(bitsOf(family))
  const host = width - BigInt(bits)
  return (value >> host) << host
}

export function formatPrefix(p: Prefix): string {
  const bytes: number[] = []
  const n = p.family === 4 ? 4 : 16
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((p.value >> BigInt(i * 8)) & 0xffn))
  const addr = ipaddr.fromByteArray(bytes).toString()
  return p.bits === bitsOf(p.family) ? addr : `${addr}/${p.bits}`
}
