// Zip entry names are attacker-controlled. Anything that could escape a root if someone extracted
// it (../, absolute paths, drive letters, UNC, NUL) is refused, and the entry is reported, not used.

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string }

/** Check one entry name; backslashes count as separators (Windows tools write them). */
export function checkEntryName(raw: string): NameCheck {
  if (raw.length === 0) return { ok: false, reason: 'empty name' }
  if (raw.includes('\0')) return { ok: false, reason: 'NUL byte in name' }
  const name = raw.replaceAll('\\', '/')
  if (name.startsWith('/')) return { ok: false, reason: 'absolute path' }
  if (/^[a-zA-Z]:/.test(name)) return { ok: false, reason: 'drive letter' }
  for (const seg of name.split('/')) {
    if (seg === '..') return { ok: false, reason: 'parent-directory segment' }
    // Windows ignores trailing dots and spaces: ".. " and "..." resolve to the parent there.
    if (/^\.{2,}[. ]*$/.test(seg)) return { ok: false, reason: 'parent-directory segment' }
    if (seg.includes(':')) return { ok: false, reason: 'colon in name (drive or alternate stream)' }
  }
  return { ok: true, name }
}
