// The strings of a .NET assembly, read from its metadata without loading it (ECMA-335 6th ed., II.24:
// CLI header → metadata root `BSJB` → stream headers → `#Strings` identifiers and `#US` user strings).
// ASP.NET compiles each page into Temporary ASP.NET Files (App_Web_*.dll): the identifiers name the APIs
// the page calls (ProcessStartInfo, get_Request, FromBase64String) and the user strings hold its literals,
// including the page's own path (AppRelativeVirtualPath "~/aspnet_client/x.aspx"). A compiled web shell
// outlives the deleted .aspx. Every offset is bounds-checked; hostile input yields a reason.
import {
  type ByteSource,
  DIR_CLI_HEADER,
  need,
  PeFormatError,
  readPeLayout,
  rvaToOffset,
} from './pe-layout.ts'

export interface ClrStrings {
  /** Metadata runtime version, e.g. `v4.0.30319`. */
  runtime: string
  /** `#Strings` heap: type, member, namespace and parameter names. */
  identifiers: string[]
  /** `#US` heap: string literals in the code. */
  userStrings: string[]
}

export type ClrStringsResult =
  | { ok: true; strings: ClrStrings }
  | { ok: false; reason: string; notClr?: true }

const METADATA_SIGNATURE = 0x424a5342 // "BSJB"
const MAX_STREAMS = 16
/** Heaps bigger than this are read up to it: enough for any page, bounded for hostile input. */
const MAX_HEAP = 8 * 1024 * 1024

function heapStrings(buf: Buffer): string[] {
  const out: string[] = []
  let start = 1 // index 0 is the empty string
  for (let i = 1; i < buf.length; i++) {
    if (buf[i] !== 0) continue
    if (i > start) out.push(buf.toString('utf8', start, i))
    start = i + 1
  }
  return out
}

/** `#US`: each entry a compressed length (II.23.2), UTF-16LE code units and one flag byte. */
function userStrings(buf: Buffer): string[] {
  const out: string[] = []
  let p = 1
  while (p < buf.length) {
    const b = buf[p] as number
    let len: number
    if ((b & 0x80) === 0) {
      len = b
      p += 1
    } else if ((b & 0xc0) === 0x80) {
      if (p + 2 > buf.length) break
      len = ((b & 0x3f) << 8) | (buf[p + 1] as number)
      p += 2
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 4 > buf.length) break
      len =
        ((b & 0x1f) << 24) |
        ((buf[p + 1] as number) << 16) |
        ((buf[p + 2] as number) << 8) |
        (buf[p + 3] as number)
      p += 4
    } else break
    if (len === 0) continue
    if (p + len > buf.length) break
    const chars = len - 1 // the last byte flags non-ASCII content
    if (chars > 0) out.push(buf.toString('utf16le', p, p + (chars & ~1)))
    p += len
  }
  return out
}

export function readClrStrings(src: ByteSource): ClrStringsResult {
  try {
    const { sections, dirs } = readPeLayout(src)
    const cli = dirs[DIR_CLI_HEADER]
    if (!cli || cli.rva === 0 || cli.size < 16)
      return { ok: false, reason: 'not a .NET assembly (no CLI header)', notClr: true }
    const cliOff = rvaToOffset(sections, cli.rva)
    if (cliOff === null) throw new PeFormatError('CLI header is in no section')
    const head = need(src, cliOff, 16, 'CLI header')
    const mdRva = head.readUInt32LE(8)
    const mdSize = head.readUInt32LE(12)
    const mdOff = rvaToOffset(sections, mdRva)
    if (mdOff === null || mdSize < 32) throw new PeFormatError('metadata is in no section')
    const root = need(src, mdOff, 16, 'metadata root')
    if (root.readUInt32LE(0) !== METADATA_SIGNATURE)
      throw new PeFormatError('metadata root has no BSJB signature')
    const verLen = root.readUInt32LE(12)
    if (verLen > 256 || verLen % 4 !== 0)
      throw new PeFormatError(`implausible version length ${verLen}`)
    const ver = need(src, mdOff + 16, verLen + 4, 'metadata version')
    const runtime = ver.toString('latin1', 0, verLen).replace(/\0.*$/s, '')
    const nStreams = ver.readUInt16LE(verLen + 2)
    if (nStreams > MAX_STREAMS) throw new PeFormatError(`implausible stream count ${nStreams}`)
    let p = mdOff + 16 + verLen + 4
    const found: Record<string, { offset: number; size: number }> = {}
    for (let i = 0; i < nStreams; i++) {
      const h = need(src, p, 8 + 32, 'stream header')
      const nul = h.indexOf(0, 8)
      if (nul < 0) throw new PeFormatError('stream name is not terminated')
      const name = h.toString('latin1', 8, nul)
      found[name] = { offset: h.readUInt32LE(0), size: h.readUInt32LE(4) }
      p += 8 + ((nul - 8 + 4) & ~3)
    }
    const heap = (name: string): Buffer => {
      const s = found[name]
      if (!s || s.size === 0) return Buffer.alloc(0)
      if (s.offset > mdSize) throw new PeFormatError(`${name} lies outside the metadata`)
      return need(src, mdOff + s.offset, Math.min(s.size, MAX_HEAP, mdSize - s.offset), name)
    }
    return {
      ok: true,
      strings: {
        runtime,
        identifiers: heapStrings(heap('#Strings')),
        userStrings: userStrings(heap('#US')),
      },
    }
  } catch (e) {
    if (e instanceof PeFormatError) return { ok: false, reason: e.message }
    throw e
  }
}

/** Application-relative page paths a compiled page names (`~/aspnet_client/system_web/x.aspx`). */
export function compiledPagePaths(s: ClrStrings): string[] {
  return s.userStrings.filter((u) =>
    /^~\/[^\s"<>|]{1,400}\.(?:aspx|ashx|asmx|ascx|asax|master|svc)$/i.test(u),
  )
}
