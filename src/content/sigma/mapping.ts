// content/mappings/sigma-windows.yml → SigmaMapping: Sigma logsource → channels, providers, event ids
// and per-source field renames (Security 4688's NewProcessName for Sysmon's Image). Checked here so the
// engine can trust its shape.
import { join } from 'node:path'
import { parse } from 'yaml'
import type { EventSource, LogsourceMapping, SigmaMapping } from '../../detect/sigma/index.ts'
import type { ContentIssue } from '../../shared/content-issue.ts'
import { readContentText } from '../issues.ts'

export const SIGMA_MAPPING_FILE = 'mappings/sigma-windows.yml'

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isMap(v)) return undefined
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string' || x === '') return undefined
    out[k] = x
  }
  return out
}

export function loadSigmaMapping(root: string): { mapping: SigmaMapping; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const file = SIGMA_MAPPING_FILE
  const mapping: {
    logsources: LogsourceMapping[]
    elsewhere: { when: Record<string, string>; reason: string }[]
  } = { logsources: [], elsewhere: [] }
  const text = readContentText(join(root, file), file, issues)
  if (text === undefined) return { mapping, issues }
  let doc: unknown
  try {
    doc = parse(text)
  } catch (e) {
    issues.push({
      file,
      path: '',
      severity: 'error',
      message: `not valid YAML: ${(e as Error).message}`,
    })
    return { mapping, issues }
  }
  const err = (path: string, message: string) =>
    issues.push({ file, path, severity: 'error', message })
  if (!isMap(doc) || !Array.isArray(doc.logsources)) {
    err('logsources', 'a list of { when, sources }')
    return { mapping, issues }
  }
  for (const [i, e] of (doc.logsources as unknown[]).entries()) {
    const where = `logsources[${i}]`
    const when = isMap(e) ? stringMap(e.when) : undefined
    if (!when || Object.keys(when).length === 0) {
      err(`${where}.when`, 'a map of logsource keys')
      continue
    }
    const sources: EventSource[] = []
    const raw = isMap(e) && Array.isArray(e.sources) ? e.sources : []
    if (raw.length === 0) {
      err(`${where}.sources`, 'at least one source')
      continue
    }
    for (const [j, s] of raw.entries()) {
      const w = `${where}.sources[${j}]`
      if (!isMap(s) || typeof s.channel !== 'string' || s.channel === '') {
        err(w, 'a source needs a channel')
        continue
      }
      const src: EventSource = { channel: s.channel }
      if (s.provider !== undefined) {
        if (typeof s.provider !== 'string') {
          err(`${w}.provider`, 'a provider name')
          continue
        }
        src.provider = s.provider
      }
      if (s.eventIds !== undefined) {
        if (!Array.isArray(s.eventIds) || !s.eventIds.every((n) => Number.isInteger(n))) {
          err(`${w}.eventIds`, 'a list of event ids')
          continue
        }
        src.eventIds = s.eventIds as number[]
      }
      if (s.fields !== undefined) {
        const f = stringMap(s.fields)
        if (!f) {
          err(`${w}.fields`, 'a map of Sigma field name → event field name')
          continue
        }
        src.fields = f
      }
      sources.push(src)
    }
    mapping.logsources.push({ when, sources })
  }
  if (Array.isArray(doc.elsewhere))
    for (const [i, e] of (doc.elsewhere as unknown[]).entries()) {
      const when = isMap(e) ? stringMap(e.when) : undefined
      const reason = isMap(e) && typeof e.reason === 'string' ? e.reason.trim() : ''
      if (!when || reason === '') {
        err(`elsewhere[${i}]`, 'needs when and reason')
        continue
      }
      mapping.elsewhere.push({ when, reason: reason.replace(/\s+/g, ' ') })
    }
  return { mapping, issues }
}
