// The lab's contract with its callers (tests, benchmarks, `exhunt lab`): what an instance is, and the
// fleet file that says, per instance, what a correct probe must conclude.
import type { LabFamily } from '../content/lab/load-lab-facts.ts'
import type { CheckOutcome, ProbeVerdict } from '../shared/probe.ts'

export const HOSTILE_KINDS = [
  'slow-drip',
  'endless-headers',
  'endless-body',
  'tls-stall',
  'redirect-loop',
  'gzip-bomb',
  'not-http',
] as const
export type HostileKind = (typeof HOSTILE_KINDS)[number]

export const MITIGATIONS = ['none', 'eomt', 'proxynotshell', 'both'] as const
export type LabMitigation = (typeof MITIGATIONS)[number]

/** The check ids of the probe spec (content ids of detect/probe's checks). */
export const LAB_CHECK_IDS = [
  'exh-probe-cve-2021-26855-ssrf',
  'exh-probe-proxyshell-autodiscover',
  'exh-probe-proxynotshell-mitigation',
  'exh-probe-webshell-paths',
] as const

/** What one instance is: an Exchange front end of a build, a plain IIS site, or a hostile server. */
export type LabSpec =
  | {
      kind: 'exchange'
      build: string
      mitigation: LabMitigation
      /** URL path of a planted web shell, or null. */
      shell: string | null
      /** `3-part`: no export tool, no X-OWA-Version, only the OWA static path shows the build. */
      reveal: '4-part' | '3-part'
    }
  | { kind: 'not-exchange' }
  | { kind: HostileKind }

export interface LabFleetInstance {
  url: string
  host: string
  port: number
  serverName: string
  family: LabFamily | null
  build: string | null
  shows: '4-part' | '3-part' | null
  options: { mitigation: LabMitigation; shell: string | null; hostile: HostileKind | null }
  truth: {
    verdict: ProbeVerdict
    /** Every CVE the build misses (content/builds), sorted. */
    missing: string[]
    checks: Partial<Record<(typeof LAB_CHECK_IDS)[number], CheckOutcome>>
  }
}

export interface LabFleet {
  schema: 'exhunt.lab-fleet/1'
  instances: LabFleetInstance[]
}

export interface LabInstance extends LabFleetInstance {
  spec: LabSpec
  /** NetBIOS name (X-FEServer, NTLM): `MAIL7`. */
  netbios: string
  tls: boolean
}
