// Content problems (the type is shared/content-issue.ts) as a hunt reports them.
import { readFileSync } from 'node:fs'
import type { ContentIssue } from '../shared/content-issue.ts'
import type { ItemError } from '../shared/types.ts'

export type { ContentIssue }

/** A hunt reports content errors as item errors (warnings only show in `exhunt content lint`). */
export function contentIssueErrors(issues: readonly ContentIssue[]): ItemError[] {
  return issues
    .filter((i) => i.severity === 'error')
    .map((i) =>
      i.code
        ? { code: i.code, path: i.file, message: i.message }
        : { code: 'EXH_ERR_CONTENT', path: i.file, message: `${i.path}: ${i.message}` },
    )
}

/**
 * A content file's text, or undefined with a `cannot read` error in `issues` (shown as `file`, relative
 * to the content root): one unreadable file is a problem of that file, never a crash of the load.
 */
export function readContentText(
  abs: string,
  file: string,
  issues: ContentIssue[],
): string | undefined {
  try {
    return readFileSync(abs, 'utf8')
  } catch (e) {
    issues.push({
      file,
      path: '',
      severity: 'error',
      message: `cannot read: ${(e as Error).message}`,
    })
    return undefined
  }
}
