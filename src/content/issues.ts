// Content problems (the type is shared/content-issue.ts) as a hunt reports them.
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
