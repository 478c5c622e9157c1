// sources/logs: streaming parsers for IIS W3C and Exchange CSV logs.
export { sniff } from './byte-lines.ts'
export { parseCsvLine } from './csv-line.ts'
export { type DetectedType, detectLogType, isLikelyLogFile, typeFromPath } from './detect-type.ts'
export { LOG_VIEWS } from './log-types.ts'
export type { Needle } from './needles.ts'
export { firstIp, makeRecord, parseEventData, toIsoTime } from './record.ts'
export { scanLog } from './scan-log.ts'
export {
  DEFAULT_MAX_LINE_BYTES,
  type LogEncoding,
  type LogFileSummary,
  type LogScanOptions,
} from './scan-types.ts'
export { splitW3cLine } from './w3c-line.ts'
