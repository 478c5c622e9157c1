// Evidence paths are matched case-insensitively (NTFS semantics) on decoded segments: Velociraptor
// stores `C:` as `C%3A` and `\\.\C:` as `%5C%5C.%5CC%3A` (its path encoding of reserved characters).

/** Lowercased, percent-decoded segment. */
export function normSegment(seg: string): string {
  if (!seg.includes('%')) return seg.toLowerCase()
  return seg
    .replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .toLowerCase()
}

export function normSegments(rel: string): string[] {
  return rel
    .split('/')
    .filter((s) => s.length > 0)
    .map(normSegment)
}

const LETTER = /^[a-z]$/
const LETTER_COLON = /^([a-z]):$/
const DEVICE = /^\\\\[.?]\\([a-z]):$/

/** The drive letter a segment at `index` names, if any: `C` (KAPE, CyLR) near the top, `C:` / `\\.\C:` (Velociraptor) a bit deeper. */
export function driveOfSegment(seg: string, index: number): string | undefined {
  if (index <= 1 && LETTER.test(seg)) return seg
  if (index > 3) return undefined
  const m = LETTER_COLON.exec(seg) ?? DEVICE.exec(seg)
  return m?.[1]
}

/** First segment naming a drive, among folders (never the file name itself). */
export function findDrive(segs: readonly string[]): { letter: string; index: number } | undefined {
  const n = Math.min(segs.length - 1, 4)
  for (let i = 0; i < n; i++) {
    const letter = driveOfSegment(segs[i]!, i)
    if (letter) return { letter, index: i }
  }
  return undefined
}

/** How evidence paths map onto Windows drives. */
export type DriveMode =
  /** The evidence root is a drive root (a mounted image): `letter` is the drive it was. */
  | { kind: 'mounted'; letter: string }
  /** Drives appear as path segments (triage collections). */
  | { kind: 'segments' }
  /** No drive information (an Exchange folder, loose files): match by suffix only. */
  | { kind: 'none' }

export interface DrivePath {
  letter?: string
  /** Segments after the drive (all segments when no drive is known). */
  rel: readonly string[]
  /** True when `rel[0]` is really at a drive root. */
  rooted: boolean
}

export function driveRelative(segs: readonly string[], mode: DriveMode): DrivePath {
  if (mode.kind === 'mounted') return { letter: mode.letter, rel: segs, rooted: true }
  if (mode.kind === 'segments') {
    const d = findDrive(segs)
    if (d) return { letter: d.letter, rel: segs.slice(d.index + 1), rooted: true }
  }
  return { rel: segs, rooted: false }
}

/** `C:\inetpub\wwwroot\x.aspx` from raw (on-disk) segments, when the drive is known. */
export function windowsPathOf(rawRel: string, mode: DriveMode): string | undefined {
  const raw = rawRel.split('/').filter((s) => s.length > 0)
  const norm = raw.map(normSegment)
  const dp = driveRelative(norm, mode)
  if (!dp.letter) return undefined
  const decoded = raw
    .slice(raw.length - dp.rel.length)
    .map((s) => (s.includes('%') ? safeDecode(s) : s))
  return `${dp.letter.toUpperCase()}:\\${decoded.join('\\')}`
}

function safeDecode(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) =>
    String.fromCharCode(Number.parseInt(h, 16)),
  )
}

/** Index where `needle` occurs as consecutive segments in `hay`, or -1. */
export function indexOfSeq(hay: readonly string[], needle: readonly string[], from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

export function startsWithSeq(hay: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > hay.length) return false
  for (let i = 0; i < prefix.length; i++) if (hay[i] !== prefix[i]) return false
  return true
}

/** `D:\Exchange\V15\FrontEnd` → { letter: 'd', segs: ['exchange','v15','frontend'] } after env expansion. */
export function parseWindowsPath(
  p: string,
  env: Readonly<Record<string, string>>,
): { letter: string; segs: string[] } | undefined {
  const expanded = p.replace(/%([^%]+)%/g, (m, name: string) => env[name.toLowerCase()] ?? m)
  const m = /^([a-zA-Z]):[\\/]*(.*)$/.exec(expanded.trim())
  if (!m) return undefined
  const segs = m[2]!
    .split(/[\\/]+/)
    .filter((s) => s.length > 0 && s !== '.')
    .map((s) => s.toLowerCase())
  if (segs.includes('..')) return undefined
  return { letter: m[1]!.toLowerCase(), segs }
}
