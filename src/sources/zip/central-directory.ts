// Reads a zip's central directory in place (PKWARE APPNOTE 6.3.x, sections 4.3.12-4.3.16 and 4.5.3
// for zip64). Nothing is extracted; entries are checked against the limits before anyone reads them.
import { open } from 'node:fs/promises'
import type { ItemError } from '../../shared/types.ts'
import { checkEntryName } from './entry-name.ts'
import { DEFAULT_ZIP_LIMITS, RATIO_MIN_BYTES, type ZipEntry, type ZipLimits } from './zip-types.ts'

const EOCD_SIG = 0x06054b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_EOCD_SIG = 0x06064b50
const CDH_SIG = 0x02014b50
const LOCAL_HEADER_BYTES = 30
const MAX_COMMENT = 0xffff
const U32_MAX = 0xffffffff

interface DirectoryInfo {
  count: number
  offset: number
  size: number
}

function corrupt(path: string, message: string): ItemError {
  return { code: 'EXH_ERR_ZIP_CORRUPT', path, message }
}

function findEocd(tail: Buffer): number {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) <= tail.length)
      return i
  }
  return -1
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at)
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v)
}

function dosTime(date: number, time: number): string | undefined {
  const y = 1980 + (date >> 9)
  const mo = (date >> 5) & 15
  const d = date & 31
  if (mo < 1 || mo > 12 || d < 1) return undefined
  const t = Date.UTC(y, mo - 1, d, time >> 11, (time >> 5) & 63, (time & 31) * 2)
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

/**
 * The extra field's blocks (id, then data up to `end`); `truncated` when a block runs past the field,
 * which ends the list there.
 */
function extraFields(extra: Buffer): {
  fields: { id: number; start: number; end: number }[]
  truncated: boolean
} {
  const fields: { id: number; start: number; end: number }[] = []
  let p = 0
  while (p + 4 <= extra.length) {
    const end = p + 4 + extra.readUInt16LE(p + 2)
    if (end > extra.length) return { fields, truncated: true }
    fields.push({ id: extra.readUInt16LE(p), start: p, end })
    p = end
  }
  return { fields, truncated: false }
}

const FILETIME_UNIX_EPOCH = 116444736000000000n

function fileTime(buf: Buffer, at: number): string | undefined {
  const ft = buf.readBigUInt64LE(at)
  if (ft === 0n) return undefined
  const ms = Number((ft - FILETIME_UNIX_EPOCH) / 10000n)
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

/**
 * Exact UTC times from the extra field, when the zipper wrote them: NTFS (0x000a: modified, accessed,
 * created as FILETIMEs; 7-Zip, WinRAR, Windows collectors) or extended timestamp (0x5455: Unix mtime; Info-ZIP).
 * The DOS date/time in the header is the zipping machine's local time, zone unknown.
 */
export function extraTimes(extra: Buffer): { mtime?: string; btime?: string } {
  const out: { mtime?: string; btime?: string } = {}
  for (const { id, start: p, end } of extraFields(extra).fields) {
    if (id === 0x000a) {
      // 4 reserved bytes, then tagged attributes; tag 1 holds the three FILETIMEs.
      let q = p + 8
      while (q + 4 <= end) {
        const tag = extra.readUInt16LE(q)
        const size = extra.readUInt16LE(q + 2)
        if (tag === 1 && size >= 24 && q + 4 + 24 <= end) {
          const m = fileTime(extra, q + 4)
          const b = fileTime(extra, q + 20)
          if (m) out.mtime = m
          if (b) out.btime = b
          return out
        }
        q += 4 + size
      }
    } else if (id === 0x5455 && end - p >= 9 && extra[p + 4]! & 1 && !out.mtime) {
      out.mtime = new Date(extra.readInt32LE(p + 5) * 1000).toISOString()
    }
  }
  return out
}

/** Zip64 extended information (header id 0x0001): only the fields saturated in the header are present. */
function applyZip64(
  extra: Buffer,
  e: { size: number; compressedSize: number; localHeaderOffset: number },
) {
  const { fields, truncated } = extraFields(extra)
  const z64 = fields.find((f) => f.id === 0x0001)
  if (z64) {
    let q = z64.start + 4
    for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
      if (e[key] !== U32_MAX) continue
      if (q + 8 > z64.end) return false
      e[key] = u64(extra, q)
      q += 8
    }
    return true
  }
  if (truncated) return false
  return !(e.size === U32_MAX || e.compressedSize === U32_MAX || e.localHeaderOffset === U32_MAX)
}

async function locateDirectory(
  fh: import('node:fs/promises').FileHandle,
  fileSize: number,
): Promise<DirectoryInfo | string> {
  const tailLen = Math.min(fileSize, 22 + MAX_COMMENT + 20)
  const tail = Buffer.alloc(tailLen)
  await fh.read(tail, 0, tailLen, fileSize - tailLen)
  const at = findEocd(tail)
  if (at < 0) return 'no end-of-central-directory record (not a zip, or truncated)'
  let info: DirectoryInfo = {
    count: tail.readUInt16LE(at + 10),
    size: tail.readUInt32LE(at + 12),
    offset: tail.readUInt32LE(at + 16),
  }
  if (at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_LOCATOR_SIG) {
    const z64At = u64(tail, at - 20 + 8)
    const rec = Buffer.alloc(56)
    const { bytesRead } = await fh.read(rec, 0, 56, z64At)
    if (bytesRead < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD_SIG)
      return 'bad zip64 end-of-central-directory record'
    info = { count: u64(rec, 32), size: u64(rec, 40), offset: u64(rec, 48) }
  }
  if (info.offset + info.size > fileSize) return 'central directory lies past the end of the file'
  return info
}

/**
 * List the entries of the zip at `fsPath`. Bad entries become ItemErrors (`archive!entry`) and are
 * left out; the good ones stay usable. Only a missing/unreadable directory makes the list empty.
 */
export async function readZipDirectory(
  fsPath: string,
  limits: Partial<ZipLimits> = {},
  displayPath: string = fsPath,
): Promise<{ entries: ZipEntry[]; errors: ItemError[] }> {
  const lim = { ...DEFAULT_ZIP_LIMITS, ...limits }
  const entries: ZipEntry[] = []
  const errors: ItemError[] = []
  let fh: import('node:fs/promises').FileHandle | undefined
  try {
    fh = await open(fsPath, 'r')
    const st = await fh.stat()
    if (!st.isFile())
      return {
        entries,
        errors: [{ code: 'EXH_ERR_NOT_REGULAR', path: displayPath, message: 'not a regular file' }],
      }
    const info = await locateDirectory(fh, st.size)
    if (typeof info === 'string') return { entries, errors: [corrupt(displayPath, info)] }
    if (info.count > lim.maxEntries) {
      errors.push({
        code: 'EXH_ERR_ZIP_TOO_MANY_ENTRIES',
        path: displayPath,
        message: `${info.count} entries declared; only the first ${lim.maxEntries} are read`,
      })
    }
    const cd = Buffer.alloc(info.size)
    await fh.read(cd, 0, info.size, info.offset)
    parseEntries(cd, info, st.size, lim, displayPath, entries, errors)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    errors.push({
      code: e.code ? `EXH_ERR_FS_${e.code}` : 'EXH_ERR_ZIP_CORRUPT',
      path: displayPath,
      message: e.message,
    })
  } finally {
    await fh?.close()
  }
  return { entries, errors }
}

function parseEntries(
  cd: Buffer,
  info: DirectoryInfo,
  fileSize: number,
  lim: ZipLimits,
  archive: string,
  entries: ZipEntry[],
  errors: ItemError[],
): void {
  let p = 0
  let total = 0
  const limit = Math.min(info.count, lim.maxEntries)
  for (let i = 0; i < limit; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CDH_SIG) {
      errors.push(
        corrupt(
          archive,
          `central directory entry ${i} is malformed; ${entries.length} entries kept`,
        ),
      )
      break
    }
    const flags = cd.readUInt16LE(p + 8)
    const method = cd.readUInt16LE(p + 10)
    const nameLen = cd.readUInt16LE(p + 28)
    const extraLen = cd.readUInt16LE(p + 30)
    const commentLen = cd.readUInt16LE(p + 32)
    const next = p + 46 + nameLen + extraLen + commentLen
    if (next > cd.length) {
      errors.push(corrupt(archive, `central directory entry ${i} runs past the directory`))
      break
    }
    const nameBuf = cd.subarray(p + 46, p + 46 + nameLen)
    // Bit 11: UTF-8 names; otherwise CP437, read as latin1 (close enough for ASCII paths).
    const rawName = nameBuf.toString(flags & 0x800 ? 'utf8' : 'latin1')
    const e = {
      size: cd.readUInt32LE(p + 24),
      compressedSize: cd.readUInt32LE(p + 20),
      localHeaderOffset: cd.readUInt32LE(p + 42),
    }
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen)
    const where = `${archive}!${rawName}`
    const fail = (code: string, message: string) => errors.push({ code, path: where, message })
    const exact = extraTimes(extra)
    const mtime = exact.mtime ?? dosTime(cd.readUInt16LE(p + 14), cd.readUInt16LE(p + 12))
    const crc32 = cd.readUInt32LE(p + 16)
    p = next
    const checked = checkEntryName(rawName)
    if (!checked.ok) {
      fail('EXH_ERR_ZIP_TRAVERSAL', `unsafe entry name (${checked.reason}); entry ignored`)
      continue
    }
    if (!applyZip64(extra, e)) {
      fail('EXH_ERR_ZIP_CORRUPT', 'zip64 sizes missing from the extra field')
      continue
    }
    const isDirectory = checked.name.endsWith('/')
    if (flags & 1) {
      fail('EXH_ERR_ZIP_ENCRYPTED', 'entry is encrypted; not read')
      continue
    }
    if (!isDirectory && method !== 0 && method !== 8) {
      fail(
        'EXH_ERR_ZIP_METHOD',
        `compression method ${method} is not supported (stored and deflate only)`,
      )
      continue
    }
    if (e.localHeaderOffset + LOCAL_HEADER_BYTES + e.compressedSize > fileSize) {
      fail('EXH_ERR_ZIP_CORRUPT', 'entry data lies past the end of the archive')
      continue
    }
    if (method === 0 && e.size !== e.compressedSize) {
      fail('EXH_ERR_ZIP_CORRUPT', 'stored entry with different compressed and uncompressed sizes')
      continue
    }
    if (e.size > lim.maxEntryBytes) {
      fail(
        'EXH_ERR_ZIP_BOMB',
        `declared size ${e.size} exceeds the per-entry limit ${lim.maxEntryBytes}`,
      )
      continue
    }
    if (e.size > RATIO_MIN_BYTES && e.size / Math.max(1, e.compressedSize) > lim.maxRatio) {
      fail(
        'EXH_ERR_ZIP_BOMB',
        `compression ratio ${Math.round(e.size / Math.max(1, e.compressedSize))} exceeds ${lim.maxRatio}`,
      )
      continue
    }
    if (total + e.size > lim.maxTotalUncompressed) {
      fail(
        'EXH_ERR_ZIP_BOMB',
        `archive total would exceed ${lim.maxTotalUncompressed} bytes; entry ignored`,
      )
      continue
    }
    total += e.size
    entries.push({
      name: checked.name,
      method,
      flags,
      ...e,
      crc32,
      isDirectory,
      ...(mtime ? { mtime } : {}),
      ...(exact.btime ? { btime: exact.btime } : {}),
      ...(exact.mtime ? {} : mtime ? { mtimeLocal: true } : {}),
    })
  }
  dropOverlaps(entries, archive, errors)
}

/** Entries sharing data ("overlapping" zip bombs, Fifield 2019) are refused: each must own its bytes. */
function dropOverlaps(entries: ZipEntry[], archive: string, errors: ItemError[]): void {
  const byOffset = entries
    .filter((e) => !e.isDirectory)
    .sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)
  const bad = new Set<ZipEntry>()
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!
    const cur = byOffset[i]!
    if (cur.localHeaderOffset < prev.localHeaderOffset + LOCAL_HEADER_BYTES + prev.compressedSize) {
      bad.add(cur)
      errors.push({
        code: 'EXH_ERR_ZIP_BOMB',
        path: `${archive}!${cur.name}`,
        message: "entry overlaps another entry's data; ignored",
      })
    }
  }
  if (bad.size === 0) return
  const kept = entries.filter((e) => !bad.has(e))
  entries.length = 0
  entries.push(...kept)
}
