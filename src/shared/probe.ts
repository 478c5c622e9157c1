// The contract between the pure probe engine (detect/probe: fingerprint rules and checks as content,
// request plans, judging answers) and the network side (probe/: targets, HTTP over undici, limits,
// rate, resume, output). The engine never touches a socket; the network side never judges an answer.
//
// One target is probed as a loop: `next(state)` names the requests still wanted (empty: done), the
// network side sends them and hands every answer, or the reason there was none, to `feed`, and
// `result(state)` judges. Redirects are never followed by the network side: a 302 and its Location
// are an answer (Exchange's /owa/ redirect is itself a fingerprint).

/** How far a probe goes. `passive`: fingerprint only (the default). `safe`: also the non-destructive checks. */
export type ProbeLevel = 'passive' | 'safe'
export const PROBE_LEVELS: readonly ProbeLevel[] = ['passive', 'safe']

export type ProbeVerdict =
  | 'not-exchange'
  | 'patched'
  | 'vulnerable'
  | 'likely-compromised'
  | 'unreachable'

export interface ProbeRequest {
  /** Unique within one target's probe, stable across runs: 'fp-owa', 'chk-cve-2021-26855'. */
  id: string
  method: 'GET' | 'HEAD' | 'POST'
  /** Starts with '/', sent exactly as written (already percent-encoded where it must be). */
  path: string
  headers?: Readonly<Record<string, string>>
  /** Only for a POST that has no side effect (e.g. an autodiscover query); never credentials. */
  body?: string
}

/** Why a request got no (complete) HTTP answer. */
export type ProbeErrorCode =
  | 'refused' // TCP connection refused
  | 'unreachable' // no route, host down, DNS failure
  | 'reset' // connection reset or closed before a full answer (what IIS URL Rewrite's AbortRequest does)
  | 'timeout' // the per-request deadline passed (connect, TLS, headers or a dripping body)
  | 'tls' // TLS handshake failed
  | 'too-large' // headers or body over the limit (the part read so far is kept)
  | 'not-http' // the port answered, but not with HTTP
  | 'bad-encoding' // a compressed body that does not decode, or inflates past the limit
  | 'aborted' // the run was stopped

export interface ProbeResponse {
  /** The ProbeRequest.id this answers. */
  id: string
  /** null when there was no HTTP status line (see `error`). */
  status: number | null
  /** Lower-case names; repeated headers joined with ', ' (set-cookie with '\n'). */
  headers: Readonly<Record<string, string>>
  /** The first bytes of the body (at most the network side's body limit), decoded as latin1. */
  body: string
  bodyTruncated: boolean
  error?: { code: ProbeErrorCode; message: string }
  /** Milliseconds from sending to the end of what was read. */
  ms: number
}

/** What the TLS handshake showed (the certificate is read, never trusted or checked for the verdict). */
export interface ProbeTls {
  protocol?: string
  subject?: string
  issuer?: string
  /** DNS names of the subjectAltName. */
  altNames: string[]
  selfSigned?: boolean
  validTo?: string
  sha256?: string
}

export interface ProbeEndpoint {
  /** What the user gave (a line of the targets file, an argument), so results map back to inputs. */
  input: string
  scheme: 'https' | 'http'
  /** The host name or IP connected to (IPv6 without brackets). */
  host: string
  ip?: string
  port: number
  /** The name sent as SNI and Host, when one was given or derived. */
  serverName?: string
}

/** Where a build number came from, and how sure it is. */
export interface BuildEvidence {
  /** Normalised: 15.1.2176.2 (four parts) or 15.1.2176 (three parts). */
  build: string
  parts: 3 | 4
  /** Human words: 'X-OWA-Version header of /owa/auth/logon.aspx', 'export tool manifest', 'OWA static path'. */
  source: string
  confidence: 'high' | 'medium' | 'low'
  requestId: string
}

export type CheckOutcome =
  | 'vulnerable' // the server answered the way an unpatched server does
  | 'not-vulnerable' // it answered the way a patched server does
  | 'mitigated' // the mitigation (EOMT / URL Rewrite) cut the request
  | 'shell-answered' // a known web-shell path answered like a shell
  | 'inconclusive' // no answer that tells (error, unexpected status): `evidence` says what came back

export interface ProbeCheckResult {
  /** The check's rule id, e.g. 'exh-probe-cve-2021-26855-ssrf'. */
  id: string
  title: string
  cves: string[]
  outcome: CheckOutcome
  /** What was seen, in words: "X-CalculatedBETarget: localhost" / "connection reset (URL Rewrite abort)". */
  evidence: string
  requestIds: string[]
  references: string[]
}

/** One CVE the build misses. */
export interface ProbeMissingCve {
  cve: string
  /** Listed as exploited in the wild in content (CVE families / KEV). */
  exploitedInWild: boolean
  /**
   * `exact`: the four-part build misses it. With a three-part build (every SU of one CU looks the same):
   * `at-least`: every SU of that CU misses it; `possibly`: some SU of that CU misses it.
   */
  certainty: 'exact' | 'at-least' | 'possibly'
  /** The family name from content/cves (ProxyLogon, ProxyShell, ...), when one lists it. */
  family?: string
}

export interface ProbeBuild {
  build: string
  parts: 3 | 4
  source: string
  confidence: 'high' | 'medium' | 'low'
  product?: string
  /** CU / SU name from the build table ("CU19 Mar21SU"); with three parts, the CU. */
  versionName?: string
  releaseDate?: string
  /** Every piece of evidence seen, strongest first (they can disagree: that is said in `reason`). */
  evidence: BuildEvidence[]
}

/** The verdict for one endpoint: the pure engine's answer. */
export interface ProbeJudgement {
  verdict: ProbeVerdict
  /** One sentence a person reads: why this verdict. */
  reason: string
  /** How sure the verdict is: `high` for an exact build or a check that answered, `medium` for a three-part build. */
  confidence: 'high' | 'medium' | 'low'
  exchange: boolean
  build?: ProbeBuild
  missing: ProbeMissingCve[]
  checks: ProbeCheckResult[]
  /** NetBIOS / DNS names the server named itself (X-FEServer, NTLM challenge), sorted. */
  serverNames: string[]
}

/** One probed endpoint, as JSON/NDJSON print it and the survey stores it. */
export interface ProbeTargetResult extends ProbeJudgement {
  target: ProbeEndpoint
  tls?: ProbeTls
  /** Per-request failures worth keeping (the verdict `unreachable` says why in `reason`). */
  errors: { code: ProbeErrorCode | string; message: string; requestId?: string }[]
  startedAt: string
  ms: number
  requests: number
}

/**
 * One endpoint's probe in progress (the pure engine's side of the loop). The network side calls
 * `next()`, sends every request it returns (in any order, concurrently or not), hands all the answers of
 * that round to `feed`, and repeats until `next()` returns []. Then `result()` judges.
 */
export interface ProbeSession {
  next(): ProbeRequest[]
  feed(responses: readonly ProbeResponse[], tls?: ProbeTls): void
  result(): ProbeJudgement
}

/**
 * The compiled probe content (fingerprint rules, checks, build table, CVE families), made once per
 * process by detect/probe's `compileProbe(content.probe)` and shared by every endpoint's session.
 */
export interface CompiledProbe {
  readonly name: 'probe'
  /** Fingerprint rules and checks that run (broken ones are in `issues`). */
  readonly rules: number
  readonly issues: readonly { file: string; message: string }[]
  session(endpoint: ProbeEndpoint, level: ProbeLevel): ProbeSession
}
