// Which server wrote a log: the host name column of its first data line (Exchange's ServerHostName
// or ECP's ServerName, message tracking's server-hostname, IIS's s-computername when logged). Only
// the head of the file is read, so naming the target costs a few kilobytes per log folder.
import type { ArtefactRef } from '../artefact.ts'
import { openRef, readHead } from '../open.ts'
import { sniff } from './byte-lines.ts'
import { parseCsvLine } from './csv-line.ts'
import { splitW3cLine } from './w3c-line.ts'

/** Columns naming the server that wrote the line, lowercased as headers are. */
export const HOST_COLUMNS = ['serverhostname', 'servername', 'server-hostname', 's-computername']
const HEAD_BYTES = 64 * 1024

function decode(buf: Buffer): string {
  const s = sniff(buf)
  const body = buf.subarray(s.bomLength)
  if (s.encoding === 'utf16le') return body.toString('utf16le')
  if (s.encoding === 'utf16be') return Buffer.from(body).swap16().toString('utf16le')
  return body.toString('utf8')
}

/** The host name in the first data line of a log with a host column, from its first 64 KB. */
export function hostOfLogText(text: string): string | undefined {
  let names: string[] | undefined
  let csv = false
  const lines = text.split('\n')
  // The last piece may be cut mid-line by the head limit.
  for (const line of lines.slice(0, -1)) {
    const l = line.replace(/\r$/, '').replaceAll('\0', '')
    if (l === '') continue
    const m = /^#Fields:\s*(.*)$/i.exec(l)
    if (m) {
      csv = m[1]!.includes(',')
      names = (csv ? m[1]!.split(',') : m[1]!.split(/\s+/)).map((f) => f.trim().toLowerCase())
      continue
    }
    if (l.startsWith('#') || !names) continue
    const at = HOST_COLUMNS.map((c) => names!.indexOf(c)).find((i) => i !== -1)
    if (at === undefined) return undefined
    const values = csv ? parseCsvLine(l) : splitW3cLine(l, names.length, names)
    const v = values[at]?.trim()
    return v && v !== '-' ? v : undefined
  }
  return undefined
}

/** The host that wrote this log, or undefined (no host column, no data line, unreadable). */
export async function readLogHost(ref: ArtefactRef): Promise<string | undefined> {
  try {
    return hostOfLogText(decode(await readHead(openRef(ref), HEAD_BYTES)))
  } catch {
    // An unreadable log is reported by the scan that reads it in full; naming the target just skips it.
    return undefined
  }
}
