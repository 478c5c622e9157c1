// One target, end to end: its endpoints in order (https:443, then http:80 when nothing answered
// HTTP), each through the engine's next → send → feed loop, under the target's deadline. The engine
// judges; this side only sends, waits, retries connection failures and keeps the errors.
import { setMaxListeners } from 'node:events'
import type {
  CompiledProbe,
  ProbeEndpoint,
  ProbeErrorCode,
  ProbeLevel,
  ProbeRequest,
  ProbeResponse,
  ProbeTargetResult,
} from '../shared/probe.ts'
import { networkKey } from './address.ts'
import { ProbeStop } from './errors.ts'
import { type EndpointClient, endpointClient, type HttpLimits } from './http.ts'
import { type NetworkLimits, type RateLimit, wait } from './rate.ts'
import type { ProbeTarget } from './targets.ts'

export interface TargetRunOptions {
  compiled: CompiledProbe
  level: ProbeLevel
  limits: HttpLimits
  /** Whole target, every endpoint and retry included (ms). */
  targetTimeoutMs: number
  /** Extra tries of a request whose connection failed (refused, unreachable, connect timeout). */
  retries: number
  /** First backoff (ms), doubled per retry, with jitter. */
  backoffMs: number
  rate?: RateLimit
  netRate?: NetworkLimits
  /** The run's stop. */
  signal: AbortSignal
}

/** Rounds of the engine's loop one endpoint may take: a guard against an engine that never ends. */
const MAX_ROUNDS = 16

/** Failures that can mean "nothing speaks HTTP(S) here": the next endpoint (http:80) is worth a try. */
const NO_HTTP: ReadonlySet<ProbeErrorCode> = new Set([
  'refused',
  'unreachable',
  'timeout',
  'tls',
  'not-http',
  'reset',
])

type Failure = ProbeTargetResult['errors'][number]

async function send(
  client: EndpointClient,
  ep: ProbeEndpoint,
  req: ProbeRequest,
  o: TargetRunOptions,
  stop: AbortSignal,
  answered: () => boolean,
): Promise<ProbeResponse> {
  const key = networkKey(ep.ip ?? ep.host)
  for (let attempt = 0; ; attempt++) {
    if (o.rate) await wait(o.rate.book(Date.now()), stop)
    if (o.netRate) await wait(o.netRate.book(key, Date.now()), stop)
    const { response, connectFailure } = await client.sendDetailed(req, stop)
    // A closed port answers at once and for good: retrying it on first contact would double the
    // cost of every empty address of a range. Once the host has answered, a refusal is transient.
    const retryable =
      connectFailure && (response.error?.code !== 'refused' || answered()) && !stop.aborted
    if (!retryable || attempt >= o.retries) return response
    const backoff = o.backoffMs * 2 ** attempt * (0.75 + Math.random() / 2)
    await wait(backoff, stop)
    if (stop.aborted) return response
  }
}

/**
 * Probes one target. Returns null when the run was stopped before the target was done (it is not a
 * result: `--resume` probes it again).
 */
export async function probeTarget(
  target: ProbeTarget,
  o: TargetRunOptions,
): Promise<ProbeTargetResult | null> {
  const startedAt = new Date()
  const t0 = performance.now()
  const ctl = new AbortController()
  // Every request in flight listens to the target's stop; a safe-level round sends dozens at once.
  setMaxListeners(0, ctl.signal)
  const deadline = setTimeout(
    () =>
      ctl.abort(
        new ProbeStop({
          code: 'timeout',
          message: `the target's deadline (${o.targetTimeoutMs} ms) passed`,
        }),
      ),
    o.targetTimeoutMs,
  )
  const onStop = () => ctl.abort(new ProbeStop({ code: 'aborted', message: 'the run was stopped' }))
  if (o.signal.aborted) onStop()
  else o.signal.addEventListener('abort', onStop, { once: true })
  const errors: Failure[] = []
  let requests = 0
  try {
    for (let i = 0; i < target.candidates.length; i++) {
      const ep = target.candidates[i]!
      const last = i === target.candidates.length - 1
      const session = o.compiled.session(ep, o.level)
      const client = endpointClient(ep, o.limits)
      let answered = false
      const mine: Failure[] = []
      let fallBack = false
      try {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const reqs = session.next()
          if (reqs.length === 0) break
          requests += reqs.length
          const responses = await Promise.all(
            reqs.map((r) => send(client, ep, r, o, ctl.signal, () => answered)),
          )
          for (const r of responses) {
            if (r.status !== null) answered = true
            if (r.error)
              mine.push({ code: r.error.code, message: r.error.message, requestId: r.id })
          }
          if (o.signal.aborted) return null
          // No connection (and TLS handshake) ever succeeded on this endpoint: try the next one
          // (http:80). A connection that was reset after its handshake is an answer (URL Rewrite's
          // AbortRequest looks like that), so it never falls back.
          if (
            round === 0 &&
            !answered &&
            !client.connected() &&
            !last &&
            !ctl.signal.aborted &&
            responses.every((r) => r.error && NO_HTTP.has(r.error.code))
          ) {
            fallBack = true
            break
          }
          session.feed(responses, client.tls())
        }
        if (fallBack) {
          const first = mine[0]
          errors.push({
            code: first?.code ?? 'unreachable',
            message: `${ep.scheme}:${ep.port}: ${first?.message ?? 'no answer'}`,
            ...(first?.requestId ? { requestId: first.requestId } : {}),
          })
          continue
        }
        if (o.signal.aborted) return null
        const judgement = session.result()
        const tls = client.tls()
        const ip = client.ip() ?? ep.ip
        return {
          ...judgement,
          target: { ...ep, ...(ip ? { ip } : {}) },
          ...(tls ? { tls } : {}),
          errors: [...errors, ...mine],
          startedAt: startedAt.toISOString(),
          ms: Math.round(performance.now() - t0),
          requests,
        }
      } finally {
        await client.close()
      }
    }
    // Unreachable: every endpoint fell back, and the last always judges. Kept for the type checker.
    return null
  } finally {
    clearTimeout(deadline)
    o.signal.removeEventListener('abort', onStop)
  }
}
