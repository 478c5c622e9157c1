// File half of the hunt: web shells (YARA, heuristics, known-good baseline, IOCs) and the
// post-exploitation artefacts attackers leave elsewhere (dumps, staged archives, IIS config, tasks).
import { join } from 'node:path'
import { loadArtefactRules } from '../content/artefacts/load-artefact-rules.ts'
import { loadBaselines } from '../content/baseline/load-baseline.ts'
import { contentIssueErrors } from '../content/issues.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { loadYara } from '../content/yara/load-yara.ts'
import { compileIocs, type Ioc } from '../detect/ioc/index.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { Evidence } from '../sources/discover.ts'
import { defaultWorkers } from './pool.ts'
import type { HuntOptions } from './run.ts'
import { scanArtefacts } from './scan-artefacts.ts'
import { scanWebFiles } from './scan-files.ts'

export interface FilesOutcome {
  files: number
  bytes: number
  /** Artefacts looked at for post-exploitation traces (dumps, archives, IIS config, tasks). */
  artefacts: number
  rules: number
}

export async function huntFiles(
  evidence: Evidence,
  /** `iocs`: shipped and `--ioc` indicators, loaded (and their problems reported) once by run.ts. */
  opts: HuntOptions & { contentRoot: string; maxFileBytes: number; iocs: readonly Ioc[] },
  emit: (f: Finding) => void,
  errors: ItemError[],
): Promise<FilesOutcome> {
  const root = opts.contentRoot
  const webfiles = evidence.artefacts.filter((a) => a.kind === 'webfile')

  // Worker threads compile their own scanners; this thread only validates (and compiles if it scans).
  const yara = loadYara(root, [], { compile: false })
  for (const s of yara.skipped) {
    errors.push({
      code: 'EXH_ERR_CONTENT',
      path: s.file,
      message: `YARA rules skipped: ${s.reason}`,
    })
  }
  const heuristics = loadHeuristics(root)
  for (const p of heuristics.problems) {
    errors.push({ code: 'EXH_ERR_CONTENT', path: 'content/rules/webfile', message: String(p) })
  }
  const baseline = loadBaselines([join(root, 'baselines'), ...(opts.baselines ?? [])])
  errors.push(...baseline.errors.filter((e) => e.code !== 'EXH_ERR_BASELINE_EMPTY'))
  const allIocs = opts.iocs
  const iocs = compileIocs(allIocs)

  let bytes = 0
  const total = webfiles.reduce((n, a) => n + a.size, 0)
  const web = await scanWebFiles(
    webfiles,
    {
      yara,
      heuristics,
      baseline: baseline.baseline,
      iocFile: (file, e) => iocs.matchFile(file, e),
      iocs: allIocs,
      maxFileBytes: opts.maxFileBytes,
      workers: opts.workers ?? defaultWorkers(),
    },
    {
      finding: emit,
      error: (e) => errors.push(e),
      progress: (b) => {
        bytes += b
        opts.onProgress?.({ phase: 'files', done: bytes, total, unit: 'bytes' })
      },
    },
  )
  iocs.flush(emit)

  const artefactRules = loadArtefactRules(root)
  errors.push(...contentIssueErrors(artefactRules.issues))
  const art = await scanArtefacts(
    evidence.artefacts.filter((a) => a.kind !== 'log' && a.kind !== 'evtx' && a.kind !== 'binary'),
    { rules: artefactRules.rules },
    { finding: emit, error: (e) => errors.push(e) },
  )
  return {
    files: web.files,
    bytes: web.bytes,
    artefacts: art.files,
    rules: yara.rules.size + heuristics.rules.length + artefactRules.rules.rules.length,
  }
}
