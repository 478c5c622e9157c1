// What a correct probe must conclude about one instance: the fleet file's `truth`. Derived from the
// same build table and CVE families the hunt uses (detect/exposure), so lab and probe cannot drift
// apart on what a build misses.
import type { LabFamily } from '../content/lab/load-lab-facts.ts'
import type { Content } from '../content/load.ts'
import { exposureFor } from '../detect/exposure/index.ts'
import { buildExposure } from '../detect/probe/index.ts'
import type { CheckOutcome } from '../shared/probe.ts'
import type { LabFleetInstance, LabSpec } from './types.ts'

const FAMILY_OF_PRODUCT: Record<string, LabFamily> = {
  'Exchange Server 2010': '2010',
  'Exchange Server 2013': '2013',
  'Exchange Server 2016': '2016',
  'Exchange Server 2019': '2019',
  'Exchange Server SE': 'SE',
}

// exposureFor walks a product line (milliseconds per call); a fleet has few distinct builds, so each is
// judged once per loaded content.
const judged = new WeakMap<Content, Map<string, { family: LabFamily | null; missing: string[] }>>()

function judge(content: Content, build: string) {
  let byBuild = judged.get(content)
  if (!byBuild) {
    byBuild = new Map()
    judged.set(content, byBuild)
  }
  let j = byBuild.get(build)
  if (!j) {
    const e = exposureFor(content.builds, build, 'lab')
    j = {
      family: (e.product && FAMILY_OF_PRODUCT[e.product]) || null,
      // CVE ids only, as a probe result lists them (fix markers such as MAR21SU or advisory ids aside).
      missing: [...new Set(e.missing.map((m) => m.cve))].filter((c) => c.startsWith('CVE-')).sort(),
    }
    byBuild.set(build, j)
  }
  return j
}

export function familyOf(content: Content, build: string): LabFamily | null {
  return judge(content, build).family
}

/** Every CVE the build misses, sorted. */
export function missingCves(content: Content, build: string): string[] {
  return [...judge(content, build).missing]
}

/** CVEs of the content's CVE families (ProxyLogon, ProxyShell, ...): exploited in the wild. */
export function exploitedCves(content: Content): Set<string> {
  return new Set(content.cves.flatMap((c) => c.cves))
}

// Without a mitigation the answer is the same on every build: the build decides. A server that shows
// only its CU (three-part) is vulnerable only when every update of that CU lacks the November 2022
// fix; when only some do, nobody outside can tell (inconclusive), as the probe engine says.
function proxyNotShell(
  content: Content,
  spec: Extract<LabSpec, { kind: 'exchange' }>,
  has: (cve: string) => boolean,
): CheckOutcome {
  if (spec.reveal === '4-part') return has('CVE-2022-41040') ? 'vulnerable' : 'not-vulnerable'
  const cu = spec.build.split('.').slice(0, 3).join('.')
  const e = buildExposure(content.probe.builds, content.probe.families, cu, 3)
  const m = e.missing.find((x) => x.cve === 'CVE-2022-41040')
  if (!m) return 'not-vulnerable'
  return m.certainty === 'possibly' ? 'inconclusive' : 'vulnerable'
}

export function truthFor(content: Content, spec: LabSpec): LabFleetInstance['truth'] {
  if (spec.kind === 'not-exchange') return { verdict: 'not-exchange', missing: [], checks: {} }
  // Every hostile kind ends without a usable HTTP answer (the issue: "hostile targets end as
  // unreachable with a reason").
  if (spec.kind !== 'exchange') return { verdict: 'unreachable', missing: [], checks: {} }
  const missing = missingCves(content, spec.build)
  const has = (cve: string) => missing.includes(cve)
  const m = spec.mitigation
  const eomt = m === 'eomt' || m === 'both'
  const pns = m === 'proxynotshell' || m === 'both'
  const checks: LabFleetInstance['truth']['checks'] = {
    'exh-probe-cve-2021-26855-ssrf': eomt
      ? 'mitigated'
      : has('CVE-2021-26855')
        ? 'vulnerable'
        : 'not-vulnerable',
    'exh-probe-proxyshell-autodiscover': has('CVE-2021-34473') ? 'vulnerable' : 'not-vulnerable',
    // Not mitigated: exposed when the build lacks the November 2022 fix (the answer itself is the
    // ProxyShell answer; the probe needs the build to tell an unpatched server from a patched one).
    'exh-probe-proxynotshell-mitigation': pns ? 'mitigated' : proxyNotShell(content, spec, has),
    'exh-probe-webshell-paths': spec.shell ? 'shell-answered' : 'not-vulnerable',
  }
  const exploited = exploitedCves(content)
  const outcomes = Object.values(checks) as CheckOutcome[]
  const verdict = spec.shell
    ? 'likely-compromised'
    : missing.some((c) => exploited.has(c)) || outcomes.includes('vulnerable')
      ? 'vulnerable'
      : 'patched'
  return { verdict, missing, checks }
}
