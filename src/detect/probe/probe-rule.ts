// The probe content as plain data (what content/probe hands over, cloneable) and as compiled rules.
import type RE2 from 're2'
import type { ProbeLevel, ProbeRequest, ProbeResponse } from '../../shared/probe.ts'
import type { RuleHeader } from '../../shared/rule-header.ts'
import type { BuildTable } from '../exposure/index.ts'
import type { Matcher } from './matcher.ts'

/** One probe rule file as parsed YAML (validated by `compileProbeRules`, so content/ keeps only good ones). */
export interface ProbeRuleSource {
  file: string
  doc: unknown
}

/** A CVE family of content/cves, with the CVEs of it listed as exploited in the wild (CISA KEV). */
export interface ProbeFamily {
  id: string
  name: string
  cves: string[]
  exploited: string[]
}

/** A file-path indicator of content/ioc (type `filepath`), a candidate web-shell URL once mapped. */
export interface ProbeIocPath {
  value: string
  severity: string
}

/** `content.probe`: everything `compileProbe` needs, plain and cloneable. */
export interface ProbeContent {
  rules: ProbeRuleSource[]
  iocPaths: ProbeIocPath[]
  builds: BuildTable
  families: ProbeFamily[]
}

export type ProbeRuleKind = 'fingerprint' | 'check' | 'webshell-paths'
export const PROBE_RULE_KINDS: readonly ProbeRuleKind[] = ['fingerprint', 'check', 'webshell-paths']

/** A recorded answer in an inline test: a response without id/ms (the key names the request). */
export interface SampleAnswer {
  status?: number
  headers?: Record<string, string>
  body?: string
  error?: string
}

export interface FingerprintExtractor {
  request: string
  kind: 'build' | 'server-name' | 'ntlm'
  /** Where the text comes from: a header (lower-case name) or the body. */
  part: 'header' | 'body'
  name?: string
  re?: RE2
  source: string
  confidence: 'high' | 'medium' | 'low'
  /** Among builds of equal parts and confidence, the lower comes first (default 50). */
  priority: number
}

export interface CompiledFingerprint {
  kind: 'fingerprint'
  header: RuleHeader
  file: string
  requests: ProbeRequest[]
  exchange: { request: string; when: Matcher; says: string }[]
  extract: FingerprintExtractor[]
  tests: FingerprintTest[]
}

export interface FingerprintTest {
  name: string
  answers: Record<string, SampleAnswer>
  exchange: boolean
  build?: string
  serverNames?: string[]
}

export type CheckOutcomeName =
  | 'vulnerable'
  | 'not-vulnerable'
  | 'mitigated'
  | 'shell-answered'
  | 'inconclusive'

export interface CompiledCheck {
  kind: 'check'
  header: RuleHeader
  file: string
  level: ProbeLevel
  requests: ProbeRequest[]
  outcomes: { outcome: CheckOutcomeName; request: string; when: Matcher; evidence: string }[]
  tests: CheckTest[]
}

export interface CheckTest {
  name: string
  /** The fingerprinted four-part build the test assumes (for build-misses / build-has). */
  build?: string
  answers: Record<string, SampleAnswer>
  outcome: CheckOutcomeName
}

export interface CompiledWebshellRule {
  kind: 'webshell-paths'
  header: RuleHeader
  file: string
  level: ProbeLevel
  /** Windows folder (lower-case, backslashes, ending in '\') → URL folder ('/owa/auth/'). */
  folders: { from: string; to: string }[]
  extensions: string[]
  maxPaths: number
  /** The URL paths chosen from the IOC content, in order, at most maxPaths. */
  paths: { path: string; ioc: string }[]
  tests: WebshellTest[]
}

export interface WebshellTest {
  name: string
  /** URL path → answer; `control` answers every control request; an unlisted path answers 404. */
  answers: Record<string, SampleAnswer>
  outcome: CheckOutcomeName
}

export type CompiledProbeRule = CompiledFingerprint | CompiledCheck | CompiledWebshellRule

/** A sample answer as the ProbeResponse the engine sees. */
export function sampleResponse(id: string, a: SampleAnswer): ProbeResponse {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(a.headers ?? {})) headers[k.toLowerCase()] = String(v)
  const r: ProbeResponse = {
    id,
    status: a.error !== undefined ? null : (a.status ?? 200),
    headers,
    body: a.body ?? '',
    bodyTruncated: false,
    ms: 1,
  }
  if (a.error !== undefined)
    r.error = { code: a.error as NonNullable<ProbeResponse['error']>['code'], message: a.error }
  return r
}
