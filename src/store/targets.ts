// Targets: one row per server the CERT tracks, with who owns it and where it is.
import { ExhuntError } from '../shared/errors.ts'
import type { Queryable } from './audit.ts'

export interface TargetMeta {
  owner?: string
  sector?: string
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string
  asn?: number
  tags?: string[]
}

export interface TargetRow extends Required<Omit<TargetMeta, 'asn'>> {
  id: number
  target: string
  asn: number | null
}

// host, host:port, [v6]:port, or an http(s) URL; no spaces, no credentials
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** The target as stored (trimmed, host lower-cased), or an ExhuntError saying why it is not one. */
export function normaliseTarget(given: string): string {
  const t = given.trim()
  if (/^https?:\/\//i.test(t)) {
    let u: URL
    try {
      u = new URL(t)
    } catch {
      throw new ExhuntError('EXH_ERR_TARGET', `not a URL: ${JSON.stringify(given)}`)
    }
    if (u.username || u.password)
      throw new ExhuntError('EXH_ERR_TARGET', `a target URL must not carry credentials: ${u.host}`)
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`
  }
  if (!HOST.test(t))
    throw new ExhuntError(
      'EXH_ERR_TARGET',
      `not a host, host:port or URL: ${JSON.stringify(given)}`,
    )
  return t.toLowerCase()
}

export function checkMeta(meta: TargetMeta): TargetMeta {
  if (meta.country !== undefined && !/^[A-Za-z]{2}$/.test(meta.country))
    throw new ExhuntError(
      'EXH_ERR_TARGET',
      `--country takes a two-letter ISO code, not ${JSON.stringify(meta.country)}`,
    )
  if (meta.asn !== undefined && !(Number.isInteger(meta.asn) && meta.asn > 0 && meta.asn < 2 ** 32))
    throw new ExhuntError('EXH_ERR_TARGET', `--asn takes an AS number, not ${meta.asn}`)
  return meta.country ? { ...meta, country: meta.country.toUpperCase() } : meta
}

/**
 * Adds targets, or updates the ones already there: a given field replaces the stored one, a missing
 * field keeps it, tags are merged. One statement, so a crash leaves all of them or none.
 */
export async function upsertTargets(
  db: Queryable,
  targets: readonly string[],
  meta: TargetMeta,
): Promise<{ added: number; updated: number }> {
  if (targets.length === 0) return { added: 0, updated: 0 }
  const r = await db.query<{ inserted: boolean }>(
    `insert into targets (target, owner, sector, country, asn, tags)
     select t, $2, $3, $4, $5, $6::text[] from unnest($1::text[]) as t
     on conflict (target) do update set
       owner = coalesce(excluded.owner, targets.owner),
       sector = coalesce(excluded.sector, targets.sector),
       country = coalesce(excluded.country, targets.country),
       asn = coalesce(excluded.asn, targets.asn),
       tags = array(select distinct unnest(targets.tags || excluded.tags) order by 1),
       updated_at = now()
     returning (xmax = 0) as inserted`,
    [
      [...new Set(targets)],
      meta.owner ?? null,
      meta.sector ?? null,
      meta.country ?? null,
      meta.asn ?? null,
      meta.tags ?? [],
    ],
  )
  const added = r.rows.filter((x) => x.inserted).length
  return { added, updated: r.rows.length - added }
}

export async function getTarget(db: Queryable, target: string): Promise<TargetRow | undefined> {
  const r = await db.query(
    'select id::int as id, target, owner, sector, country, asn::float8 as asn, tags from targets where target = $1',
    [target],
  )
  return r.rows[0] as TargetRow | undefined
}
