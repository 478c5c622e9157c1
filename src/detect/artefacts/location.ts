// Which attacker-favoured or served folder a path is in. Staging folders are those the March 2021 Exchange
// intrusions used: C:\ProgramData, C:\Windows\Temp, C:\root, C:\Users\Public (Microsoft, 2021-03-02,
// "HAFNIUM targeting Exchange Servers"; CISA AA21-062A). Web roots as in ../webfile/web-path.ts.
import { webLocation } from '../webfile/web-path.ts'
import type { LocationClass } from './artefact-rule.ts'

// Longest names first: %ProgramFiles(x86)% before %ProgramFiles%. IIS and Task Scheduler expand these.
const ENV: [RegExp, string][] = [
  [/%programdata%/gi, 'c:/programdata'],
  [/%allusersprofile%/gi, 'c:/programdata'],
  [/%public%/gi, 'c:/users/public'],
  [/%(?:windir|systemroot)%/gi, 'c:/windows'],
  [/%systemdrive%/gi, 'c:'],
  [/%(?:temp|tmp)%/gi, 'c:/windows/temp'],
  [/%programfiles\(x86\)%/gi, 'c:/program files (x86)'],
  [/%(?:programfiles|programw6432)%/gi, 'c:/program files'],
  [/%commonprogramfiles%/gi, 'c:/program files/common files'],
  [/%exchangeinstallpath%/gi, 'c:/program files/microsoft/exchange server/v15/'],
]

/**
 * Lowercased, forward slashes, environment variables expanded, `\\?\` / `\\.\` device prefixes and `.`/`..`
 * segments resolved (as Windows does before it opens the file: `inetsrv\..\..\..\ProgramData\x.dll` is
 * in ProgramData), no repeated or trailing slashes.
 */
export function normalisePath(p: string): string {
  let s = p.replace(/\\/g, '/')
  if (s.includes('%')) for (const [re, v] of ENV) s = s.replace(re, v)
  s = s
    .toLowerCase()
    .replace(/^\/\/[?.]\/(?=[a-z]:)/, '')
    .replace(/\/{2,}/g, '/')
  if (/(^|\/)\.\.?(\/|$)/.test(s)) s = resolveDots(s)
  return s.replace(/\/$/, '')
}

function resolveDots(p: string): string {
  const out: string[] = []
  const parts = p.split('/')
  for (const [i, part] of parts.entries()) {
    if (part === '.') continue
    // Never climb above a drive root (`c:`), as Windows does not.
    if (part === '..') {
      if (out.length > 1 || (out.length === 1 && !/^[a-z]:$/.test(out[0]!))) out.pop()
      continue
    }
    if (part === '' && i > 0 && i < parts.length - 1) continue
    out.push(part)
  }
  return out.join('/')
}

/** Drive-relative segments: `c:/programdata/x` → [programdata, x]; display paths like `C/ProgramData/x` too. */
function driveSegments(p: string): string[] | undefined {
  const afterZip = p.slice(p.lastIndexOf('!') + 1)
  const m = /^(?:\/)?(?:[a-z]:|[a-z](?=\/))\/(.*)$/.exec(afterZip)
  return m ? (m[1] ?? '').split('/').filter(Boolean) : undefined
}

function indexOfSeq(segs: readonly string[], seq: readonly string[]): number {
  outer: for (let i = 0; i + seq.length <= segs.length; i++) {
    for (let j = 0; j < seq.length; j++) if (segs[i + j] !== seq[j]) continue outer
    return i
  }
  return -1
}

/** Location classes of an item; the Windows path decides when there is one, else the display path. */
export function locationsOf(path: string, windowsPath?: string): Set<LocationClass> {
  const out = new Set<LocationClass>()
  const p = normalisePath(windowsPath ?? path)
  const rooted = driveSegments(p)
  // Without a drive the folder names are searched anywhere (a triage folder copied without its root).
  const segs = rooted ?? p.slice(p.lastIndexOf('!') + 1).split('/')
  const top = rooted ? 0 : Math.max(0, segs.indexOf('programdata'))
  const at = (seq: string[]) => (rooted ? indexOfSeq(segs, seq) === 0 : indexOfSeq(segs, seq) >= 0)
  if (at(['programdata'])) out.add('programdata')
  if (at(['windows', 'temp'])) out.add('windows-temp')
  if (rooted && segs[0] === 'root' && segs.length > 1) out.add('c-root')
  if (at(['users'])) out.add('users')
  if (at(['users', 'public'])) out.add('users-public')
  const users = segs.indexOf('users')
  if (users >= 0 && indexOfSeq(segs.slice(users + 2), ['appdata', 'local', 'temp']) === 0)
    out.add('user-temp')
  if (indexOfSeq(segs.slice(top), ['microsoft', 'windows', 'wer']) >= 0) out.add('wer')
  if (indexOfSeq(segs, ['system32', 'tasks']) >= 0) out.add('system32-tasks')
  const web = webLocation(p)
  const wwwroot = indexOfSeq(segs, ['inetpub', 'wwwroot'])
  if (web || wwwroot >= 0) out.add('web-root')
  // An Exchange install is found by its structure (FrontEnd\HttpProxy, ClientAccess) wherever it lies.
  if (web?.exchange || indexOfSeq(segs, ['microsoft', 'exchange server']) >= 0) out.add('exchange')
  // Exchange's own web folders: its virtual directories' homes, the back end's /Rpc (%windir%\System32\
  // RpcProxy), and the files directly in the Default Web Site root (inetpub\wwwroot), whose web.config
  // every front-end virtual directory inherits; not the applications in folders below it.
  const siteRoot = wwwroot >= 0 && segs.length - wwwroot <= 3
  if (web?.exchange || siteRoot || at(['windows', 'system32', 'rpcproxy'])) out.add('exchange-web')
  // Where the 2021 intrusions dropped shells: aspnet_client, owa\auth, ecp\auth (Microsoft, 2021-03-02).
  if (
    segs.includes('aspnet_client') ||
    indexOfSeq(segs, ['owa', 'auth']) >= 0 ||
    indexOfSeq(segs, ['ecp', 'auth']) >= 0
  )
    out.add('shell-drop')
  if (out.has('web-root') && !out.has('exchange-web') && !out.has('shell-drop'))
    out.add('other-site')
  return out
}
