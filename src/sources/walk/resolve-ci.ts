// Find a path inside the evidence case-insensitively (NTFS names, Velociraptor-encoded names) without
// following symlinks: each step must be a real folder under the root.
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { normSegment } from './path-norm.ts'

export interface Resolved {
  fsPath: string
  rel: string
  isDirectory: boolean
}

export async function resolveCi(
  root: string,
  segs: readonly string[],
): Promise<Resolved | undefined> {
  let fsPath = root
  let rel = ''
  for (let i = 0; i < segs.length; i++) {
    let names: string[]
    try {
      names = await readdir(fsPath)
    } catch {
      return undefined
    }
    const hit = names.find((n) => n === segs[i]) ?? names.find((n) => normSegment(n) === segs[i])
    if (hit === undefined) return undefined
    fsPath = join(fsPath, hit)
    rel = rel ? `${rel}/${hit}` : hit
    let st: Awaited<ReturnType<typeof lstat>>
    try {
      st = await lstat(fsPath)
    } catch {
      return undefined
    }
    if (st.isSymbolicLink()) return undefined
    if (i < segs.length - 1 && !st.isDirectory()) return undefined
    if (i === segs.length - 1) return { fsPath, rel, isDirectory: st.isDirectory() }
  }
  return { fsPath, rel, isDirectory: true }
}
