// Rotated and compressed logs: admins gzip old logs (u_ex210301.log.gz) or zip a month of them
// (W3SVC1-2021-03.zip) beside the live ones. Discovery classified them as logs by name; here a `.gz`
// gets a gzip ref over its file or zip entry (read decompressed, with caps, by sources/open.ts), and a
// `.zip` on disk is listed (central directory only, nothing inflated) so its logs become artefacts of
// their own, `logs.zip!W3SVC1/u_ex210301.log`. A zip inside an evidence zip has no place on disk to
// read in place: it stays an archive the report lists as not read.
import type { ItemError } from '../shared/types.ts'
import {
  type Artefact,
  type ArtefactKind,
  type ArtefactRef,
  type FileRef,
  zipEntryRef,
} from './artefact.ts'
import { isLikelyLogFile } from './logs/detect-type.ts'
import { openRef } from './open.ts'
import { logPacking } from './walk/classify.ts'
import { readZipDirectory } from './zip/central-directory.ts'
import type { ZipLimits } from './zip/zip-types.ts'

export const NESTED_LOG_ZIP_REASON =
  'zipped logs inside the evidence zip are not opened; extract the evidence and hunt the folder'

function withRef(a: Artefact, ref: ArtefactRef): Artefact {
  return { ...a, ref, open: () => openRef(ref) }
}

/** Inside a zip of logs: text logs and gzipped logs are logs; anything else is an item to look at. */
function entryKind(name: string): ArtefactKind {
  const lower = name.toLowerCase()
  const base = lower.slice(lower.lastIndexOf('/') + 1)
  if (/\.(?:log|txt)(?:\.gz)?$/.test(base) || isLikelyLogFile(base)) return 'log'
  if (base.endsWith('.gz')) return 'log'
  return 'other'
}

/** The logs of a zip on disk, as artefacts with display paths `<zip display path>!<entry>`. */
async function zipLogs(
  zip: Artefact & { ref: FileRef },
  limits: Partial<ZipLimits> | undefined,
): Promise<{ artefacts: Artefact[]; errors: ItemError[] }> {
  const { entries, errors } = await readZipDirectory(zip.ref.fsPath, limits, zip.path)
  const artefacts: Artefact[] = []
  for (const e of entries) {
    if (e.isDirectory) continue
    const inner = zipEntryRef(zip.ref.fsPath, e)
    const gz = logPacking(e.name) === 'gzip'
    const ref: ArtefactRef = gz ? { type: 'gzip', inner } : inner
    const a: Artefact = {
      kind: entryKind(e.name),
      path: `${zip.path}!${e.name}`,
      size: gz ? e.compressedSize : e.size,
      ref,
      open: () => openRef(ref),
      ...(e.mtime ? { mtime: e.mtime } : {}),
      ...(e.btime ? { btime: e.btime } : {}),
    }
    artefacts.push(a)
  }
  return { artefacts, errors }
}

/**
 * Replaces compressed log artefacts by what can be read of them. `.gz` logs keep their place with a
 * gzip ref; `.zip` logs on disk are replaced by their entries; zips inside an evidence zip become
 * `other` artefacts marked as not read.
 */
export async function expandLogArchives(
  artefacts: readonly Artefact[],
  limits?: Partial<ZipLimits>,
  signal?: AbortSignal,
): Promise<{ artefacts: Artefact[]; errors: ItemError[] }> {
  const out: Artefact[] = []
  const errors: ItemError[] = []
  for (const a of artefacts) {
    const packing = a.kind === 'log' ? logPacking(a.path) : undefined
    // An aborted hunt lists no more log zips: each stays one artefact, not read.
    if (!packing || a.ref.type === 'gzip' || (packing !== 'gzip' && signal?.aborted)) {
      out.push(a)
    } else if (packing === 'gzip') {
      out.push(withRef(a, { type: 'gzip', inner: a.ref }))
    } else if (a.ref.type === 'file') {
      const z = await zipLogs(a as Artefact & { ref: FileRef }, limits)
      out.push(...z.artefacts)
      errors.push(...z.errors)
    } else {
      out.push({ ...a, kind: 'other', unread: { kind: 'archive', reason: NESTED_LOG_ZIP_REASON } })
    }
  }
  return { artefacts: out, errors }
}
