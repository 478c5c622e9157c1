// `|cidr`: does a field's IP address (v4 or v6) fall in a network? Parsed once per rule value.

export interface Cidr {
  v6: boolean
  bits: bigint
  mask: bigint
}

function v4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return undefined
  let n = 0n
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i])
    if (o > 255) return undefined
    n = (n << 8n) | BigInt(o)
  }
  return n
}

function v6(s0: string): bigint | undefined {
  let s = s0.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s)
  if (tail) {
    const n = v4(tail[1]!)
    if (n === undefined) return undefined
    s = `${s.slice(0, -tail[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`
  }
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const parse = (h: string) => (h === '' ? [] : h.split(':'))
  const head = parse(halves[0]!)
  const rest = halves.length === 2 ? parse(halves[1]!) : []
  const fill = 8 - head.length - rest.length
  if (halves.length === 1 ? head.length !== 8 : fill < 1) return undefined
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...rest]
  let n = 0n
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined
    n = (n << 16n) | BigInt(Number.parseInt(g, 16))
  }
  return n
}

export function parseIp(s: string): { v6: boolean; n: bigint } | undefined {
  const t = s.trim()
  const a = v4(t)
  if (a !== undefined) return { v6: false, n: a }
  const b = t.includes(':') ? v6(t) : undefined
  return b === undefined ? undefined : { v6: true, n: b }
}

export function parseCidr(s: string): Cidr | undefined {
  const [addr, len, extra] = s.split('/')
  if (addr === undefined || extra !== undefined) return undefined
  const ip = parseIp(addr)
  if (!ip) return undefined
  const width = ip.v6 ? 128 : 32
  const l = len === undefined ? width : Number(len)
  if (!Number.isInteger(l) || l < 0 || l > width || (len !== undefined && !/^\d+$/.test(len)))
    return undefined
  const mask = ((1n << BigInt(l)) - 1n) << BigInt(width - l)
  return { v6: ip.v6, bits: ip.n & mask, mask }
}

export function inCidr(c: Cidr, value: string): boolean {
  const ip = parseIp(value)
  return ip !== undefined && ip.v6 === c.v6 && (ip.n & c.mask) === c.bits
}
