// Worker thread: compiles YARA, heuristics and IOCs once, then scans batches of web files synchronously.
import { parentPort, workerData } from 'node:worker_threads'
import { compileYaraSources } from '../content/yara/load-yara.ts'
import { compileIocs } from '../detect/ioc/index.ts'
import { toItemError } from '../shared/errors.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { openRef } from '../sources/open.ts'
import type { WebFileJob, WebFileJobResult, WebWorkerData } from './webfile-job.ts'
import { readRefCapped } from './webfile-read.ts'
import {
  finishWebFile,
  type WebFileMeta,
  type WebScanEngine,
  type YaraPassed,
  type YaraScanner,
  yaraNotCompiled,
  yaraPass,
} from './webfile-scan.ts'

const port = parentPort
if (!port) throw new Error('webfile-worker must run in a worker thread')

const data = workerData as WebWorkerData
let startError: ItemError | undefined
let scanner: YaraScanner | null = null
try {
  scanner = compileYaraSources(data.yaraSources)
} catch (err) {
  startError = yaraNotCompiled(err)
}
const iocs = compileIocs(data.iocs)
const engine: WebScanEngine = {
  scanner,
  yaraRules: data.yaraRules,
  heuristics: data.heuristics,
  baseline: data.baseline,
  iocFile: (file, emit) => iocs.matchFile(file, emit),
}

/** A file read and through `yaraPass`, waiting for the JS checks. */
interface Pending {
  meta: WebFileMeta
  bytes: Buffer
  passed: YaraPassed | undefined
  errors: ItemError[]
}

port.on('message', async ({ jobIndex, job }: { jobIndex: number; job: WebFileJob }) => {
  const findings: Finding[] = []
  const errors: ItemError[] = startError ? [startError] : []
  startError = undefined
  const result: WebFileJobResult = { findings, errors, files: 0, bytes: 0 }
  // Pass 1 reads and YARA-scans the whole batch, pass 2 runs the JS checks; errors keep file order.
  const pending: (Pending | ItemError[])[] = []
  for (const item of job.items) {
    const own: ItemError[] = []
    try {
      const bytes = await readRefCapped(item.ref, item.meta.path, data.maxFileBytes, () =>
        openRef(item.ref),
      )
      pending.push({
        meta: item.meta,
        bytes,
        passed: yaraPass(engine, item.meta, bytes, own),
        errors: own,
      })
    } catch (err) {
      own.push(toItemError(err, item.meta.path))
      pending.push(own)
    }
  }
  for (const p of pending) {
    if (Array.isArray(p)) {
      errors.push(...p)
      continue
    }
    errors.push(...p.errors)
    try {
      const f = p.passed && finishWebFile(engine, p.meta, p.bytes, p.passed)
      if (f) findings.push(f)
      result.files++
      result.bytes += p.bytes.length
    } catch (err) {
      errors.push(toItemError(err, p.meta.path))
    }
  }
  iocs.flush((f) => findings.push(f))
  port.postMessage({ type: 'result', jobIndex, data: result })
})
port.postMessage({ type: 'ready' })
