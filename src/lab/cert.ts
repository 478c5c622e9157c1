// Self-signed TLS certificates without a dependency: the X.509 DER is written here and signed with
// node:crypto. One ECDSA P-256 key serves every instance (made once per process); each host name gets
// its own certificate (CN and subjectAltName), which costs one signature (~0.1 ms), so 1000 instances
// start in well under a second of certificate work.
import {
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto'

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}
const tlv = (tag: number, ...body: Buffer[]): Buffer => {
  const b = Buffer.concat(body)
  return Buffer.concat([Buffer.from([tag]), len(b.length), b])
}
const seq = (...b: Buffer[]) => tlv(0x30, ...b)
const set = (...b: Buffer[]) => tlv(0x31, ...b)

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number)
  const out = [a * 40 + b]
  for (const n of rest) {
    const parts = [n & 0x7f]
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128))
      parts.unshift(0x80 | (v & 0x7f))
    out.push(...parts)
  }
  return tlv(0x06, Buffer.from(out))
}

function positiveInt(raw: Buffer): Buffer {
  // DER wants the shortest form: no leading zero byte unless the next has its top bit set (which
  // would read as negative). A random serial starting with 0x00 is otherwise rejected as padding.
  let i = 0
  while (i < raw.length - 1 && raw[i] === 0) i++
  const bytes = raw.subarray(i)
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes)
}

/** UTCTime for years below 2050, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`))
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'))
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))))

export interface LabKey {
  key: KeyObject
  /** PEM, what tls.createSecureContext takes. */
  pem: string
  spki: Buffer
}

export function makeLabKey(): LabKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return {
    key: createPrivateKey(pem),
    pem,
    spki: publicKey.export({ type: 'spki', format: 'der' }),
  }
}

/** A self-signed certificate (PEM) for `host`: CN=host, subjectAltName DNS:host, valid a year back and forward. */
export function selfSignedCert(labKey: LabKey, host: string, now = new Date()): string {
  const notBefore = new Date(now.getTime() - 365 * 86_400_000)
  const notAfter = new Date(now.getTime() + 365 * 86_400_000)
  const san = seq(oid('2.5.29.17'), tlv(0x04, seq(tlv(0x82, Buffer.from(host, 'ascii')))))
  // basicConstraints cA=FALSE, critical, so no client takes it for a CA.
  const basic = seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq()))
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    positiveInt(randomBytes(16)),
    ECDSA_SHA256,
    name(host),
    seq(time(notBefore), time(notAfter)),
    name(host),
    labKey.spki,
    tlv(0xa3, seq(san, basic)),
  )
  const sig = sign('sha256', tbs, labKey.key) // DER ECDSA-Sig-Value
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), sig))
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n')
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`
}
