// Reads one record's field values for the rule closures, lowercasing and URL-decoding each field at most
// once per record (lazily: only fields some rule asks for). One reader is reused for every record.
import type { LogRecord } from '../../shared/types.ts'

/** Views every log type provides, used when the record has no column of that name. */
function view(rec: LogRecord, name: string): string | undefined {
  switch (name) {
    case 'ip':
      return rec.ip
    case 'user':
      return rec.user
    case 'useragent':
      return rec.userAgent
    case 'method':
      return rec.method
    case 'urlpath':
      return rec.urlPath
    case 'query':
      return rec.query
    case 'status':
      return rec.status === undefined ? undefined : String(rec.status)
    case 'raw':
      return rec.raw
    case 'time':
      return rec.time
    case 'subtype':
      return rec.subtype
    default:
      return undefined
  }
}

/** Fields whose value is not a substring of the raw line (normalised or taken from the file path). */
export const NON_RAW_VIEWS: ReadonlySet<string> = new Set(['time', 'subtype'])

const hasOwn = Object.prototype.hasOwnProperty

/** Decode %xx (as UTF-8 where valid) and '+' once; malformed escapes are kept as written. */
export function urlDecode(s: string): string {
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s
  return s.replace(/\+/g, ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m)
    } catch {
      return Buffer.from(m.replace(/%/g, ''), 'hex').toString('latin1')
    }
  })
}

// Cache slots per field: lower, decoded, decoded+lower.
const LOWER = 0
const DECODED = 1
const DECODED_LOWER = 2

export class FieldReader {
  private rec: LogRecord | undefined
  private readonly cache = [new Map<string, string | undefined>(), new Map(), new Map()] as const

  reset(rec: LogRecord): void {
    this.rec = rec
    for (const m of this.cache) if (m.size > 0) m.clear()
  }

  get record(): LogRecord {
    return this.rec!
  }

  /** The value as logged: the column of that name, else the normalised view. */
  value(field: string): string | undefined {
    const rec = this.rec!
    if (rec.column) {
      const v = rec.column(field)
      return v === undefined ? view(rec, field) : v
    }
    return hasOwn.call(rec.fields, field) ? rec.fields[field] : view(rec, field)
  }

  get(field: string, lower: boolean, decode: boolean): string | undefined {
    if (!lower && !decode) return this.value(field)
    const slot = decode ? (lower ? DECODED_LOWER : DECODED) : LOWER
    const m = this.cache[slot] as Map<string, string | undefined>
    if (m.has(field)) return m.get(field)
    let v = decode ? this.get(field, false, false) : this.value(field)
    if (v !== undefined) {
      if (decode) v = urlDecode(v)
      if (lower) v = v.toLowerCase()
    }
    m.set(field, v)
    return v
  }
}
