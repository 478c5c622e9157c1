// The parts of a PE file every reader here needs: section table and data directories (Microsoft's PE
// format spec, learn.microsoft.com/windows/win32/debug/pe-format). Every offset is bounds-checked; hostile
// input throws PeFormatError with a reason, never reads outside the source.

/** Random access to the file's bytes; `null` when the range lies outside the file or the read budget. */
export interface ByteSource {
  readonly size: number
  read(offset: number, length: number): Buffer | null
}

export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: (offset, length) =>
      offset >= 0 && length >= 0 && offset + length <= buf.length
        ? buf.subarray(offset, offset + length)
        : null,
  }
}

/** A malformed or truncated PE: the message is the reason shown to the user. */
export class PeFormatError extends Error {}

export function need(src: ByteSource, offset: number, length: number, what: string): Buffer {
  const b = src.read(offset, length)
  if (!b || b.length < length)
    throw new PeFormatError(
      `truncated: ${what} at offset ${offset} lies outside the file (or the read budget)`,
    )
  return b
}

export interface Section {
  va: number
  vsize: number
  raw: number
  rawSize: number
}

export interface DataDirectory {
  rva: number
  size: number
}

export interface PeLayout {
  sections: Section[]
  /** Data directories by index (2 resources, 14 the CLI header of a .NET assembly). */
  dirs: DataDirectory[]
}

export const DIR_RESOURCE = 2
export const DIR_CLI_HEADER = 14

export function rvaToOffset(sections: readonly Section[], rva: number): number | null {
  for (const s of sections) {
    const span = Math.max(s.vsize, s.rawSize)
    if (rva >= s.va && rva < s.va + span && rva - s.va < s.rawSize) return s.raw + (rva - s.va)
  }
  return null
}

export function readPeLayout(src: ByteSource): PeLayout {
  const dos = need(src, 0, 64, 'DOS header')
  if (dos.readUInt16LE(0) !== 0x5a4d) throw new PeFormatError('not a PE file (no MZ signature)')
  const peOff = dos.readUInt32LE(0x3c)
  const coff = need(src, peOff, 24, 'PE header')
  if (coff.readUInt32LE(0) !== 0x00004550)
    throw new PeFormatError('not a PE file (no PE signature)')
  const nSections = coff.readUInt16LE(6)
  const optSize = coff.readUInt16LE(20)
  if (nSections === 0 || nSections > 96)
    throw new PeFormatError(`implausible section count ${nSections}`)
  const opt = need(src, peOff + 24, optSize, 'optional header')
  if (optSize < 2) throw new PeFormatError('optional header too small')
  const magic = opt.readUInt16LE(0)
  const dirBase = magic === 0x20b ? 112 : magic === 0x10b ? 96 : -1
  if (dirBase < 0) throw new PeFormatError(`unknown optional header magic 0x${magic.toString(16)}`)
  const nDirs = dirBase <= optSize ? opt.readUInt32LE(dirBase - 4) : 0
  const dirs: DataDirectory[] = []
  for (let i = 0; i < Math.min(nDirs, 16) && dirBase + i * 8 + 8 <= optSize; i++)
    dirs.push({
      rva: opt.readUInt32LE(dirBase + i * 8),
      size: opt.readUInt32LE(dirBase + i * 8 + 4),
    })
  const table = need(src, peOff + 24 + optSize, nSections * 40, 'section table')
  const sections: Section[] = []
  for (let i = 0; i < nSections; i++) {
    const o = i * 40
    sections.push({
      vsize: table.readUInt32LE(o + 8),
      va: table.readUInt32LE(o + 12),
      rawSize: table.readUInt32LE(o + 16),
      raw: table.readUInt32LE(o + 20),
    })
  }
  return { sections, dirs }
}
