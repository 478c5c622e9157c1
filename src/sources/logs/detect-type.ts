// Log type from the `#Log-type:` header (Exchange LogSchema's log type name) and from the folder the
// file lives in (Exchange Server V15\Logging\..., TransportRoles\Logs\..., inetpub\logs\LogFiles\W3SVCn).
// Folder names: artefacts.help "Microsoft Exchange" page and CSS-Exchange ExchangeLogCollector.
import type { LogType } from '../../shared/types.ts'

export interface DetectedType {
  logType: LogType
  subtype?: string
}

/** `#Log-type:` values, lowercased, as Exchange writes them (corpus/logs/exchange-log-formats). */
const HEADER_TYPES: ReadonlyArray<readonly [string, LogType]> = [
  ['httpproxy logs', 'httpproxy'],
  ['ecp server log', 'ecp-server'],
  ['ecp activity context log', 'ecp-activity'],
  ['rps cmdlet logs', 'rps-cmdlet'],
  ['rps http logs', 'rps-http'],
  ['message tracking log', 'message-tracking'],
  ['ews logs', 'ews'],
  ['smtp receive protocol log', 'smtp-receive'],
  // OABLogger.LogTypeName in Microsoft.Exchange.MailboxAssistants (decompiled): "OAB Generator Log".
  ['oab generator log', 'oab-generator'],
  ['autodiscover logs', 'autodiscover'],
]

/** Folder patterns on a slash-normalised, lowercased path; the first match wins. */
const PATH_TYPES: ReadonlyArray<readonly [RegExp, LogType]> = [
  [/(?:^|\/)logging\/httpproxy\/([^/]+)\//i, 'httpproxy'],
  [/(?:^|\/)logging\/ecp\/server\//i, 'ecp-server'],
  [/(?:^|\/)logging\/ecp\/activity\//i, 'ecp-activity'],
  [/(?:^|\/)logging\/oabgeneratorlog\//i, 'oab-generator'],
  [/(?:^|\/)logging\/cmdletinfra\/localpowershell\/cmdlet\//i, 'local-powershell'],
  [/(?:^|\/)logging\/cmdletinfra\/powershell-proxy\/cmdlet\//i, 'rps-cmdlet'],
  [/(?:^|\/)logging\/cmdletinfra\/powershell-proxy\/http\//i, 'rps-http'],
  [/(?:^|\/)logs\/messagetracking\//i, 'message-tracking'],
  [/(?:^|\/)logs\/(?:[^/]+\/)?protocollog\/smtpreceive\//i, 'smtp-receive'],
  [/(?:^|\/)logging\/autodiscover\//i, 'autodiscover'],
  [/(?:^|\/)logging\/ews\//i, 'ews'],
  [/(?:^|\/)logfiles\/(w3svc\d+)\//i, 'iis'],
]

function normalisePath(path: string): string {
  return path.replaceAll('\\', '/')
}

/** Type and subtype implied by where the file sits, or null. */
export function typeFromPath(path: string): DetectedType | null {
  // A rotated log keeps its type under its compressed name: u_ex210301.log.gz.
  const norm = normalisePath(path).replace(/\.gz$/i, '')
  for (const [re, logType] of PATH_TYPES) {
    const m = re.exec(norm)
    if (!m) continue
    if (logType === 'httpproxy' && m[1] !== undefined) {
      // Keep the protocol folder as spelled on disk (Ecp, Owa, PowerShell, ...).
      return { logType, subtype: m[1] }
    }
    if (logType === 'iis' && m[1] !== undefined) return { logType, subtype: m[1].toUpperCase() }
    return { logType }
  }
  if (/(?:^|\/)u_ex\d+[^/]*\.log$/i.test(norm)) return { logType: 'iis' }
  return null
}

function headerValue(lines: readonly string[], name: string): string | undefined {
  let found: string | undefined
  const re = new RegExp(`^#\\s*${name}:\\s*(.*)$`, 'i')
  for (const l of lines) {
    const m = re.exec(l)
    if (m) found = m[1]!.trim()
  }
  return found
}

/**
 * Decide the log type from the header lines read so far (`#Software`, `#Log-type`, `#Fields`) and the
 * path. The header's log type wins; the path refines it (LocalPowerShell writes "Rps Cmdlet Logs"
 * too) and gives the subtype. W3C `#Fields` (space separated) means IIS; other Exchange CSV with a
 * `#Fields` header is `exchange-other`.
 */
export function detectLogType(path: string, headerLines: readonly string[]): DetectedType | null {
  const fromPath = typeFromPath(path)
  const logTypeHeader = headerValue(headerLines, 'Log-type')?.toLowerCase()
  if (logTypeHeader) {
    const hit = HEADER_TYPES.find(([name]) => logTypeHeader === name)
    if (hit) {
      const logType = hit[1]
      if (logType === 'rps-cmdlet' && fromPath?.logType === 'local-powershell') return fromPath
      if (fromPath?.logType === logType) return fromPath
      return { logType }
    }
  }
  if (fromPath) return fromPath
  const software = headerValue(headerLines, 'Software') ?? ''
  const fields = headerValue(headerLines, 'Fields')
  if (/internet information services/i.test(software)) return { logType: 'iis' }
  if (fields !== undefined) {
    if (fields.includes(',')) return { logType: 'exchange-other' }
    if (/\S\s+\S/.test(fields)) return { logType: 'iis' }
  }
  if (logTypeHeader) return { logType: 'exchange-other' }
  return null
}

const LOG_NAMES = [
  /^u_ex\d+.*\.log$/, // IIS W3C (UTF-8 option)
  /^ex\d{6,}.*\.log$/, // IIS W3C (ANSI option)
  /^httpproxy_.*\.log$/,
  /^ecpserver.*\.log$/,
  /^ecpactivity.*\.log$/,
  /^oabgen.*\.log$/, // OABLogger.FileNamePrefix "oabgen"
  /^rps_(?:cmdlet|http).*\.log$/,
  /^localpowershell_.*\.log$/,
  /^msgtrk.*\.log$/, // MSGTRK, MSGTRKMA, MSGTRKMD, MSGTRKMS
  /^recv.*\.log$/, // SmtpReceive protocol logs
  /^ews_.*\.log$/,
  /^autodiscover_.*\.log$/,
]

const LOG_FOLDERS =
  /(?:^|\/)(?:logging\/(?:httpproxy|ecp|oabgeneratorlog|cmdletinfra|autodiscover|ews)|logs\/(?:messagetracking|(?:[^/]+\/)?protocollog\/smtpreceive)|inetpub\/logs\/logfiles)\//

/** Whether a file is one of the logs sources/logs parses, judged by its name and folder only. */
export function isLikelyLogFile(path: string): boolean {
  const lower = normalisePath(path).toLowerCase()
  const slash = lower.lastIndexOf('/')
  const name = lower.slice(slash + 1)
  if (LOG_NAMES.some((re) => re.test(name))) return true
  return name.endsWith('.log') && LOG_FOLDERS.test(lower)
}
