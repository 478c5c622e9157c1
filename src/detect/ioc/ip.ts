// Small IP address validators and CIDR tests (no dependency): enough to read feeds and log columns.

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

export function isIpv4(s: string): boolean {
  return s.length <= 15 && V4.test(s)
}

/** The 8 groups of an IPv6 address, or null. Accepts `::` compression and a dotted IPv4 tail. */
export function ipv6Groups(s: string): number[] | null {
  if (s.length < 2 || s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return null
  const dbl = s.indexOf('::')
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return null
  const parse = (part: string): number[] | null => {
    if (part === '') return []
    const out: number[] = []
    const pieces = part.split(':')
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i] as string
      if (i === pieces.length - 1 && p.includes('.')) {
        if (!isIpv4(p)) return null
        const o = p.split('.').map(Number) as [number, number, number, number]
        out.push((o[0] << 8) | o[1], (o[2] << 8) | o[3])
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null
        out.push(Number.parseInt(p, 16))
      }
    }
    return out
  }
  if (dbl === -1) {
    const g = parse(s)
    return g && g.length === 8 ? g : null
  }
  const head = parse(s.slice(0, dbl))
  const tail = parse(s.slice(dbl + 2))
  if (!head || !tail || head.length + tail.length > 7) return null
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
}

export function isIpv6(s: string): boolean {
  return ipv6Groups(s) !== null
}

/** RFC 5952 text form (lowercase, longest zero run compressed), the form logs write. */
export function canonicalIpv6(s: string): string | null {
  const g = ipv6Groups(s)
  return g ? ipv6Text(g) : null
}

/** Eight 16-bit groups as RFC 5952 text: lowercase, the longest run of two or more zero groups as `::`. */
export function ipv6Text(g: readonly number[]): string {
  let bestAt = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen) {
      bestAt = i
      bestLen = j - i
    }
    i = j
  }
  const hex = g.map((n) => n.toString(16))
  if (bestAt === -1) return hex.join(':')
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`
}

export interface Cidr {
  v6: boolean
  /** Address as 8 (v6) or 2 (v4, 16-bit halves) groups of 16 bits. */
  groups: number[]
  prefix: number
}

function groupsOf(ip: string): { v6: boolean; groups: number[] } | null {
  if (isIpv4(ip)) {
    const o = ip.split('.').map(Number) as [number, number, number, number]
    return { v6: false, groups: [(o[0] << 8) | o[1], (o[2] << 8) | o[3]] }
  }
  const g = ipv6Groups(ip)
  return g ? { v6: true, groups: g } : null
}

export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf('/')
  if (slash === -1 || !/^\d{1,3}$/.test(s.slice(slash + 1))) return null
  const base = groupsOf(s.slice(0, slash))
  const prefix = Number(s.slice(slash + 1))
  if (!base || prefix > (base.v6 ? 128 : 32)) return null
  return { ...base, prefix }
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const a = groupsOf(ip)
  if (!a || a.v6 !== c.v6) return false
  let bits = c.prefix
  for (let i = 0; i < c.groups.length && bits > 0; i++) {
    const take = Math.min(16, bits)
    const mask = (0xffff << (16 - take)) & 0xffff
    if (((a.groups[i] as number) & mask) !== ((c.groups[i] as number) & mask)) return false
    bits -= take
  }
  return true
}

/** A literal text prefix every address in the block starts with (for the log prefilter). */
export function cidrNeedle(c: Cidr, text: string): string {
  const addr = text.slice(0, text.indexOf('/')).toLowerCase()
  if (!c.v6) {
    const whole = Math.floor(c.prefix / 8)
    if (whole === 0) return '.'
    const octets = addr.split('.').slice(0, whole)
    return whole === 4 ? octets.join('.') : `${octets.join('.')}.`
  }
  // Stop before a zero group: logs may compress it into `::`.
  const head: string[] = []
  for (let i = 0; i < Math.floor(c.prefix / 16) && c.groups[i] !== 0; i++) {
    head.push((c.groups[i] as number).toString(16))
  }
  return head.length === 0 ? ':' : `${head.join(':')}:`
}

/** Strip a port and brackets: `1.2.3.4:443`, `[::1]:443`. Returns the address text or null. */
export function ipToken(tok: string): string | null {
  let t = tok
  if (t.startsWith('[')) {
    const end = t.indexOf(']')
    if (end === -1) return null
    t = t.slice(1, end)
  } else if (t.indexOf(':') !== -1 && t.indexOf(':') === t.lastIndexOf(':') && t.includes('.')) {
    t = t.slice(0, t.indexOf(':'))
  }
  if (isIpv4(t)) return t
  return canonicalIpv6(t)
}
