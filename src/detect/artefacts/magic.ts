// Container and dump signatures read from the first bytes, whatever the file is called.
// MINIDUMP_HEADER: Signature "MDMP" (0x504D444D), Version low word 0xA793 (minidumpapiset.h, MS Learn).
// ZIP "PK\x03\x04"/"PK\x05\x06" (APPNOTE 4.3.7, 4.3.16); 7z "7z\xBC\xAF\x27\x1C" (7zFormat.txt);
// RAR "Rar!\x1A\x07" (v4 then 0x00, v5 then 0x01 0x00; rarlab technote); CAB "MSCF" (MS-CAB 2.1).
export type ContainerKind = 'zip' | '7z' | 'rar' | 'cab'

const SIGS: [ContainerKind, number[]][] = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['cab', [0x4d, 0x53, 0x43, 0x46]],
]

function startsWith(head: Uint8Array, sig: readonly number[]): boolean {
  if (head.length < sig.length) return false
  for (let i = 0; i < sig.length; i++) if (head[i] !== sig[i]) return false
  return true
}

export function containerKind(head: Uint8Array): ContainerKind | undefined {
  for (const [kind, sig] of SIGS) if (startsWith(head, sig)) return kind
  return undefined
}

export function isMinidump(head: Uint8Array): boolean {
  return startsWith(head, [0x4d, 0x44, 0x4d, 0x50, 0x93, 0xa7])
}

const ARCHIVE_EXT = /\.(?:zip|7z|rar|cab)$/i

/** Container kind by signature, else by extension (a truncated or empty archive still counts by name). */
export function archiveKind(name: string, head: Uint8Array): ContainerKind | undefined {
  const byMagic = containerKind(head)
  if (byMagic) return byMagic
  const m = ARCHIVE_EXT.exec(name)
  return m ? (m[0].slice(1).toLowerCase() as ContainerKind) : undefined
}
