// The probe run: targets pulled one at a time from their stream by a fixed number of lanes, so memory
// stays flat whether the input is one host or a /8; each result handed on as soon as it is judged.

import { setMaxListeners } from 'node:events'
import { emptyVerdicts } from '../analysis/probe-tally.ts'
import type { CompiledProbe, ProbeLevel, ProbeTargetResult, ProbeVerdict } from '../shared/probe.ts'
import { DEFAULT_LIMITS, type HttpLimits } from './http.ts'
import { probeTarget } from './probe-target.ts'
import { NetworkLimits, RateLimit } from './rate.ts'
import type { ProbeTarget, TargetError, TargetItem } from './targets.ts'

export interface ProbeRunOptions {
  compiled: CompiledProbe
  /** Default `passive`: fingerprint only. */
  level?: ProbeLevel
  /** Targets probed at once (default 64: the work is waiting on the network, not the CPU). */
  concurrency?: number
  /** Requests per second for the whole run. */
  rate?: number
  /** Requests per second per network (/24 for IPv4, /64 for IPv6, per host name otherwise). */
  netRate?: number
  limits?: Partial<HttpLimits>
  /** Deadline of one target, all its requests and retries (ms, default 60 s). */
  targetTimeoutMs?: number
  /** Extra tries of a request whose connection failed (default 1). */
  retries?: number
  backoffMs?: number
  signal?: AbortSignal
  /** `--resume`: true for a target already done (its key, `targets.ts` targetKey). */
  done?: (key: string) => boolean
  onResult?: (result: ProbeTargetResult, target: ProbeTarget) => void
  onTargetError?: (error: TargetError) => void
  onProgress?: (p: ProbeProgress) => void
}

export interface ProbeProgress {
  done: number
  skipped: number
  targetErrors: number
  inFlight: number
}

export interface ProbeRunSummary {
  startedAt: string
  finishedAt: string
  /** False when the run was stopped: targets in flight then were not reported. */
  complete: boolean
  stopped?: string
  /** Targets judged in this run. */
  done: number
  /** Targets skipped because --resume says they were done. */
  skipped: number
  /** Input items that are not targets (per-line errors). */
  targetErrors: number
  verdicts: Record<ProbeVerdict, number>
  requests: number
}

export const DEFAULT_CONCURRENCY = 64

export async function runProbe(
  items: AsyncIterable<TargetItem> | Iterable<TargetItem>,
  o: ProbeRunOptions,
): Promise<ProbeRunSummary> {
  const startedAt = new Date().toISOString()
  const signal = o.signal ?? new AbortController().signal
  // Every target in flight listens to the run's stop: as many listeners as lanes, none leaked.
  setMaxListeners(Math.max(10, (o.concurrency ?? DEFAULT_CONCURRENCY) + 10), signal)
  const limits: HttpLimits = { ...DEFAULT_LIMITS, ...o.limits }
  const targetOpts = {
    compiled: o.compiled,
    level: o.level ?? 'passive',
    limits,
    targetTimeoutMs: o.targetTimeoutMs ?? Math.max(60_000, limits.timeoutMs * 4),
    retries: o.retries ?? 1,
    backoffMs: o.backoffMs ?? 250,
    ...(o.rate ? { rate: new RateLimit(o.rate) } : {}),
    ...(o.netRate ? { netRate: new NetworkLimits(o.netRate) } : {}),
    signal,
  }
  const summary: ProbeRunSummary = {
    startedAt,
    finishedAt: startedAt,
    complete: true,
    done: 0,
    skipped: 0,
    targetErrors: 0,
    verdicts: emptyVerdicts(),
    requests: 0,
  }
  let inFlight = 0
  const progress = () =>
    o.onProgress?.({
      done: summary.done,
      skipped: summary.skipped,
      targetErrors: summary.targetErrors,
      inFlight,
    })
  const it: AsyncIterator<TargetItem> | Iterator<TargetItem> =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<TargetItem>)[Symbol.asyncIterator]()
      : (items as Iterable<TargetItem>)[Symbol.iterator]()
  // A stop must not wait for the next line of a stdin that never ends.
  const stopped = new Promise<IteratorResult<TargetItem>>((resolve) => {
    const end = () => resolve({ done: true, value: undefined })
    if (signal.aborted) end()
    else signal.addEventListener('abort', end, { once: true })
  })
  // Lanes share one iterator: an async generator queues concurrent next() calls, a sync one is atomic.
  const lane = async () => {
    while (!signal.aborted) {
      const next = await Promise.race([it.next(), stopped])
      if (next.done) return
      const item = next.value
      if ('error' in item) {
        summary.targetErrors++
        o.onTargetError?.(item.error)
        progress()
        continue
      }
      if (o.done?.(item.target.key)) {
        summary.skipped++
        progress()
        continue
      }
      inFlight++
      let result: ProbeTargetResult | null
      try {
        result = await probeTarget(item.target, targetOpts)
      } finally {
        inFlight--
      }
      if (!result) continue
      summary.done++
      summary.requests += result.requests
      summary.verdicts[result.verdict]++
      o.onResult?.(result, item.target)
      progress()
    }
  }
  const n = Math.max(1, o.concurrency ?? DEFAULT_CONCURRENCY)
  await Promise.all(Array.from({ length: n }, lane))
  if (signal.aborted) {
    summary.complete = false
    const r = signal.reason as { message?: string } | undefined
    summary.stopped = r?.message ?? 'stopped'
    // Let an async generator (a file being read) close its stream; stdin may never answer.
    void Promise.resolve(it.return?.()).catch(() => {})
  }
  summary.finishedAt = new Date().toISOString()
  return summary
}
