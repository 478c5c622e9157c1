// Where a hunt stands against its caller's AbortSignal and its time limit: one signal for every scan
// of the hunt, and, once the scans are done, whether and where they were cut short.
import type { HuntIncomplete } from '../shared/types.ts'
import type { HuntOptions } from './run.ts'

export interface CutShort {
  /** Aborted by the caller's signal or by the time limit, until `finish`. */
  signal: AbortSignal
  /** The phase the hunt is in, named in `incomplete.phase`. */
  enter(p: HuntIncomplete['phase']): void
  /** The scans are done: an abort from now on changes nothing. Says whether one came before. */
  finish(): HuntIncomplete | undefined
}

type Phase = HuntIncomplete['phase']

/** The hunt's own signal: the caller's, or its time limit; and where the hunt was when it fired. */
export function cutShort(opts: Pick<HuntOptions, 'signal' | 'timeoutMs'>): CutShort {
  const ctl = new AbortController()
  let phase: Phase | 'done' = 'discover'
  let cut: HuntIncomplete | undefined
  const stop = (reason: 'aborted' | 'timeout', message: string) => {
    if (phase === 'done' || cut) return
    cut = { reason, phase, message }
    ctl.abort()
  }
  const onAbort = () => {
    // The caller's reason when it gave one (the CLI: "SIGINT received"); plain "aborted" otherwise.
    const r: unknown = opts.signal?.reason
    const why =
      r instanceof Error && r.name !== 'AbortError' ? r.message : typeof r === 'string' ? r : ''
    stop('aborted', why ? `aborted: ${why}` : 'aborted')
  }
  if (opts.signal?.aborted) onAbort()
  else opts.signal?.addEventListener('abort', onAbort, { once: true })
  const timer =
    opts.timeoutMs !== undefined && opts.timeoutMs > 0
      ? setTimeout(
          () => stop('timeout', `time limit of ${opts.timeoutMs} ms reached`),
          opts.timeoutMs,
        )
      : undefined
  return {
    signal: ctl.signal,
    enter(p: Phase) {
      if (!cut) phase = p
    },
    finish(): HuntIncomplete | undefined {
      phase = 'done'
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      return cut
    },
  }
}
