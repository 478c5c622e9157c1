// Which attacker-favoured or served folder a path is in. Staging folders are those the March 2021 Exchange
// intrusions used: C:\ProgramData, C:\Windows\Temp, C:\root, C:\Users\Public (Microsoft, 2021-03-02,
// "HAFNIUM targeting Exchange Servers"; CISA AA21-062A). Web roots as in ../webfile/web-path.ts.
import { webLocation } from '../webfile/web-path.ts'
import type { LocationClass } from './artefact-rule.ts'

const ENV: [RegExp, string][] = [
  [/%programdata%/gi, 'c:/programdata'],
  [/%allusersprofile%/gi, 'c:/programdata'],
  [/%public%/gi, 'c:/users/public'],
  [/%(?:windir|systemroot)%/gi, 'c:/windows'],
  [/%systemdrive%/gi, 'c:'],
  [/%(?:temp|tmp)%/gi, 'c:/windows/temp'],
  [/%programfiles%/gi, 'c:/program files'],
  [/%exchangeinstallpath%/gi, 'c:/program files/microsoft/exchange server/v15/'],
]

/** Lowercased, forward slashes, environment variables expanded, no repeated or trailing slashes. */
export function normalisePath(p: string): string {
  let s = p.replace(/\\/g, '/')
  if (s.includes('%')) for (const [re, v] of ENV) s = s.replace(re, v)
  return s
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/\/$/, '')
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
  if (indexOfSeq(segs, ['microsoft', 'exchange server']) >= 0) out.add('exchange')
  if (webLocation(p) || indexOfSeq(segs, ['inetpub', 'wwwroot']) >= 0) out.add('web-root')
  return out
}
