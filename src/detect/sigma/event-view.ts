// A Sigma rule's view of one EventRecord through one mapped source: field names as the rule writes them
// (the mapping renames Image → NewProcessName for Security 4688), System fields by their Sigma names,
// `Data` as the whole of a classic provider's message inserts, and the full text that keywords search.
// Values are stringified and lowercased at most once per record and field.
import type { EventRecord, EventValue } from '../../shared/event-record.ts'

/** undefined: the event has no such field; null: it has one with no value. */
export type FieldValue = string | readonly string[] | null | undefined

const LEVEL_NAMES: Record<number, string> = {
  0: 'LogAlways',
  1: 'Critical',
  2: 'Error',
  3: 'Warning',
  4: 'Information',
  5: 'Verbose',
}

function str(v: EventValue | undefined): FieldValue {
  if (v === undefined) return undefined
  if (v === null) return null
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return v
}

function system(rec: EventRecord, name: string): FieldValue | false {
  switch (name) {
    case 'EventID':
      return String(rec.eventId)
    case 'Provider_Name':
      return rec.provider
    case 'Channel':
      return rec.channel
    case 'Computer':
      return rec.computer
    case 'EventRecordID':
      return String(rec.recordId)
    case 'Level':
      // Rules write it as a number or as Event Viewer's name (`Level: Error`).
      return rec.level === undefined
        ? undefined
        : [String(rec.level), LEVEL_NAMES[rec.level] ?? String(rec.level)]
    case 'Task':
      return rec.task === undefined ? undefined : String(rec.task)
    case 'Opcode':
      return rec.opcode === undefined ? undefined : String(rec.opcode)
    case 'Keywords':
      return rec.keywords
    default:
      return false
  }
}

const lowerOf = (v: FieldValue): FieldValue =>
  v === undefined || v === null
    ? v
    : typeof v === 'string'
      ? v.toLowerCase()
      : v.map((x) => x.toLowerCase())

export class EventView {
  private raw = new Map<string, FieldValue>()
  private low = new Map<string, FieldValue>()
  private folded?: Map<string, string>
  private textRaw?: string
  private textLow?: string

  constructor(
    readonly rec: EventRecord,
    private readonly rename: Readonly<Record<string, string>> | undefined,
  ) {}

  get(name: string, lower: boolean): FieldValue {
    const cache = lower ? this.low : this.raw
    if (cache.has(name)) return cache.get(name)
    const v = lower ? lowerOf(this.get(name, false)) : this.lookup(name)
    cache.set(name, v)
    return v
  }

  private lookup(name: string): FieldValue {
    const rec = this.rec
    const mapped = this.rename?.[name]
    if (mapped !== undefined) return str(rec.fields[mapped])
    if (name === 'Data' && rec.data && rec.data.length > 0) {
      // The message inserts one by one and as one text (Sigma's `Data` is the event data as a whole;
      // the reader also names them Data, Data1, ...).
      return rec.data.length === 1 ? rec.data[0]! : [...rec.data, rec.data.join(' ')]
    }
    if (Object.hasOwn(rec.fields, name)) return str(rec.fields[name])
    const sys = system(rec, name)
    if (sys !== false) return sys
    // Field names as exported by other tools differ in case (`commandline`): fall back to a folded lookup.
    if (!this.folded) {
      this.folded = new Map()
      for (const k of Object.keys(rec.fields)) this.folded.set(k.toLowerCase(), k)
    }
    const k = this.folded.get(name.toLowerCase())
    return k === undefined ? undefined : str(rec.fields[k])
  }

  /** Every value of the event (EventData/UserData and message inserts), one per line: what keywords search. */
  text(lower: boolean): string {
    if (this.textRaw === undefined) {
      // A Set: unnamed inserts are both `Data`, `Data1`, ... and `data`.
      const parts = new Set<string>()
      for (const v of Object.values(this.rec.fields)) {
        if (v === null || v === undefined) continue
        if (Array.isArray(v)) for (const x of v) parts.add(x)
        else parts.add(String(v))
      }
      if (this.rec.data) for (const d of this.rec.data) parts.add(d)
      this.textRaw = [...parts].join('\n')
    }
    if (!lower) return this.textRaw
    this.textLow ??= this.textRaw.toLowerCase()
    return this.textLow
  }
}
