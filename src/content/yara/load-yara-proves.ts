// What each YARA rule proves (docs/content-format.md, "What a rule proves"). Vendored files stay byte for
// byte, so content/rules/yara/vendored-proves.yml declares theirs per file and rule-name pattern; our own
// rules carry `proves = "..."` in their meta. A rule with no declaration is a content error.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { PROVES_HELP, provesField } from '../../shared/proves.ts'
import type { Proof } from '../../shared/types.ts'
import type { ContentIssue } from '../issues.ts'

export const VENDORED_PROVES_FILE = 'rules/yara/vendored-proves.yml'

export interface VendoredProves {
  /** Path under rules/vendor/yara, e.g. `signature-base/gen_webshells.yar`. */
  file: string
  rules: RegExp[]
  proves: Proof
  reason: string
}

/** `*` any run, `?` one character; whole name, case-sensitive (YARA identifiers are). */
function namePattern(glob: string): RegExp {
  const src = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${src}$`)
}

export function loadVendoredProves(contentRoot: string): {
  entries: VendoredProves[]
  issues: ContentIssue[]
} {
  const issues: ContentIssue[] = []
  const entries: VendoredProves[] = []
  const file = VENDORED_PROVES_FILE
  let raw: unknown
  try {
    raw = parse(readFileSync(join(contentRoot, file), 'utf8'))
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
    issues.push({
      file,
      path: '',
      severity: 'error',
      message: missing
        ? 'missing: every vendored YARA rule needs a proves declaration here'
        : `not valid YAML: ${(err as Error).message}`,
    })
    return { entries, issues }
  }
  if (!Array.isArray(raw)) {
    issues.push({ file, path: '', severity: 'error', message: 'a list of entries' })
    return { entries, issues }
  }
  raw.forEach((e, i) => {
    const o = (e ?? {}) as Record<string, unknown>
    const where = `[${i}]`
    const before = issues.length
    const err = (path: string, message: string) =>
      issues.push({ file, path: `${where}.${path}`, severity: 'error', message })
    if (typeof o.file !== 'string' || !o.file)
      err('file', 'the vendored file, e.g. signature-base/gen_webshells.yar')
    const rules =
      Array.isArray(o.rules) && o.rules.length > 0 && o.rules.every((r) => typeof r === 'string')
        ? (o.rules as string[])
        : undefined
    if (!rules) err('rules', "a non-empty list of rule names or patterns ('*' for all)")
    const proves = provesField(o.proves, err)
    if (typeof o.reason !== 'string' || !o.reason.trim())
      err('reason', 'why these rules prove that much, in words a responder reads')
    if (issues.length > before || !rules || !proves) return
    entries.push({
      file: o.file as string,
      rules: rules.map(namePattern),
      proves,
      reason: (o.reason as string).trim(),
    })
  })
  return { entries, issues }
}

/** The first entry for this vendored file that names the rule. */
export function vendoredProof(
  entries: readonly VendoredProves[],
  vendorFile: string,
  rule: string,
): VendoredProves | undefined {
  return entries.find((e) => e.file === vendorFile && e.rules.some((r) => r.test(rule)))
}

const META_PROVES = /\bproves\s*=\s*"([^"]*)"/

/**
 * `proves` from each rule's meta in one of our .yar files: the text from one `rule` keyword to the next
 * is that rule's, and its first `proves = "..."` counts.
 */
export function ownRuleProves(
  text: string,
  names: readonly { name: string; index: number }[],
  file: string,
  issues: ContentIssue[],
): Map<string, Proof> {
  const out = new Map<string, Proof>()
  names.forEach((n, i) => {
    const body = text.slice(n.index, names[i + 1]?.index ?? text.length)
    const m = META_PROVES.exec(body)
    const p = provesField(m?.[1], (_, message) =>
      issues.push({
        file,
        path: n.name,
        severity: 'error',
        message: m
          ? message
          : `meta proves is missing: ${PROVES_HELP.replace("'proves: ", "'proves = ")}`,
      }),
    )
    if (p) out.set(n.name, p)
  })
  return out
}
