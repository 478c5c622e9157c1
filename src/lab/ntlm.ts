// NTLM for the lab's 401s (MS-NLMP): an anonymous NEGOTIATE (type 1) gets a CHALLENGE (type 2) whose
// target info names the instance, as an Exchange front end's does and as nmap's http-ntlm-info reads
// it. Nothing here authenticates: a type 3 is never accepted (the lab answers 401 again).
import { randomBytes } from 'node:crypto'

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1')

/** The NTLM message type in an `Authorization: NTLM|Negotiate <base64>` value, or null. */
export function ntlmMessageType(authorization: string | undefined): {
  scheme: 'NTLM' | 'Negotiate'
  type: number
} | null {
  const m = /^(NTLM|Negotiate)\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')
  if (!m?.[2]) return null
  const raw = Buffer.from(m[2], 'base64')
  // Only raw NTLMSSP (SPNEGO-wrapped Kerberos is not emulated: it gets the plain 401).
  if (raw.length < 12 || !raw.subarray(0, 8).equals(SIGNATURE)) return null
  return {
    scheme: m[1]?.toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate',
    type: raw.readUInt32LE(8),
  }
}

export interface NtlmNames {
  /** NetBIOS computer name: `MAIL7`. */
  netbiosComputer: string
  /** NetBIOS domain name: `LAB`. */
  netbiosDomain: string
  /** `mail7.lab.test`. */
  dnsComputer: string
  /** `lab.test`. */
  dnsDomain: string
  /** Windows version for the VERSION field: `10.0.14393`. */
  windows: string
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le')

function avPair(id: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4)
  h.writeUInt16LE(id, 0)
  h.writeUInt16LE(value.length, 2)
  return Buffer.concat([h, value])
}

/** FILETIME: 100 ns ticks since 1601-01-01. */
function filetime(ms: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE((BigInt(ms) + 11_644_473_600_000n) * 10_000n)
  return b
}

// UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | TARGET_TYPE_DOMAIN | EXTENDED_SESSIONSECURITY |
// TARGET_INFO | VERSION | 128 | 56 (MS-NLMP 2.2.2.5).
const FLAGS =
  (0x1 |
    0x4 |
    0x200 |
    0x8000 |
    0x10000 |
    0x80000 |
    0x800000 |
    0x2000000 |
    0x20000000 |
    0x80000000) >>>
  0

/** A CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) naming the instance, base64. */
export function ntlmChallenge(n: NtlmNames, now = Date.now()): string {
  const target = utf16(n.netbiosDomain)
  const info = Buffer.concat([
    avPair(2, utf16(n.netbiosDomain)), // MsvAvNbDomainName
    avPair(1, utf16(n.netbiosComputer)), // MsvAvNbComputerName
    avPair(4, utf16(n.dnsDomain)), // MsvAvDnsDomainName
    avPair(3, utf16(n.dnsComputer)), // MsvAvDnsComputerName
    avPair(5, utf16(n.dnsDomain)), // MsvAvDnsTreeName
    avPair(7, filetime(now)), // MsvAvTimestamp
    avPair(0, Buffer.alloc(0)), // MsvAvEOL
  ])
  const head = Buffer.alloc(56)
  SIGNATURE.copy(head, 0)
  head.writeUInt32LE(2, 8)
  head.writeUInt16LE(target.length, 12)
  head.writeUInt16LE(target.length, 14)
  head.writeUInt32LE(56, 16)
  head.writeUInt32LE(FLAGS, 20)
  randomBytes(8).copy(head, 24)
  head.writeUInt16LE(info.length, 40)
  head.writeUInt16LE(info.length, 42)
  head.writeUInt32LE(56 + target.length, 44)
  const [major = 10, minor = 0, build = 0] = n.windows.split('.').map(Number)
  head.writeUInt8(major, 48)
  head.writeUInt8(minor, 49)
  head.writeUInt16LE(build, 50)
  head.writeUInt8(15, 55) // NTLMSSP_REVISION_W2K3
  return Buffer.concat([head, target, info]).toString('base64')
}

/** The names in a CHALLENGE's target info (for tests; what a probe would read). */
export function readChallenge(b64: string): Record<string, string> & { version: string } {
  const b = Buffer.from(b64, 'base64')
  if (!b.subarray(0, 8).equals(SIGNATURE) || b.readUInt32LE(8) !== 2)
    throw new Error('not a CHALLENGE')
  const infoLen = b.readUInt16LE(40)
  const infoOff = b.readUInt32LE(44)
  const names: Record<number, string> = {
    1: 'nbComputer',
    2: 'nbDomain',
    3: 'dnsComputer',
    4: 'dnsDomain',
    5: 'dnsTree',
  }
  const out: Record<string, string> = {}
  for (let p = infoOff; p + 4 <= infoOff + infoLen; ) {
    const id = b.readUInt16LE(p)
    const l = b.readUInt16LE(p + 2)
    const key = names[id]
    if (key) out[key] = b.subarray(p + 4, p + 4 + l).toString('utf16le')
    if (id === 0) break
    p += 4 + l
  }
  return { ...out, version: `${b[48]}.${b[49]}.${b.readUInt16LE(50)}` }
}
