// `--resume FILE`: the NDJSON results of earlier runs (the same lines `--format ndjson` prints). Targets
// found there are skipped; every new result is appended as it is judged, so a run stopped at any
// point (Ctrl-C, a crash, a reboot) resumes where it was. A last line cut short by a crash is ignored.
// Memory: one key per target done (input and host, ~100 bytes): 1 million done targets ≈ 100 MB.
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs'
import { createInterface } from 'node:readline'
import { emptyVerdicts } from '../analysis/probe-tally.ts'
import type { ProbeTargetResult, ProbeVerdict } from '../shared/probe.ts'
import { targetKey } from './targets.ts'

export interface ResumeState {
  done: Set<string>
  /** Verdicts of the results found, so the exit code covers the earlier runs too. */
  verdicts: Record<ProbeVerdict, number>
  /** Lines that are not results (the summary line, a line cut short). */
  ignored: number
}

export async function readResume(path: string): Promise<ResumeState> {
  const done = new Set<string>()
  const verdicts = emptyVerdicts()
  let ignored = 0
  if (!existsSync(path)) return { done, verdicts, ignored }
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })
  for await (const line of lines) {
    if (line.trim() === '') continue
    try {
      const r = JSON.parse(line) as Partial<ProbeTargetResult>
      const t = r.target
      if (t && typeof t.input === 'string' && typeof t.host === 'string') {
        const key = targetKey(t.input, t.host)
        if (!done.has(key) && r.verdict && r.verdict in verdicts) verdicts[r.verdict]++
        done.add(key)
      } else ignored++
    } catch {
      ignored++
    }
  }
  return { done, verdicts, ignored }
}

/** Appends one result per line; synchronous so that a result the run reported is on disk. */
export class ResumeLog {
  private fd: number
  constructor(path: string) {
    this.fd = openSync(path, 'a+')
    // A line cut short by a crash must not swallow the next result: start on a fresh line.
    const size = fstatSync(this.fd).size
    if (size > 0) {
      const last = Buffer.alloc(1)
      readSync(this.fd, last, 0, 1, size - 1)
      if (last[0] !== 0x0a) writeSync(this.fd, '\n')
    }
  }
  append(r: ProbeTargetResult): void {
    writeSync(this.fd, `${JSON.stringify(r)}\n`)
  }
  close(): void {
    closeSync(this.fd)
  }
}
