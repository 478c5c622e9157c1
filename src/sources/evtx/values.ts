// Substitution values of BinXML: the value types of the format (libyal/libevtx "Windows XML Event
// Log (EVTX)", section "Value types"; MS-EVEN6 2.2.x) decoded to what the EventRecord contract holds:
// integers as numbers (a 64-bit one past 2^53 as its decimal string), hex integers, GUIDs, SIDs,
// times, size_t and binary as the text Event Viewer shows, arrays as string[].
import { fail, hex64, i64, need, stripNul, u16, u32, u64, utf16At } from './bytes.ts'

export const VT = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SysTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  Array: 0x80,
} as const

/** A decoded scalar or array value (nested BinXML is handled by the BinXML reader). */
export type Scalar = string | number | boolean | null | string[]

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'))

export function hexBytes(buf: Uint8Array, pos: number, len: number): string {
  need(buf, pos, len)
  let s = ''
  for (let i = 0; i < len; i++) s += HEX[buf[pos + i] as number]
  return s
}

export function guidAt(buf: Uint8Array, pos: number): string {
  need(buf, pos, 16)
  const d1 = u32(buf, pos).toString(16).toUpperCase().padStart(8, '0')
  const d2 = u16(buf, pos + 4)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0')
  const d3 = u16(buf, pos + 6)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0')
  return `{${d1}-${d2}-${d3}-${hexBytes(buf, pos + 8, 2)}-${hexBytes(buf, pos + 10, 6)}}`
}

/** A SID and its length in bytes (8 + 4 per sub-authority). */
export function sidAt(buf: Uint8Array, pos: number, max: number): [string, number] {
  need(buf, pos, 8)
  const rev = buf[pos] as number
  const count = buf[pos + 1] as number
  const len = 8 + 4 * count
  if (len > max) fail(`SID of ${count} sub-authorities longer than its value`)
  need(buf, pos, len)
  let auth = 0
  for (let i = 2; i < 8; i++) auth = auth * 256 + (buf[pos + i] as number)
  let s = `S-${rev}-${auth}`
  for (let i = 0; i < count; i++) s += `-${u32(buf, pos + 8 + 4 * i)}`
  return [s, len]
}

const TICKS_PER_SECOND = 10_000_000
const EPOCH_DIFF_SECONDS = 11_644_473_600 // 1601-01-01 to 1970-01-01

/** FILETIME (100 ns ticks since 1601) as ISO 8601 UTC with 7 fraction digits, as Windows renders it. */
export function filetimeAt(buf: Uint8Array, pos: number): string {
  const lo = u32(buf, pos)
  const hi = u32(buf, pos + 4)
  // ticks = hi * 2^32 + lo, split so every step stays exact in a double: 2^32 = 429 * 1e7 + 4967296.
  const rest = hi * 4967296 + lo
  const secs = hi * 429 + Math.floor(rest / TICKS_PER_SECOND)
  const frac = rest % TICKS_PER_SECOND
  const ms = (secs - EPOCH_DIFF_SECONDS) * 1000
  if (!(Math.abs(ms) <= 8.64e15)) return hex64(buf, pos)
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, iso.length - 5)}.${String(frac).padStart(7, '0')}Z`
}

const p2 = (n: number) => (n < 10 ? `0${n}` : String(n))

export function systemtimeAt(buf: Uint8Array, pos: number): string {
  need(buf, pos, 16)
  const y = u16(buf, pos)
  const mo = u16(buf, pos + 2)
  const d = u16(buf, pos + 6)
  const h = u16(buf, pos + 8)
  const mi = u16(buf, pos + 10)
  const s = u16(buf, pos + 12)
  const ms = u16(buf, pos + 14)
  return `${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}.${String(ms).padStart(3, '0')}Z`
}

function ansiAt(buf: Uint8Array, pos: number, len: number): string {
  need(buf, pos, len)
  // Code page unknown (the writer's ANSI page): Latin-1 keeps every byte visible and reversible.
  let s = ''
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[pos + i] as number)
  return s
}

function float32(buf: Uint8Array, pos: number): number {
  need(buf, pos, 4)
  return new DataView(buf.buffer, buf.byteOffset + pos, 4).getFloat32(0, true)
}

function float64(buf: Uint8Array, pos: number): number {
  need(buf, pos, 8)
  return new DataView(buf.buffer, buf.byteOffset + pos, 8).getFloat64(0, true)
}

/** One element of a fixed-width type; returns [value, width]. */
function fixed(buf: Uint8Array, pos: number, type: number, size: number): [Scalar, number] {
  switch (type) {
    case VT.Int8: {
      need(buf, pos, 1)
      return [((buf[pos] as number) << 24) >> 24, 1]
    }
    case VT.UInt8:
      need(buf, pos, 1)
      return [buf[pos] as number, 1]
    case VT.Int16:
      return [(u16(buf, pos) << 16) >> 16, 2]
    case VT.UInt16:
      return [u16(buf, pos), 2]
    case VT.Int32:
      return [u32(buf, pos) | 0, 4]
    case VT.UInt32:
      return [u32(buf, pos), 4]
    case VT.Int64:
      return [i64(buf, pos), 8]
    case VT.UInt64:
      return [u64(buf, pos), 8]
    case VT.Real32:
      return [float32(buf, pos), 4]
    case VT.Real64:
      return [float64(buf, pos), 8]
    case VT.Bool:
      // Any non-zero is true (some writers store 0xFFFFFFFF or other values: "irregular bool values").
      return [u32(buf, pos) !== 0, 4]
    case VT.Guid:
      return [guidAt(buf, pos), 16]
    case VT.SizeT:
      // Pointer-sized: the value's size says 32 or 64 bits.
      return size === 4 ? [`0x${u32(buf, pos).toString(16)}`, 4] : [hex64(buf, pos), 8]
    case VT.FileTime:
      return [filetimeAt(buf, pos), 8]
    case VT.SysTime:
      return [systemtimeAt(buf, pos), 16]
    case VT.HexInt32:
      return [`0x${u32(buf, pos).toString(16)}`, 4]
    case VT.HexInt64:
      return [hex64(buf, pos), 8]
    default:
      return fail(`value type 0x${type.toString(16)} has no fixed width`)
  }
}

/** Decode a value of `type` stored in `size` bytes at pos (not nested BinXML: see binxml.ts). */
export function decodeValue(buf: Uint8Array, pos: number, size: number, type: number): Scalar {
  need(buf, pos, size)
  if (type === VT.Null) return null
  if (type & VT.Array) return decodeArray(buf, pos, size, type & 0x7f)
  switch (type) {
    case VT.String:
      return stripNul(utf16At(buf, pos, size >>> 1))
    case VT.AnsiString:
      return stripNul(ansiAt(buf, pos, size))
    case VT.Binary:
    case VT.EvtHandle:
    case VT.EvtXml:
      return hexBytes(buf, pos, size)
    case VT.Sid:
      return size === 0 ? null : sidAt(buf, pos, size)[0]
    default: {
      if (size === 0) return null
      if (type > VT.HexInt64) return hexBytes(buf, pos, size)
      const [v, w] = fixed(buf, pos, type, size)
      if (w > size) fail(`value of type 0x${type.toString(16)} needs ${w} bytes, has ${size}`)
      return v
    }
  }
}

function decodeArray(buf: Uint8Array, pos: number, size: number, base: number): string[] {
  const out: string[] = []
  const end = pos + size
  if (base === VT.String || base === VT.AnsiString) {
    const wide = base === VT.String
    let start = pos
    let p = pos
    while (p < end) {
      const zero = wide ? p + 1 < end && buf[p] === 0 && buf[p + 1] === 0 : buf[p] === 0
      if (zero) {
        out.push(wide ? utf16At(buf, start, (p - start) >>> 1) : ansiAt(buf, start, p - start))
        p += wide ? 2 : 1
        start = p
      } else p += wide ? 2 : 1
    }
    if (start < end) {
      const tail = wide ? utf16At(buf, start, (end - start) >>> 1) : ansiAt(buf, start, end - start)
      out.push(stripNul(tail))
    }
    return out
  }
  if (base === VT.Sid) {
    let p = pos
    while (p + 8 <= end) {
      const [s, len] = sidAt(buf, p, end - p)
      out.push(s)
      p += len
    }
    return out
  }
  if (base === VT.Binary || base === VT.Null || base > VT.HexInt64)
    return [hexBytes(buf, pos, size)]
  // size_t arrays: the element width is not stored; 8 when it divides, else 4.
  const width = base === VT.SizeT ? (size % 8 === 0 ? 8 : 4) : 0
  let p = pos
  while (p < end) {
    const [v, w] = fixed(buf, p, base, width)
    if (p + w > end) break
    out.push(valueText(v))
    p += w
  }
  return out
}

/** The text of a value as XML shows it. */
export function valueText(v: Scalar): string {
  if (v === null) return ''
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v.join(',')
  return String(v)
}
