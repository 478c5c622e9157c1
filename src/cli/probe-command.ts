// `exhunt probe TARGETS`: check the flags, stream the targets through the runner, write each result
// as it is judged (text table, JSON, NDJSON or CSV; --resume appends NDJSON), progress on stderr,
// pick the exit code.
import cliProgress from 'cli-progress'
import { ProbeTally } from '../analysis/probe-tally.ts'
import { loadContent } from '../content/load.ts'
import { contentRoot } from '../content/root.ts'
import { compiledProbe } from '../probe/probe.ts'
import { ResumeLog, readResume } from '../probe/resume.ts'
import { DEFAULT_CONCURRENCY, type ProbeRunSummary, runProbe } from '../probe/run.ts'
import { parseRange, readTargets, type TargetSource } from '../probe/targets.ts'
import { type ProbeFormat, probeStream } from '../report/probe/index.ts'
import type { ProbeLevel, ProbeVerdict } from '../shared/probe.ts'
import { useColor } from './color.ts'
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_NO_EVIDENCE } from './exit-codes.ts'
import { fileOutput, stdoutOutput } from './output.ts'
import { say } from './say.ts'
import { stopOnSignals } from './signals.ts'

export interface ProbeCliOptions {
  file: string[]
  checks: ProbeLevel
  sni?: string
  format?: ProbeFormat
  output?: string
  concurrency?: number
  /** Requests per second, whole run. */
  rate?: number
  /** Requests per second per /24 or /64. */
  netRate?: number
  timeout?: number
  connectTimeout?: number
  targetTimeout?: number
  retries?: number
  resume?: string
  content?: string
  progress: boolean
  color?: boolean
}

/**
 * 1: a target is vulnerable or likely compromised. 3: could not tell: nothing answered HTTP, the run
 * was stopped, or an input item is not a target. 0: every target answered and is patched or not
 * Exchange. (2, a failed run, is the caller's.) docs: README "Exit codes".
 */
export function probeExitCode(
  summary: ProbeRunSummary,
  tally: Pick<ProbeTally, 'targetErrorCount'>,
): number {
  // With --resume, `verdicts` holds the earlier runs' results too (the CLI adds them).
  const v = summary.verdicts
  const judged = Object.values(v).reduce((a, b) => a + b, 0)
  if (v.vulnerable > 0 || v['likely-compromised'] > 0) return EXIT_FINDINGS
  if (!summary.complete) return EXIT_NO_EVIDENCE
  if (tally.targetErrorCount > 0) return EXIT_NO_EVIDENCE
  if (judged === 0 || v.unreachable === judged) return EXIT_NO_EVIDENCE
  return EXIT_CLEAN
}

function usage(message: string): number {
  say(message)
  return EXIT_ERROR
}

function formatOf(o: ProbeCliOptions): ProbeFormat {
  if (o.format) return o.format
  const ext = /\.([a-z]+)$/i.exec(o.output ?? '')?.[1]?.toLowerCase()
  if (ext === 'json') return 'json'
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson'
  if (ext === 'csv') return 'csv'
  return 'text'
}

/** Targets counted up front only when every source is an argument (files are streamed once). */
function knownTotal(sources: readonly TargetSource[]): number | undefined {
  let n = 0
  for (const s of sources) {
    if (!('arg' in s)) return undefined
    const r = parseRange(s.arg)
    n += r && typeof r !== 'string' ? r.count : 1
  }
  return n
}

export async function runProbeCommand(targets: string[], o: ProbeCliOptions): Promise<number> {
  const sources: TargetSource[] = [
    ...targets.map((t) => (t === '-' ? { stdin: true as const } : { arg: t })),
    ...o.file.map((f) => (f === '-' ? { stdin: true as const } : { file: f })),
  ]
  if (sources.length === 0)
    return usage('probe: give targets (host, IP, host:port, URL, CIDR) or -f FILE')
  if (sources.filter((s) => 'stdin' in s).length > 1)
    return usage('probe: stdin (-) can be read once')
  const format = formatOf(o)
  const out = o.output ? fileOutput(o.output) : stdoutOutput()
  if (typeof out === 'string') return usage(out)
  let resumeLog: ResumeLog | undefined
  const stop = stopOnSignals('results so far are kept')
  const bar = progressBar(o.progress && !!process.stderr.isTTY, knownTotal(sources))
  try {
    const content = loadContent(o.content ?? contentRoot(), { yara: false, nativeRules: false })
    const compiled = compiledProbe(content)
    for (const i of compiled.issues) say(`content: ${i.file}: ${i.message}`)
    const resume = o.resume ? await readResume(o.resume) : undefined
    if (o.resume) resumeLog = new ResumeLog(o.resume)
    if (resume && resume.done.size > 0) say(`--resume: ${resume.done.size} target(s) already done`)
    const startedAt = new Date().toISOString()
    const meta = {
      sources: sources.map((s) => ('arg' in s ? s.arg : 'file' in s ? s.file : '-')),
      level: o.checks,
      contentVersion: content.content.version,
      startedAt,
    }
    const tally = new ProbeTally()
    const color = format === 'text' && !out.toFile && useColor(o.color, !!process.stdout.isTTY)
    const writer = probeStream(
      format,
      tally.report(meta, { finishedAt: startedAt, complete: true, skipped: 0, requests: 0 }),
      (s) => out.write(s),
      { color, width: out.toFile ? undefined : process.stdout.columns },
    )
    const summary = await runProbe(readTargets(sources, o.sni ? { sni: o.sni } : {}), {
      compiled,
      level: o.checks,
      concurrency: o.concurrency ?? DEFAULT_CONCURRENCY,
      ...(o.rate ? { rate: o.rate } : {}),
      ...(o.netRate ? { netRate: o.netRate } : {}),
      limits: {
        ...(o.timeout ? { timeoutMs: o.timeout } : {}),
        ...(o.connectTimeout ? { connectTimeoutMs: o.connectTimeout } : {}),
      },
      ...(o.targetTimeout ? { targetTimeoutMs: o.targetTimeout } : {}),
      ...(o.retries !== undefined ? { retries: o.retries } : {}),
      signal: stop.signal,
      ...(resume ? { done: (k: string) => resume.done.has(k) } : {}),
      onResult(r) {
        tally.add(r)
        resumeLog?.append(r)
        bar.clear()
        writer.result(r)
      },
      onTargetError(e) {
        tally.addError(e)
        if (format !== 'text') say(`not a target: ${e.where}: ${e.input}: ${e.message}`)
      },
      onProgress: (p) => bar.update(p.done + p.skipped, p.inFlight, tally),
    })
    bar.stop()
    writer.end(
      tally.report(meta, {
        finishedAt: summary.finishedAt,
        complete: summary.complete,
        ...(summary.stopped ? { stopped: summary.stopped } : {}),
        skipped: summary.skipped,
        requests: summary.requests,
      }),
    )
    const verdicts = { ...summary.verdicts }
    if (resume)
      for (const [k, n] of Object.entries(resume.verdicts)) verdicts[k as ProbeVerdict] += n
    return probeExitCode({ ...summary, verdicts }, tally)
  } finally {
    bar.stop()
    stop.dispose()
    resumeLog?.close()
    await out.close()
  }
}

/** Progress on stderr (a TTY only): targets done, in flight, vulnerable so far, rate. */
function progressBar(enabled: boolean, total: number | undefined) {
  if (!enabled) return { update() {}, clear() {}, stop() {} }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        total !== undefined
          ? 'probe [{bar}] {value}/{total} | {inflight} in flight | {vuln} vulnerable | {rate}/s | eta {eta_formatted}'
          : 'probe {value} done | {inflight} in flight | {vuln} vulnerable | {rate}/s',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  )
  const t0 = Date.now()
  bar.start(total ?? 0, 0, { inflight: 0, vuln: 0, rate: '0' })
  let stopped = false
  return {
    update(done: number, inflight: number, tally: ProbeTally) {
      if (stopped) return
      const rate = (done / Math.max(0.001, (Date.now() - t0) / 1000)).toFixed(1)
      const vuln = tally.verdicts.vulnerable + tally.verdicts['likely-compromised']
      bar.update(done, { inflight, vuln, rate })
    },
    /** Rows of the text table go to stdout; the bar redraws itself on its next update. */
    clear() {},
    stop() {
      if (stopped) return
      stopped = true
      bar.stop()
    },
  }
}
