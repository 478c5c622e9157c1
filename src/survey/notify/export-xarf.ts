// The notices as XARF v4 reports (eXtended Abuse Reporting Format, JSON), one per target, for CERTs
// and providers that forward abuse reports through their own tooling. Shapes from the specification
// at https://github.com/xarf/xarf-spec (commit 37820dace8ac, schemas/v4/xarf-core.json and types/):
//  - an exposed server is category `vulnerability`, type `cve` (types/vulnerability-cve.json:
//    required `service`, `service_port`, `cve_id`; `cve_ids` at most 10);
//  - a compromised one is category `infrastructure`, type `compromised_server`
//    (types/infrastructure-compromised-server.json: required `compromise_method`);
//  - core (xarf-core.json): `xarf_version` 4.x.y, `report_id` a UUID v4, `timestamp` when it was
//    seen, `reporter` and `sender` {org, contact, domain}, `source_identifier` the IP (else the host),
//    `evidence` items {content_type, description, payload base64, hash "sha256:…"}, `tags`
//    "namespace:value" in lower case, at most 20.
// A patched server is not abuse: it gets no XARF report (the CSV lists it).
import { createHash } from 'node:crypto'
import type { PlannedNotice, TargetStatus } from './types.ts'
import type { Sender } from './view.ts'

export const XARF_VERSION = '4.2.0'

/** A UUID in v4 layout derived from the notice and target, so a re-export gives the same id. */
export function xarfReportId(noticeKey: string, targetId: string): string {
  const h = createHash('sha256').update(`xarf\n${noticeKey}\n${targetId}`).digest('hex')
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const tag = (ns: string, v: string) => {
  const value = v
    .toLowerCase()
    .replace(/[^a-z0-9_+-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
  return value ? `${ns}:${value}` : undefined
}

const CONFIDENCE = { high: 0.95, medium: 0.75, low: 0.5 } as const

export function xarfReports(n: PlannedNotice, cert: Sender): { id: string; report: object }[] {
  if (n.state === 'patched') return []
  const domain = cert.email.slice(cert.email.lastIndexOf('@') + 1)
  const contact = { org: cert.name.slice(0, 200), contact: cert.email, domain }
  const out: { id: string; report: object }[] = []
  for (const t of n.targets) {
    const report = xarfFor(n, t, contact)
    if (report) out.push({ id: report.report_id, report })
  }
  return out
}

function xarfFor(
  n: PlannedNotice,
  t: TargetStatus,
  contact: { org: string; contact: string; domain: string },
) {
  const p = t.probe
  const missing = [...(p?.missing ?? [])].sort(
    (a, b) => Number(b.exploitedInWild) - Number(a.exploitedInWild) || (a.cve < b.cve ? -1 : 1),
  )
  const checkCves = (p?.checks ?? [])
    .filter((c) => c.outcome === 'vulnerable' || c.outcome === 'shell-answered')
    .flatMap((c) => c.cves)
  const cves = [...new Set([...missing.map((m) => m.cve), ...checkCves])].filter((c) =>
    /^CVE-\d{4}-\d+$/.test(c),
  )
  const exploited = missing.some((m) => m.exploitedInWild)
  const port = p?.target.port
  const evidenceJson = p ? JSON.stringify(p) : undefined
  const families = [...new Set(missing.map((m) => m.family).filter((f): f is string => !!f))]
  const base = {
    xarf_version: XARF_VERSION,
    report_id: xarfReportId(n.key, t.targetId),
    timestamp: new Date(t.since).toISOString(),
    reporter: contact,
    sender: contact,
    source_identifier: t.ip ?? p?.target.ip ?? p?.target.host ?? t.label,
    ...(port ? { source_port: port } : {}),
    evidence_source: n.state === 'exposed' ? 'vulnerability_scan' : 'automated_discovery',
    ...(p ? { confidence: CONFIDENCE[p.confidence] } : {}),
    service: 'Microsoft Exchange Server',
    ...(p?.build ? { service_version: p.build.build } : {}),
    ...(port ? { service_port: port } : {}),
    tags: [
      tag('state', n.state),
      ...families.map((f) => tag('family', f)),
      ...cves.slice(0, 10).map((c) => tag('cve', c)),
    ]
      .filter((x): x is string => !!x)
      .slice(0, 20),
    ...(evidenceJson
      ? {
          evidence: [
            {
              content_type: 'application/json',
              description: 'exhunt probe result (shared/probe.ts ProbeTargetResult)',
              payload: Buffer.from(evidenceJson).toString('base64'),
              hash: `sha256:${createHash('sha256').update(evidenceJson).digest('hex')}`,
              size: Buffer.byteLength(evidenceJson),
            },
          ],
        }
      : {}),
  }
  if (n.state === 'compromised') {
    const shell = (p?.checks ?? []).some((c) => c.outcome === 'shell-answered')
    return {
      ...base,
      category: 'infrastructure',
      type: 'compromised_server',
      compromise_method: shell
        ? 'webshell_deployment'
        : 'exploitation of Microsoft Exchange Server vulnerabilities',
      description:
        `Microsoft Exchange server with signs of compromise${shell ? ' (a known web-shell path answered)' : ''}${t.huntVerdict ? `; hunt report verdict: ${t.huntVerdict}` : ''}`.slice(
          0,
          1000,
        ),
    }
  }
  const cveId = cves[0]
  if (!cveId || !port) return undefined // the schema requires both
  return {
    ...base,
    category: 'vulnerability',
    type: 'cve',
    cve_id: cveId,
    cve_ids: cves.slice(0, 10),
    patch_available: true,
    severity: exploited ? 'critical' : 'high',
    ...(exploited ? { exploitability: 'weaponized' } : {}),
    description:
      `Microsoft Exchange Server ${p?.build?.build ?? ''} misses fixes for ${cves.length} CVEs${exploited ? ', some exploited in the wild' : ''}`.slice(
        0,
        1000,
      ),
  }
}
