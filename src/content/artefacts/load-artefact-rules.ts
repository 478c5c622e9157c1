// Loads the artefact rules (content/rules/artefacts/*.yml, format in docs/content-format.md) for the hunt
// and for `exhunt content lint`: the YAML is read and parsed here, detect/artefacts compiles plain data.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { type CompiledArtefactRules, compileArtefactRules } from '../../detect/artefacts/index.ts'
import type { ContentIssue } from '../issues.ts'

/** Parses each file's YAML text and compiles the rules; problems come back as issues, never thrown. */
export function compileArtefactRuleTexts(files: readonly { file: string; text: string }[]): {
  rules: CompiledArtefactRules
  issues: ContentIssue[]
} {
  const issues: ContentIssue[] = []
  const docs: { file: string; doc: unknown }[] = []
  for (const { file, text } of files) {
    try {
      docs.push({ file, doc: parse(text) })
    } catch (e) {
      const message = `not valid YAML: ${(e as Error).message}`
      issues.push({ file, path: '', severity: 'error', message })
    }
  }
  const compiled = compileArtefactRules(docs)
  return { rules: compiled.rules, issues: [...issues, ...compiled.issues] }
}

/** Reads content/rules/artefacts/*.yml and compiles them; problems come back as issues, never thrown. */
export function loadArtefactRules(contentRoot: string): {
  rules: CompiledArtefactRules
  issues: ContentIssue[]
} {
  const dir = join(contentRoot, 'rules', 'artefacts')
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yml'))
      .sort()
  } catch (err) {
    const message = `cannot read the folder: ${(err as Error).message}`
    return {
      rules: { rules: [], tests: new Map() },
      issues: [{ file: 'rules/artefacts', path: '', severity: 'error', message }],
    }
  }
  const files = names.map((n) => ({
    file: `rules/artefacts/${n}`,
    text: readFileSync(join(dir, n), 'utf8'),
  }))
  return compileArtefactRuleTexts(files)
}
