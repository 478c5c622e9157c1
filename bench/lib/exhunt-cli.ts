// How the benches call exhunt: the documented command line, and whether it works yet.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const EXHUNT = join(ROOT, 'bin', 'exhunt.js')

export function huntArgs(target: string, only: 'logs' | 'files', out: string): string[] {
  return [EXHUNT, 'hunt', target, '--only', only, '--format', 'json', '--no-progress', '-o', out]
}

/**
 * True when `exhunt hunt <evidence> --format json` writes a parsable report (exit 0 or 1); the
 * evidence is demo/evidence, or `fallback` (a small generated set) while the demo is not there.
 */
export function exhuntReady(fallback: string): { ok: boolean; why: string } {
  ensureBundle()
  const out = '/tmp/exhunt-bench-ready.json'
  rmSync(out, { force: true })
  const demo = join(ROOT, 'demo', 'evidence')
  const target = existsSync(demo) ? demo : fallback
  const args = [EXHUNT, 'hunt', target, '--format', 'json', '--no-progress', '-o', out]
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 })
  if (r.status !== 0 && r.status !== 1)
    return { ok: false, why: `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n')[0]}` }
  try {
    JSON.parse(readFileSync(out, 'utf8'))
    return { ok: true, why: '' }
  } catch (e) {
    return { ok: false, why: `report not JSON: ${(e as Error).message}` }
  }
}

/**
 * Builds dist/ first: bin/exhunt.js runs the TypeScript sources through tsx whenever a source file is
 * newer than the bundle, which would silently measure the slower path. Says which one will run.
 */
export function ensureBundle(): void {
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 })
  if (r.status !== 0) {
    console.error(`npm run build failed (exit ${r.status}): exhunt runs from the sources (tsx)`)
  }
}

export interface ReportLite {
  findings: {
    rule: string
    evidence: string
    fields?: Record<string, string>
    source: { path: string; line?: number }
  }[]
  errors: { code: string; path: string; message: string }[]
  stats: {
    files: number
    bytes: number
    lines: number
    findings: number
    folded: number
    workers: number
    rules: number
  }
}

export function readReport(path: string): ReportLite {
  return JSON.parse(readFileSync(path, 'utf8')) as ReportLite
}
