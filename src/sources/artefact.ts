// An artefact is one readable item of evidence: a file on disk or an entry inside a zip.
// Everything downstream reads through this interface, so zip entries and files look the same.
import type { Readable } from 'node:stream'
import type { ZipEntryLocator } from './zip/entry-stream.ts'
import type { ZipEntry } from './zip/zip-types.ts'

export type ArtefactKind =
  | 'log' // a text log (IIS W3C or Exchange CSV); logType decided by sources/logs from header and path
  | 'webfile' // a file under a web-served or attacker-favoured folder (aspx, ashx, config, dll, ...)
  | 'evtx'
  | 'config' // applicationHost.config, web.config, Exchange *.config
  | 'binary' // ExSetup.exe, Microsoft.Exchange.*.dll (version resource only, never run)
  | 'other'

export interface Artefact {
  kind: ArtefactKind
  /** Display path: relative to the evidence root with forward slashes; `archive.zip!inner/path` inside zips. */
  path: string
  /** Path with Windows semantics guessed from the layout, e.g. `C:\inetpub\wwwroot\aspnet_client\x.aspx`. */
  windowsPath?: string
  size: number
  mtime?: string
  ctime?: string
  btime?: string
  /** Serialisable locator: a worker thread reopens the artefact from it with `openRef` (sources/open.ts). */
  ref: ArtefactRef
  /** Opens a fresh read-only stream of the (decompressed) bytes. */
  open(): Readable
  /** Recognised but not read, and why (listed in the report's `coverage.unread`). */
  unread?: { kind: string; reason: string }
}

/** Plain data, safe to post to a worker thread. */
export type ArtefactRef = FileRef | ZipEntryRef | GzipRef

export interface FileRef {
  type: 'file'
  fsPath: string
}

/** Where an entry's bytes sit in its archive on disk (the fields the zip reader opens it by). */
export interface ZipEntryRef extends ZipEntryLocator {
  type: 'zip-entry'
}

/** The plain-data ref of one zip entry (workers reopen it with `openRef`). */
export function zipEntryRef(archive: string, e: ZipEntry): ZipEntryRef {
  return {
    type: 'zip-entry',
    archive,
    entryName: e.name,
    localHeaderOffset: e.localHeaderOffset,
    compressedSize: e.compressedSize,
    size: e.size,
    method: e.method,
  }
}

/** A gzip stream (a rotated `u_ex210301.log.gz`) in a file or a zip entry: read decompressed, with caps. */
export interface GzipRef {
  type: 'gzip'
  inner: FileRef | ZipEntryRef
}
