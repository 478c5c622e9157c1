// Which column of each log type feeds the normalised LogRecord views (ip, user, userAgent, ...).
// Column names are the `#Fields:` names lowercased, as published for each log in
// corpus/logs/exchange-log-formats (artefacts.help, "Microsoft Exchange" page).
import type { LogType } from '../../shared/types.ts'

export type ViewName =
  | 'time'
  | 'ip'
  | 'user'
  | 'userAgent'
  | 'method'
  | 'urlPath'
  | 'query'
  | 'status'

/** Candidate columns per view, first present wins. `date time` is IIS's two-column UTC time. */
export type Views = Partial<Record<ViewName, readonly string[]>>

/** Used for every type, after its own entries: Exchange logs share column names across logs. */
const GENERIC: Views = {
  time: ['datetime', 'date-time', 'timestamp'],
  ip: ['clientipaddress', 'client-ip', 'c-ip', 'remoteendpoint', 'remote-endpoint'],
  user: ['authenticateduser', 'cs-username'],
  userAgent: ['useragent', 'cs(user-agent)'],
  method: ['method', 'cs-method'],
  urlPath: ['urlstem', 'cs-uri-stem'],
  query: ['urlquery', 'cs-uri-query'],
  status: ['httpstatus', 'sc-status'],
}

export const LOG_VIEWS: Readonly<Record<LogType, Views>> = {
  iis: {
    time: ['date time'],
    ip: ['c-ip'],
    user: ['cs-username'],
    userAgent: ['cs(user-agent)'],
    method: ['cs-method'],
    urlPath: ['cs-uri-stem'],
    query: ['cs-uri-query'],
    status: ['sc-status'],
  },
  httpproxy: {
    time: ['datetime'],
    ip: ['clientipaddress'],
    user: ['authenticateduser'],
    userAgent: ['useragent'],
    method: ['method'],
    urlPath: ['urlstem'],
    query: ['urlquery'],
    status: ['httpstatus'],
  },
  // ECP logs carry the URL inside EventData (`S:URL=...`), split out as eventdata.url by makeRecord.
  'ecp-server': { time: ['timestamp'], urlPath: ['eventdata.url'], query: ['eventdata.url'] },
  'ecp-activity': { time: ['timestamp'], urlPath: ['eventdata.url'], query: ['eventdata.url'] },
  // OABLogger (Microsoft.Exchange.MailboxAssistants OABGenerator): Timestamp, RecordType, TraceId,
  // OabGuid, AddressListGuid, Message.
  'oab-generator': { time: ['timestamp'] },
  'rps-cmdlet': { time: ['datetime'], user: ['authenticateduser'], ip: ['clientipaddress'] },
  // Rps_Http puts the client's user agent in ClientInfo.
  'rps-http': { time: ['datetime'], userAgent: ['useragent', 'clientinfo'] },
  'local-powershell': { time: ['datetime'], user: ['authenticateduser'], ip: ['clientipaddress'] },
  'message-tracking': { time: ['date-time'], ip: ['client-ip'] },
  autodiscover: {},
  ews: {},
  'smtp-receive': { time: ['date-time'], ip: ['remote-endpoint'] },
  'exchange-other': {},
}

const VIEW_NAMES: readonly ViewName[] = [
  'time',
  'ip',
  'user',
  'userAgent',
  'method',
  'urlPath',
  'query',
  'status',
]

/** Column indexes (-1 = absent) for each view; `time2` is IIS's `time` column next to `date`. */
export interface ResolvedViews {
  readonly idx: Readonly<Record<ViewName, number>>
  readonly time2: number
  /** Names of EventData-derived views (ecp): resolved per record, not by index. */
  readonly derived: Readonly<Partial<Record<ViewName, string>>>
  readonly build: readonly [number, number, number, number] | null
}

export function resolveViews(logType: LogType, names: readonly string[]): ResolvedViews {
  const own = LOG_VIEWS[logType]
  const idx = {} as Record<ViewName, number>
  const derived: Partial<Record<ViewName, string>> = {}
  let time2 = -1
  for (const view of VIEW_NAMES) {
    idx[view] = -1
    const candidates = [...(own[view] ?? []), ...(GENERIC[view] ?? [])]
    for (const c of candidates) {
      if (c === 'date time') {
        const d = names.indexOf('date')
        const t = names.indexOf('time')
        if (d !== -1 && t !== -1) {
          idx[view] = d
          time2 = t
          break
        }
        continue
      }
      if (c.startsWith('eventdata.')) {
        if (names.includes('eventdata')) {
          derived[view] = c
          break
        }
        continue
      }
      const i = names.indexOf(c)
      if (i !== -1) {
        idx[view] = i
        break
      }
    }
  }
  const b = ['majorversion', 'minorversion', 'buildversion', 'revisionversion'].map((n) =>
    names.indexOf(n),
  )
  const build = b.every((i) => i !== -1) ? (b as [number, number, number, number]) : null
  return { idx, time2, derived, build }
}
