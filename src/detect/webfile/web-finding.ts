// Everything that fired on one file becomes ONE finding: the strongest rule names it, every rule and
// heuristic is listed in reasons with its source, and the file's facts ride along.

import { findingId } from '../../shared/finding-id.ts'
import { strongestProof } from '../../shared/proves.ts'
import { type FileFacts, type Finding, severityRank } from '../../shared/types.ts'
import type { WebHit } from './hit.ts'
import type { WebLocation } from './web-path.ts'

export interface ScannedFile extends FileFacts {
  path: string
  windowsPath?: string
  /** Absent for a file over the size limit: only its first bytes were read (`headSha256`). */
  sha256?: string
  sha1?: string
  md5?: string
  /** A file read in part: how many bytes were scanned (its first `headBytes`, then its last ones). */
  scannedBytes?: number
  /** Text encoding the heuristics read the file as. */
  encoding?: string
  /** A compiled assembly's source pages (ASP.NET AppRelativeVirtualPath, `~/auth/x.aspx`). */
  compiledFrom?: string[]
  /** URL paths of those pages (or of a `.compiled` record's page): what log requests to them show. */
  compiledUrls?: string[]
}

const ENGINE_ORDER = ['yara', 'heuristic', 'ioc', 'baseline'] as const

function strongest(hits: readonly WebHit[]): WebHit {
  let best = hits[0] as WebHit
  for (const h of hits) {
    const d = severityRank(h.severity) - severityRank(best.severity)
    const order = (x: WebHit) =>
      ENGINE_ORDER.indexOf(x.source.engine as (typeof ENGINE_ORDER)[number])
    if (d > 0 || (d === 0 && order(h) >= 0 && order(h) < order(best))) best = h
  }
  return best
}

/** Which bytes of a file read in part were scanned, in words. */
function partRead(file: ScannedFile): string {
  const head = file.headBytes ?? 0
  const tail = (file.scannedBytes ?? head) - head
  return tail > 0 ? `its first ${head} and last ${tail} bytes` : `only its first ${head} bytes`
}

export function webFileFinding(
  hits: readonly WebHit[],
  file: ScannedFile,
  loc: WebLocation | undefined,
): Finding | undefined {
  if (hits.length === 0) return undefined
  const top = strongest(hits)
  const proves = strongestProof(hits)
  const serious = severityRank(top.severity) >= severityRank('medium')
  const paths = [file.windowsPath ?? file.path]
  if (loc) paths.push(loc.urlPath)
  // The page a compiled file came from: analysis/correlate.ts links the log requests to it.
  for (const u of file.compiledUrls ?? []) if (!paths.includes(u)) paths.push(u)
  const excerpt = top.excerpt ?? hits.find((h) => h.excerpt)?.excerpt ?? ''
  const facts: FileFacts = { size: file.size }
  if (file.sha256) facts.sha256 = file.sha256
  if (file.sha1) facts.sha1 = file.sha1
  if (file.md5) facts.md5 = file.md5
  if (file.headSha256 !== undefined && file.headBytes !== undefined) {
    facts.headSha256 = file.headSha256
    facts.headBytes = file.headBytes
  }
  if (file.mtime) facts.mtime = file.mtime
  if (file.ctime) facts.ctime = file.ctime
  if (file.btime) facts.btime = file.btime
  const fields: Record<string, string> = { rules: hits.map((h) => h.rule).join(', ') }
  if (file.sha256) fields.sha256 = file.sha256
  // Labelled so nobody takes it for the file's hash (IOC lists hold whole-file hashes).
  const head = facts.headSha256
    ? `SHA-256 of the first ${facts.headBytes} bytes: ${facts.headSha256}`
    : undefined
  if (head) fields.headSha256 = head
  if (loc) fields.url = loc.urlPath
  if (file.encoding) fields.encoding = file.encoding
  const compiled = file.compiledFrom ?? []
  if (compiled.length) fields.compiledFrom = compiled.join(', ')
  const finding: Finding = {
    id: findingId('webfile', file.path, ''),
    rule: top.rule,
    title: serious ? `Web shell suspected: ${top.title}` : `Review web file: ${top.title}`,
    severity: top.severity,
    category: 'webshell',
    // A shell on disk is the attacker's foothold already in place; a file to review shows no outcome.
    outcome: proves === 'compromise' ? 'success' : 'unknown',
    proves,
    phase: 'persistence',
    cves: [...new Set(hits.flatMap((h) => h.cves ?? []))],
    attack: [...new Set(hits.flatMap((h) => h.attack ?? []))],
    source: { path: file.path },
    indicators: { ips: [], users: [], paths, userAgents: [] },
    evidence: `${file.windowsPath ?? file.path}${excerpt ? `: ${excerpt}` : ''}`.slice(0, 2000),
    ruleSource: top.source,
    fields,
    reasons: [
      ...hits.flatMap((h) => h.reasons),
      ...(head
        ? [
            `The file is ${file.size} bytes, over the scan's size limit: ${partRead(file)} were scanned (${head})`,
          ]
        : []),
      // The source page may be gone; its app-relative path is what to look for in the logs.
      ...compiled.map(
        (p) => `Compiled by ASP.NET from the page ${p} (path relative to its IIS application)`,
      ),
    ],
    file: facts,
  }
  if (file.mtime) finding.time = file.mtime
  return finding
}
