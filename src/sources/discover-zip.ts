// Discovery inside a zip, read in place: the entry list stands in for the directory walk, and the
// same path rules classify entries. applicationHost.config is read from the archive when present.
import { basename } from 'node:path'
import { buffer } from 'node:stream/consumers'
import type { ItemError } from '../shared/types.ts'
import { type Artefact, type ArtefactKind, zipEntryRef } from './artefact.ts'
import { readApplicationHost } from './iis-config.ts'
import { detectLayout, type LayoutInfo } from './layouts.ts'
import { openRef } from './open.ts'
import { type ClassifyContext, classifySegments } from './walk/classify.ts'
import { iisTargets } from './walk/iis-targets.ts'
import { indexOfSeq, normSegments, startsWithSeq, windowsPathOf } from './walk/path-norm.ts'
import { isWebRootTop } from './walk/web-roots.ts'
import { readZipDirectory } from './zip/central-directory.ts'
import type { ZipLimits } from './zip/zip-types.ts'

export interface ZipDiscovery {
  layout: LayoutInfo
  artefacts: Artefact[]
  exchangeRoots: string[]
  webRoots: string[]
  errors: ItemError[]
}

const APPHOST = ['windows', 'system32', 'inetsrv', 'config', 'applicationhost.config']
const MARKERS = [
  ['logging', 'httpproxy'],
  ['frontend', 'httpproxy'],
  ['clientaccess', 'owa'],
  ['bin', 'exsetup.exe'],
]
const ARCHIVE = /\.(?:zip|7z|rar)$/

/** Raw name prefix (first `n` segments of `name`). */
function rawPrefix(name: string, n: number): string {
  return name
    .split('/')
    .filter((s) => s)
    .slice(0, n)
    .join('/')
}

export async function discoverZip(
  fsPath: string,
  opts: { maxFileBytes: number; zip?: Partial<ZipLimits> },
): Promise<ZipDiscovery> {
  const display = basename(fsPath)
  const { entries, errors } = await readZipDirectory(fsPath, opts.zip, display)
  const files = entries
    .filter((e) => !e.isDirectory)
    .map((e) => ({ e, segs: normSegments(e.name) }))
  const layout = detectLayout(files.map((f) => f.segs))
  const ctx: ClassifyContext = {
    mode: layout.mode,
    exchangeRoots: [],
    webRootPrefixes: [],
    logDirPrefixes: [],
    loose: layout.layouts[0] === 'triage-folder' && layout.mode.kind === 'none',
  }
  const exchangeRoots = new Map<string, string>()
  for (const { e, segs } of files) {
    for (const m of MARKERS) {
      const i = indexOfSeq(segs, m)
      if (i < 0 || (m[1] !== 'exsetup.exe' && i + 2 >= segs.length)) continue
      const key = segs.slice(0, i).join('/')
      if (!exchangeRoots.has(key)) {
        exchangeRoots.set(key, i === 0 ? `${display}!.` : `${display}!${rawPrefix(e.name, i)}`)
        ctx.exchangeRoots.push(segs.slice(0, i))
      }
    }
  }
  for (const { e, segs } of files) {
    if (segs.length < APPHOST.length || !startsWithSeq(segs.slice(-APPHOST.length), APPHOST))
      continue
    const driveSegs = segs.slice(0, -APPHOST.length)
    const letter = [...layout.drives].find(([, p]) => p.join('/') === driveSegs.join('/'))?.[0]
    if (!letter || e.size > opts.maxFileBytes) continue
    try {
      const bytes = await buffer(openRef(zipEntryRef(fsPath, e)))
      const { host, error } = readApplicationHost(bytes, `${display}!${e.name}`)
      if (error) errors.push(error)
      const t = iisTargets(host, letter, layout.drives)
      ctx.webRootPrefixes.push(...t.webRoots)
      ctx.logDirPrefixes.push(...t.logDirs)
    } catch (err) {
      errors.push({
        code: errCode((err as { code?: string }).code),
        path: `${display}!${e.name}`,
        message: (err as Error).message,
      })
    }
  }
  const artefacts: Artefact[] = []
  const webRoots = new Set<string>()
  for (const { e, segs } of files) {
    for (let n = 1; n < segs.length; n++) {
      if (isWebRootTop(segs.slice(0, n), ctx)) webRoots.add(`${display}!${rawPrefix(e.name, n)}`)
    }
    let kind: ArtefactKind | null = classifySegments(segs, ctx)
    // Nested archives are evidence to list, never more input to open.
    if (!kind && ARCHIVE.test(e.name.toLowerCase())) kind = 'other'
    if (!kind) continue
    const path = `${display}!${e.name}`
    // An oversized web file is still listed: the scan reads its head and checks its name and path.
    if (kind === 'config' && e.size > opts.maxFileBytes) {
      errors.push({
        code: 'EXH_ERR_FILE_TOO_LARGE',
        path,
        message: `${e.size} bytes is over the ${opts.maxFileBytes}-byte limit for ${kind}s; not scanned`,
      })
      continue
    }
    const ref = zipEntryRef(fsPath, e)
    const windowsPath = windowsPathOf(e.name, layout.mode)
    artefacts.push({
      kind,
      path,
      size: e.size,
      ref,
      open: () => openRef(ref),
      ...(windowsPath ? { windowsPath } : {}),
      ...(e.mtime ? { mtime: e.mtime } : {}),
      ...(e.btime ? { btime: e.btime } : {}),
    })
  }
  return {
    layout: { ...layout, layouts: ['zip', ...layout.layouts] },
    artefacts: artefacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    exchangeRoots: [...exchangeRoots.values()].sort(),
    webRoots: [...webRoots].sort(),
    errors,
  }
}

/** Our codes pass through; a raw OS code (ENOENT) gets the EXH_ERR_FS_ prefix every other item uses. */
function errCode(code: string | undefined): string {
  if (!code) return 'EXH_ERR_READ'
  return /^EXH_ERR_[A-Z]/.test(code) ? code : `EXH_ERR_FS_${code}`
}
