// `exhunt probe` exit codes (README "Exit codes"): 1 vulnerable or likely compromised, 3 could not
// tell (nothing answered, stopped, a bad input item), 0 only when every target answered and is
// patched or not Exchange.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyVerdicts } from '../../src/analysis/probe-tally.ts'
import { probeExitCode } from '../../src/cli/probe-command.ts'
import type { ProbeRunSummary } from '../../src/probe/run.ts'
import type { ProbeVerdict } from '../../src/shared/probe.ts'

function summary(
  v: Partial<Record<ProbeVerdict, number>>,
  extra: Partial<ProbeRunSummary> = {},
): ProbeRunSummary {
  const verdicts = { ...emptyVerdicts(), ...v }
  const done = Object.values(verdicts).reduce((a, b) => a + b, 0)
  return {
    startedAt: '',
    finishedAt: '',
    complete: true,
    done,
    skipped: 0,
    targetErrors: 0,
    verdicts,
    requests: done,
    ...extra,
  }
}

test('probe exit codes', () => {
  const ok = { targetErrorCount: 0 }
  assert.equal(probeExitCode(summary({ patched: 3, 'not-exchange': 2 }), ok), 0)
  assert.equal(probeExitCode(summary({ patched: 3, unreachable: 5 }), ok), 0)
  assert.equal(probeExitCode(summary({ patched: 3, vulnerable: 1 }), ok), 1)
  assert.equal(probeExitCode(summary({ 'likely-compromised': 1 }), ok), 1)
  assert.equal(probeExitCode(summary({ unreachable: 4 }), ok), 3)
  assert.equal(probeExitCode(summary({}), ok), 3)
  assert.equal(probeExitCode(summary({ patched: 2 }, { complete: false }), ok), 3)
  assert.equal(probeExitCode(summary({ vulnerable: 1 }, { complete: false }), ok), 1)
  assert.equal(probeExitCode(summary({ patched: 2 }), { targetErrorCount: 1 }), 3)
  // Everything was done by an earlier run (--resume): its verdicts decide (the CLI adds them).
  assert.equal(probeExitCode(summary({ patched: 5 }, { done: 0, skipped: 5 }), ok), 0)
  assert.equal(
    probeExitCode(summary({ patched: 4, vulnerable: 1 }, { done: 0, skipped: 5 }), ok),
    1,
  )
})
