// Post-exploitation artefacts on disk: dumps, staged archives, scheduled tasks, IIS configs. Reads only what
// the rules need (the first 64 KiB, a zip's central directory, a task or config's text; whole files only to
// hash them below 64 MiB), never extracts or runs anything, and turns every unreadable item into an error.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import {
  type ArtefactContext,
  type ArtefactInput,
  type ArtefactTarget,
  archiveKind,
  artefactEngine,
  artefactFinding,
  type CompiledArtefactRule,
  type CompiledArtefactRules,
  isMinidump,
  locationsOf,
  taskCommands,
  taskUri,
} from '../detect/artefacts/index.ts'
import { ExhuntError, toItemError } from '../shared/errors.ts'
import type { FileFacts, Finding, ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import { type ApplicationHost, applicationHostFrom } from '../sources/iis-config.ts'
import { readHead } from '../sources/open.ts'
import { readXml, type XmlRead, xmlErrorMessage } from '../sources/xml/read.ts'
import { readZipDirectory, type ZipLimits } from '../sources/zip/index.ts'

export interface ArtefactScanContext {
  rules: CompiledArtefactRules
  /** applicationHost.config files discovery already parsed (matched by display path); others are parsed here. */
  iis?: readonly { path: string; host: ApplicationHost }[]
  zipLimits?: Partial<ZipLimits>
  /** Whole-file hashes only below this size (default 64 MiB); above it the finding carries no hash. */
  maxHashBytes?: number
  /** Stops the scan between artefacts. */
  signal?: AbortSignal
  /** Task XML and configs read at most (default 8 MiB). */
  maxTextBytes?: number
  /** Nested archives (inside an evidence zip) copied to a temp file to be listed, at most (default 256 MiB). */
  maxNestedArchiveBytes?: number
}

export interface ArtefactScanSink {
  finding(f: Finding): void
  error(e: ItemError): void
}

/** The context with the artefact engine compiled once per scan. */
interface Scan extends ArtefactScanContext {
  hits(targets: readonly ArtefactTarget[], input: ArtefactInput): CompiledArtefactRule[]
}

export const HEAD_BYTES = 64 * 1024
const DEFAULT_HASH_MAX = 64 * 1024 * 1024
const DEFAULT_TEXT_MAX = 8 * 1024 * 1024
const DEFAULT_NESTED_MAX = 256 * 1024 * 1024
const NESTED_WORTH = new Set<string>(['programdata', 'windows-temp', 'c-root', 'users', 'web-root'])
const FILE_EXT = /\.(?:dmp|mdmp|hdmp|zip|7z|rar|cab)$/i

type Plan = 'file' | 'task' | 'config'

function baseName(p: string): string {
  const s = p.slice(p.lastIndexOf('!') + 1).replace(/\\/g, '/')
  return s.slice(s.lastIndexOf('/') + 1)
}

function planFor(a: Artefact): Plan | undefined {
  const name = baseName(a.path).toLowerCase()
  if (a.kind === 'config')
    return name === 'web.config' || name === 'applicationhost.config' ? 'config' : undefined
  if (a.kind === 'webfile')
    return name === 'web.config' ? 'config' : FILE_EXT.test(name) ? 'file' : undefined
  if (a.kind !== 'other') return undefined
  return locationsOf(a.path, a.windowsPath).has('system32-tasks') ? 'task' : 'file'
}

/** A task or config read as XML; what a strict reader would refuse is an item error, and what could be
 * read is still judged (a truncated or tampered file is exactly what an attacker leaves). */
async function readXmlItem(a: Artefact, max: number, sink: ArtefactScanSink): Promise<XmlRead> {
  if (a.size > max)
    throw new ExhuntError(
      'EXH_ERR_FILE_TOO_LARGE',
      `${a.path} is over the ${max}-byte limit for tasks and configs; not read`,
    )
  const read = readXml(await readHead(a.open(), max))
  if (read.doc.errors.length)
    sink.error({ code: 'EXH_ERR_XML', path: a.path, message: xmlErrorMessage(read.doc) })
  return read
}

function xmlInput(a: Artefact, read: XmlRead): ArtefactInput & { text: string } {
  return { ...inputOf(a), text: read.text, xml: read.doc }
}

async function fileFacts(a: Artefact, maxHash: number, sink: ArtefactScanSink): Promise<FileFacts> {
  const facts: FileFacts = { size: a.size }
  if (a.mtime) facts.mtime = a.mtime
  if (a.ctime) facts.ctime = a.ctime
  if (a.btime) facts.btime = a.btime
  if (a.size >= maxHash) return facts
  const h = [createHash('sha256'), createHash('sha1'), createHash('md5')] as const
  try {
    for await (const chunk of a.open()) for (const x of h) x.update(chunk as Buffer)
    facts.sha256 = h[0].digest('hex')
    facts.sha1 = h[1].digest('hex')
    facts.md5 = h[2].digest('hex')
  } catch (err) {
    sink.error(toItemError(err, a.path))
  }
  return facts
}

/** Zip members by name; nested zips (inside the evidence zip) are copied to a temp file first. */
async function zipMembers(
  a: Artefact,
  ctx: ArtefactScanContext,
  sink: ArtefactScanSink,
): Promise<string[] | undefined> {
  let fsPath: string
  let tmp: string | undefined
  if (a.ref.type === 'file') fsPath = a.ref.fsPath
  else {
    // Copying a nested archive costs its whole size; only where the archive rules look (staging, web roots).
    const loc = locationsOf(a.path, a.windowsPath)
    if (![...loc].some((l) => NESTED_WORTH.has(l))) return undefined
    const max = ctx.maxNestedArchiveBytes ?? DEFAULT_NESTED_MAX
    if (a.size > max) {
      sink.error({
        code: 'EXH_ERR_ARCHIVE_NOT_LISTED',
        path: a.path,
        message: `nested archive over ${max} bytes; judged by name only`,
      })
      return undefined
    }
    tmp = await mkdtemp(join(tmpdir(), 'exhunt-nested-'))
    fsPath = join(tmp, 'a.zip')
    try {
      await pipeline(a.open(), createWriteStream(fsPath, { flags: 'wx' }))
    } catch (err) {
      await rm(tmp, { recursive: true, force: true })
      throw err
    }
  }
  try {
    const { entries, errors } = await readZipDirectory(fsPath, ctx.zipLimits, a.path)
    for (const e of errors) sink.error(e)
    return entries.filter((e) => !e.isDirectory).map((e) => e.name)
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  }
}

function emit(
  ctx: Scan,
  sink: ArtefactScanSink,
  targets: readonly ArtefactTarget[],
  input: ArtefactInput,
  extra: Omit<ArtefactContext, 'target'>,
): void {
  const hits = ctx.hits(targets, input)
  const f = artefactFinding(hits, input, { target: targets[0]!, ...extra })
  if (f) sink.finding(f)
}

async function scanFile(a: Artefact, ctx: Scan, sink: ArtefactScanSink): Promise<void> {
  const head = await readHead(a.open(), HEAD_BYTES)
  const input = inputOf(a)
  input.head = head
  const fields: Record<string, string> = {}
  const targets: ArtefactTarget[] = ['file']
  const kind = archiveKind(input.name, head)
  if (kind) {
    targets.push('archive')
    fields.archive = kind
    if (kind === 'zip') {
      const members = await zipMembers(a, ctx, sink)
      if (members) {
        input.members = members
        fields.members = `${members.length} ${members.length === 1 ? 'entry' : 'entries'}: ${members.slice(0, 20).join(', ')}${members.length > 20 ? ', ...' : ''}`
      }
    }
  }
  if (isMinidump(head)) fields.signature = 'MiniDump (MDMP)'
  if (ctx.hits(targets, input).length === 0) return
  const file = await fileFacts(a, ctx.maxHashBytes ?? DEFAULT_HASH_MAX, sink)
  emit(ctx, sink, targets, input, { fields, file })
}

function inputOf(a: Artefact): ArtefactInput {
  const input: ArtefactInput = { path: a.path, name: baseName(a.path), size: a.size }
  if (a.windowsPath) input.windowsPath = a.windowsPath
  return input
}

async function scanTask(a: Artefact, ctx: Scan, sink: ArtefactScanSink): Promise<void> {
  const read = await readXmlItem(a, ctx.maxTextBytes ?? DEFAULT_TEXT_MAX, sink)
  const input = xmlInput(a, read)
  if (ctx.hits(['task'], input).length === 0) return
  const fields: Record<string, string> = { command: taskCommands(read.doc).join(' | ') }
  const uri = taskUri(read.doc)
  if (uri) fields.task = uri
  const file = await fileFacts(a, ctx.maxHashBytes ?? DEFAULT_HASH_MAX, sink)
  emit(ctx, sink, ['task'], input, { fields, file })
}

async function scanConfig(a: Artefact, ctx: Scan, sink: ArtefactScanSink): Promise<void> {
  const read = await readXmlItem(a, ctx.maxTextBytes ?? DEFAULT_TEXT_MAX, sink)
  const input = xmlInput(a, read)
  if (ctx.hits(['config'], input).length > 0) {
    const file = await fileFacts(a, ctx.maxHashBytes ?? DEFAULT_HASH_MAX, sink)
    emit(ctx, sink, ['config'], input, { file })
  }
  if (input.name.toLowerCase() !== 'applicationhost.config') return
  const host = ctx.iis?.find((h) => h.path === a.path)?.host ?? applicationHostFrom(read.doc)
  for (const site of host.sites) {
    for (const app of site.apps) {
      for (const vdir of app.vdirs) {
        const name = `${site.name}${app.path}${vdir.path === '/' ? '' : vdir.path}`
        const v: ArtefactInput = { path: a.path, windowsPath: vdir.physicalPath, name, size: 0 }
        const fields = {
          site: site.name,
          application: app.path,
          virtualDirectory: vdir.path,
          physicalPath: vdir.physicalPath,
        }
        const where = `${site.name}${app.path === '/' ? '' : app.path}${vdir.path === '/' ? '' : vdir.path}`
        const detail = `virtual directory ${where} -> ${vdir.physicalPath}`
        emit(ctx, sink, ['iis-vdir'], v, { fields, detail, key: name })
      }
    }
  }
}

/** Scans the artefacts the rules can judge; one finding per item (per vdir for applicationHost.config). */
export async function scanArtefacts(
  artefacts: readonly Artefact[],
  context: ArtefactScanContext,
  sink: ArtefactScanSink,
): Promise<{ files: number; cut: number }> {
  const engine = artefactEngine.compile(context.rules).session()
  const ctx: Scan = {
    ...context,
    hits(targets, input) {
      const out: CompiledArtefactRule[] = []
      engine.match({ targets, input }, (r) => out.push(r))
      return out
    },
  }
  const work = artefacts.flatMap((a) => {
    const plan = planFor(a)
    return plan ? [{ a, plan }] : []
  })
  let next = 0
  const worker = async () => {
    while (next < work.length && !ctx.signal?.aborted) {
      const { a, plan } = work[next++]!
      try {
        if (plan === 'file') await scanFile(a, ctx, sink)
        else if (plan === 'task') await scanTask(a, ctx, sink)
        else await scanConfig(a, ctx, sink)
      } catch (err) {
        sink.error(toItemError(err, a.path))
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(4, work.length) }, worker))
  return { files: next, cut: work.length - next }
}
