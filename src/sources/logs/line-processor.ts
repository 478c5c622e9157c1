// Turns complete lines (a Buffer block ending in '\n', or the file's last partial line) into headers,
// records, counts and the oldest/newest times. Byte-level concerns (encodings, NULs, over-long lines)
// live in byte-lines.ts; this file sees clean UTF-8 bytes.
import type { LogType } from '../../shared/types.ts'
import { buildFromVersionHeader, normaliseBuild } from './builds.ts'
import { parseCsvLine } from './csv-line.ts'
import { detectLogType, typeFromPath } from './detect-type.ts'
import { lineTimeKey, lineTimeKeyBytes, timeKeyToIso } from './line-time.ts'
import { resolveViews } from './log-types.ts'
import { compileNeedles, type Needle, type NeedleMatcher } from './needles.ts'
import { makeRecord } from './record.ts'
import type { LogScanOptions } from './scan-types.ts'
import { splitW3cLine } from './w3c-line.ts'

interface Layout {
  kind: 'w3c' | 'csv' | 'text'
  names: readonly string[]
  /** The line starts with its timestamp (IIS date time, Exchange DateTime/date-time/TimeStamp). */
  timeAtStart: boolean
  build: readonly [number, number, number, number] | null
  /** The section's first data line still has to be read for its time and build. */
  firstPending: boolean
}

// IIS default field set (IIS 7+ "W3C" logging defaults), used only for header-less excerpts.
const IIS_DEFAULT_FIELDS =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'
const HEADER_RE = /^#\s*([A-Za-z][A-Za-z-]*):\s?(.*)$/
const IIS_LINE_START = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /
// Newer Exchange CUs start files with the bare CSV column line before `#Software:` (Excel friendly).
const BARE_CSV_HEADER = /^[A-Za-z][A-Za-z0-9()-]*(?:,[A-Za-z][A-Za-z0-9()-]*){2,}$/
const TIME_FIRST = new Set(['datetime', 'date-time', 'timestamp'])
const needleCache = new WeakMap<readonly Needle[], NeedleMatcher | null>()

/**
 * A line is wanted when either matcher wants it (a type's rules, and the feed all types share).
 * null (every line) wins over anything.
 */
function eitherMatcher(a: NeedleMatcher | null, b: NeedleMatcher | null): NeedleMatcher | null {
  if (!a || !b) return null
  return {
    reset(block, separator) {
      a.reset(block, separator)
      b.reset(block, separator)
    },
    wants: (pos, end) => a.wants(pos, end) || b.wants(pos, end),
    nextHit: (pos) => Math.min(a.nextHit(pos), b.nextHit(pos)),
    countNewlines(from, to) {
      const n = a.countNewlines(from, to)
      return n >= 0 ? n : b.countNewlines(from, to)
    },
  }
}

function matcherFor(needles: readonly Needle[] | null | undefined): NeedleMatcher | null {
  if (!needles) return null
  let m = needleCache.get(needles)
  if (m === undefined) {
    m = needles.includes('') ? null : compileNeedles(needles)
    needleCache.set(needles, m)
  }
  return m
}

/** End of the line whose newline is at `nl` (a CR before it is not part of the line). */
function lineEnd(buf: Buffer, nl: number): number {
  return nl > 0 && buf[nl - 1] === 13 ? nl - 1 : nl
}

export class LineProcessor {
  lines = 0
  records = 0
  logType: LogType | null = null
  subtype: string | undefined
  software: string | undefined
  version: string | undefined
  readonly builds = new Set<string>()
  stopped = false

  private layout: Layout | null = null
  private headerLines: string[] = []
  private inHeader = false
  private typeKnown = false
  private matcher: NeedleMatcher | null = null
  private matcherBlock = -1
  private blockId = 0
  private headerBlock = -1
  private headerAt = 0
  private minKey = Number.POSITIVE_INFINITY
  private maxKey = Number.NEGATIVE_INFINITY
  private minMs = false
  private maxMs = false
  private lastBuildKey = ''
  private noHeaderLines = 0
  private noHeaderFirst = 0
  private assumedIis = false

  constructor(
    private readonly path: string,
    private readonly opts: LogScanOptions,
    private readonly maxLineBytes: number,
  ) {}

  /** A line skipped upstream (too long) still counts. */
  skipLine(): void {
    this.lines++
  }

  /** Process every line of `buf`; when `final`, the last line may lack its newline. */
  block(buf: Buffer): void {
    const n = buf.length
    this.blockId++
    let pos = 0
    let lastSkipStart = -1
    let lastSkipEnd = -1
    while (pos < n && !this.stopped) {
      pos = this.skim(buf, pos)
      if (pos >= n) break
      let nl = buf.indexOf(10, pos)
      if (nl === -1) nl = n
      this.lines++
      let end = nl
      if (end > pos && buf[end - 1] === 13) end--
      if (end - pos > this.maxLineBytes) {
        this.tooLong(end - pos)
      } else if (end > pos) {
        if (buf[pos] === 35) {
          this.header(buf.toString('utf8', pos, end))
          lastSkipStart = -1
        } else if (this.data(buf, pos, end)) {
          lastSkipStart = -1
        } else if (this.layout && !this.layout.timeAtStart) {
          lastSkipStart = pos
          lastSkipEnd = end
        }
      }
      pos = nl + 1
    }
    // Skipped lines of layouts whose time is not up front: read the block's last one for `newest`.
    if (lastSkipStart !== -1 && this.layout) {
      this.sideRead(this.split(buf.toString('utf8', lastSkipStart, lastSkipEnd)))
    }
  }

  /**
   * The hot path: from `start`, count (and time) the data lines up to the next line that needs the
   * full path (one with a needle hit, or a header), without looking at each line. Returns that
   * line's start, or the block's end. Only for layouts whose time starts the line.
   */
  private skim(buf: Buffer, start: number): number {
    const layout = this.layout
    const matcher = this.matcher
    if (!layout || !matcher || !this.typeKnown || layout.firstPending || !layout.timeAtStart) {
      return start
    }
    // A block longer than the line limit may hold an over-long line: the full path reports it.
    if (buf.length > this.maxLineBytes) return start
    this.resetMatcher(matcher, layout, buf)
    const n = buf.length
    let stop = n
    const hit = matcher.nextHit(start)
    if (hit !== Number.POSITIVE_INFINITY) stop = buf.lastIndexOf(10, hit - 1) + 1
    stop = Math.min(stop, this.nextHeader(buf, start))
    if (stop <= start) return start
    let lines = matcher.countNewlines(start, stop)
    if (lines < 0) {
      lines = 0
      for (let p = buf.indexOf(10, start); p !== -1 && p < stop; p = buf.indexOf(10, p + 1)) lines++
    }
    // The file's last line may end without a newline.
    if (stop === n && buf[n - 1] !== 10) lines++
    if (lines === 0) return start
    // Times of the run's first and last line only: logs are written in time order, so its other
    // lines fall between them (HttpProxy writes a row when the request ends, so a long request can
    // be minutes older than its neighbours: coverage, which this feeds, works in days).
    const firstEnd = buf.indexOf(10, start)
    this.timeOf(buf, start, lineEnd(buf, firstEnd === -1 || firstEnd > stop ? stop : firstEnd))
    if (lines > 1) {
      const lastNl = buf[stop - 1] === 10 ? stop - 1 : stop
      const lastStart = buf.lastIndexOf(10, lastNl - 1) + 1
      this.timeOf(buf, lastStart, lineEnd(buf, lastNl))
    }
    this.lines += lines
    this.inHeader = false
    return stop
  }

  /** Start of the first header line ('#') at or after `from` in this block, or the block's end. */
  private nextHeader(buf: Buffer, from: number): number {
    if (this.headerBlock !== this.blockId || this.headerAt < from) {
      this.headerBlock = this.blockId
      // '#' is rare inside log lines: find each one (memchr speed) and keep those that start a line.
      let at = buf.indexOf(35, from)
      while (at > from && buf[at - 1] !== 10) at = buf.indexOf(35, at + 1)
      this.headerAt = at === -1 ? buf.length : at
    }
    return this.headerAt
  }

  /** Hands the matcher this block once (with the layout's field separator, for masks). */
  private resetMatcher(matcher: NeedleMatcher, layout: Layout, buf: Buffer): void {
    if (this.matcherBlock === this.blockId) return
    matcher.reset(buf, layout.kind === 'csv' ? 44 : 32)
    this.matcherBlock = this.blockId
  }

  private timeOf(buf: Buffer, pos: number, end: number): void {
    const k = lineTimeKeyBytes(buf, pos, end)
    if (k >= 0) this.noteTime(k, buf[pos + 19] === 46)
  }

  private tooLong(len: number): void {
    this.opts.onError({
      code: 'EXH_ERR_LOG_LINE_TOO_LONG',
      path: this.path,
      line: this.lines,
      message: `line ${this.lines} is ${len} bytes, over the ${this.maxLineBytes}-byte limit; skipped`,
    })
  }

  /** Reported by the byte layer when a line outgrows the limit before its newline arrives. */
  lineTooLong(len: number): void {
    this.lines++
    this.tooLong(len)
    this.lines--
  }

  private header(text: string): void {
    const m = HEADER_RE.exec(text)
    if (!m) return // a comment line such as '# Default traces of ...'
    if (!this.inHeader) {
      this.headerLines = []
      this.inHeader = true
    }
    this.headerLines.push(text)
    const key = m[1]!.toLowerCase()
    const value = m[2]!.trim()
    if (key === 'software') this.software = value
    else if (key === 'version') {
      this.version = value
      const b = buildFromVersionHeader(value)
      if (b) this.builds.add(b)
    } else if (key === 'fields') this.setFields(value)
  }

  private setFields(value: string): void {
    const csv = value.includes(',')
    const names = (csv ? value.split(',') : value.split(/\s+/))
      .map((f) => f.trim().toLowerCase())
      .filter((f, i, all) => f !== '' || (csv && i < all.length - 1))
    this.decideType()
    this.setLayout(csv ? 'csv' : 'w3c', names)
  }

  private setLayout(kind: Layout['kind'], names: readonly string[]): void {
    const timeAtStart =
      kind === 'text' ||
      (kind === 'csv' && TIME_FIRST.has(names[0] ?? '')) ||
      (kind === 'w3c' && names[0] === 'date' && names[1] === 'time')
    const build = resolveViews(this.logType ?? 'exchange-other', names).build
    this.layout = { kind, names, timeAtStart, build, firstPending: true }
  }

  private decideType(fallback?: LogType): void {
    if (this.typeKnown) return
    const t =
      detectLogType(this.path, this.headerLines) ?? (fallback ? { logType: fallback } : null)
    if (!t) return
    this.typeKnown = true
    this.logType = t.logType
    this.subtype = t.subtype
    if (this.opts.onType?.(t.logType, t.subtype) === false) this.stopped = true
    const own = this.opts.needles?.(t.logType)
    const shared = this.opts.sharedNeedles
    this.matcher =
      own && shared && shared.length > 0
        ? eitherMatcher(matcherFor(own), matcherFor(shared))
        : matcherFor(own)
  }

  /** A line before any `#Fields`: maybe a bare CSV header, a header-less excerpt, or unparseable. */
  private preHeader(text: string): boolean {
    if (this.lines === 1 && BARE_CSV_HEADER.test(text)) {
      // The type waits for the `#Log-type` header that follows.
      this.setLayout(
        'csv',
        text.split(',').map((f) => f.toLowerCase()),
      )
      return false
    }
    const pathType = typeFromPath(this.path)?.logType
    if ((pathType === undefined || pathType === 'iis') && IIS_LINE_START.test(text)) {
      this.decideType('iis')
      this.assumedIis = true
      this.noHeaderFirst ||= this.lines
      this.setLayout('w3c', IIS_DEFAULT_FIELDS.toLowerCase().split(' '))
      return true
    }
    this.decideType()
    if (this.logType === 'oab-generator') {
      this.setLayout('text', ['message'])
      return true
    }
    this.noHeaderLines++
    this.noHeaderFirst ||= this.lines
    return false
  }

  /** Returns true when the line was parsed (record or side read). */
  private data(buf: Buffer, pos: number, end: number): boolean {
    this.inHeader = false
    if (!this.layout) {
      if (!this.preHeader(buf.toString('utf8', pos, end)) || this.stopped) return true
    }
    const layout = this.layout!
    if (!this.typeKnown) {
      this.decideType(layout.kind === 'w3c' ? 'iis' : 'exchange-other')
      if (this.stopped) return true
    }
    if (layout.timeAtStart) this.timeOf(buf, pos, end)
    let wanted = true
    const matcher = this.matcher
    if (matcher) {
      this.resetMatcher(matcher, layout, buf)
      wanted = matcher.wants(pos, end)
    }
    if (!wanted && !layout.firstPending) return false
    const raw = buf.toString('utf8', pos, end)
    const values = this.split(raw)
    if (!wanted) {
      this.sideRead(values)
      return true
    }
    layout.firstPending = false
    const rec = makeRecord(
      this.logType ?? 'exchange-other',
      this.subtype,
      layout.names,
      values,
      this.path,
      this.lines,
      raw,
    )
    if (!layout.timeAtStart && rec.time !== undefined) {
      this.noteTime(lineTimeKey(rec.time, 0, rec.time.length), rec.time.length > 20)
    }
    this.noteBuild(values)
    this.records++
    this.opts.onRecord(rec)
    return true
  }

  private split(raw: string): string[] {
    const layout = this.layout!
    if (layout.kind === 'csv') return parseCsvLine(raw)
    if (layout.kind === 'w3c') return splitW3cLine(raw, layout.names.length, layout.names)
    return [raw]
  }

  /** Time and build of a line that does not become a record (section's first, block's last). */
  private sideRead(values: readonly string[]): void {
    const layout = this.layout!
    layout.firstPending = false
    this.noteBuild(values)
    if (layout.timeAtStart) return
    const rec = makeRecord(
      this.logType ?? 'exchange-other',
      undefined,
      layout.names,
      values,
      '',
      0,
      '',
    )
    if (rec.time !== undefined) {
      this.noteTime(lineTimeKey(rec.time, 0, rec.time.length), rec.time.length > 20)
    }
  }

  private noteBuild(values: readonly string[]): void {
    const b = this.layout?.build
    if (!b) return
    const key = `${values[b[0]]}.${values[b[1]]}.${values[b[2]]}.${values[b[3]]}`
    if (key === this.lastBuildKey) return
    this.lastBuildKey = key
    const norm = normaliseBuild(key.split('.'))
    if (norm) this.builds.add(norm)
  }

  private noteTime(key: number, withMs: boolean): void {
    if (key < 0) return
    if (key < this.minKey) {
      this.minKey = key
      this.minMs = withMs
    }
    if (key > this.maxKey) {
      this.maxKey = key
      this.maxMs = withMs
    }
  }

  get oldest(): string | undefined {
    return this.minKey === Number.POSITIVE_INFINITY
      ? undefined
      : timeKeyToIso(this.minKey, this.minMs)
  }

  get newest(): string | undefined {
    return this.maxKey === Number.NEGATIVE_INFINITY
      ? undefined
      : timeKeyToIso(this.maxKey, this.maxMs)
  }

  /** End of file: decide the type from the path alone if nothing else did; report header problems. */
  finish(): void {
    if (!this.typeKnown) this.decideType()
    if (this.noHeaderLines > 0) {
      this.opts.onError({
        code: 'EXH_ERR_LOG_NO_HEADER',
        path: this.path,
        line: this.noHeaderFirst,
        message: `${this.noHeaderLines} data lines came before any #Fields header (first at line ${this.noHeaderFirst}) and were not parsed`,
      })
    } else if (this.assumedIis) {
      this.opts.onError({
        code: 'EXH_ERR_LOG_NO_HEADER',
        path: this.path,
        line: this.noHeaderFirst,
        message: `no #Fields header before line ${this.noHeaderFirst}; data lines were read with the IIS default W3C fields`,
      })
    }
  }
}
