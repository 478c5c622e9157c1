// The hunt job: one victim's triage collection, hunted with the worker's long-lived hunter (content
// compiled once per worker thread, kept across jobs) under a per-job time limit, and its report
// stored under the collection's SHA-256. Idempotent: a job that runs again after a crash finds the
// report stored and does nothing, and a second store of the same key is a no-op.
import { basename } from 'node:path'
import type { LoadedContent } from '../content/load.ts'
import type { Hunter } from '../hunt/hunter.ts'
import { ExhuntError } from '../shared/errors.ts'
import { audit } from '../store/audit.ts'
import type { Store } from '../store/open.ts'
import { hasReport, storeReport } from '../store/reports.ts'

export const HUNT_TASK = 'hunt'

export interface HuntPayload {
  /** The collection's path as the worker sees it (a shared folder when workers run on several machines). */
  path: string
  sha256: string
  name: string
  /** A shorter limit for this hunt than the worker's (`survey hunt --timeout`). */
  timeoutMs?: number
}

export const huntKey = (sha256: string) => `hunt:${sha256}`

export function checkHuntPayload(p: unknown): HuntPayload {
  const o = p as Partial<HuntPayload> | null
  if (
    !o ||
    typeof o.path !== 'string' ||
    typeof o.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(o.sha256)
  )
    throw new ExhuntError('EXH_ERR_JOB', `not a hunt job payload: ${JSON.stringify(p)}`)
  return {
    path: o.path,
    sha256: o.sha256,
    name: typeof o.name === 'string' ? o.name : basename(o.path),
    ...(typeof o.timeoutMs === 'number' && o.timeoutMs > 0 ? { timeoutMs: o.timeoutMs } : {}),
  }
}

export interface HuntTaskDeps {
  store: Store
  hunter: () => { hunter: Hunter; content: LoadedContent }
  /** The whole hunt's limit; a hunt over it is stored with complete: false. */
  timeoutMs: number
  actor: string
}

export type HuntOutcome = 'stored' | 'already-stored'

export async function runHuntJob(
  deps: HuntTaskDeps,
  payload: unknown,
  signal?: AbortSignal,
): Promise<{ outcome: HuntOutcome; verdict?: string; complete?: boolean }> {
  const p = checkHuntPayload(payload)
  const key = huntKey(p.sha256)
  if (await hasReport(deps.store.pool, key)) return { outcome: 'already-stored' }
  const { hunter, content } = deps.hunter()
  const report = await hunter.hunt({
    input: p.path,
    content,
    timeoutMs: Math.min(deps.timeoutMs, p.timeoutMs ?? deps.timeoutMs),
    ...(signal ? { signal } : {}),
  })
  if (signal?.aborted)
    // the worker is stopping, not the hunt's limit: leave the job to run again, store nothing
    throw new ExhuntError('EXH_ERR_JOB', `worker stopping: the hunt of ${p.name} will run again`)
  const got = report.target.evidence?.value
  if (got !== p.sha256)
    // the file was replaced after it was queued: storing it under the old digest would lie
    throw new ExhuntError(
      'EXH_ERR_JOB',
      `${p.path} changed since it was queued (SHA-256 ${got ?? 'unknown'}, queued as ${p.sha256}): queue it again`,
    )
  const stored = await storeReport(deps.store.pool, {
    key,
    report,
    origin: 'worker',
    sourceName: p.name,
  })
  if (stored.inserted)
    await audit(deps.store.pool, deps.actor, 'report.store', key, {
      verdict: report.verdict,
      complete: report.complete,
      source: p.name,
    })
  return {
    outcome: stored.inserted ? 'stored' : 'already-stored',
    verdict: report.verdict,
    complete: report.complete,
  }
}
