// Evidence discovery behind `exhunt hunt PATH`: a mounted drive or image root, an Exchange install
// folder, a triage collection (KAPE, CyLR, Velociraptor), a zip of any of these read in place, or one
// log file. Returns artefacts classified by path; nothing is read beyond names, sizes and configs.
import { open, realpath, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { ItemError } from '../shared/types.ts'
import type { Artefact, ArtefactKind } from './artefact.ts'
import { discoverDirectory } from './discover-dir.ts'
import { discoverZip } from './discover-zip.ts'
import { expandLogArchives } from './log-archives.ts'
import { openRef } from './open.ts'
import type { ZipLimits } from './zip/zip-types.ts'

export interface DiscoverOptions {
  /**
   * Configs bigger than this become EXH_ERR_FILE_TOO_LARGE (default 32 MiB); web files bigger than this
   * are listed and scanned in part (hunt/webfile-read.ts); logs have no cap.
   */
  maxFileBytes?: number
  zip?: Partial<ZipLimits>
  signal?: AbortSignal
}

export interface Evidence {
  input: string
  kind: 'directory' | 'zip' | 'file'
  layouts: string[]
  artefacts: Artefact[]
  /** Display paths of Exchange install roots found (…/Exchange Server/V15); `.` when the input is one. */
  exchangeRoots: string[]
  /** Display paths of folders scanned for web shells. */
  webRoots: string[]
  errors: ItemError[]
  close(): Promise<void>
}

export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024
const WEB_EXT = /\.(?:aspx|ashx|asmx|asax|ascx|asp|cshtml|svc|jsp|php)$/i

async function isZipFile(fsPath: string): Promise<boolean> {
  if (/\.zip$/i.test(fsPath)) return true
  const fh = await open(fsPath, 'r')
  try {
    const b = Buffer.alloc(4)
    await fh.read(b, 0, 4, 0)
    return b.readUInt32LE(0) === 0x04034b50 || b.readUInt32LE(0) === 0x06054b50
  } finally {
    await fh.close()
  }
}

function singleFileKind(name: string): ArtefactKind {
  const lower = name.toLowerCase()
  if (lower.endsWith('.evtx')) return 'evtx'
  if (lower.endsWith('.config')) return 'config'
  if (WEB_EXT.test(lower)) return 'webfile'
  return 'log'
}

function fileArtefact(
  kind: ArtefactKind,
  path: string,
  fsPath: string,
  size: number,
  extra: Partial<Artefact> = {},
): Artefact {
  const ref = { type: 'file' as const, fsPath }
  return { kind, path, size, ref, open: () => openRef(ref), ...extra }
}

export async function discoverEvidence(
  input: string,
  opts: DiscoverOptions = {},
): Promise<Evidence> {
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  const base = {
    input,
    exchangeRoots: [] as string[],
    webRoots: [] as string[],
    close: async () => {},
  }
  let real: string
  let st: Awaited<ReturnType<typeof stat>>
  try {
    real = await realpath(input)
    st = await stat(real)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const error = {
      code: e.code ? `EXH_ERR_FS_${e.code}` : 'EXH_ERR_INPUT',
      path: input,
      message: e.message,
    }
    return { ...base, kind: 'file', layouts: [], artefacts: [], errors: [error] }
  }
  if (st.isDirectory()) {
    const d = await discoverDirectory(real, {
      maxFileBytes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
    const artefacts = d.files.map((f) => {
      const extra: Partial<Artefact> = {}
      if (f.windowsPath) extra.windowsPath = f.windowsPath
      if (f.mtime) extra.mtime = f.mtime
      if (f.ctime) extra.ctime = f.ctime
      if (f.btime) extra.btime = f.btime
      return fileArtefact(f.kind, f.rel, f.fsPath, f.size, extra)
    })
    const logs = await expandLogArchives(artefacts, opts.zip, opts.signal)
    return {
      ...base,
      kind: 'directory',
      layouts: d.layout.layouts,
      artefacts: logs.artefacts,
      exchangeRoots: d.exchangeRoots,
      webRoots: d.webRoots,
      errors: [...d.errors, ...logs.errors],
    }
  }
  if (!st.isFile()) {
    const error = {
      code: 'EXH_ERR_NOT_REGULAR',
      path: input,
      message: 'input is neither a folder nor a regular file; not opened',
    }
    return { ...base, kind: 'file', layouts: [], artefacts: [], errors: [error] }
  }
  let zip = false
  try {
    zip = await isZipFile(real)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return {
      ...base,
      kind: 'file',
      layouts: [],
      artefacts: [],
      errors: [{ code: `EXH_ERR_FS_${e.code ?? 'READ'}`, path: input, message: e.message }],
    }
  }
  if (zip) {
    const z = await discoverZip(real, {
      maxFileBytes,
      ...(opts.zip ? { zip: opts.zip } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
    const logs = await expandLogArchives(z.artefacts, opts.zip, opts.signal)
    const errors =
      z.artefacts.length === 0 && z.errors.some((e) => e.path === basename(real))
        ? z.errors.map((e) => (e.path === basename(real) ? { ...e, path: input } : e))
        : z.errors
    errors.push(...logs.errors)
    return {
      ...base,
      kind: 'zip',
      layouts: z.layout.layouts,
      artefacts: logs.artefacts,
      exchangeRoots: z.exchangeRoots,
      webRoots: z.webRoots,
      errors,
    }
  }
  const name = basename(real)
  const kind = singleFileKind(name)
  const errors: ItemError[] = []
  const artefacts: Artefact[] = []
  // An oversized web file is still listed: the scan reads its head and checks its name and path.
  if (kind === 'config' && st.size > maxFileBytes) {
    errors.push({
      code: 'EXH_ERR_FILE_TOO_LARGE',
      path: name,
      message: `${st.size} bytes is over the ${maxFileBytes}-byte limit`,
    })
  } else {
    const one = fileArtefact(kind, name, real, st.size, {
      mtime: st.mtime.toISOString(),
      ctime: st.ctime.toISOString(),
    })
    // One rotated log given alone (u_ex210301.log.gz) is read decompressed.
    artefacts.push(...(await expandLogArchives([one])).artefacts)
  }
  return { ...base, kind: 'file', layouts: ['single-file'], artefacts, errors }
}
