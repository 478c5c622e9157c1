// Which kind of collection the evidence is, from its top few folder names. KAPE target output keeps
// drive folders at the top (`<tdest>\C\...`) plus its `*_ConsoleLog.txt` / `*_CopyLog.csv`; CyLR
// zips hold `C/...`; Velociraptor collections hold `uploads/<accessor>/C%3A/...` or
// `uploads/ntfs/%5C%5C.%5CC%3A/...` (its encoding of `C:` and `\\.\C:`).
import { type DriveMode, driveOfSegment } from './walk/path-norm.ts'

export interface LayoutInfo {
  layouts: string[]
  mode: DriveMode
  /** Drive letter → normalised segments of its root in the evidence. */
  drives: Map<string, string[]>
  /** The evidence root is itself an Exchange install folder. */
  exchangeInstall: boolean
}

const EXCHANGE_MARKERS = [
  'logging/httpproxy',
  'frontend/httpproxy',
  'clientaccess/owa',
  'bin/exsetup.exe',
]
const KAPE_LOG = /_(?:consolelog\.txt|copylog\.csv|skiplog\.csv)$/
const SYSTEM_DRIVE_TOP = new Set(['windows', 'program files', 'programdata', 'inetpub', 'users'])

/**
 * Decide the layout from normalised paths near the top of the evidence (folders and files, as
 * segment arrays, relative to the root; a zip passes every entry name).
 */
export function detectLayout(paths: readonly (readonly string[])[]): LayoutInfo {
  const drives = new Map<string, string[]>()
  let velociraptor = false
  const top = new Set<string>()
  const joined = new Set<string>()
  for (const segs of paths) {
    if (segs[0] !== undefined) top.add(segs[0])
    if (segs.length >= 2) joined.add(`${segs[0]}/${segs[1]}`)
    const up = segs.indexOf('uploads')
    if (up >= 0 && up <= 1 && segs.length > up + 2) {
      const letter = driveOfSegment(segs[up + 2]!, Math.min(up + 2, 3))
      if (letter) {
        velociraptor = true
        if (!drives.has(letter)) drives.set(letter, segs.slice(0, up + 3))
        continue
      }
    }
    for (let i = 0; i < Math.min(segs.length - 1, 2); i++) {
      const letter = driveOfSegment(segs[i]!, i)
      if (letter && !drives.has(letter)) drives.set(letter, segs.slice(0, i + 1))
      if (letter) break
    }
  }
  if (velociraptor)
    return { layouts: ['velociraptor'], mode: { kind: 'segments' }, drives, exchangeInstall: false }
  if (EXCHANGE_MARKERS.some((m) => joined.has(m))) {
    return {
      layouts: ['exchange-install'],
      mode: { kind: 'none' },
      drives: new Map(),
      exchangeInstall: true,
    }
  }
  if (
    top.has('windows') ||
    (top.has('program files') && (top.has('programdata') || top.has('inetpub')))
  ) {
    return {
      layouts: ['mounted-drive'],
      mode: { kind: 'mounted', letter: 'c' },
      drives: new Map([['c', []]]),
      exchangeInstall: false,
    }
  }
  if ([...SYSTEM_DRIVE_TOP].some((t) => top.has(t)) && drives.size === 0) {
    // A non-system volume mounted alone (Exchange on D:): which letter it was is not known.
    return { layouts: ['mounted-drive'], mode: { kind: 'none' }, drives, exchangeInstall: false }
  }
  if (drives.size > 0) {
    const kape = [...top].some((t) => KAPE_LOG.test(t))
    return {
      layouts: [kape ? 'kape' : 'triage-folder'],
      mode: { kind: 'segments' },
      drives,
      exchangeInstall: false,
    }
  }
  return { layouts: ['triage-folder'], mode: { kind: 'none' }, drives, exchangeInstall: false }
}
