// Discovery in a folder: decide the layout, read applicationHost.config where the layout puts it,
// walk the interesting subtrees once, then walk the folders the config names that the walk skipped.
import { readFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import type { ItemError } from '../shared/types.ts'
import type { ArtefactKind } from './artefact.ts'
import { readApplicationHost } from './iis-config.ts'
import { detectLayout, type LayoutInfo } from './layouts.ts'
import type { ClassifyContext } from './walk/classify.ts'
import { iisTargets } from './walk/iis-targets.ts'
import { normSegment, windowsPathOf } from './walk/path-norm.ts'
import { closeQuietly, openReadOnly } from './walk/read-only.ts'
import { resolveCi } from './walk/resolve-ci.ts'
import { type WalkedFile, walkTree } from './walk/walk-dir.ts'
import { isWebRootTop } from './walk/web-roots.ts'

export interface DirDiscovery {
  layout: LayoutInfo
  files: (WalkedFile & { windowsPath?: string })[]
  exchangeRoots: string[]
  webRoots: string[]
  errors: ItemError[]
}

const APPHOST = ['windows', 'system32', 'inetsrv', 'config', 'applicationhost.config']
// Rotated logs compressed in place (u_ex210301.log.gz, W3SVC1-2021-03.zip) are logs too.
const LOG_EXT = /\.(?:log|txt|gz|zip)$/

/** Folder paths near the top (two levels; three under Velociraptor's `uploads`), for layout detection. */
async function shallowPaths(root: string): Promise<string[][]> {
  const out: string[][] = []
  const list = async (fsPath: string, segs: string[], depth: number) => {
    let entries: import('node:fs').Dirent[]
    try {
      entries = await readdir(fsPath, { withFileTypes: true })
    } catch {
      return
    }
    for (const d of entries.slice(0, 200)) {
      const child = [...segs, normSegment(d.name)]
      out.push(child)
      const deeper = depth < 2 || child.includes('uploads')
      if (d.isDirectory() && deeper && depth < 4)
        await list(`${fsPath}/${d.name}`, child, depth + 1)
    }
  }
  await list(root, [], 1)
  return out
}

function readSmallFile(fsPath: string, max: number): Buffer | ItemError {
  let fd: number | undefined
  try {
    fd = openReadOnly(fsPath)
    const buf = readFileSync(fd)
    if (buf.length > max)
      return { code: 'EXH_ERR_FILE_TOO_LARGE', path: fsPath, message: 'config too large' }
    return buf
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return {
      code: e.code ? `EXH_ERR_FS_${e.code}` : 'EXH_ERR_READ',
      path: fsPath,
      message: e.message,
    }
  } finally {
    if (fd !== undefined) closeQuietly(fd)
  }
}

export async function discoverDirectory(
  realRoot: string,
  opts: { maxFileBytes: number; signal?: AbortSignal },
): Promise<DirDiscovery> {
  const layout = detectLayout(await shallowPaths(realRoot))
  const ctx: ClassifyContext = {
    mode: layout.mode,
    exchangeRoots: layout.exchangeInstall ? [[]] : [],
    webRootPrefixes: [],
    logDirPrefixes: [],
    loose: layout.layouts[0] === 'triage-folder' && layout.mode.kind === 'none',
  }
  const errors: ItemError[] = []
  const exchangeRoots: string[] = layout.exchangeInstall ? ['.'] : []
  const webRoots = new Set<string>()
  for (const [letter, prefix] of layout.drives) {
    const found = await resolveCi(realRoot, [...prefix, ...APPHOST])
    if (!found || found.isDirectory) continue
    const bytes = readSmallFile(found.fsPath, opts.maxFileBytes)
    if (!Buffer.isBuffer(bytes)) {
      errors.push({ ...bytes, path: found.rel })
      continue
    }
    const { host, error } = readApplicationHost(bytes, found.rel)
    if (error) errors.push(error)
    const t = iisTargets(host, letter, layout.drives)
    ctx.webRootPrefixes.push(...t.webRoots)
    ctx.logDirPrefixes.push(...t.logDirs)
  }

  const seen = new Set<string>()
  const base = {
    ctx,
    maxFileBytes: opts.maxFileBytes,
    seen,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onDir: (segs: readonly string[], rel: string) => {
      if (isWebRootTop(segs, ctx)) webRoots.add(rel)
    },
  }
  const main = await walkTree(
    realRoot,
    { fsPath: realRoot, rel: '', segs: [] },
    {
      ...base,
      onExchangeRoot: (_segs, rel) => exchangeRoots.push(rel),
    },
  )
  const files = main.files
  errors.push(...main.errors)

  // Config-named folders the main walk did not enter (other drives, non-default places).
  const extra: [string[], (segs: readonly string[]) => ArtefactKind | null][] = [
    ...ctx.webRootPrefixes.map((p): [string[], (s: readonly string[]) => ArtefactKind | null] => [
      p,
      () => 'webfile',
    ]),
    ...ctx.logDirPrefixes.map((p): [string[], (s: readonly string[]) => ArtefactKind | null] => [
      p,
      (s) => (LOG_EXT.test(s[s.length - 1] ?? '') ? 'log' : null),
    ]),
  ]
  for (const [prefix, force] of extra) {
    if (seen.has(prefix.join('/'))) continue
    const at = await resolveCi(realRoot, prefix)
    if (!at?.isDirectory) continue
    const r = await walkTree(
      realRoot,
      { fsPath: at.fsPath, rel: at.rel, segs: prefix },
      { ...base, force },
    )
    files.push(...r.files)
    errors.push(...r.errors)
  }
  const byPath = new Map<string, DirDiscovery['files'][number]>()
  for (const f of files) {
    if (byPath.has(f.rel)) continue
    const windowsPath = windowsPathOf(f.rel, layout.mode)
    byPath.set(f.rel, windowsPath ? { ...f, windowsPath } : f)
  }
  return {
    layout,
    files: [...byPath.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)),
    exchangeRoots: exchangeRoots.sort(),
    webRoots: [...webRoots].sort(),
    errors,
  }
}
