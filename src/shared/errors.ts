// Coded errors (undici style): callers and tests branch on `code`, never on message text.
// Every code is listed in docs/errors.md.

export class ExhuntError extends Error {
  readonly code: string
  readonly item?: string
  constructor(code: string, message: string, opts: { item?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'ExhuntError'
    this.code = code
    if (opts.item !== undefined) this.item = opts.item
  }
}

/** True for an error exhunt raised on purpose (branch on its `code`, never on its message). */
export function isExhuntError(err: unknown): err is ExhuntError {
  return err instanceof ExhuntError
}

/** Turn anything thrown while reading one item into an ItemError-shaped value. */
export function toItemError(err: unknown, path: string, fallbackCode = 'EXH_ERR_READ') {
  if (err instanceof ExhuntError) return { code: err.code, path, message: err.message }
  const e = err as NodeJS.ErrnoException
  const code = e?.code ? `EXH_ERR_FS_${e.code}` : fallbackCode
  return { code, path, message: e?.message ?? String(err) }
}
