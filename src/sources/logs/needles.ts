// The needles prefilter: find, in a whole block of lines at once, where any needle occurs, so only
// the lines around a hit are split and turned into records. One Aho-Corasick automaton (multi-needle
// DFA, ASCII case folded into byte classes) walks the block's bytes: no string is made for a line
// without a hit, and its cost does not grow with the number of needles the way a RegExp alternation
// of ~100 literals did (~200 MB/s per core on the bench logs). Non-ASCII needle bytes match exactly.
//
// A needle may be a conjunction (literals that must all appear, from one rule's AND): the automaton
// holds one anchor per conjunction, and only a line with an anchor is checked for the other literals.
import { buildAutomaton, type NeedleAutomaton } from '../../shared/aho-corasick.ts'
import { buildSparseAutomaton } from '../../shared/sparse-aho-corasick.ts'
import { type BlockHits, WasmDfa } from './dfa-wasm.ts'

/** A literal, or literals that must all appear in the line. Lowercase. */
export type Needle = string | readonly string[]

/**
 * A conjunction's literal starting with this is searched in the URL-decoded line ('+' → space, %xx →
 * the byte); it cannot anchor the search (detect/native/needles.ts DECODED is the same mark).
 */
export const DECODED = '\0'

/**
 * A conjunction's entry starting with this is a mask: a whole-field value the rule excludes. An
 * anchor occurrence inside a field (the layout's separator or the line's edge on both sides) equal to
 * a mask does not count (detect/native/needles.ts MASK is the same mark).
 */
export const MASK = '\u0001'

/**
 * A literal starting with this ends a field's value: where it anchors the search, an occurrence not
 * followed by a separator, a quote or the line's end does not count (detect/native/needles.ts).
 */
export const FIELD_END = '\u0002'

export interface NeedleMatcher {
  /** Start a new block of whole lines; `separator` is the layout's field separator byte (masks). */
  reset(block: Uint8Array, separator?: number): void
  /** Does the line [pos, end) of the current block hold a needle? Lines must come in order. */
  wants(pos: number, end: number): boolean
  /**
   * A bound for the end of the first hit after `pos`: no line that ends before it holds a hit
   * (Infinity: none left in the block). Lets the caller skip lines without asking each.
   */
  nextHit(pos: number): number
  /** Newlines in [from, to) of the current block when the matcher can count them fast, else -1. */
  countNewlines(from: number, to: number): number
}

// Ordinary Exchange traffic (IIS and HttpProxy lines of the kinds a busy server writes all day): a
// literal found here is a poor anchor, so a conjunction is anchored on its other literals when it can.
const ORDINARY = [
  '2023-01-06 00:00:00 10.0.0.5 post /owa/service.svc action=getitem&app=mail&n=12 443 contoso\\user087 10.2.243.198 microsoft+office/16.0+(windows+nt+10.0;+microsoft+outlook+16.0.5356;+pro) - 200 0 0 366',
  '2023-01-06 00:00:00 10.0.0.5 get /owa/auth/logon.aspx url=https%3a%2f%2fmail.contoso.com%2fowa%2f&reason=0 443 - 10.1.1.1 mozilla/5.0+(windows+nt+10.0;+win64;+x64) https://mail.contoso.com/owa/ 200 0 0 15',
  '2023-01-06 00:00:00 10.0.0.5 post /ecp/personalsettings/homepage.aspx - 443 contoso\\user1 10.1.1.1 mozilla/5.0 - 200 0 0 15',
  '2023-01-06 00:00:00 10.0.0.5 post /mapi/emsmdb/ mailboxid=x@contoso.com 443 - 10.1.1.1 /ews/exchange.asmx /autodiscover/autodiscover.xml /microsoft-server-activesync/default.eas',
  '2023-01-06t00:00:00.049z,0d7d1055-d263,15,1,2375,7,,owa,mail.contoso.com,/owa/ev.owa2,getfolderchangedigest,negotiate,true,user396@contoso.com,,mailboxguid~1a2b@contoso.com,mozilla/5.0,10.3.249.31,exch01,200,200,,get,proxy,exch01.contoso.local,15.01.2375.000,intraforest,mailboxguidwithdomain,,,,699,36612,,?action=getconversationitems&app=mail,,beginrequest=2023-01-06t00:00:00.049z;correlationid=<empty>;proxystate-run=none;feauth=beversion-1942063431;,,,cafev1',
]

function anchorRank(literal: string): number {
  if (literal.startsWith(DECODED)) return Number.NEGATIVE_INFINITY
  return literal.length - (ORDINARY.some((line) => line.includes(literal)) ? 1000 : 0)
}

/** '+' → space and %xx → that byte, on a lowercased latin1 line (one char per byte). */
export function urlDecodeLatin1(line: string): string {
  if (line.indexOf('%') === -1 && line.indexOf('+') === -1) return line
  // Slices between escapes, in one pass (a RegExp replace with a callback was a tenth of the hunt on
  // logs full of percent-encoded addresses); a decoded %2b stays '+'.
  let out = ''
  let from = 0
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 43) {
      out += `${line.slice(from, i)} `
      from = i + 1
    } else if (c === 37) {
      const hi = hexValue(line.charCodeAt(i + 1))
      const lo = hexValue(line.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) continue
      out += line.slice(from, i) + LOWER_LATIN1[hi * 16 + lo]
      i += 2
      from = i + 1
    }
  }
  return out + line.slice(from)
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

const LOWER_LATIN1 = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b).toLowerCase())

/** A line's lowercased latin1 text and its URL-decoded form, made once when first needed. */
export interface LineMemo {
  line?: string
  /** The whole line URL-decoded (only for literals holding '%' or '+'). */
  s?: string
  /** findEscapes(line). */
  escapes?: number[]
}

/** What a conjunction needs besides its anchor: other literals, and masks the anchor must not be in. */
interface Rest {
  /** The anchor ends a field value here: the byte after it must end the field. */
  anchorEnds: boolean
  lits: readonly string[]
  /** Whole-field values (lowercase latin1) in which an anchor occurrence does not count. */
  masks: MaskSet | null
}

/** Same check (rules for IIS and HttpProxy often give the same conjunction twice). */
function sameRest(a: Rest, b: Rest): boolean {
  return (
    a.anchorEnds === b.anchorEnds &&
    a.masks === b.masks &&
    a.lits.length === b.lits.length &&
    a.lits.every((l, i) => l === b.lits[i])
  )
}

/** Every literal of `rest` in the lowercased latin1 line (decoded ones in its decoded form). */
function holdsAll(rest: readonly string[], line: string, memo: LineMemo): boolean {
  for (const l of rest) {
    if (l.charCodeAt(0) === 0) {
      if (!decodedHas(line, l.slice(1), memo)) return false
    } else if (!line.includes(l)) return false
  }
  return true
}

/**
 * Does the URL-decoded line hold `lit`? Without decoding the whole line where it can: an occurrence
 * with no escape in it is in the raw line too, and one that holds an escape holds its decoded byte,
 * so only escapes decoding to a byte of `lit` are looked at, each in a window of 3 × |lit| raw bytes.
 * (Busy servers log thousands of autodiscover.json requests with one %40 each.)
 */
function decodedHas(line: string, lit: string, memo: LineMemo): boolean {
  if (lit.includes('%') || lit.includes('+')) {
    memo.s ??= urlDecodeLatin1(line)
    return memo.s.includes(lit)
  }
  if (line.includes(lit)) return true
  memo.escapes ??= findEscapes(line)
  const escapes = memo.escapes
  const span = 3 * lit.length
  for (let i = 0; i < escapes.length; i += 2) {
    const at = escapes[i]!
    if (!lit.includes(String.fromCharCode(escapes[i + 1]!))) continue
    const window = line.slice(Math.max(0, at - span), at + 3 + span)
    if (urlDecodeLatin1(window).includes(lit)) return true
  }
  return false
}

/** Pairs [raw offset, decoded byte] of every '+' and valid %xx escape in a lowercased line. */
function findEscapes(line: string): number[] {
  const out: number[] = []
  for (let at = line.indexOf('+'); at !== -1; at = line.indexOf('+', at + 1)) out.push(at, 32)
  for (let at = line.indexOf('%'); at !== -1; at = line.indexOf('%', at + 1)) {
    const hi = hexValue(line.charCodeAt(at + 1))
    const lo = hexValue(line.charCodeAt(at + 2))
    if (hi >= 0 && lo >= 0) out.push(at, LOWER_LATIN1[hi * 16 + lo]!.charCodeAt(0))
  }
  return out
}

/** Mask values as bytes, by length (a field is compared only with masks of its own length). */
export type MaskSet = ReadonlyMap<number, readonly Uint8Array[]>

function maskSet(values: readonly string[]): MaskSet {
  const out = new Map<number, Uint8Array[]>()
  for (const v of values) {
    const bytes = Buffer.from(v, 'latin1')
    const list = out.get(bytes.length)
    if (list) list.push(bytes)
    else out.set(bytes.length, [bytes])
  }
  return out
}

/** Does buf[a, b) equal one of `masks` (ASCII case folded)? */
function isMask(buf: Uint8Array, a: number, b: number, masks: MaskSet): boolean {
  const list = masks.get(b - a)
  if (!list) return false
  next: for (const m of list) {
    for (let i = 0; i < m.length; i++) {
      let c = buf[a + i]!
      if (c >= 65 && c <= 90) c += 32
      if (c !== m[i]) continue next
    }
    return true
  }
  return false
}

class AutomatonMatcher implements NeedleMatcher {
  private buf: Uint8Array = new Uint8Array(0)
  private scanned = 0
  private state = 0
  /** End offset (exclusive) of the last hit found, and the state there; -1 = none pending. */
  private hitEnd = -1
  private hitState = 0
  /** The whole block's hits from the wasm DFA (null: scan incrementally with the JS automaton). */
  private hits: BlockHits | null = null
  private next = 0

  constructor(
    private readonly ac: NeedleAutomaton,
    /** Per anchor: what is left to check, one per conjunction (no literals, no masks = accept). */
    private readonly rests: readonly (readonly Rest[])[],
    /** The anchors, in automaton needle order. */
    readonly anchors: readonly string[],
    private readonly plain: boolean,
    private readonly wasm: WasmDfa | null,
  ) {
    this.anchorBytes = anchors.map((a) => Buffer.byteLength(a, 'utf8'))
  }

  private separator = 32
  /** Per anchor: its length in bytes (where its occurrence starts, for masks). */
  private readonly anchorBytes: readonly number[]

  reset(block: Uint8Array, separator = 32): void {
    this.buf = block
    this.separator = separator
    this.scanned = 0
    this.state = 0
    this.hitEnd = -1
    this.hits = this.wasm ? this.wasm.scan(block) : null
    this.next = 0
  }

  /** Scan from `from` to the next hit; false at the end of the block. */
  private advance(from: number): boolean {
    if (from > this.scanned) {
      // Needles hold no newline, so the automaton is back at its root at every line start.
      this.scanned = from
      this.state = 0
    }
    const end = this.ac.scan(this.buf, this.scanned, this.state)
    if (end < 0) {
      this.scanned = this.buf.length
      this.hitEnd = -1
      return false
    }
    this.hitEnd = end
    this.hitState = this.ac.lastState
    this.state = this.hitState
    this.scanned = end
    return true
  }

  /** Does one of the line's hits satisfy its conjunction? */
  private accepts(
    state: number,
    hitEnd: number,
    pos: number,
    end: number,
    memo: LineMemo,
  ): boolean {
    if (this.plain) return true
    const buf = this.buf
    const sep = this.separator
    // The byte after the hit ends a field (for field-end anchors).
    const fieldEnds =
      hitEnd >= end || buf[hitEnd] === sep || buf[hitEnd] === 34 || buf[hitEnd] === 13
    for (const id of this.ac.outputs(state)) {
      // The field around this anchor occurrence, found once for all its conjunctions' masks.
      let fieldStart = -1
      let fieldEnd = -1
      let lastMasks: MaskSet | null = null
      let lastMasked = false
      for (const rest of this.rests[id]!) {
        if (rest.anchorEnds && !fieldEnds) continue
        if (rest.masks) {
          if (fieldStart < 0) {
            fieldStart = hitEnd - this.anchorBytes[id]!
            while (fieldStart > pos && buf[fieldStart - 1] !== sep) fieldStart--
            fieldEnd = hitEnd
            while (fieldEnd < end && buf[fieldEnd] !== sep) fieldEnd++
          }
          if (rest.masks !== lastMasks) {
            lastMasks = rest.masks
            lastMasked = isMask(buf, fieldStart, fieldEnd, rest.masks)
          }
          // Inside a whole field that is an excluded value: not the field the rule looks at.
          if (lastMasked) continue
        }
        if (rest.lits.length === 0) return true
        memo.line ??= Buffer.from(this.buf.buffer, this.buf.byteOffset + pos, end - pos)
          .toString('latin1')
          .toLowerCase()
        if (holdsAll(rest.lits, memo.line, memo)) return true
      }
    }
    return false
  }

  countNewlines(from: number, to: number): number {
    return this.wasm ? this.wasm.countNewlines(this.buf, from, to) : -1
  }

  nextHit(pos: number): number {
    const hits = this.hits
    if (hits) {
      let i = this.next
      while (i < hits.count && hits.ends[i]! <= pos) i++
      return i < hits.count ? hits.ends[i]! : Number.POSITIVE_INFINITY
    }
    if (this.hitEnd > pos) return this.hitEnd
    return this.advance(pos) ? this.hitEnd : Number.POSITIVE_INFINITY
  }

  wants(pos: number, end: number): boolean {
    const hits = this.hits
    if (hits) {
      // Hits before this line belong to lines the caller skipped (headers).
      let i = this.next
      while (i < hits.count && hits.ends[i]! <= pos) i++
      const memo: LineMemo = {}
      let ok = false
      for (; i < hits.count && hits.ends[i]! <= end; i++) {
        if (!ok && this.accepts(hits.states[i]!, hits.ends[i]!, pos, end, memo)) ok = true
      }
      this.next = i
      return ok
    }
    if (this.hitEnd <= pos && !this.advance(pos)) return false
    if (this.hitEnd > end) return false
    const memo: LineMemo = {}
    for (;;) {
      if (this.accepts(this.hitState, this.hitEnd, pos, end, memo)) return true
      if (!this.advance(this.hitEnd) || this.hitEnd > end) return false
    }
  }
}

class NeverMatcher implements NeedleMatcher {
  reset(): void {}
  wants(): boolean {
    return false
  }
  nextHit(): number {
    return Number.POSITIVE_INFINITY
  }
  countNewlines(): number {
    return -1
  }
}

/**
 * Compile needles once per file and log type; '' literals are ignored. null when a conjunction has
 * no literal that can anchor the search (then every line must be parsed).
 */
export function compileNeedles(needles: readonly Needle[]): NeedleMatcher | null {
  const latin1 = (l: string) => Buffer.from(l, 'utf8').toString('latin1').toLowerCase()
  const byAnchor = new Map<string, Rest[]>()
  const accepts = (r: Rest) => r.lits.length === 0 && r.masks === null && !r.anchorEnds
  // One MaskSet per distinct list, so a hit checks each list once.
  const maskSets = new Map<string, MaskSet>()
  const masksOf = (list: readonly string[]): MaskSet => {
    const key = list.join('\n')
    let m = maskSets.get(key)
    if (!m) {
      m = maskSet(list)
      maskSets.set(key, m)
    }
    return m
  }
  const unmark = (l: string) => (l.startsWith(FIELD_END) ? l.slice(1) : l)
  const alone: Rest = { anchorEnds: false, lits: [], masks: null }
  for (const n of needles) {
    // A plain literal (every indicator of a feed): no sets or ranks to make for it.
    if (typeof n === 'string' && n.charCodeAt(0) > 2) {
      const list = byAnchor.get(n)
      if (!list) byAnchor.set(n, [alone])
      else if (!list.some(accepts)) list.splice(0, list.length, alone)
      continue
    }
    const all = [...new Set((typeof n === 'string' ? [n] : n).filter((l) => l.length > 0))]
    const marked = all.filter((l) => !l.startsWith(MASK))
    const lits = [...new Set(marked.map(unmark))].filter((l) => l.length > 0)
    const masks = all.filter((l) => l.startsWith(MASK)).map((m) => latin1(m.slice(1)))
    if (lits.length === 0) {
      if (typeof n !== 'string' && n.length > 0) return null
      continue
    }
    let anchor = lits[0]!
    for (const l of lits) if (anchorRank(l) > anchorRank(anchor)) anchor = l
    // Nothing to search the block for: every line has to be looked at.
    if (anchor.startsWith(DECODED)) return null
    const rest: Rest = {
      anchorEnds: marked.includes(FIELD_END + anchor) && !marked.includes(anchor),
      lits: lits.filter((l) => l !== anchor).map(latin1),
      masks: masks.length > 0 ? masksOf(masks) : null,
    }
    const list = byAnchor.get(anchor)
    if (!list) byAnchor.set(anchor, [rest])
    else if (!list.some(accepts)) {
      // An anchor alone already accepts the line: its other conjunctions add nothing.
      if (accepts(rest)) list.splice(0, list.length, rest)
      else if (!list.some((r) => sameRest(r, rest))) list.push(rest)
    }
  }
  if (byAnchor.size === 0) return new NeverMatcher()
  const anchors = [...byAnchor.keys()]
  const rests = anchors.map((a) => byAnchor.get(a)!)
  const plain = rests.every((l) => l.every(accepts))
  const bytes = anchors.map((a) => Buffer.from(a, 'utf8'))
  const ac = buildAutomaton(bytes)
  if (ac) return new AutomatonMatcher(ac, rests, anchors, plain, WasmDfa.create(ac.tables))
  // A feed of many thousand indicators: the sparse automaton, built in linear time, scanned in JS
  // (slower per byte than the dense DFA in wasm, but small). Past its size limit, every line is parsed.
  const sparse = buildSparseAutomaton(bytes)
  return sparse ? new AutomatonMatcher(sparse, rests, anchors, plain, null) : null
}
