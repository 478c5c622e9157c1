// `exhunt worker`: runs the survey's jobs until SIGINT/SIGTERM. The first signal stops taking jobs
// and lets running ones finish; a second one exits at once (the jobs are then released by the next
// worker's start, and run again: every task is idempotent).
import { loadContent } from '../content/load.ts'
import { contentRoot } from '../content/root.ts'
import { createHunter } from '../hunt/hunter.ts'
import { compiledProbe } from '../probe/probe.ts'
import { openStore } from '../store/open.ts'
import { runWorker } from '../survey/worker.ts'
import { EXIT_CLEAN } from './exit-codes.ts'
import { say } from './say.ts'
import { type StoreFlags, storeOptions } from './survey-command.ts'

export interface WorkerFlags extends StoreFlags {
  concurrency: number
  huntTimeout: number
  jobTimeout?: number
  workers?: number
  content?: string
  probeRate?: number
}

export async function runWorkerCommand(o: WorkerFlags): Promise<number> {
  // graphile-worker takes concurrency connections at most, plus its own and our heartbeat
  const store = await openStore(
    storeOptions(o, { poolSize: o.concurrency + 4, requireOwner: true }),
  )
  const ac = new AbortController()
  let signals = 0
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) process.exit(130)
    say(`${sig}: finishing running jobs (again to quit at once)`)
    ac.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let made: ReturnType<typeof makeHunter> | undefined
  const makeHunter = () => ({
    content: loadContent(o.content ?? contentRoot()),
    hunter: createHunter({
      ...(o.workers !== undefined ? { workers: o.workers } : {}),
      ...(o.jobTimeout !== undefined ? { jobTimeoutMs: o.jobTimeout } : {}),
    }),
  })
  try {
    const summary = await runWorker({
      store,
      concurrency: o.concurrency,
      huntTimeoutMs: o.huntTimeout,
      signal: ac.signal,
      onLine: say,
      ...(o.probeRate ? { probeRate: o.probeRate } : {}),
      makeProbe: () => {
        const content = loadContent(o.content ?? contentRoot(), { yara: false, nativeRules: false })
        return { content, compiled: compiledProbe(content) }
      },
      makeHunter: () => {
        made = makeHunter()
        return made
      },
    })
    say(`worker stopped: ${summary.jobs.done} job(s) done, ${summary.jobs.failed} failed for good`)
  } finally {
    await made?.hunter.close()
    // only after runner.stop() resolved (inside runWorker): ending it earlier leaves a finished job locked
    await store.close()
  }
  return EXIT_CLEAN
}
