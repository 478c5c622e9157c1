// What the heuristics read for a compiled .NET assembly (App_Web_*.dll from Temporary ASP.NET Files):
// one line per metadata identifier (`ProcessStartInfo`, `get_Request`), then one per string literal
// (`cmd.exe`, `~/auth/errorFF.aspx`). Rules match whole lines with `(?:^|\n)Name\n`.
import type { DecodedText } from '../detect/webfile/decode.ts'
import { compiledPagePaths, readClrStrings } from '../sources/pe/clr-metadata.ts'
import { bufferSource } from '../sources/pe/pe-layout.ts'

export interface ClrView {
  decoded: DecodedText
  /** App-relative paths of the pages compiled into the assembly (`~/aspnet_client/x.aspx`). */
  compiledFrom: string[]
}

/** The metadata view of a .NET PE, or undefined for anything else (other PEs, damaged metadata). */
export function clrView(bytes: Buffer): ClrView | undefined {
  if (bytes[0] !== 0x4d || bytes[1] !== 0x5a) return undefined
  const r = readClrStrings(bufferSource(bytes))
  if (!r.ok) return undefined
  const s = r.strings
  const text = `${s.identifiers.join('\n')}\n${s.userStrings.map((u) => u.replace(/\n/g, ' ')).join('\n')}\n`
  return {
    decoded: { text, encoding: 'clr-metadata', bom: false },
    compiledFrom: compiledPagePaths(s),
  }
}
