// A test double of the engine side of the probe contract (shared/probe.ts CompiledProbe and
// ProbeSession), for testing the network side on its own: it asks for /owa/ (and, at level safe, one
// more path), and judges only from X-OWA-Version against a fixed "fixed build". Never shipped: the
// real engine is detect/probe's compileProbe.
import type {
  CompiledProbe,
  ProbeEndpoint,
  ProbeJudgement,
  ProbeLevel,
  ProbeRequest,
  ProbeResponse,
  ProbeSession,
  ProbeTls,
} from '../../src/shared/probe.ts'

export interface DoubleLog {
  sessions: { endpoint: ProbeEndpoint; level: ProbeLevel }[]
  fed: { responses: readonly ProbeResponse[]; tls?: ProbeTls }[]
}

/** Builds at or above this are "patched" for the double (15.1.2176.2: the March 2021 SU of 2016 CU19). */
const FIXED = [15, 1, 2176, 2]

function older(a: number[], b: number[]): boolean {
  for (let i = 0; i < 4; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0)
  return false
}

export function doubleEngine(o: { extraSafePath?: string; rounds?: number } = {}): {
  compiled: CompiledProbe
  log: DoubleLog
} {
  const log: DoubleLog = { sessions: [], fed: [] }
  const compiled: CompiledProbe = {
    name: 'probe',
    rules: 1,
    issues: [],
    session(endpoint, level): ProbeSession {
      log.sessions.push({ endpoint, level })
      let round = 0
      const all: ProbeResponse[] = []
      return {
        next(): ProbeRequest[] {
          if (round >= (o.rounds ?? 1)) return []
          round++
          const reqs: ProbeRequest[] = [{ id: `fp-owa-${round}`, method: 'GET', path: '/owa/' }]
          if (level === 'safe' && round === 1)
            reqs.push({ id: 'chk-x', method: 'GET', path: o.extraSafePath ?? '/owa/auth/x.js' })
          return reqs
        },
        feed(responses, tls) {
          log.fed.push({ responses, ...(tls ? { tls } : {}) })
          all.push(...responses)
        },
        result(): ProbeJudgement {
          const base = { missing: [], checks: [], serverNames: [] }
          const answered = all.filter((r) => r.status !== null)
          if (answered.length === 0) {
            const why = all.map((r) => r.error?.message ?? 'no answer').join('; ')
            return {
              ...base,
              verdict: 'unreachable',
              reason: why,
              confidence: 'high',
              exchange: false,
            }
          }
          const v = answered.map((r) => r.headers['x-owa-version']).find(Boolean)
          if (!v)
            return {
              ...base,
              verdict: 'not-exchange',
              reason: 'no X-OWA-Version',
              confidence: 'medium',
              exchange: false,
            }
          const parts = v.split('.').map(Number)
          const vulnerable = older(parts, FIXED)
          return {
            ...base,
            verdict: vulnerable ? 'vulnerable' : 'patched',
            reason: `X-OWA-Version ${v}`,
            confidence: 'high',
            exchange: true,
            build: {
              build: v,
              parts: 4,
              source: 'X-OWA-Version header of /owa/',
              confidence: 'high',
              evidence: [
                {
                  build: v,
                  parts: 4,
                  source: 'X-OWA-Version header of /owa/',
                  confidence: 'high',
                  requestId: 'fp-owa-1',
                },
              ],
            },
            missing: vulnerable
              ? [
                  {
                    cve: 'CVE-2021-26855',
                    exploitedInWild: true,
                    certainty: 'exact',
                    family: 'ProxyLogon',
                  },
                ]
              : [],
          }
        },
      }
    },
  }
  return { compiled, log }
}
