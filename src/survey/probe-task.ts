// The probe job: one target probed with the library's probe() on the worker's one compiled engine
// (content loaded and compiled once per worker process, on its first probe job), its result stored
// as an observation keyed by target and scan. The key is in the payload, so a retried job (same
// payload) stores at most one observation for that scan. With `everyMs`, the job queues the next
// scan of its target under the same job key, run_at now + every.
import { setMaxListeners } from 'node:events'
import type { JobHelpers } from 'graphile-worker'
import type { LoadedContent } from '../content/load.ts'
import { probe } from '../probe/probe.ts'
import type { RateLimit } from '../probe/rate.ts'
import { ExhuntError } from '../shared/errors.ts'
import type { CompiledProbe, ProbeLevel } from '../shared/probe.ts'
import { recordObservation } from '../store/observations.ts'
import type { Store } from '../store/open.ts'

export const PROBE_TASK = 'probe'
export const probeJobKey = (targetId: number) => `probe:${targetId}`

export interface ProbePayload {
  targetId: number
  target: string
  level: ProbeLevel
  /** The scan this job belongs to (ISO time it was queued): with the target, the observation's key. */
  scan: string
  /** Re-scan period (ms); absent: one scan. */
  everyMs?: number
}

export function checkProbePayload(p: unknown): ProbePayload {
  const o = p as Partial<ProbePayload> | null
  if (
    !o ||
    typeof o.targetId !== 'number' ||
    typeof o.target !== 'string' ||
    typeof o.scan !== 'string' ||
    (o.level !== 'passive' && o.level !== 'safe')
  )
    throw new ExhuntError('EXH_ERR_JOB', `not a probe job payload: ${JSON.stringify(p)}`)
  return {
    targetId: o.targetId,
    target: o.target,
    level: o.level,
    scan: o.scan,
    ...(typeof o.everyMs === 'number' && o.everyMs > 0 ? { everyMs: o.everyMs } : {}),
  }
}

export interface ProbeTaskDeps {
  store: Store
  engine: () => { content: LoadedContent; compiled: CompiledProbe }
  /** This worker's target rate (targets/s), shared by its jobs; not shared with other workers. */
  rate?: RateLimit
  targetTimeoutMs?: number
}

export async function runProbeJob(
  deps: ProbeTaskDeps,
  payload: unknown,
  helpers?: Pick<JobHelpers, 'addJob' | 'abortSignal'>,
): Promise<{ outcome: 'stored' | 'already-stored'; verdict: string }> {
  const p = checkProbePayload(payload)
  if (deps.rate) {
    const ms = deps.rate.book(Date.now())
    if (ms > 0) await new Promise((r) => setTimeout(r, ms))
  }
  const { content, compiled } = deps.engine()
  // graphile-worker's stop signal is one for all of the worker's jobs: each job listens once through
  // its own controller (the probe adds a listener per request to it)
  const ctl = new AbortController()
  setMaxListeners(0, ctl.signal)
  const stop = () => ctl.abort()
  helpers?.abortSignal?.addEventListener('abort', stop, { once: true })
  if (helpers?.abortSignal?.aborted) ctl.abort()
  const report = await probe({
    targets: [p.target],
    content,
    compiled,
    level: p.level,
    concurrency: 1,
    ...(deps.targetTimeoutMs ? { targetTimeoutMs: deps.targetTimeoutMs } : {}),
    signal: ctl.signal,
  }).finally(() => helpers?.abortSignal?.removeEventListener('abort', stop))
  const result = report.results[0]
  if (!result)
    // stopped (worker stopping) or not a target: nothing stored, the job runs again
    throw new ExhuntError(
      'EXH_ERR_JOB',
      `${p.target}: no probe result (${report.targetErrors[0]?.message ?? (report.complete ? 'not a target' : 'stopped')})`,
    )
  const stored = await recordObservation(
    deps.store.pool,
    `${probeJobKey(p.targetId)}:${p.scan}`,
    p.targetId,
    result,
  )
  if (p.everyMs && helpers) {
    const runAt = new Date(Date.now() + p.everyMs)
    // the running job's key is taken over by the new one (graphile-worker clears a locked job's key)
    await helpers.addJob(
      PROBE_TASK,
      { ...p, scan: runAt.toISOString() },
      { jobKey: probeJobKey(p.targetId), runAt, maxAttempts: 5 },
    )
  }
  return { outcome: stored ? 'stored' : 'already-stored', verdict: result.verdict }
}
