// A progress bar on stderr for long hunts; silent when stderr is not a terminal.
import cliProgress from 'cli-progress'
import type { HuntProgress } from '../hunt/run.ts'

export interface Progress {
  update(p: HuntProgress): void
  stop(): void
}

const MB = 1024 * 1024

export function createProgress(enabled: boolean): Progress {
  if (!enabled) return { update() {}, stop() {} }
  let bar: cliProgress.SingleBar | undefined
  let phase = ''
  return {
    update(p) {
      if (p.total <= 0) return
      if (phase !== p.phase) {
        bar?.stop()
        phase = p.phase
        const unit = p.unit === 'bytes' ? 'MB' : 'files'
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${p.phase.padEnd(6)} [{bar}] {percentage}% | {v}/{t} ${unit} | eta {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(p.total, 0, { v: 0, t: 0 })
      }
      const scale = (n: number) => (p.unit === 'bytes' ? (n / MB).toFixed(0) : String(n))
      bar?.update(p.done, { v: scale(p.done), t: scale(p.total) })
    },
    stop() {
      bar?.stop()
    },
  }
}
