// The README's samples of the content index commands (`content list`, `content show`, `cve`, `build`):
// real runs on the shipped content, shown whole or as the first and last lines with `…` between.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO } from './demo-run.ts'
import { ELISION } from './text-excerpt.ts'

export interface IndexSample {
  /** The README block name (`<!-- readme-sample:NAME -->`). */
  name: string
  args: string[]
  /** Lines shown from the start and from the end; the whole output when the two cover it. */
  head: number
  tail: number
}

export const INDEX_SAMPLES: readonly IndexSample[] = [
  { name: 'content-list', args: ['content', 'list', '--cve', 'CVE-2021-27065'], head: 99, tail: 0 },
  { name: 'content-list-probe', args: ['content', 'list', '--engine', 'probe'], head: 99, tail: 0 },
  {
    name: 'content-show',
    args: ['content', 'show', 'exh-ecp-proxylogon-set-vdir-script'],
    head: 20,
    tail: 0,
  },
  { name: 'cve', args: ['cve', 'CVE-2021-26855'], head: 29, tail: 12 },
  { name: 'build', args: ['build', '15.1.2176.2'], head: 10, tail: 1 },
]

export const sampleCommand = (s: IndexSample) => `$ npx exhunt ${s.args.join(' ')}`

export function runSample(s: IndexSample): string {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'COLUMNS'])
    delete env[k]
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'exhunt.js'), ...s.args], {
    cwd: REPO,
    env,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`exhunt ${s.args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

/** The command line, then the first `head` and last `tail` lines of OUTPUT with `…` between. */
export function sampleLines(s: IndexSample, output: string): string[] {
  const lines = output.replace(/\n+$/, '').split('\n')
  if (lines.length <= s.head + s.tail) return [sampleCommand(s), ...lines]
  return [
    sampleCommand(s),
    ...lines.slice(0, s.head),
    ELISION,
    ...(s.tail ? lines.slice(-s.tail) : []),
  ]
}
