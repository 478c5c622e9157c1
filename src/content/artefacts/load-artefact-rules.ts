// Loads the artefact rules (content/rules/artefacts/*.yml) for the hunt and for `exhunt content lint`.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CompiledArtefactRules, compileArtefactRules } from '../../detect/artefacts/index.ts'
import type { ContentIssue } from '../issues.ts'

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
  return compileArtefactRules(files)
}
