// Reads content/rules/native/**/*.yml: parse → validate (all problems at once) → NativeRule[].
// A rule with an error is dropped and reported; warnings are reported and the rule kept.
import { readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { parseDocument } from 'yaml'
import { type ContentIssue, readContentText } from '../issues.ts'
import type { NativeRule } from './rule-types.ts'
import { validateRuleDoc } from './validate.ts'

export type { Condition, NativeRule, TestCase } from './rule-types.ts'
export { validateRuleDoc } from './validate.ts'

export const NATIVE_RULES_DIR = join('rules', 'native')

function listYaml(dir: string, out: string[]): void {
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch {
    return
  }
  for (const name of names) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) listYaml(p, out)
    else if (/\.ya?ml$/i.test(name)) out.push(p)
  }
}

/** Parse one rule file's text; YAML syntax errors become issues with their line. */
export function parseRuleText(
  text: string,
  file: string,
): { rule?: NativeRule; issues: ContentIssue[] } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({
        file,
        path: e.linePos?.[0] ? `line ${e.linePos[0].line}` : '',
        severity: 'error' as const,
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
    }
  }
  return validateRuleDoc(doc.toJS({ maxAliasCount: 100 }), file)
}

export function loadNativeRules(contentRoot: string): {
  rules: NativeRule[]
  issues: ContentIssue[]
} {
  const files: string[] = []
  listYaml(join(contentRoot, NATIVE_RULES_DIR), files)
  const rules: NativeRule[] = []
  const issues: ContentIssue[] = []
  const seen = new Map<string, string>()
  for (const abs of files) {
    const file = relative(contentRoot, abs).split(sep).join('/')
    const text = readContentText(abs, file, issues)
    if (text === undefined) continue
    const r = parseRuleText(text, file)
    issues.push(...r.issues)
    if (!r.rule) continue
    const first = seen.get(r.rule.id)
    if (first) {
      issues.push({
        file,
        path: 'id',
        severity: 'error',
        message: `duplicate id '${r.rule.id}' (also in ${first})`,
      })
      continue
    }
    seen.set(r.rule.id, file)
    rules.push(r.rule)
  }
  return { rules, issues }
}
