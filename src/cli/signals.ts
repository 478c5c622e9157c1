// Ctrl-C or SIGTERM once: the run stops where it is and still prints what it has (marked incomplete);
// a second signal exits at once (130 for SIGINT, 143 for SIGTERM). Shared by `hunt` and `probe`.
import { say } from './say.ts'

export function stopOnSignals(what = 'the report will cover what was read') {
  const ctl = new AbortController()
  const on = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143)
    say(`${sig}: stopping; ${what} (${sig} again exits now)`)
    ctl.abort(new Error(`${sig} received`))
  }
  process.on('SIGINT', on)
  process.on('SIGTERM', on)
  return {
    signal: ctl.signal,
    dispose() {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
    },
  }
}
