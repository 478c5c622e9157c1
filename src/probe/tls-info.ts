// What the TLS handshake showed, read off the socket: the certificate is read, never trusted.
import type { PeerCertificate, TLSSocket } from 'node:tls'
import type { ProbeTls } from '../shared/probe.ts'

function dn(o: Record<string, string | string[] | undefined> | undefined): string | undefined {
  if (!o) return undefined
  const parts: string[] = []
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue
    parts.push(`${k}=${Array.isArray(v) ? v.join('+') : v}`)
  }
  return parts.length ? parts.join(', ') : undefined
}

/** DNS names of a subjectAltName string (`DNS:a, IP Address:1.2.3.4, DNS:b`). */
export function altNames(san: string | undefined): string[] {
  if (!san) return []
  const out: string[] = []
  for (const part of san.split(/,\s*/)) if (part.startsWith('DNS:')) out.push(part.slice(4))
  return out
}

function validTo(s: string | undefined): string | undefined {
  const t = s ? Date.parse(s) : Number.NaN
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

export function tlsInfo(socket: TLSSocket): ProbeTls {
  const cert = socket.getPeerCertificate(false) as PeerCertificate | Record<string, never>
  const protocol = socket.getProtocol() ?? undefined
  if (!cert || !('raw' in cert) || !cert.raw)
    return { ...(protocol ? { protocol } : {}), altNames: [] }
  const subject = dn(cert.subject as unknown as Record<string, string>)
  const issuer = dn(cert.issuer as unknown as Record<string, string>)
  return {
    ...(protocol ? { protocol } : {}),
    ...(subject ? { subject } : {}),
    ...(issuer ? { issuer } : {}),
    altNames: altNames(cert.subjectaltname),
    // Issuer and subject the same name: what Exchange's own install certificate looks like.
    selfSigned: subject !== undefined && subject === issuer,
    ...(validTo(cert.valid_to) ? { validTo: validTo(cert.valid_to) } : {}),
    ...(cert.fingerprint256 ? { sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase() } : {}),
  }
}
