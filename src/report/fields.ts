// The fields of a log finding in reading order: what matched first (AnchorMailbox, UrlStem, status,
// the client IP...), then the rest the rule asks to show. The raw line stays in `evidence`.
import type { Finding } from '../shared/types.ts'

/** [name, value] pairs for a log-line finding; [] for file findings and findings without fields. */
export function shownFields(f: Finding): [string, string][] {
  if (f.source.line === undefined || !f.fields) return []
  const fields = f.fields
  const first = (f.matched ?? []).filter((k) => k in fields)
  const rest = Object.keys(fields).filter((k) => !first.includes(k))
  return [...first, ...rest].map((k) => [k, fields[k] as string])
}

/** `name=value` pairs on one line, matched fields first. */
export function fieldsLine(f: Finding): string {
  return shownFields(f)
    .map(([k, v]) => `${k}=${v}`)
    .join('  ')
}
