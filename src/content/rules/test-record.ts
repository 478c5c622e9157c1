// A rule's test entry → the LogRecord the log parsers would produce for it, so rule tests exercise the
// same field names and normalised views as a real hunt.
import type { LogRecord, LogType } from '../../shared/types.ts'
import { parseCsvLine } from '../../sources/logs/csv-line.ts'
import { makeRecord } from '../../sources/logs/record.ts'
import { splitW3cLine } from '../../sources/logs/w3c-line.ts'
import type { NativeRule, TestCase } from './rule-types.ts'

// IIS's default W3C field set (IIS Manager "Logging" defaults), used when an IIS line test has no header.
const IIS_DEFAULT_FIELDS =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(user-agent) cs(referer) sc-status sc-substatus sc-win32-status time-taken'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function headerNames(header: string): { csv: boolean; names: string[] } {
  const body = header.replace(/^#\s*fields:\s*/i, '').trim()
  const csv = body.includes(',')
  const names = (csv ? body.split(',') : body.split(/\s+/)).map((n) => n.trim().toLowerCase())
  return { csv, names }
}

/** The record a test entry stands for; `where` names it (e.g. `rules/native/x.yml#tests.positive[0]`). */
export function testRecord(rule: NativeRule, t: TestCase, where: string): LogRecord {
  const logType: LogType = rule.source[0]!
  const defaultSub = rule.subtype?.[0]
  if (t.kind === 'line') {
    const header = t.header ?? (logType === 'iis' ? IIS_DEFAULT_FIELDS : '')
    const { csv, names } = headerNames(header)
    const values = csv ? parseCsvLine(t.line) : splitW3cLine(t.line, names.length, names)
    const sub = names.includes('protocol') ? undefined : defaultSub
    return makeRecord(logType, sub, names, values, where, 1, t.line)
  }
  const f = t.fields
  const names = Object.keys(f)
  const values = names.map((n) => f[n]!)
  const sub = f.subtype ?? (names.includes('protocol') ? undefined : defaultSub)
  const raw = f.raw ?? values.join(',')
  const rec = makeRecord(logType, sub, names, values, where, 1, raw) as Mutable<LogRecord>
  // Normalised views may be given directly in a field map.
  if (f.ip !== undefined) rec.ip = f.ip
  if (f.user !== undefined) rec.user = f.user
  if (f.useragent !== undefined) rec.userAgent = f.useragent
  if (f.method !== undefined) rec.method = f.method
  if (f.urlpath !== undefined) rec.urlPath = f.urlpath
  if (f.query !== undefined) rec.query = f.query
  if (f.time !== undefined) rec.time = f.time
  if (f.status !== undefined && /^\d+$/.test(f.status)) rec.status = Number(f.status)
  return rec
}
