// One rule, heuristic or baseline check that fired on a file; web-finding.ts folds them into one finding.
import type { Proof, RuleSource, Severity } from '../../shared/types.ts'

export interface WebHit {
  rule: string
  title: string
  severity: Severity
  /** What this hit proves on its own (the rule's `proves:`); the file's finding carries the strongest. */
  proves: Proof
  source: RuleSource
  /** Why it fired, including the attribution the rule's licence asks for. */
  reasons: string[]
  /** The matched text, when there is one. */
  excerpt?: string
  cves?: string[]
  attack?: string[]
}

/** Facts about the scanned file every check may look at. */
export interface WebFileInfo {
  /** Display path (relative to the evidence root). */
  path: string
  windowsPath?: string
  /** Lowercased extension without the dot ('' when none). */
  ext: string
  /** Lowercased file name. */
  name: string
  /** The whole file's size (also when only its first bytes were read). */
  size: number
  /** Over the hunt's size limit: only the file's first bytes were read. */
  oversized?: boolean
}

export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

export function webFileInfo(
  path: string,
  windowsPath: string | undefined,
  size: number,
): WebFileInfo {
  const p = (windowsPath ?? path).replace(/\\/g, '/')
  const name = p.slice(p.lastIndexOf('/') + 1).toLowerCase()
  const out: WebFileInfo = { path, ext: extensionOf(name), name, size }
  if (windowsPath !== undefined) out.windowsPath = windowsPath
  return out
}

/** One web file as the web-file engines (YARA, heuristics) read it: bytes, decoded text, facts. */
export interface WebFileInput {
  file: WebFileInfo
  bytes: Uint8Array
  text: string
  /** Lowercased text, computed once per file for `contains`. */
  lower: string
  /** `text` was decoded from `bytes` as UTF-8: the regexes' literals are then looked for in the bytes. */
  utf8?: boolean
  /** How `text` was decoded (`utf-8`, `utf-16le`, ...). */
  encoding?: string
}
