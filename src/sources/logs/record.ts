// One data line → LogRecord: the raw columns by lowercased header name, plus the normalised views
// (ip, user, time, ...) picked by the per-log-type table in log-types.ts.
import type { LogRecord, LogType } from '../../shared/types.ts'
import { type ResolvedViews, resolveViews } from './log-types.ts'

// Resolved once per header (the scanner reuses one names array per `#Fields` block).
const viewCache = new WeakMap<readonly string[], Map<LogType, ResolvedViews>>()

function viewsFor(logType: LogType, names: readonly string[]): ResolvedViews {
  let byType = viewCache.get(names)
  if (!byType) {
    byType = new Map()
    viewCache.set(names, byType)
  }
  let v = byType.get(logType)
  if (!v) {
    v = resolveViews(logType, names)
    byType.set(logType, v)
  }
  return v
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/

/** Normalise a logged time to ISO 8601 UTC, or undefined when it is not one. */
export function toIsoTime(value: string | undefined, timeOfDay?: string): string | undefined {
  if (!value || value === '-') return undefined
  if (timeOfDay !== undefined) {
    // IIS W3C: `date` + `time` columns, always UTC (W3C extended log format).
    if (!/^\d{4}-\d\d-\d\d$/.test(value) || !/^\d\d:\d\d:\d\d(?:\.\d+)?$/.test(timeOfDay)) {
      return undefined
    }
    return `${value}T${timeOfDay}Z`
  }
  if (ISO_UTC.test(value)) return value
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)Z?$/.exec(value)
  return m ? `${m[1]}T${m[2]}Z` : undefined
}

/**
 * First address of a client IP column: HttpProxy's ClientIpAddress may hold a comma list (proxies),
 * SmtpReceive's remote-endpoint is `ip:port`; `[v6]:port` and `%zone` suffixes are dropped.
 */
export function firstIp(value: string | undefined): string | undefined {
  if (!value || value === '-') return undefined
  let v = value
  const sep = v.search(/[,;\s]/)
  if (sep !== -1) v = v.slice(0, sep)
  if (v.startsWith('[')) {
    const close = v.indexOf(']')
    v = close === -1 ? v.slice(1) : v.slice(1, close)
  } else {
    const colon = v.indexOf(':')
    // One colon = IPv4:port; IPv6 has several.
    if (colon !== -1 && colon === v.lastIndexOf(':')) v = v.slice(0, colon)
  }
  const zone = v.indexOf('%')
  if (zone !== -1) v = v.slice(0, zone)
  return v === '' ? undefined : v
}

/**
 * ECP Server/Activity EventData: `S:CMD=Get-InboxRule;S:URL=/ecp/...;Dbl:WLM.TS=0` → fields
 * `eventdata.cmd`, `eventdata.url`, ... for the `S:` (string) pairs. A value runs to the next
 * `;<Type>:<key>=` so semicolons inside values (URLs, parameters) survive.
 */
export function parseEventData(data: string, into: Record<string, string>): void {
  const re = /(?:^|;)([A-Za-z][A-Za-z0-9]{0,7}):([^;=]+)=/g
  let m = re.exec(data)
  while (m) {
    const type = m[1]!
    const key = m[2]!
    const start = m.index + m[0].length
    const next = re.exec(data)
    if (type === 'S') {
      let end = next ? next.index : data.length
      if (!next && data.charCodeAt(end - 1) === 59) end--
      into[`eventdata.${key.toLowerCase()}`] = data.slice(start, end)
    }
    m = next
  }
}

function pick(values: readonly string[], i: number): string | undefined {
  if (i < 0) return undefined
  const v = values[i]
  return v === undefined || v === '' || v === '-' ? undefined : v
}

function splitUrl(url: string | undefined): { path?: string; query?: string } {
  if (!url) return {}
  let u = url
  const scheme = u.indexOf('://')
  if (scheme !== -1) {
    const slash = u.indexOf('/', scheme + 3)
    u = slash === -1 ? '/' : u.slice(slash)
  }
  const q = u.indexOf('?')
  if (q === -1) return { path: u }
  return { path: u.slice(0, q), query: u.slice(q + 1) || undefined }
}

const columnIndexes = new WeakMap<readonly string[], ReadonlyMap<string, number>>()

function columnIndex(names: readonly string[]): ReadonlyMap<string, number> {
  let m = columnIndexes.get(names)
  if (!m) {
    const built = new Map<string, number>()
    // Last one wins, as in a fields object built in column order.
    for (let i = 0; i < names.length; i++) built.set(names[i]!, i)
    m = built
    columnIndexes.set(names, m)
  }
  return m
}

type Views = Omit<LogRecord, 'fields' | 'column'>

/**
 * A record whose `fields` object is built only when someone reads it: rules and IOCs read a few
 * columns through `column()`, and an HttpProxy line has ~75 of them (building them all cost more
 * than splitting the line).
 */
class LineRecord {
  #fields: Record<string, string> | undefined
  readonly #names: readonly string[]
  readonly #values: readonly string[]
  readonly #index: ReadonlyMap<string, number>

  constructor(views: Views, names: readonly string[], values: readonly string[]) {
    Object.assign(this, views)
    this.#names = names
    this.#values = values
    this.#index = columnIndex(names)
  }

  get fields(): Record<string, string> {
    if (this.#fields === undefined) {
      const f: Record<string, string> = {}
      for (let i = 0; i < this.#names.length; i++) f[this.#names[i]!] = this.#values[i] ?? ''
      this.#fields = f
    }
    return this.#fields
  }

  /** JSON (reports, debugging) sees the same plain record a reader would. */
  toJSON(): Views & { fields: Record<string, string> } {
    return { ...(this as unknown as Views), fields: this.fields }
  }

  column(name: string): string | undefined {
    const i = this.#index.get(name)
    return i === undefined ? undefined : (this.#values[i] ?? '')
  }
}

/** Build a LogRecord from one split data line. `fieldNames` must be lowercased header names. */
export function makeRecord(
  logType: LogType,
  subtype: string | undefined,
  fieldNames: readonly string[],
  values: readonly string[],
  path: string,
  line: number,
  raw: string,
): LogRecord {
  const v = viewsFor(logType, fieldNames)
  const idx = v.idx
  let urlPath = pick(values, idx.urlPath)
  let query = pick(values, idx.query)
  // ECP EventData pairs become fields of their own: those records keep a plain fields object.
  let fields: Record<string, string> | undefined
  if (logType === 'ecp-server' || logType === 'ecp-activity') {
    fields = {}
    for (let i = 0; i < fieldNames.length; i++) fields[fieldNames[i]!] = values[i] ?? ''
    const eventData = fields.eventdata
    if (eventData !== undefined) {
      parseEventData(eventData, fields)
      if (v.derived.urlPath) {
        const parts = splitUrl(fields['eventdata.url'])
        urlPath = parts.path
        query = parts.query
      }
    }
  }
  if (query?.startsWith('?')) query = query.slice(1) || undefined
  const time =
    v.time2 !== -1
      ? toIsoTime(values[idx.time], values[v.time2])
      : toIsoTime(pick(values, idx.time))
  const statusText = pick(values, idx.status)
  const status = statusText === undefined ? Number.NaN : Number.parseInt(statusText, 10)
  const sub =
    subtype ??
    (logType === 'httpproxy'
      ? pick(values, columnIndex(fieldNames).get('protocol') ?? -1)
      : undefined)
  const rec: { -readonly [K in keyof Views]: Views[K] } = { logType, path, line, raw }
  if (sub !== undefined) rec.subtype = sub
  if (time !== undefined) rec.time = time
  const ip = firstIp(pick(values, idx.ip))
  if (ip !== undefined) rec.ip = ip
  const user = pick(values, idx.user)
  if (user !== undefined) rec.user = user
  const ua = pick(values, idx.userAgent)
  if (ua !== undefined) rec.userAgent = ua
  const method = pick(values, idx.method)
  if (method !== undefined) rec.method = method
  if (urlPath !== undefined) rec.urlPath = urlPath
  if (query !== undefined) rec.query = query
  if (!Number.isNaN(status)) rec.status = status
  if (fields) return { ...rec, fields }
  return new LineRecord(rec, fieldNames, values) as unknown as LogRecord
}
