// A problem found while loading content: all are collected and reported at once, with file and field.
import type { ItemError } from '../shared/types.ts'

export interface ContentIssue {
  file: string
  /** Field or line inside the file (`rules[3].match`, `line 12`). */
  path: string
  severity: 'error' | 'warning'
  message: string
}

/** A hunt reports content errors as item errors (warnings only show in `exhunt content lint`). */
export function contentIssueErrors(issues: readonly ContentIssue[]): ItemError[] {
  return issues
    .filter((i) => i.severity === 'error')
    .map((i) => ({ code: 'EXH_ERR_CONTENT', path: i.file, message: `${i.path}: ${i.message}` }))
}
