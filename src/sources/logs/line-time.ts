// Cheap time of a data line that starts with its timestamp (IIS `date time`, Exchange `DateTime`):
// read digits straight from the latin1 chunk string into one sortable number, no allocation, so
// oldest/newest cover every line even those the needles prefilter never parses.

const NO_TIME = -1

function digits(s: string, at: number, count: number): number {
  let n = 0
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return NO_TIME
    n = n * 10 + d
  }
  return n
}

/**
 * `YYYY-MM-DD[ T]HH:MM:SS[.mmm]` at `pos` → a number ordered like the time (ms precision), or -1.
 * `end` bounds the line.
 */
export function lineTimeKey(s: string, pos: number, end: number): number {
  if (end - pos < 19) return NO_TIME
  if (s.charCodeAt(pos + 4) !== 45 || s.charCodeAt(pos + 7) !== 45) return NO_TIME
  const sep = s.charCodeAt(pos + 10)
  if ((sep !== 32 && sep !== 84) || s.charCodeAt(pos + 13) !== 58) return NO_TIME
  if (s.charCodeAt(pos + 16) !== 58) return NO_TIME
  const y = digits(s, pos, 4)
  const mo = digits(s, pos + 5, 2)
  const d = digits(s, pos + 8, 2)
  const h = digits(s, pos + 11, 2)
  const mi = digits(s, pos + 14, 2)
  const se = digits(s, pos + 17, 2)
  if ((y | mo | d | h | mi | se) < 0) return NO_TIME
  let ms = 0
  if (end - pos >= 23 && s.charCodeAt(pos + 19) === 46) {
    ms = digits(s, pos + 20, 3)
    if (ms < 0) ms = 0
  }
  return ((((y * 13 + mo) * 32 + d) * 24 + h) * 60 + mi) * 60000 + se * 1000 + ms
}

function byteDigits(b: Uint8Array, at: number, count: number): number {
  let n = 0
  for (let i = at; i < at + count; i++) {
    const d = b[i]! - 48
    if (d < 0 || d > 9) return NO_TIME
    n = n * 10 + d
  }
  return n
}

/** lineTimeKey on the bytes of a line (no string made for lines the prefilter skips). */
export function lineTimeKeyBytes(b: Uint8Array, pos: number, end: number): number {
  if (end - pos < 19) return NO_TIME
  if (b[pos + 4] !== 45 || b[pos + 7] !== 45) return NO_TIME
  const sep = b[pos + 10]
  if ((sep !== 32 && sep !== 84) || b[pos + 13] !== 58 || b[pos + 16] !== 58) return NO_TIME
  const y = byteDigits(b, pos, 4)
  const mo = byteDigits(b, pos + 5, 2)
  const d = byteDigits(b, pos + 8, 2)
  const h = byteDigits(b, pos + 11, 2)
  const mi = byteDigits(b, pos + 14, 2)
  const se = byteDigits(b, pos + 17, 2)
  if ((y | mo | d | h | mi | se) < 0) return NO_TIME
  let ms = 0
  if (end - pos >= 23 && b[pos + 19] === 46) {
    ms = byteDigits(b, pos + 20, 3)
    if (ms < 0) ms = 0
  }
  return ((((y * 13 + mo) * 32 + d) * 24 + h) * 60 + mi) * 60000 + se * 1000 + ms
}

/** Inverse of lineTimeKey → ISO 8601 UTC; milliseconds only when the log had them. */
export function timeKeyToIso(key: number, withMs: boolean): string {
  let k = key
  const ms = k % 1000
  k = (k - ms) / 1000
  const se = k % 60
  k = (k - se) / 60
  const mi = k % 60
  k = (k - mi) / 60
  const h = k % 24
  k = (k - h) / 24
  const d = k % 32
  k = (k - d) / 32
  const mo = k % 13
  const y = (k - mo) / 13
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  const frac = withMs ? `.${p(ms, 3)}` : ''
  return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(se)}${frac}Z`
}

/** Same ordering key for an ISO string already produced by makeRecord (record.time). */
export function isoTimeKey(iso: string): number {
  return lineTimeKey(iso, 0, iso.length)
}
