// The contract between the EVTX reader (sources/evtx: bytes → records) and the engines that judge
// Windows events (detect/sigma, native event rules). The reader yields one EventRecord per record it
// could read; engines see only this shape, so a test can build records by hand and a future reader
// (XML export, JSON from another collector) can feed the same engines.

/** A value of EventData/UserData, after the reader's substitution (numbers as numbers, the rest as text). */
export type EventValue = string | number | boolean | null | readonly string[]

export interface EventRecord {
  /** System/EventID (the qualifiers are dropped, as Sigma and Event Viewer show it). */
  readonly eventId: number
  /** System/Provider/@Name, e.g. 'Microsoft-Windows-Sysmon', 'MSExchange Unified Messaging'. */
  readonly provider: string
  /** System/Channel, e.g. 'Security', 'Application', 'Microsoft-Windows-Sysmon/Operational'. */
  readonly channel: string
  readonly computer: string
  /** System/TimeCreated/@SystemTime as ISO 8601 UTC with milliseconds; '' when the record has none. */
  readonly time: string
  /** System/EventRecordID. */
  readonly recordId: number
  /** System/Level (1 critical, 2 error, 3 warning, 4 information, 0 log always). */
  readonly level?: number
  /** System/Task, System/Opcode, System/Keywords (hex string), Security/@UserID, Execution/@ProcessID. */
  readonly task?: number
  readonly opcode?: number
  readonly keywords?: string
  readonly userId?: string
  readonly processId?: number
  readonly threadId?: number
  /**
   * EventData/Data by @Name (Sysmon, Security, most providers), UserData's leaf elements by element name.
   * Unnamed EventData/Data values (classic providers such as MSExchange *) are `Data`, `Data1`, ... in
   * order, and also joined in `data` below.
   */
  readonly fields: Readonly<Record<string, EventValue>>
  /** Unnamed EventData/Data values in order (the message inserts of classic providers). */
  readonly data?: readonly string[]
  /**
   * Set (to the reason) when the record's header is sound but its content is not, as a half-written last
   * record of a dirty log: only recordId, time (the header's write time) and source are then known.
   * Engines should skip such records; they are yielded so record counts match python-evtx's.
   */
  readonly damaged?: string
  /** Set on a record recovered from a chunk's slack space (an older write), only when asked for. */
  readonly recovered?: boolean
  /** Where it came from: the file (display path) and the record's byte offset, for findings and dump. */
  readonly source: { path: string; offset: number; chunk: number }
}
