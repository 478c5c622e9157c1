// A victim's triage collection becomes a hunt job: hashed (the job key and the report's key), and
// queued unless its report is already stored or a job for it already waits.
import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { ExhuntError } from '../shared/errors.ts'
import { audit } from '../store/audit.ts'
import type { Store } from '../store/open.ts'
import { hasReport } from '../store/reports.ts'
import { HUNT_TASK, type HuntPayload, huntKey } from './hunt-task.ts'
import { addJob } from './queue.ts'

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

export type QueueOutcome = 'queued' | 'already-queued' | 'already-hunted'

export interface QueuedHunt {
  path: string
  sha256: string
  outcome: QueueOutcome
  jobId?: string
}

export async function queueHunt(
  store: Store,
  path: string,
  actor: string,
  opts: { timeoutMs?: number } = {},
): Promise<QueuedHunt> {
  const abs = resolve(path)
  let st: ReturnType<typeof statSync>
  try {
    st = statSync(abs)
  } catch (e) {
    throw new ExhuntError('EXH_ERR_SURVEY_INPUT', `${path}: ${(e as Error).message}`, {
      item: path,
    })
  }
  if (!st.isFile())
    throw new ExhuntError(
      'EXH_ERR_SURVEY_INPUT',
      `${path}: not a file (a hunt job takes one triage .zip)`,
      {
        item: path,
      },
    )
  const sha256 = await sha256File(abs)
  if (await hasReport(store.pool, huntKey(sha256)))
    return { path: abs, sha256, outcome: 'already-hunted' }
  const payload: HuntPayload = {
    path: abs,
    sha256,
    name: basename(abs),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  }
  const job = await addJob(
    store,
    HUNT_TASK,
    { ...payload },
    { jobKey: huntKey(sha256), maxAttempts: 3 },
  )
  if (job.added) await audit(store.pool, actor, 'hunt.queue', huntKey(sha256), { path: abs })
  return { path: abs, sha256, outcome: job.added ? 'queued' : 'already-queued', jobId: job.id }
}
