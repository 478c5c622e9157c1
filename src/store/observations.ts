// Probe observations: every probe of a target over time, as shared/probe.ts ProbeTargetResult gives
// it, with the verdict, build, checks and errors in columns for counting and the whole result as JSON.
import type { ProbeTargetResult } from '../shared/probe.ts'
import type { Queryable } from './audit.ts'

/** Stores one observation unless its key (the job that made it) is already stored. */
export async function recordObservation(
  db: Queryable,
  key: string,
  targetId: number,
  result: ProbeTargetResult,
): Promise<boolean> {
  const r = await db.query(
    `insert into observations (key, target_id, observed_at, verdict, exchange, build, confidence, checks, errors, result)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (key) do nothing`,
    [
      key,
      targetId,
      result.startedAt,
      result.verdict,
      result.exchange,
      result.build?.build ?? null,
      result.confidence,
      JSON.stringify(result.checks),
      JSON.stringify(result.errors),
      JSON.stringify(result),
    ],
  )
  return r.rowCount === 1
}

export interface ObservationRow {
  observedAt: Date
  verdict: string
  build: string | null
  checks: ProbeTargetResult['checks']
  errors: ProbeTargetResult['errors']
}

/** A target's observations, newest first. */
export async function observationsOf(
  db: Queryable,
  targetId: number,
  limit = 100,
): Promise<ObservationRow[]> {
  const r = await db.query<ObservationRow>(
    `select observed_at as "observedAt", verdict, build, checks, errors from observations
     where target_id = $1 order by observed_at desc, id desc limit $2`,
    [targetId, limit],
  )
  return r.rows
}
