// The data a notice template sees. Every string that came from a scanned server (labels, build
// names, reasons, check evidence) is cleaned here, once, before any template renders it.
import { ASN_ATTRIBUTION } from '../owner/asn-db.ts'
import { cleanScanned } from './escape.ts'
import type { PlannedNotice, TargetStatus } from './types.ts'

export interface Sender {
  /** The CERT's name as it signs: "CERT-Example". */
  name: string
  /** The From address, also where owners reply. */
  email: string
  url?: string
}

export interface ViewOptions {
  cert: Sender
  /** Where victims upload their hunt reports (`exhunt hunt --upload URL`), if the service has one. */
  uploadUrl?: string
  /** Missing CVEs listed per server before "and N more". */
  maxMissing?: number
}

/** 2021-03-03T06:10:05.000Z → 2021-03-03 06:10 UTC; anything else is cleaned and kept. */
function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso)
  return m ? `${m[1]} ${m[2]} UTC` : cleanScanned(iso, 40)
}

function targetView(t: TargetStatus, maxMissing: number) {
  const p = t.probe
  // Exploited ones first: they are why the owner must act now.
  const missing = [...(p?.missing ?? [])].sort(
    (a, b) => Number(b.exploitedInWild) - Number(a.exploitedInWild) || (a.cve < b.cve ? -1 : 1),
  )
  return {
    label: cleanScanned(t.label, 200),
    ip: cleanScanned(t.ip, 45),
    since: when(t.since),
    lastSeen: when(t.lastSeen),
    reason: cleanScanned(p?.reason, 300),
    build: cleanScanned(p?.build?.build, 40),
    versionName: cleanScanned(p?.build?.versionName, 60),
    missingCount: missing.length,
    exploitedCount: missing.filter((m) => m.exploitedInWild).length,
    missing: missing.slice(0, maxMissing).map((m) => ({
      cve: cleanScanned(m.cve, 30),
      family: cleanScanned(m.family, 40),
      exploited: m.exploitedInWild,
      certainty: m.certainty,
    })),
    moreMissing: Math.max(0, missing.length - maxMissing),
    checks: (p?.checks ?? [])
      .filter((c) => c.outcome === 'vulnerable' || c.outcome === 'shell-answered')
      .map((c) => ({
        title: cleanScanned(c.title, 120),
        outcome: c.outcome,
        evidence: cleanScanned(c.evidence, 160),
      })),
    huntVerdict: cleanScanned(t.huntVerdict, 20),
  }
}

export function noticeView(n: PlannedNotice, opts: ViewOptions) {
  return {
    exposed: n.state === 'exposed',
    patched: n.state === 'patched',
    compromised: n.state === 'compromised',
    organisation: cleanScanned(n.owner.organisation, 120),
    email: n.owner.email ?? '',
    source: n.owner.source,
    matched: cleanScanned(n.owner.matched, 60),
    fromRecord: n.owner.source === 'target',
    fromList: n.owner.source === 'abuse-csv' || n.owner.source === 'prefix-file',
    fromAsn: n.owner.source === 'asn',
    count: n.targets.length,
    many: n.targets.length > 1,
    targets: n.targets.map((t) => targetView(t, opts.maxMissing ?? 10)),
    cert: {
      name: cleanScanned(opts.cert.name, 80),
      email: opts.cert.email,
      url: cleanScanned(opts.cert.url, 200),
    },
    upload: cleanScanned(opts.uploadUrl, 200),
    ref: n.key,
    asnAttribution: n.owner.source === 'asn' ? ASN_ATTRIBUTION : '',
  }
}
