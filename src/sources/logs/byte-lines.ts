// The byte layer of a log scan: sniff the encoding (BOM, BOM-less UTF-16) and binary files, turn
// UTF-16 into UTF-8, drop NUL runs (IIS pads its logs with NULs after an unclean shutdown), and cut
// the stream into blocks of whole lines with a bounded carry so one huge line cannot fill memory.
import { TextDecoder } from 'node:util'
import type { ItemError } from '../../shared/types.ts'
import type { LineProcessor } from './line-processor.ts'
import type { LogEncoding } from './scan-types.ts'

const SNIFF_BYTES = 4096

export interface Sniffed {
  encoding: LogEncoding
  bomLength: number
  binary: boolean
}

/** Encoding and binary verdict from the first bytes of a file. */
export function sniff(head: Buffer): Sniffed {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf8', bomLength: 3, binary: false }
  }
  if (head[0] === 0xff && head[1] === 0xfe)
    return { encoding: 'utf16le', bomLength: 2, binary: false }
  if (head[0] === 0xfe && head[1] === 0xff)
    return { encoding: 'utf16be', bomLength: 2, binary: false }
  const len = Math.min(head.length, SNIFF_BYTES)
  let nul = 0
  let ctrl = 0
  let nulEven = 0
  let nulOdd = 0
  for (let i = 0; i < len; i++) {
    const b = head[i]!
    if (b === 0) {
      nul++
      if (i & 1) nulOdd++
      else nulEven++
    } else if (b < 9 || (b > 13 && b < 32 && b !== 27)) ctrl++
  }
  const half = len / 2
  if (len >= 16 && nulOdd > half * 0.7 && nulEven < half * 0.05) {
    return { encoding: 'utf16le', bomLength: 0, binary: false }
  }
  if (len >= 16 && nulEven > half * 0.7 && nulOdd < half * 0.05) {
    return { encoding: 'utf16be', bomLength: 0, binary: false }
  }
  // A log starts with '#' or text; a NUL-only start is IIS padding, handled as NUL runs.
  const startsText = head[0] === 0x23 || (head[0] !== undefined && head[0] >= 0x20)
  const binary = len > 0 && nul < len && (nul + ctrl) / len > 0.1 && !(startsText && ctrl === 0)
  return { encoding: 'utf8', bomLength: 0, binary: binary && head[0] !== 0x23 }
}

function stripNuls(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafe(buf.length)
  let j = 0
  let i = 0
  for (;;) {
    const z = buf.indexOf(0, i)
    const stop = z === -1 ? buf.length : z
    if (stop > i) {
      buf.copy(out, j, i, stop)
      j += stop - i
    }
    if (z === -1) break
    i = z + 1
    while (i < buf.length && buf[i] === 0) i++
  }
  return out.subarray(0, j)
}

export class ByteLines {
  encoding: LogEncoding = 'utf8'
  bytes = 0
  stopped = false
  private head: Buffer[] = []
  private headLen = 0
  private sniffed = false
  private decoder: TextDecoder | null = null
  private carry: Buffer[] = []
  private carryLen = 0
  private skipping = false
  private nulBytes = 0
  private nulLine = 0

  constructor(
    private readonly path: string,
    private readonly proc: LineProcessor,
    private readonly maxLineBytes: number,
    private readonly onError: (e: ItemError) => void,
  ) {}

  /** Feed one chunk; false once the file should not be read further. */
  push(chunk: Buffer): boolean {
    this.bytes += chunk.length
    if (this.stopped) return false
    if (!this.sniffed) {
      // Copied: the reader may reuse the chunk's memory for the next read.
      this.head.push(chunk.length >= SNIFF_BYTES ? chunk : Buffer.from(chunk))
      this.headLen += chunk.length
      if (this.headLen < SNIFF_BYTES) return true
      this.startBody()
    } else this.body(chunk)
    return !this.stopped && !this.proc.stopped
  }

  private startBody(): void {
    this.sniffed = true
    const head = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head)
    this.head = []
    const s = sniff(head)
    this.encoding = s.encoding
    if (s.binary) {
      this.stopped = true
      this.onError({
        code: 'EXH_ERR_LOG_BINARY',
        path: this.path,
        message:
          'not a text log: the first 4 KiB hold many NUL/control bytes and no header; skipped',
      })
      return
    }
    if (s.encoding !== 'utf8')
      this.decoder = new TextDecoder(s.encoding === 'utf16le' ? 'utf-16le' : 'utf-16be')
    this.body(head.subarray(s.bomLength))
  }

  private body(raw: Buffer): void {
    let buf = raw
    if (this.decoder) buf = Buffer.from(this.decoder.decode(raw, { stream: true }), 'utf8')
    if (buf.indexOf(0) !== -1) {
      const before = buf.length
      buf = stripNuls(buf)
      this.nulBytes += before - buf.length
      this.nulLine ||= this.proc.lines + 1
    }
    this.lines(buf)
  }

  private lines(input: Buffer): void {
    let buf = input
    if (this.skipping) {
      const nl = buf.indexOf(10)
      if (nl === -1) return
      this.skipping = false
      this.proc.skipLine()
      buf = buf.subarray(nl + 1)
    }
    const last = buf.lastIndexOf(10)
    if (last === -1) {
      if (buf.length === 0) return
      this.carry.push(Buffer.from(buf))
      this.carryLen += buf.length
      if (this.carryLen > this.maxLineBytes) {
        // Report against the line's number; it is counted when its newline (or EOF) arrives.
        this.proc.lineTooLong(this.carryLen)
        this.carry = []
        this.carryLen = 0
        this.skipping = true
      }
      return
    }
    let from = 0
    if (this.carryLen > 0) {
      // Only the line cut by the previous chunk is copied; the rest of the chunk is read in place.
      const first = buf.indexOf(10) + 1
      this.carry.push(buf.subarray(0, first))
      const joined = Buffer.concat(this.carry)
      this.carry = []
      this.carryLen = 0
      this.proc.block(joined)
      from = first
    }
    const tail = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null
    if (from < last + 1 && !this.proc.stopped) this.proc.block(buf.subarray(from, last + 1))
    if (tail) {
      this.carry.push(tail)
      this.carryLen = tail.length
    }
  }

  /** End of input: flush the decoder, the partial last line and the NUL report. */
  end(complete: boolean): void {
    if (!this.sniffed && !this.stopped) this.startBody()
    if (this.stopped || this.proc.stopped) return
    if (complete) {
      if (this.decoder) {
        const rest = this.decoder.decode()
        if (rest) this.lines(Buffer.from(rest, 'utf8'))
      }
      if (this.skipping) this.proc.skipLine()
      else if (this.carryLen > 0) this.proc.block(Buffer.concat(this.carry))
    }
    if (this.nulBytes > 0) {
      this.onError({
        code: 'EXH_ERR_LOG_NUL_BYTES',
        path: this.path,
        line: this.nulLine,
        message: `${this.nulBytes} NUL bytes skipped (first near line ${this.nulLine}); the log was likely not closed cleanly`,
      })
    }
  }
}
