// Fallback prefilter for needle sets too big for a dense automaton (thousands of user indicators): one
// case-insensitive RegExp alternation over the block decoded as latin1 (one char per byte, so offsets
// are byte offsets). Same contract as the automaton matcher in needles.ts.

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g

import type { LineMemo } from './needles.ts'

type HoldsAll = (rest: readonly string[], line: string, memo: LineMemo) => boolean

export class RegexNeedleMatcher {
  private text = ''
  private hitAt = -1
  private hitText = ''
  private readonly re: RegExp
  /** Lowercased anchor → rest-lists of its conjunctions and of those anchored on its prefixes. */
  private readonly rests = new Map<string, (readonly string[])[]>()

  constructor(
    anchors: readonly string[],
    rests: readonly (readonly (readonly string[])[])[],
    private readonly plain: boolean,
    private readonly holdsAll: HoldsAll,
  ) {
    const own = new Map<string, readonly (readonly string[])[]>()
    anchors.forEach((a, i) => {
      own.set(Buffer.from(a, 'utf8').toString('latin1').toLowerCase(), rests[i]!)
    })
    // Longest first: at one position the alternation reports the longest anchor, and every other
    // anchor matching there is a prefix of it, so its conjunctions are checked too.
    const sorted = [...own.keys()].sort((a, b) => b.length - a.length)
    for (const a of sorted) {
      this.rests.set(
        a,
        sorted.filter((p) => a.startsWith(p)).flatMap((p) => own.get(p)!),
      )
    }
    this.re = new RegExp(sorted.map((n) => n.replace(REGEX_SPECIALS, '\\$&')).join('|'), 'gi')
  }

  reset(block: Uint8Array): void {
    this.text = Buffer.from(block.buffer, block.byteOffset, block.length).toString('latin1')
    this.hitAt = -1
  }

  private next(from: number): number {
    if (this.hitAt >= from) return this.hitAt
    this.re.lastIndex = from
    const m = this.re.exec(this.text)
    if (m) {
      this.hitAt = m.index
      this.hitText = m[0]
    } else this.hitAt = Number.POSITIVE_INFINITY
    return this.hitAt
  }

  countNewlines(): number {
    return -1
  }

  /** The first hit's start + 1: a bound for its end (see NeedleMatcher.nextHit). */
  nextHit(pos: number): number {
    return this.next(pos) + 1
  }

  wants(pos: number, end: number): boolean {
    let at = this.next(pos)
    if (at >= end) return false
    if (this.plain) return true
    let line: string | undefined
    const decoded: LineMemo = {}
    while (at < end) {
      const rests = this.rests.get(this.hitText.toLowerCase())
      // Only if case folding differed for some latin1 byte: then parse the line.
      if (!rests) return true
      for (const rest of rests) {
        if (rest.length === 0) return true
        line ??= this.text.slice(pos, end).toLowerCase()
        if (this.holdsAll(rest, line, decoded)) return true
      }
      at = this.next(at + 1)
    }
    return false
  }
}
