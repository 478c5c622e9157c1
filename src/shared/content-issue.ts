// A problem found while loading content: all are collected and reported at once, with file and field.
// In shared/ because the engines' compilers in detect/ report them too, and detect/ imports only shared/.
export interface ContentIssue {
  file: string
  /** Field or line inside the file (`rules[3].match`, `line 12`). */
  path: string
  severity: 'error' | 'warning'
  message: string
  /** The error code a hunt reports it with; EXH_ERR_CONTENT when absent (a baseline list: EXH_ERR_BASELINE_*). */
  code?: string
}
