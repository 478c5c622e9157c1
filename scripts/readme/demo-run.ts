// The runs the README samples come from: the real CLI on the bundled demo, as a user types them.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export const REPO = join(import.meta.dirname, '..', '..')

export const HUNT_COMMAND = '$ npx exhunt hunt demo/evidence'
export const LINT_COMMAND = '$ npx exhunt content lint'

function exhunt(args: readonly string[], ok: readonly number[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'COLUMNS'])
    delete env[k]
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'exhunt.js'), ...args], {
    cwd: REPO,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (!ok.includes(r.status ?? -1))
    throw new Error(`exhunt ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

export interface DemoRuns {
  /** Text report, not a terminal: no colour, 100 columns. */
  text: string
  json: string
  lint: string
}

export function demoRuns(): DemoRuns {
  return {
    text: exhunt(['hunt', 'demo/evidence', '--no-progress'], [0, 1, 3]),
    json: exhunt(['hunt', 'demo/evidence', '--no-progress', '-f', 'json'], [0, 1, 3]),
    lint: exhunt(['content', 'lint'], [0]),
  }
}
