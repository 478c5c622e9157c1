// What an evidence path is, decided from its name and folders alone (nothing is read here). The same
// rules serve mounted drives, triage folders and zip listings: folder names are matched
// case-insensitively, by drive-relative position when the layout tells the drive, else by suffix.
import type { ArtefactKind } from '../artefact.ts'
import { isLikelyLogFile } from '../logs/detect-type.ts'
import { type DriveMode, driveRelative, indexOfSeq, startsWithSeq } from './path-norm.ts'

export interface ClassifyContext {
  mode: DriveMode
  /** Exchange install roots as normalised segments relative to the evidence root. */
  exchangeRoots: string[][]
  /** Folders named by applicationHost.config virtual directories, mapped onto the evidence. */
  webRootPrefixes: string[][]
  /** IIS log folders named by applicationHost.config `logFile directory`. */
  logDirPrefixes: string[][]
  /** An unstructured folder (no drives, no Exchange layout): `*.log` are logs, every other file is scanned. */
  loose?: boolean
}

const ARCHIVE_EXT = new Set(['zip', '7z', 'rar', 'cab', 'gz', 'tgz', 'tar', 'bz2', 'xz'])
/** Server-side page and config types IIS/ASP.NET would execute or honour if they sat in a web folder. */
const WEB_EXT = new Set([
  'aspx',
  'ashx',
  'asmx',
  'asax',
  'ascx',
  'asp',
  'cshtml',
  'vbhtml',
  'config',
  'svc',
  'jsp',
  'php',
  'master',
  'soap',
])
/** Attacker staging: tools, scripts, dumps (CISA AA21-062A and MSTIC list dumps and archives in these folders). */
const OTHER_EXT = new Set([
  'exe',
  'dll',
  'bat',
  'cmd',
  'ps1',
  'psm1',
  'vbs',
  'js',
  'hta',
  'dmp',
  'mdmp',
  'sys',
  'msi',
  'lnk',
  'scr',
])
const LOG_EXT = new Set(['log', 'txt'])

function ext(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot + 1)
}

function underAny(segs: readonly string[], prefixes: readonly string[][]): boolean {
  for (const p of prefixes) if (p.length < segs.length && startsWithSeq(segs, p)) return true
  return false
}

function exchangeRootOf(segs: readonly string[], ctx: ClassifyContext): string[] | undefined {
  for (const r of ctx.exchangeRoots) if (r.length < segs.length && startsWithSeq(segs, r)) return r
  return undefined
}

/** Folder sequences whose whole content IIS serves or compiles, wherever they sit. */
export function isBuiltinWebPath(segs: readonly string[], ctx: ClassifyContext): boolean {
  if (indexOfSeq(segs, ['inetpub', 'wwwroot']) >= 0) return true
  if (indexOfSeq(segs, ['frontend', 'httpproxy']) >= 0) return true
  const ca = segs.indexOf('clientaccess')
  if (ca > 0 && (segs[ca - 1] === 'v15' || segs[ca - 1] === 'v14')) return true
  const root = exchangeRootOf(segs, ctx)
  if (root && segs[root.length] === 'clientaccess') return true
  // Compiled ASP.NET pages (App_Web_*.dll) of a web shell outlive its deletion here.
  const t = segs.indexOf('temporary asp.net files')
  return (
    t >= 3 &&
    segs[t - 3] === 'microsoft.net' &&
    /^framework/.test(segs[t - 2]!) &&
    /^v\d/.test(segs[t - 1]!)
  )
}

/** Attacker-favoured folders: `ProgramData`, `Windows\Temp`, `C:\root`, `Users\Public`. */
export function isStagingPath(segs: readonly string[], ctx: ClassifyContext): boolean {
  const dp = driveRelative(segs, ctx.mode)
  const r = dp.rel
  if (dp.rooted) {
    return (
      r[0] === 'programdata' ||
      r[0] === 'root' ||
      (r[0] === 'windows' && r[1] === 'temp') ||
      (r[0] === 'users' && r[1] === 'public')
    )
  }
  return (
    r.includes('programdata') ||
    indexOfSeq(r, ['windows', 'temp']) >= 0 ||
    indexOfSeq(r, ['users', 'public']) >= 0
  )
}

function isLogPath(
  segs: readonly string[],
  name: string,
  e: string,
  ctx: ClassifyContext,
): boolean {
  if (isLikelyLogFile(segs.join('/'))) return true
  if (LOG_EXT.has(e) && underAny(segs, ctx.logDirPrefixes)) return true
  if (e !== 'log') return false
  const root = exchangeRootOf(segs, ctx)
  if (
    root &&
    (segs[root.length] === 'logging' ||
      (segs[root.length] === 'transportroles' && segs[root.length + 1] === 'logs'))
  )
    return true
  return (
    indexOfSeq(segs, ['inetpub', 'logs', 'logfiles']) >= 0 ||
    indexOfSeq(segs, ['transportroles', 'logs']) >= 0 ||
    name.startsWith('u_ex')
  )
}

/**
 * Rotated logs compressed by an admin or a script: any `.gz` or `.zip` in a log folder, or one named
 * like a log once the suffix is off (`u_ex210301.log.gz`, `u_ex210301.zip`, `HttpProxy_2021030101.gz`).
 * Judged by name only: discovery never decompresses; the reader finds the type from the inner header.
 */
function isLogArchive(
  segs: readonly string[],
  name: string,
  e: string,
  ctx: ClassifyContext,
): boolean {
  const dir = segs.slice(0, -1)
  if (isLogPath([...dir, 'x.log'], 'x.log', 'log', ctx)) return true
  const inner = name.slice(0, -(e.length + 1))
  if (e === 'gz' && ctx.loose && ext(inner) === 'log') return true
  const asLog = ext(inner) ? inner : `${inner}.log`
  return isLogPath([...dir, asLog], asLog, ext(asLog), ctx)
}

/** How a log artefact is packed, from its name: read through gunzip, or expanded as a zip. */
export function logPacking(name: string): 'gzip' | 'zip' | undefined {
  const e = ext(name.toLowerCase())
  return e === 'gz' ? 'gzip' : e === 'zip' ? 'zip' : undefined
}

/** Kind of the file at `segs` (normalised, relative to the evidence root), or null to skip it unread. */
export function classifySegments(
  segs: readonly string[],
  ctx: ClassifyContext,
): ArtefactKind | null {
  const name = segs[segs.length - 1] ?? ''
  const e = ext(name)
  if (e === 'evtx') return 'evtx'
  if (isLogPath(segs, name, e, ctx)) return 'log'
  if ((e === 'gz' || e === 'zip') && isLogArchive(segs, name, e, ctx)) return 'log'
  // Logs packed in a format not read here (7z, rar, bz2, ...): listed, so the report counts them unread.
  if (ARCHIVE_EXT.has(e) && isLogArchive(segs, name, e, ctx)) return 'other'
  const parent = segs[segs.length - 2]
  if (parent === 'bin' && (name === 'exsetup.exe' || name === 'microsoft.exchange.diagnostics.dll'))
    return 'binary'
  if (name === 'applicationhost.config') return 'config'
  if (e === 'config') {
    if (indexOfSeq(segs, ['system32', 'inetsrv', 'config']) >= 0) return 'config'
    const root = exchangeRootOf(segs, ctx)
    if (root && parent === 'bin' && segs.length === root.length + 2) return 'config'
  }
  const web = isBuiltinWebPath(segs, ctx) || underAny(segs, ctx.webRootPrefixes)
  const staging = !web && isStagingPath(segs, ctx)
  // Archives are listed, never opened: a nested zip is evidence, not more input.
  if (ARCHIVE_EXT.has(e) && (web || staging)) return 'other'
  if (web) return 'webfile'
  if (staging) {
    if (WEB_EXT.has(e)) return 'webfile'
    if (OTHER_EXT.has(e)) return 'other'
    return null
  }
  if (indexOfSeq(segs, ['system32', 'tasks']) >= 0) return 'other'
  if (ctx.loose) {
    // A folder with no Windows or Exchange layout is a bag of suspect files (a responder's "scan
    // this"): like `yara -r`, every file is scanned, including shell sources saved as .txt.
    if (e === 'log') return 'log'
    if (ARCHIVE_EXT.has(e)) return 'other'
    return 'webfile'
  }
  return null
}
