// Reads known-good baselines from files or folders (every *.sha256 inside). Nothing is vendored: the NCC
// Group lists carry no licence (github.com/nccgroup/Cyber-Defence has none), so users point exhunt at them
// or at a baseline they made with `exhunt baseline create`; content/baselines/ holds any we may ship.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type Baseline, emptyBaseline } from '../../detect/webfile/baseline-check.ts'
import type { ItemError } from '../../shared/types.ts'
import { addBaselineText } from './baseline-format.ts'

export interface LoadedBaseline {
  baseline: Baseline
  errors: ItemError[]
}

function listBaselineFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .filter((n) => n.endsWith('.sha256'))
    .sort()
    .map((n) => join(path, n))
}

/** Loads every given file or folder; an unreadable one becomes an error and the rest still load. */
export function loadBaselines(paths: readonly string[]): LoadedBaseline {
  const baseline = emptyBaseline()
  const errors: ItemError[] = []
  for (const p of paths) {
    let files: string[]
    try {
      files = listBaselineFiles(p)
    } catch (err) {
      errors.push({ code: 'EXH_ERR_BASELINE_READ', path: p, message: (err as Error).message })
      continue
    }
    for (const f of files) {
      try {
        const n = addBaselineText(baseline, readFileSync(f, 'utf8'), f)
        if (n === 0) {
          errors.push({ code: 'EXH_ERR_BASELINE_EMPTY', path: f, message: 'no sha256 lines found' })
        }
      } catch (err) {
        errors.push({ code: 'EXH_ERR_BASELINE_READ', path: f, message: (err as Error).message })
      }
    }
  }
  return { baseline, errors }
}
