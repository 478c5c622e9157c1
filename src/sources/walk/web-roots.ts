// Display paths of the folders web-shell scanning covers, collected as the walk enters them.
import { type ClassifyContext, isBuiltinWebPath, isStagingPath } from './classify.ts'
import { startsWithSeq } from './path-norm.ts'

/** True when `segs` is the top of a web or staging folder (its parent is not one). */
export function isWebRootTop(segs: readonly string[], ctx: ClassifyContext): boolean {
  if (segs.length === 0) return false
  const parent = segs.slice(0, -1)
  const here = (s: readonly string[]) =>
    isBuiltinWebPath(s, ctx) ||
    ctx.webRootPrefixes.some((p) => startsWithSeq(s, p)) ||
    isStagingPath([...s, ''], ctx)
  return here(segs) && !here(parent)
}
