// A rule's logsource → the event sources it reads, through the mapping (content/mappings). A mapping
// entry applies when every key it names equals the rule's; all entries that apply contribute (Sysmon 1
// and Security 4688 both give process_creation).
import type { EventSource, SigmaMapping } from './types.ts'

const KEYS = ['product', 'category', 'service'] as const

function applies(when: Readonly<Record<string, string>>, ls: Readonly<Record<string, string>>) {
  return Object.entries(when).every(([k, v]) => (ls[k] ?? '').toLowerCase() === v.toLowerCase())
}

export type Resolved = { sources: EventSource[] } | { elsewhere: string } | { none: string }

export function resolveLogsource(
  ls: Readonly<Record<string, string>>,
  mapping: SigmaMapping,
): Resolved {
  const sources = mapping.logsources.filter((m) => applies(m.when, ls)).flatMap((m) => m.sources)
  if (sources.length > 0) return { sources }
  const away = mapping.elsewhere?.find((e) => applies(e.when, ls))
  if (away) return { elsewhere: away.reason }
  const desc = KEYS.filter((k) => ls[k])
    .map((k) => `${k}: ${ls[k]}`)
    .join(', ')
  return { none: `logsource (${desc || 'empty'}) is mapped to no event channel` }
}
