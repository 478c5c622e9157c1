// Splits validated YARA texts into rules whose result depends on the bytes alone and rules that read a
// per-file external (`filepath`, `filename`, `extension`). The first set is scanned once per distinct
// content, the second once per path, so identical files at many paths cost one full scan.

/** Externals filled per file (yaraVariables); `filetype` and `owner` are constant, so content-only. */
const PATH_EXTERNALS = new Set(['filepath', 'filename', 'extension'])

interface RuleChunk {
  name: string
  text: string
  /** Names read in the condition (identifiers, without `$#@!` string references or `.field` parts). */
  reads: Set<string>
  global: boolean
}

interface ParsedSource {
  header: string
  rules: RuleChunk[]
}

export interface YaraSplit {
  /** Rule texts that read no per-file external: one scan per distinct content. */
  content: string[]
  /** Rules that read one (and what they reference): one scan per path. */
  path: string[]
  /** Names of the rules only the path set decides. */
  pathRules: Set<string>
  /**
   * Every way the path rules read the externals, when each is a plain comparison with a literal
   * (`filepath contains "\\Cache\\"`): two files with the same bytes and the same answers to these
   * get the same matches. Undefined when some use is anything else (then the path set runs per file).
   */
  pathTests?: ExternalTest[]
}

export interface ExternalTest {
  external: 'filepath' | 'filename' | 'extension'
  op: string
  /** The literal, decoded. */
  value: string
}

/**
 * The text with comments, string literals and regex literals blanked (same length), so rule
 * boundaries, braces and identifiers are found in code only.
 */
export function maskYara(text: string): string {
  // The text's UTF-16 code units, blanked in place (one pass, no string pieces: ~1 MB of rules).
  const out = new Uint16Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== 10) out[k] = 32
  }
  const SLASH = 47
  const STAR = 42
  const QUOTE = 34
  let i = 0
  // Where the last code token ended, to tell a regex (after `=` or `matches`) from a division.
  let lastCode = -1
  const afterRegexOpener = () => {
    if (lastCode < 0) return false
    if (text.charCodeAt(lastCode) === 61) return true // '='
    return lastCode >= 6 && text.startsWith('matches', lastCode - 6)
  }
  while (i < text.length) {
    const c = text.charCodeAt(i)
    const n = text.charCodeAt(i + 1)
    if (c === SLASH && n === SLASH) {
      const end = text.indexOf('\n', i)
      const to = end < 0 ? text.length : end
      blank(i, to)
      i = to
      continue
    }
    if (c === SLASH && n === STAR) {
      const end = text.indexOf('*/', i + 2)
      const to = end < 0 ? text.length : end + 2
      blank(i, to)
      i = to
      continue
    }
    if (c === QUOTE || (c === SLASH && afterRegexOpener())) {
      // A string, or a regex after `=` (strings section) or `matches` (condition).
      let k = i + 1
      while (k < text.length) {
        const d = text.charCodeAt(k)
        if (d === c || d === 10) break
        k += d === 92 ? 2 : 1
      }
      blank(i + 1, Math.min(k, text.length))
      i = k + 1
      lastCode = -1
      continue
    }
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) lastCode = i
    i++
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf16le')
}

const RULE_START = /^[ \t]*((?:(?:private|global)[ \t]+)*)rule[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm
const WORD = /(^|[^$#@!.\w])([A-Za-z_][A-Za-z0-9_]*)/g

function parseSource(text: string): ParsedSource | undefined {
  const masked = maskYara(text)
  const starts = [...masked.matchAll(RULE_START)]
  if (starts.length === 0) return { header: text, rules: [] }
  const rules: RuleChunk[] = []
  for (const m of starts) {
    const open = masked.indexOf('{', m.index)
    if (open < 0) return undefined
    let depth = 0
    let end = -1
    for (let k = open; k < masked.length; k++) {
      if (masked[k] === '{') depth++
      else if (masked[k] === '}' && --depth === 0) {
        end = k + 1
        break
      }
    }
    if (end < 0) return undefined
    const body = masked.slice(open, end)
    const at = body.search(/\bcondition\s*:/)
    const reads = new Set<string>()
    if (at >= 0) for (const w of body.slice(at).matchAll(WORD)) reads.add(w[2] as string)
    rules.push({
      name: m[2] as string,
      text: text.slice(m.index, end),
      reads,
      global: /\bglobal\b/.test(m[1] ?? ''),
    })
  }
  return { header: text.slice(0, starts[0]?.index ?? 0), rules }
}

/** One set per kind; with a `global` rule or a text this cannot parse, every rule is scanned per path. */
export function splitYaraSources(sources: readonly string[]): YaraSplit {
  const parsed = sources.map(parseSource)
  const whole = (): YaraSplit => ({ content: [], path: [...sources], pathRules: new Set() })
  if (parsed.some((p) => !p || p.rules.some((r) => r.global))) return whole()
  const files = parsed as ParsedSource[]
  const all = files.flatMap((f) => f.rules)
  const byName = new Map(all.map((r) => [r.name, r]))
  // Path-dependent: reads an external, or a rule that does (to a fixed point).
  const pathRules = new Set<string>()
  for (const r of all) if ([...r.reads].some((w) => PATH_EXTERNALS.has(w))) pathRules.add(r.name)
  for (let grew = pathRules.size > 0; grew; ) {
    grew = false
    for (const r of all) {
      if (pathRules.has(r.name)) continue
      if ([...r.reads].some((w) => pathRules.has(w))) {
        pathRules.add(r.name)
        grew = true
      }
    }
  }
  if (pathRules.size === 0) return { content: [...sources], path: [], pathRules }
  // The path set also needs every rule its rules reference (copied; private ones report nothing).
  const needed = new Set(pathRules)
  const stack = [...pathRules]
  while (stack.length) {
    const r = byName.get(stack.pop() as string)
    for (const w of r?.reads ?? []) {
      if (byName.has(w) && !needed.has(w)) {
        needed.add(w)
        stack.push(w)
      }
    }
  }
  const content: string[] = []
  const path: string[] = []
  for (const f of files) {
    const kept = f.rules.filter((r) => !pathRules.has(r.name))
    const moved = f.rules.filter((r) => needed.has(r.name))
    if (kept.length) content.push(f.header + kept.map((r) => r.text).join('\n\n'))
    if (moved.length) path.push(f.header + moved.map((r) => r.text).join('\n\n'))
  }
  const out: YaraSplit = { content, path, pathRules }
  const tests = externalTests(all.filter((r) => needed.has(r.name)).map((r) => r.text))
  if (tests) out.pathTests = tests
  return out
}

const OPS = 'contains|icontains|startswith|istartswith|endswith|iendswith|iequals|matches|==|!='
const COMPARISON = new RegExp(`\\b(filepath|filename|extension)\\s*(${OPS})\\s*(?=["/])`, 'g')
const EXTERNAL = /(^|[^$#@!.\w])(filepath|filename|extension)\b/g

/** A YARA text string's value: the escapes YARA allows in a string literal. */
function unescapeYara(s: string): string | undefined {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (c !== '\\') {
      out += c
      continue
    }
    const n = s[++i]
    if (n === '\\' || n === '"') out += n
    else if (n === 'n') out += '\n'
    else if (n === 't') out += '\t'
    else if (n === 'r') out += '\r'
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(Number.parseInt(s.slice(i + 1, i + 3), 16))
      i += 2
    } else return undefined
  }
  return out
}

/**
 * The comparisons of externals with literals in these rules; undefined when an external is read any
 * other way (passed to a function, compared with another value): then no key can stand for the path.
 */
function externalTests(texts: readonly string[]): ExternalTest[] | undefined {
  const tests: ExternalTest[] = []
  for (const text of texts) {
    const masked = maskYara(text)
    const at = masked.search(/\bcondition\s*:/)
    if (at < 0) continue
    const cond = masked.slice(at)
    const orig = text.slice(at)
    let uses = 0
    for (const _ of cond.matchAll(EXTERNAL)) uses++
    let parsed = 0
    for (const m of cond.matchAll(COMPARISON)) {
      const start = m.index + m[0].length
      const quote = orig[start] as string
      // The literal ends where the mask's blanked run ends (its closing quote or slash is kept).
      const close = cond.indexOf(quote, start + 1)
      if (close < 0) return undefined
      const raw = orig.slice(start + 1, close)
      const op = m[2] as string
      // A regex would have to mean in JavaScript exactly what it means in YARA: not assumed.
      if (quote === '/') return undefined
      {
        const value = unescapeYara(raw)
        if (value === undefined || op === 'matches') return undefined

        tests.push({ external: m[1] as ExternalTest['external'], op, value })
      }
      parsed++
    }
    if (parsed !== uses) return undefined
  }
  return tests
}

/** The answers of `tests` for one file's externals, as a key ('' when there are none). */
export function externalKey(
  tests: readonly ExternalTest[],
  vars: Readonly<Record<string, string | number>>,
): string {
  let key = ''
  for (const t of tests) {
    const v = String(vars[t.external] ?? '')
    const lv = v.toLowerCase()
    const lt = t.value.toLowerCase()
    let r: boolean
    switch (t.op) {
      case 'contains':
        r = v.includes(t.value)
        break
      case 'icontains':
        r = lv.includes(lt)
        break
      case 'startswith':
        r = v.startsWith(t.value)
        break
      case 'istartswith':
        r = lv.startsWith(lt)
        break
      case 'endswith':
        r = v.endsWith(t.value)
        break
      case 'iendswith':
        r = lv.endsWith(lt)
        break
      case 'iequals':
        r = lv === lt
        break
      case '==':
        r = v === t.value
        break
      default:
        r = v !== t.value
    }
    key += r ? '1' : '0'
  }
  return key
}
