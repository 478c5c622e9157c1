// Reads the version resource of a PE file (ExSetup.exe, Microsoft.Exchange.*.dll) without running it:
// DOS header → PE headers → resource directory → RT_VERSION → VS_VERSIONINFO (VS_FIXEDFILEINFO and
// StringFileInfo). Layouts from Microsoft's PE format spec (learn.microsoft.com/windows/win32/debug/pe-format)
// and the VS_VERSIONINFO / VS_FIXEDFILEINFO / String docs (learn.microsoft.com/windows/win32/menurc).
// Every offset is bounds-checked; hostile input yields a reason, never a throw or a loop.

import {
  PeFormatError as Bad,
  type ByteSource,
  bufferSource,
  DIR_RESOURCE,
  need,
  readPeLayout,
  rvaToOffset,
  type Section,
} from './pe-layout.ts'

export type { ByteSource }
export { bufferSource }

export interface PeVersion {
  /** From VS_FIXEDFILEINFO, `15.1.2375.7`; else the FileVersion string. */
  fileVersion?: string
  productVersion?: string
  /** StringFileInfo strings of the first string table (FileVersion, ProductVersion, CompanyName, ...). */
  strings: Record<string, string>
}

export type PeVersionResult = { ok: true; version: PeVersion } | { ok: false; reason: string }

const RT_VERSION = 16
const MAX_ENTRIES = 4096
const MAX_VERSION_BYTES = 64 * 1024
const FIXED_SIGNATURE = 0xfeef04bd

/** The resource directory's place, from the shared PE layout. */
function readHeaders(src: ByteSource): { sections: Section[]; resRva: number; resSize: number } {
  const { sections, dirs } = readPeLayout(src)
  const res = dirs[DIR_RESOURCE]
  if (!res) throw new Bad('no resource directory entry')
  if (res.rva === 0 || res.size === 0) throw new Bad('no resources')
  return { sections, resRva: res.rva, resSize: res.size }
}

/** Resource tree: type → name → language; the first entry of RT_VERSION at each level below the type. */
function findVersionData(
  src: ByteSource,
  sections: Section[],
  resRva: number,
): { offset: number; size: number } {
  const base = rvaToOffset(sections, resRva)
  if (base === null) throw new Bad('resource directory is in no section')
  const visited = new Set<number>()
  let dirOff = 0
  let wantId: number | null = RT_VERSION
  for (let level = 0; level < 3; level++) {
    if (visited.has(dirOff)) throw new Bad('resource directory loops')
    visited.add(dirOff)
    const head = need(src, base + dirOff, 16, 'resource directory')
    const count = head.readUInt16LE(12) + head.readUInt16LE(14)
    if (count === 0) throw new Bad('empty resource directory')
    if (count > MAX_ENTRIES) throw new Bad(`implausible resource entry count ${count}`)
    const entries = need(src, base + dirOff + 16, count * 8, 'resource entries')
    let next: number | null = null
    for (let i = 0; i < count; i++) {
      const name = entries.readUInt32LE(i * 8)
      const target = entries.readUInt32LE(i * 8 + 4)
      if (wantId !== null && ((name & 0x80000000) !== 0 || name !== wantId)) continue
      next = target
      break
    }
    if (next === null) throw new Bad('no version resource (RT_VERSION)')
    wantId = null
    const isDir = (next & 0x80000000) !== 0
    const off = next & 0x7fffffff
    if (level < 2) {
      if (!isDir) throw new Bad('malformed resource tree (leaf above language level)')
      dirOff = off
      continue
    }
    if (isDir) throw new Bad('malformed resource tree (directory at leaf level)')
    const leaf = need(src, base + off, 16, 'resource data entry')
    const dataRva = leaf.readUInt32LE(0)
    const size = leaf.readUInt32LE(4)
    const offset = rvaToOffset(sections, dataRva)
    if (offset === null) throw new Bad('version resource data is in no section')
    if (size < 6 || size > MAX_VERSION_BYTES)
      throw new Bad(`implausible version resource size ${size}`)
    return { offset, size }
  }
  throw new Bad('no version resource (RT_VERSION)')
}

const align4 = (n: number) => (n + 3) & ~3

interface Block {
  key: string
  valueStart: number
  valueLength: number
  type: number
  childrenStart: number
  end: number
}

/** One VS_VERSIONINFO-style block at `at` within `v` (offsets relative to the version data). */
function readBlock(v: Buffer, at: number, limit: number): Block | null {
  if (at + 6 > limit) return null
  const length = v.readUInt16LE(at)
  const valueLength = v.readUInt16LE(at + 2)
  const type = v.readUInt16LE(at + 4)
  const end = at + length
  if (length < 6 || end > limit) return null
  let p = at + 6
  let key = ''
  while (p + 2 <= end) {
    const c = v.readUInt16LE(p)
    p += 2
    if (c === 0) break
    key += String.fromCharCode(c)
  }
  const valueStart = align4(p)
  // Text values count UTF-16 units (type 1); binary values count bytes.
  const valueBytes = type === 1 ? valueLength * 2 : valueLength
  return {
    key,
    valueStart,
    valueLength: valueBytes,
    type,
    childrenStart: align4(valueStart + valueBytes),
    end,
  }
}

function* children(v: Buffer, parent: Block): Generator<Block> {
  let at = parent.childrenStart
  while (at < parent.end) {
    const b = readBlock(v, at, parent.end)
    if (!b) return
    yield b
    at = align4(b.end)
  }
}

function utf16z(v: Buffer, start: number, bytes: number, end: number): string {
  const stop = Math.min(start + bytes, end)
  let s = ''
  for (let p = start; p + 2 <= stop; p += 2) {
    const c = v.readUInt16LE(p)
    if (c === 0) break
    s += String.fromCharCode(c)
  }
  return s
}

function parseVersionInfo(v: Buffer): PeVersion {
  const root = readBlock(v, 0, v.length)
  if (root?.key !== 'VS_VERSION_INFO')
    throw new Bad('version resource has no VS_VERSION_INFO block')
  const out: PeVersion = { strings: {} }
  if (root.valueLength >= 52 && root.valueStart + 52 <= root.end) {
    const f = root.valueStart
    if (v.readUInt32LE(f) === FIXED_SIGNATURE) {
      const ver = (ms: number, ls: number) =>
        `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`
      out.fileVersion = ver(v.readUInt32LE(f + 8), v.readUInt32LE(f + 12))
      out.productVersion = ver(v.readUInt32LE(f + 16), v.readUInt32LE(f + 20))
    }
  }
  for (const info of children(v, root)) {
    if (info.key !== 'StringFileInfo') continue
    for (const table of children(v, info)) {
      for (const s of children(v, table)) {
        out.strings[s.key] = utf16z(v, s.valueStart, s.valueLength, s.end).trim()
      }
      break
    }
  }
  if (!out.fileVersion && out.strings.FileVersion) out.fileVersion = out.strings.FileVersion
  if (!out.productVersion && out.strings.ProductVersion)
    out.productVersion = out.strings.ProductVersion
  return out
}

export function parsePeVersion(src: ByteSource): PeVersionResult {
  try {
    const { sections, resRva } = readHeaders(src)
    const { offset, size } = findVersionData(src, sections, resRva)
    const data = need(src, offset, size, 'version resource')
    return { ok: true, version: parseVersionInfo(data) }
  } catch (e) {
    if (e instanceof Bad) return { ok: false, reason: e.message }
    return { ok: false, reason: `unreadable PE: ${(e as Error).message}` }
  }
}

/** The version resource of a PE image in memory, or null (use parsePeVersion for the reason). */
export function readPeVersion(buf: Buffer): PeVersion | null {
  const r = parsePeVersion(bufferSource(buf))
  return r.ok ? r.version : null
}
