// Runs the real CLI (`bin/exhunt.js`) in a child process, the way a responder or a script does.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HuntReport } from '../../src/shared/types.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'

export const BIN = join(REPO_ROOT, 'bin', 'exhunt.js')
export const DEMO = join(REPO_ROOT, 'demo', 'evidence')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  timeoutMs?: number
  /** Working directory (default: the repository root); relative evidence paths are read from it. */
  cwd?: string
}

/** Environment without colour switches, so each test sets exactly the ones it is about. */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS']) delete env[k]
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

export function runCli(args: readonly string[], o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: o.cwd ?? REPO_ROOT,
        env: baseEnv(o.env),
        timeout: o.timeoutMs ?? 60_000,
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean }) | null
        if (e?.killed) reject(new Error(`exhunt ${args.join(' ')} timed out\n${stderr}`))
        else if (e && typeof e.code !== 'number') reject(e)
        else resolve({ code: typeof e?.code === 'number' ? e.code : 0, stdout, stderr })
      },
    )
  })
}

export interface HuntRun extends CliResult {
  report: HuntReport
}

/** `exhunt hunt PATH --format json -o FILE ...`; the report is read back from the file `-o` wrote. */
export async function huntJson(path: string, extra: readonly string[] = []): Promise<HuntRun> {
  const out = join(tmpDir('exhunt-e2e-out-'), 'report.json')
  const r = await runCli(['hunt', path, '--format', 'json', '--no-progress', '-o', out, ...extra])
  if (r.code === 2) throw new Error(`exhunt hunt ${path} failed (exit 2): ${r.stderr}`)
  return { ...r, report: JSON.parse(readFileSync(out, 'utf8')) as HuntReport }
}

export function rulesOf(report: HuntReport): Set<string> {
  return new Set(report.findings.map((f) => f.rule))
}

/** A finding summary for assertion messages: enough to see what came out without the whole report. */
export function brief(report: HuntReport): string {
  const rows = report.findings.map((f) => `${f.severity} ${f.rule} ${f.outcome} ${f.source.path}`)
  return `verdict ${report.verdict}; ${rows.length} findings:\n${[...new Set(rows)].slice(0, 40).join('\n')}`
}
