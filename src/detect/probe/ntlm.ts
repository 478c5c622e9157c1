// NTLM messages as the probe meets them (MS-NLMP 2.2.1): the anonymous NEGOTIATE (type 1) it may send,
// and the server's CHALLENGE (type 2), whose target info names the server (NetBIOS and DNS names) and
// whose version field names the Windows build, as nmap's http-ntlm-info reads it. No credentials are
// involved: a probe never sends an AUTHENTICATE (type 3). Pure (atob is a global, no import).

const SIGNATURE = 'NTLMSSP\0'

function bytesOf(b64: string): Uint8Array | undefined {
  try {
    const s = atob(b64.trim())
    const out = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
    return out
  } catch {
    return undefined
  }
}

const u16 = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8)
const u32 = (b: Uint8Array, at: number) => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0

function messageType(b: Uint8Array): number | undefined {
  if (b.length < 12) return undefined
  for (let i = 0; i < 8; i++) if (b[i] !== SIGNATURE.charCodeAt(i)) return undefined
  return u32(b, 8)
}

/** `NTLM <base64>` (or `Negotiate <base64>`) whose message is a type 1 with no domain or workstation. */
export function isAnonymousNegotiate(header: string): boolean {
  const m = /^(?:NTLM|Negotiate)\s+([A-Za-z0-9+/=]+)$/.exec(header.trim())
  if (!m) return false
  const b = bytesOf(m[1] as string)
  if (!b || messageType(b) !== 1) return false
  // Domain and workstation fields (lengths at 16 and 24) must be empty: nothing names a user.
  return b.length >= 32 && u16(b, 16) === 0 && u16(b, 24) === 0
}

export interface NtlmChallenge {
  /** NetBIOS computer, NetBIOS domain, DNS computer, DNS domain, DNS tree names (those present). */
  netbiosComputer?: string
  netbiosDomain?: string
  dnsComputer?: string
  dnsDomain?: string
  dnsTree?: string
  /** `10.0.17763` from the version field, when the flag says it is there. */
  osVersion?: string
}

function utf16(b: Uint8Array, at: number, len: number): string {
  let s = ''
  for (let i = at; i + 1 < at + len && i + 1 < b.length; i += 2) s += String.fromCharCode(u16(b, i))
  return s
}

/** The CHALLENGE of a `WWW-Authenticate` value (several challenges may be joined with ', '). */
export function parseChallenge(header: string): NtlmChallenge | undefined {
  for (const m of header.matchAll(/(?:^|[\s,])(?:NTLM|Negotiate)\s+([A-Za-z0-9+/]{40,}={0,2})/g)) {
    const b = bytesOf(m[1] as string)
    if (!b || messageType(b) !== 2 || b.length < 48) continue
    const out: NtlmChallenge = {}
    const flags = u32(b, 20)
    const infoLen = u16(b, 40)
    const infoAt = u32(b, 44)
    const keys = [
      '',
      'netbiosComputer',
      'netbiosDomain',
      'dnsComputer',
      'dnsDomain',
      'dnsTree',
    ] as const
    let at = infoAt
    const end = Math.min(b.length, infoAt + infoLen)
    while (at + 4 <= end) {
      const id = u16(b, at)
      const len = u16(b, at + 2)
      if (id === 0) break
      const key = keys[id]
      if (key && at + 4 + len <= end) out[key] = utf16(b, at + 4, len)
      at += 4 + len
    }
    // NTLMSSP_NEGOTIATE_VERSION: major, minor, build at offset 48.
    if (flags & 0x02000000 && b.length >= 56 && infoAt >= 56)
      out.osVersion = `${b[48]}.${b[49]}.${u16(b, 50)}`
    return out
  }
  return undefined
}

/** A type 2 message as `NTLM <base64>`, for tests and the lab: names as the server would send them. */
export function challengeHeader(names: {
  netbiosComputer: string
  netbiosDomain: string
  dnsComputer: string
  dnsDomain: string
}): string {
  const pairs: [number, string][] = [
    [2, names.netbiosDomain],
    [1, names.netbiosComputer],
    [4, names.dnsDomain],
    [3, names.dnsComputer],
    [5, names.dnsDomain],
  ]
  const info: number[] = []
  for (const [id, s] of pairs) {
    info.push(id & 255, id >> 8, (s.length * 2) & 255, (s.length * 2) >> 8)
    for (const c of s) info.push(c.charCodeAt(0) & 255, c.charCodeAt(0) >> 8)
  }
  info.push(0, 0, 0, 0)
  const target = [...names.netbiosDomain].flatMap((c) => [
    c.charCodeAt(0) & 255,
    c.charCodeAt(0) >> 8,
  ])
  const head = new Array<number>(56).fill(0)
  const put16 = (at: number, v: number) => {
    head[at] = v & 255
    head[at + 1] = (v >> 8) & 255
  }
  const put32 = (at: number, v: number) => {
    put16(at, v & 0xffff)
    put16(at + 2, v >>> 16)
  }
  for (let i = 0; i < 8; i++) head[i] = SIGNATURE.charCodeAt(i)
  put32(8, 2)
  put16(12, target.length)
  put16(14, target.length)
  put32(16, 56)
  put32(20, 0xa2898205)
  for (let i = 0; i < 8; i++) head[24 + i] = (i * 37 + 11) & 255
  put16(40, info.length)
  put16(42, info.length)
  put32(44, 56 + target.length)
  head[48] = 10
  head[49] = 0
  put16(50, 17763)
  head[55] = 15
  const all = [...head, ...target, ...info]
  return `NTLM ${btoa(String.fromCharCode(...all))}`
}
