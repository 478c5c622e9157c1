// A parsed record → the EventRecord contract (shared/event-record.ts): System fields, EventData by
// Name (unnamed Data as Data, Data1, ... and data[]), UserData leaves by element name.
import type { EventRecord, EventValue } from '../../shared/event-record.ts'
import type { Elem, Value } from './binxml.ts'
import type { RawRecord } from './chunk.ts'
import {
  attrValue,
  beginWalk,
  children,
  contentValue,
  elements,
  type Item,
  itemsText,
  resolve,
} from './resolve.ts'
import type { Scalar } from './values.ts'

type El = { e: Elem; vals: readonly Value[] }

function attr(el: El, name: string): Scalar | undefined {
  for (const a of el.e.attrs) if (a.name === name) return attrValue(a, el.vals)
  return undefined
}

function num(v: Scalar | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v !== '') {
    const n = v.startsWith('0x') ? Number.parseInt(v, 16) : Number(v)
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}

function str(v: Scalar | undefined): string | undefined {
  if (v === undefined || v === null) return undefined
  return Array.isArray(v) ? v.join(',') : String(v)
}

/** TimeCreated/@SystemTime as ISO with milliseconds (7-digit FILETIME text cut to 3). */
function isoMs(v: Scalar | undefined): string {
  const s = str(v)
  if (!s) return ''
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(s)
  if (!m) return s
  return `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`
}

function toEventValue(v: Scalar): EventValue {
  return v
}

function putUnique(fields: Record<string, EventValue>, name: string, v: EventValue): void {
  if (!(name in fields)) {
    fields[name] = v
    return
  }
  let i = 1
  while (`${name}${i}` in fields) i++
  fields[`${name}${i}`] = v
}

/** UserData (and non-Data EventData) elements: a leaf's content by its name, attributes by theirs. */
function leaves(el: El, fields: Record<string, EventValue>): void {
  for (const a of el.e.attrs) {
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue
    const v = attr(el, a.name)
    if (v !== undefined) putUnique(fields, a.name, toEventValue(v))
  }
  const items = children(el)
  const kids = elements(items)
  if (kids.length === 0) {
    if (items.length > 0 || el.e.attrs.length === 0)
      putUnique(fields, el.e.name, toEventValue(contentValue(items)))
    return
  }
  for (const k of kids) leaves(k, fields)
}

/** The Event element of a record, whatever wraps it (fragment, template instance, nested BinXML). */
export function eventElement(raw: RawRecord): El | undefined {
  const top = elements(resolve(raw.nodes, []))
  return top.find((t) => t.e.name === 'Event') ?? top[0]
}

export function toEventRecord(
  raw: RawRecord,
  source: { path: string; offset: number; chunk: number },
): EventRecord {
  let eventId = 0
  let provider = ''
  let channel = ''
  let computer = ''
  let time = ''
  let recordId = typeof raw.recordId === 'number' ? raw.recordId : Number(raw.recordId)
  let level: number | undefined
  let task: number | undefined
  let opcode: number | undefined
  let keywords: string | undefined
  let userId: string | undefined
  let processId: number | undefined
  let threadId: number | undefined
  const fields: Record<string, EventValue> = {}
  const data: string[] = []
  beginWalk()
  if (raw.damaged !== undefined) {
    return {
      eventId,
      provider,
      channel,
      computer,
      time: isoMs(raw.written),
      recordId,
      fields,
      source,
      damaged: raw.damaged,
    }
  }
  const event = eventElement(raw)
  for (const part of event ? elements(children(event)) : []) {
    const name = part.e.name
    if (name === 'System') {
      for (const s of elements(children(part))) {
        switch (s.e.name) {
          case 'Provider':
            provider = str(attr(s, 'Name')) ?? str(attr(s, 'EventSourceName')) ?? ''
            break
          case 'EventID':
            eventId = num(contentValue(children(s))) ?? 0
            break
          case 'Level':
            level = num(contentValue(children(s)))
            break
          case 'Task':
            task = num(contentValue(children(s)))
            break
          case 'Opcode':
            opcode = num(contentValue(children(s)))
            break
          case 'Keywords':
            keywords = str(contentValue(children(s)))
            break
          case 'TimeCreated':
            time = isoMs(attr(s, 'SystemTime'))
            break
          case 'EventRecordID':
            recordId = num(contentValue(children(s))) ?? recordId
            break
          case 'Execution':
            processId = num(attr(s, 'ProcessID'))
            threadId = num(attr(s, 'ThreadID'))
            break
          case 'Channel':
            channel = itemsText(children(s))
            break
          case 'Computer':
            computer = itemsText(children(s))
            break
          case 'Security':
            userId = str(attr(s, 'UserID'))
            break
        }
      }
    } else if (name === 'EventData') {
      for (const d of elements(children(part))) {
        const items = children(d)
        const named = d.e.name === 'Data' ? str(attr(d, 'Name')) : undefined
        if (d.e.name === 'Data' && !named) {
          const v = contentValue(items)
          data.push(str(v) ?? '')
          putUnique(fields, 'Data', toEventValue(v))
        } else if (named) putUnique(fields, named, toEventValue(contentValue(items)))
        else leaves(d, fields)
      }
    } else if (name === 'UserData') {
      for (const u of elements(children(part))) leaves(u, fields)
    }
  }
  const rec: {
    -readonly [K in keyof EventRecord]: EventRecord[K]
  } = { eventId, provider, channel, computer, time, recordId, fields, source }
  if (level !== undefined) rec.level = level
  if (task !== undefined) rec.task = task
  if (opcode !== undefined) rec.opcode = opcode
  if (keywords !== undefined) rec.keywords = keywords
  if (userId !== undefined) rec.userId = userId
  if (processId !== undefined) rec.processId = processId
  if (threadId !== undefined) rec.threadId = threadId
  if (data.length) rec.data = data
  if (raw.recovered) rec.recovered = true
  return rec
}

export type { Item }
