// Reports (hunt reports today, probe reports later) stored as the JSON the tool produced, keyed by
// `schema`, with the envelope's verdict and complete flag beside it for counting. Writes are
// idempotent: one row per key, so a job that runs twice, or a file imported twice, stores once.
import { createHash } from 'node:crypto'
import { ExhuntError } from '../shared/errors.ts'
import type { ReportEnvelope } from '../shared/types.ts'
import type { Queryable } from './audit.ts'

export type ReportOrigin = 'worker' | 'import' | 'upload'

export interface StoreReportInput {
  /** 'hunt:<sha256 of the collection>' for a worker's hunt; 'report:<sha256 of the JSON>' for an import. */
  key: string
  report: ReportEnvelope
  origin: ReportOrigin
  sourceName?: string
  targetId?: number
}

export function reportDigestKey(json: string): string {
  return `report:${createHash('sha256').update(json).digest('hex')}`
}

/** The envelope fields the store relies on, or an ExhuntError naming the first one missing. */
export function checkEnvelope(value: unknown, name: string): ReportEnvelope {
  const r = value as Partial<ReportEnvelope> | null
  const bad = (what: string) =>
    new ExhuntError('EXH_ERR_REPORT', `${name}: not an exhunt report (${what})`, { item: name })
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw bad('not a JSON object')
  if (typeof r.schema !== 'string' || !/^exhunt\.[a-z]+\/\d+$/.test(r.schema))
    throw bad('no schema')
  if (typeof r.kind !== 'string') throw bad('no kind')
  if (typeof r.verdict !== 'string') throw bad('no verdict')
  if (typeof r.complete !== 'boolean') throw bad('no complete flag')
  if (r.target === null || typeof r.target !== 'object') throw bad('no target')
  return r as ReportEnvelope
}

const isoOrNull = (s: unknown) => (typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? s : null)

/** Stores the report unless its key is already stored; `inserted` says which. */
export async function storeReport(
  db: Queryable,
  input: StoreReportInput,
): Promise<{ id: number; inserted: boolean }> {
  const r = input.report
  const hosts = Array.isArray(r.target?.hosts) ? r.target.hosts.map(String) : []
  const ins = await db.query<{ id: number }>(
    `insert into reports (key, schema, kind, verdict, complete, target_id, host_names, evidence_digest,
                          origin, source_name, started_at, finished_at, report)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict (key) do nothing
     returning id::int as id`,
    [
      input.key,
      r.schema,
      r.kind,
      r.verdict,
      r.complete,
      input.targetId ?? null,
      hosts,
      r.target?.evidence?.value ?? null,
      input.origin,
      input.sourceName ?? null,
      isoOrNull(r.startedAt),
      isoOrNull(r.finishedAt),
      JSON.stringify(r),
    ],
  )
  if (ins.rows[0]) return { id: ins.rows[0].id, inserted: true }
  const old = await db.query<{ id: number }>('select id::int as id from reports where key = $1', [
    input.key,
  ])
  return { id: old.rows[0]?.id ?? 0, inserted: false }
}

export async function hasReport(db: Queryable, key: string): Promise<boolean> {
  const r = await db.query('select 1 from reports where key = $1', [key])
  return r.rowCount === 1
}

export interface StoredReport {
  id: number
  key: string
  schema: string
  verdict: string
  complete: boolean
  origin: ReportOrigin
  sourceName: string | null
  report: ReportEnvelope
}

export async function getReport(db: Queryable, key: string): Promise<StoredReport | undefined> {
  const r = await db.query(
    `select id::int as id, key, schema, verdict, complete, origin, source_name as "sourceName", report
     from reports where key = $1`,
    [key],
  )
  return r.rows[0] as StoredReport | undefined
}
