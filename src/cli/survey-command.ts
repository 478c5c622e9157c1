// `exhunt survey add|import|hunt|status`: the store opened from --data (embedded PGlite) or
// DATABASE_URL (PostgreSQL), then one survey/ call. Per-item problems are listed and the rest goes
// on; any of them makes the exit code 2.
import { isExhuntError } from '../shared/errors.ts'
import { cliActor } from '../store/audit.ts'
import { openStore, type Store, type StoreOptions } from '../store/open.ts'
import { storeCounts } from '../store/status.ts'
import { checkMeta, upsertTargets } from '../store/targets.ts'
import { queueHunt } from '../survey/enqueue-hunt.ts'
import { importReport } from '../survey/import-report.ts'
import { prepareQueue } from '../survey/queue.ts'
import { readTargets } from '../survey/targets-input.ts'
import { watchFolder } from '../survey/watch.ts'
import { EXIT_CLEAN, EXIT_ERROR } from './exit-codes.ts'
import { say } from './say.ts'

export interface StoreFlags {
  data?: string
}

export function storeOptions(flags: StoreFlags, extra: Partial<StoreOptions> = {}): StoreOptions {
  const url = process.env.DATABASE_URL
  return {
    ...(url
      ? { databaseUrl: url }
      : { dataDir: flags.data ?? process.env.EXHUNT_DATA ?? 'exhunt-data' }),
    ...extra,
  }
}

async function withStore<T>(
  flags: StoreFlags,
  fn: (s: Store) => Promise<T>,
  extra: Partial<StoreOptions> = {},
) {
  const store = await openStore(storeOptions(flags, { poolSize: 4, ...extra }))
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

const message = (e: unknown) =>
  isExhuntError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e)

export interface AddFlags extends StoreFlags {
  owner?: string
  sector?: string
  country?: string
  asn?: number
  tag: string[]
}

export async function runSurveyAdd(args: string[], o: AddFlags): Promise<number> {
  const meta = checkMeta({
    ...(o.owner !== undefined ? { owner: o.owner } : {}),
    ...(o.sector !== undefined ? { sector: o.sector } : {}),
    ...(o.country !== undefined ? { country: o.country } : {}),
    ...(o.asn !== undefined ? { asn: o.asn } : {}),
    tags: [...new Set(o.tag)].sort(),
  })
  const input = readTargets(args)
  for (const e of input.errors) say(`${e.where}: ${e.message}`)
  const r = await withStore(o, async (store) => {
    const r = await upsertTargets(store.pool, input.targets, meta)
    const { audit } = await import('../store/audit.ts')
    await audit(store.pool, cliActor(), 'targets.add', null, { ...r, ...meta })
    return r
  })
  process.stdout.write(
    `${r.added} target(s) added, ${r.updated} updated${input.errors.length ? `, ${input.errors.length} refused` : ''}\n`,
  )
  return input.errors.length ? EXIT_ERROR : EXIT_CLEAN
}

export async function runSurveyImport(files: string[], o: StoreFlags): Promise<number> {
  let failed = 0
  await withStore(o, async (store) => {
    for (const f of files) {
      try {
        const r = await importReport(store, f, cliActor())
        process.stdout.write(
          `${f}: ${r.inserted ? 'stored' : 'already stored'} (${r.verdict}${r.complete ? '' : ', incomplete'}) ${r.key}\n`,
        )
      } catch (e) {
        failed++
        say(message(e))
      }
    }
  })
  return failed ? EXIT_ERROR : EXIT_CLEAN
}

export interface HuntFlags extends StoreFlags {
  watch?: string
  poll?: number
  timeout?: number
}

function stopOnSignals(): AbortController {
  const ac = new AbortController()
  let count = 0
  const on = (sig: NodeJS.Signals) => {
    count++
    if (count > 1) process.exit(130)
    say(`${sig}: stopping (again to quit at once)`)
    ac.abort()
  }
  process.on('SIGINT', on)
  process.on('SIGTERM', on)
  return ac
}

export async function runSurveyHunt(zips: string[], o: HuntFlags): Promise<number> {
  let failed = 0
  await withStore(o, async (store) => {
    await prepareQueue(store)
    for (const z of zips) {
      try {
        const q = await queueHunt(store, z, cliActor(), o.timeout ? { timeoutMs: o.timeout } : {})
        process.stdout.write(`${z}: ${q.outcome} hunt:${q.sha256}\n`)
      } catch (e) {
        failed++
        say(message(e))
      }
    }
    if (o.watch) {
      const ac = stopOnSignals()
      say(`watching ${o.watch} for triage .zip files (Ctrl-C to stop)`)
      await watchFolder({
        store,
        dir: o.watch,
        actor: cliActor(),
        pollMs: o.poll ?? 2000,
        ...(o.timeout ? { timeoutMs: o.timeout } : {}),
        signal: ac.signal,
        onQueued: (q) => process.stdout.write(`${q.path}: ${q.outcome} hunt:${q.sha256}\n`),
        onError: (path, e) => {
          failed++
          say(`${path}: ${message(e)}`)
        },
      })
    }
  })
  return failed ? EXIT_ERROR : EXIT_CLEAN
}

export async function runSurveyScan(
  o: StoreFlags & { every?: number; checks: string; tag?: string },
): Promise<number> {
  if (o.checks !== 'passive' && o.checks !== 'safe') {
    say(`survey scan: --checks takes passive or safe, not ${JSON.stringify(o.checks)}`)
    return EXIT_ERROR
  }
  const level = o.checks
  const { queueScan } = await import('../survey/scan.ts')
  const r = await withStore(o, (store) =>
    queueScan(store, {
      level,
      actor: cliActor(),
      ...(o.tag ? { tag: o.tag } : {}),
      ...(o.every ? { everyMs: o.every } : {}),
    }),
  )
  process.stdout.write(
    `${r.targets} target(s): ${r.queued} probe job(s) queued, ${r.alreadyQueued} already queued${o.every ? `, re-scan every ${o.every / 1000}s` : ''}\n`,
  )
  return EXIT_CLEAN
}

export async function runSurveyStatus(o: StoreFlags & { json?: boolean }): Promise<number> {
  const { counts, kind, where } = await withStore(o, async (store) => ({
    counts: await storeCounts(store.pool),
    kind: store.kind,
    where: store.where,
  }))
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ store: { kind, where }, ...counts }, null, 2)}\n`)
    return EXIT_CLEAN
  }
  const verdicts = Object.entries(counts.reports.byVerdict)
    .map(([v, n]) => `${v} ${n}`)
    .join(', ')
  const notes = Object.entries(counts.notifications)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')
  process.stdout.write(
    [
      `store         ${kind} ${where}`,
      `targets       ${counts.targets}`,
      `observations  ${counts.observations}`,
      `reports       ${counts.reports.total}${counts.reports.incomplete ? ` (${counts.reports.incomplete} incomplete)` : ''}${verdicts ? `: ${verdicts}` : ''}`,
      `notifications ${notes || '0'}`,
      `jobs          ${counts.jobs ? `${counts.jobs.queued} queued, ${counts.jobs.locked} running, ${counts.jobs.failed} failed` : 'no queue yet'}`,
      `workers       ${counts.workers.live} live`,
      '',
    ].join('\n'),
  )
  return EXIT_CLEAN
}
