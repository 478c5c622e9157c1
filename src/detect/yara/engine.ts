// YARA behind the `Engine` interface. yara-x is a native module, so detect/ stays pure: the hunt compiles
// the rules (content/yara) and hands in the scan function; this engine decides what to scan (the bytes,
// and the UTF-8 form of a UTF-16 page, which hides from ASCII signatures) and turns matches into hits
// with attribution and the context filters applied.
import type { ContentIssue } from '../../shared/content-issue.ts'
import { type CompiledEngine, type Engine, statelessSession } from '../../shared/engine.ts'
import type { WebFileInput, WebHit } from '../webfile/hit.ts'
import type { YaraContextFilter } from './context-filter.ts'
import { type YaraMatchLike, type YaraRuleInfo, yaraHits } from './yara-hits.ts'

/** Which buffer of a file a scan reads: its bytes, or the UTF-8 form of its UTF-16 text. */
export type YaraScanPart = 'bytes' | 'utf8'

/**
 * Scans one buffer with the compiled rules; `file` gives the external variables (filepath, filename),
 * `part` says which of the file's buffers `data` is.
 */
export type YaraScanFn = (
  data: Uint8Array,
  file: WebFileInput['file'],
  part: YaraScanPart,
) => readonly YaraMatchLike[]

export interface YaraContent {
  /** null: the rules did not compile (reported by the hunt); files are scanned without YARA. */
  scan: YaraScanFn | null
  rules: ReadonlyMap<string, YaraRuleInfo>
  /** content/rules/yara/context-filters.yml: lowers vendored-rule hits whose evidence is benign ASP.NET. */
  filters?: readonly YaraContextFilter[]
  issues?: readonly ContentIssue[]
}

/**
 * What YARA reads of a web file: no lowercased text (`text` is read only for a UTF-16 page). `scan`, when
 * given, answers for the compiled rules on this file instead of the content's scan function: the same
 * rules, e.g. with results kept per distinct content by the caller (hunt/webfile-scan.ts).
 */
export type YaraFileInput = Pick<WebFileInput, 'file' | 'bytes' | 'text' | 'encoding'> & {
  scan?: YaraScanFn
}

const utf8 = new TextEncoder()

export const yaraEngine = {
  name: 'yara' as const,
  compile(content: YaraContent): CompiledEngine<YaraFileInput, WebHit> {
    const { scan, rules, filters } = content
    const match = (input: YaraFileInput, emit: (h: WebHit) => void) => {
      if (!scan) return
      const { bytes, file } = input
      const scanFile = input.scan ?? scan
      const first = scanFile(bytes, file, 'bytes')
      const utf16 = input.encoding === 'utf-16le' || input.encoding === 'utf-16be'
      let matches = first
      let transcoded: Uint8Array | undefined
      let fromTranscoded = new Set<YaraMatchLike>()
      if (utf16) {
        transcoded = utf8.encode(input.text)
        const seen = new Set(first.map((m) => m.ruleIdentifier))
        const second = scanFile(transcoded, file, 'utf8').filter((m) => !seen.has(m.ruleIdentifier))
        matches = [...first, ...second]
        fromTranscoded = new Set(second)
      }
      const context = filters?.length
        ? {
            filters,
            // Match offsets are into the buffer that was scanned.
            scanned: (m: YaraMatchLike) =>
              fromTranscoded.has(m) && transcoded ? transcoded : bytes,
            ext: file.ext,
          }
        : undefined
      for (const hit of yaraHits(matches, rules, context)) emit(hit)
    }
    return {
      name: 'yara',
      rules: scan ? rules.size : 0,
      issues: content.issues ?? [],
      session: () => statelessSession(match),
    }
  },
} satisfies Engine<YaraContent, YaraFileInput, WebHit>
