// Splits a YARA file into its rules with their meta, for the content index: `content show` prints one
// rule as shipped and `content list` its description, author and score. Pure text work: the rules were
// already validated by yara-x when the loader accepted the file.

export interface YaraRuleText {
  name: string
  /** The rule from its `rule` line to its closing brace, byte for byte as shipped. */
  text: string
  /** `key = "value"` pairs of the meta section; repeated keys (reference) keep every value. */
  meta: Record<string, string[]>
}

const RULE_START = /^[ \t]*(?:(?:private|global)[ \t]+)*rule[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm
// Every rule in the vendored files ends with a `}` alone at the start of a line (signature-base and
// Volexity style); a rule written otherwise ends where the next one starts.
const RULE_END = /^\}[ \t]*$/m
const META_LINE =
  /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|(-?\d+)|(true|false))/

export function splitYaraRules(source: string): YaraRuleText[] {
  const starts = [...source.matchAll(RULE_START)].map((m) => ({
    name: m[1] as string,
    index: m.index,
  }))
  return starts.map((s, i) => {
    const next = starts[i + 1]?.index ?? source.length
    const body = source.slice(s.index, next)
    const end = RULE_END.exec(body)
    const text = (end ? body.slice(0, end.index + 1) : body).trimEnd()
    return { name: s.name, text, meta: readMeta(text) }
  })
}

function readMeta(rule: string): Record<string, string[]> {
  const meta: Record<string, string[]> = {}
  const start = /^\s*meta\s*:/m.exec(rule)
  if (!start) return meta
  const rest = rule.slice(start.index + start[0].length)
  const stop = /^\s*(?:strings|condition)\s*:/m.exec(rest)
  for (const line of (stop ? rest.slice(0, stop.index) : rest).split('\n')) {
    const m = META_LINE.exec(line)
    if (!m) continue
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? m[4] ?? '')
    const key = (m[1] as string).toLowerCase()
    meta[key] = [...(meta[key] ?? []), value]
  }
  return meta
}

/** CVE ids a YARA rule names: in its meta, or in its name the way signature-base writes them (CVE_2022_41040). */
export function yaraRuleCves(r: YaraRuleText): string[] {
  const text = `${r.name} ${Object.values(r.meta).flat().join(' ')}`
  const found = [...text.matchAll(/CVE[-_](\d{4})[-_](\d{4,7})/gi)].map(
    (m) => `CVE-${m[1]}-${m[2]}`,
  )
  return [...new Set(found)].sort()
}
