// An event as the EVTX parsers' JSON shows it (omerbenamram/evtx, the format of SigmaHQ's regression
// data: {Event: {System, EventData}}) → the EventRecord the engines read. For tests until the reader
// lands, and to check the reader against the same files after.
import type { EventRecord, EventValue } from '../../src/shared/event-record.ts'

type J = Record<string, unknown>
const attr = (v: unknown, k: string): unknown =>
  ((v as J | undefined)?.['#attributes'] as J | undefined)?.[k]

export function eventFromEvtxJson(doc: unknown, path: string, offset = 0): EventRecord {
  const ev = (doc as J).Event as J
  const sys = ev.System as J
  const data = (ev.EventData ?? ev.UserData ?? {}) as J
  const fields: Record<string, EventValue> = {}
  for (const [k, v] of Object.entries(data)) {
    if (k === '#attributes') continue
    fields[k] = v === null || typeof v !== 'object' ? (v as EventValue) : JSON.stringify(v)
  }
  const eventId = sys.EventID as number | J
  const rec: EventRecord = {
    eventId: typeof eventId === 'number' ? eventId : Number((eventId as J)['#text']),
    provider: String(attr(sys.Provider, 'Name') ?? ''),
    channel: String(sys.Channel ?? ''),
    computer: String(sys.Computer ?? ''),
    time: new Date(String(attr(sys.TimeCreated, 'SystemTime'))).toISOString(),
    recordId: Number(sys.EventRecordID),
    fields,
    source: { path, offset, chunk: 0 },
  }
  if (typeof sys.Level === 'number') (rec as { level?: number }).level = sys.Level
  return rec
}
