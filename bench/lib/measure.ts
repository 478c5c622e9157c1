// Run a command, timing it (wall clock) and reading its peak RSS from GNU time (`-f %M`, kB),
// or from /proc/<pid>/status VmHWM polled every 20 ms when /usr/bin/time is missing.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RunResult {
  seconds: number
  rssMb: number
  code: number
  stdout: string
  stderr: string
}

const GNU_TIME = '/usr/bin/time'

export async function measure(
  cmd: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const useTime = existsSync(GNU_TIME)
  const rssFile = join(tmpdir(), `exhunt-bench-rss-${process.pid}.txt`)
  const [bin, argv] = useTime
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]]
    : [cmd, [...args]]
  const start = process.hrtime.bigint()
  const child = spawn(bin, argv, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (b: Buffer) => out.push(b))
  child.stderr.on('data', (b: Buffer) => err.push(b))
  let polledKb = 0
  const poll = useTime
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
          if (m) polledKb = Math.max(polledKb, Number(m[1]))
        } catch {
          // exited between ticks
        }
      }, 20)
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (poll) clearInterval(poll)
  let kb = polledKb
  if (useTime && existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n')
    kb = Number(lines[lines.length - 1]) || 0
    rmSync(rssFile, { force: true })
  }
  return {
    seconds,
    rssMb: kb / 1024,
    code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  }
}

export interface Timed {
  /** Median wall-clock seconds of the runs. */
  seconds: number
  /** Highest peak RSS of the runs, MB. */
  rssMb: number
  runs: number[]
  last: RunResult
}

/** Run `n` times (page cache already warm), keep the median time and the worst peak RSS. */
export async function timeRuns(
  n: number,
  cmd: string,
  args: readonly string[],
  okCodes = [0, 1, 2],
): Promise<Timed> {
  const runs: number[] = []
  let rssMb = 0
  let last: RunResult | undefined
  for (let i = 0; i < n; i++) {
    last = await measure(cmd, args)
    if (!okCodes.includes(last.code)) {
      throw new Error(`${cmd} ${args.join(' ')} exited ${last.code}: ${last.stderr.slice(0, 2000)}`)
    }
    runs.push(last.seconds)
    rssMb = Math.max(rssMb, last.rssMb)
  }
  const sorted = [...runs].sort((a, b) => a - b)
  return { seconds: sorted[Math.floor(sorted.length / 2)]!, rssMb, runs, last: last! }
}
