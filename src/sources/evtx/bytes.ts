// Bounds-checked little-endian reads over one chunk. Every read that would leave the buffer throws
// EvtxParseError, which the chunk reader turns into one error for the record (never a crash).

export class EvtxParseError extends Error {
  override readonly name = 'EvtxParseError'
}

export function fail(message: string): never {
  throw new EvtxParseError(message)
}

export function need(buf: Uint8Array, pos: number, n: number): void {
  if (pos < 0 || n < 0 || pos + n > buf.length)
    fail(`read of ${n} bytes at 0x${pos.toString(16)} past the end`)
}

export function u8(buf: Uint8Array, pos: number): number {
  need(buf, pos, 1)
  return buf[pos] as number
}

export function u16(buf: Uint8Array, pos: number): number {
  need(buf, pos, 2)
  return (buf[pos] as number) | ((buf[pos + 1] as number) << 8)
}

export function u32(buf: Uint8Array, pos: number): number {
  need(buf, pos, 4)
  return (
    ((buf[pos] as number) |
      ((buf[pos + 1] as number) << 8) |
      ((buf[pos + 2] as number) << 16) |
      ((buf[pos + 3] as number) << 24)) >>>
    0
  )
}

/** An unsigned 64-bit value as a number when it is exact, else as a decimal string. */
export function u64(buf: Uint8Array, pos: number): number | string {
  const lo = u32(buf, pos)
  const hi = u32(buf, pos + 4)
  if (hi < 0x200000) return hi * 0x100000000 + lo
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString()
}

export function i64(buf: Uint8Array, pos: number): number | string {
  const lo = u32(buf, pos)
  const hi = u32(buf, pos + 4) | 0
  const n = hi * 0x100000000 + lo
  if (Number.isSafeInteger(n)) return n
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString()
}

export function hex64(buf: Uint8Array, pos: number): string {
  const lo = u32(buf, pos)
  const hi = u32(buf, pos + 4)
  return hi === 0
    ? `0x${lo.toString(16)}`
    : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`
}

const utf16 = new TextDecoder('utf-16le')

/** `chars` UTF-16LE code units at pos; short strings by hand (TextDecoder's call costs more there). */
export function utf16At(buf: Uint8Array, pos: number, chars: number): string {
  need(buf, pos, chars * 2)
  if (chars > 24) return utf16.decode(buf.subarray(pos, pos + chars * 2))
  let s = ''
  for (let i = 0; i < chars; i++) {
    const c = (buf[pos + 2 * i] as number) | ((buf[pos + 2 * i + 1] as number) << 8)
    s += String.fromCharCode(c)
  }
  return s
}

/** Trailing NULs are padding in EVTX strings, not text. */
export function stripNul(s: string): string {
  let end = s.length
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--
  return end === s.length ? s : s.slice(0, end)
}
