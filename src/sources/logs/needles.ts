// The needles prefilter: find, in a whole chunk of lines at once, where any needle occurs, so only
// the lines around a hit are split and turned into records. Runs one case-insensitive alternation
// RegExp over the chunk decoded as latin1 (one char per byte, so offsets are byte offsets): faster
// here than lowercasing the chunk or one indexOf sweep per needle (bench/micro/scan-log.bench.ts).
// Case folding is ASCII/latin1 only; non-ASCII needles match their exact UTF-8 bytes.

export interface NeedleMatcher {
  /** Start a new chunk (its latin1 string). */
  reset(chunk: string): void
  /** Offset of the first needle hit at or after `from` in the current chunk, or Infinity. */
  next(from: number): number
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g

class RegexMatcher implements NeedleMatcher {
  private text = ''
  private cached = -1
  private readonly re: RegExp
  constructor(needles: readonly string[]) {
    this.re = new RegExp(needles.map((n) => n.replace(REGEX_SPECIALS, '\\$&')).join('|'), 'gi')
  }
  reset(chunk: string): void {
    this.text = chunk
    this.cached = -1
  }
  next(from: number): number {
    if (this.cached >= from) return this.cached
    this.re.lastIndex = from
    const m = this.re.exec(this.text)
    this.cached = m ? m.index : Number.POSITIVE_INFINITY
    return this.cached
  }
}

class NeverMatcher implements NeedleMatcher {
  reset(): void {}
  next(): number {
    return Number.POSITIVE_INFINITY
  }
}

/** Compile needles (lowercase literals) once per file and log type; '' needles are ignored. */
export function compileNeedles(needles: readonly string[]): NeedleMatcher {
  const list = [
    ...new Set(
      needles.filter((n) => n.length > 0).map((n) => Buffer.from(n, 'utf8').toString('latin1')),
    ),
  ]
  return list.length === 0 ? new NeverMatcher() : new RegexMatcher(list)
}
