// Text of a probe: one table row per target as it is judged (fixed columns, so rows stream), then the
// summary. Colour only when the caller says so (TTY, no NO_COLOR). Everything a server sent is shown
// through clean(): a hostile server's bytes never reach the terminal as control characters.
import { createColors } from 'picocolors'
import type { ProbeTargetResult, ProbeVerdict } from '../../shared/probe.ts'
import { clean, pad, shorten } from '../text/layout.ts'
import type { StreamWriter } from './json.ts'

export interface ProbeTextOptions {
  color?: boolean
  width?: number
}

type Colors = ReturnType<typeof createColors>

function paint(c: Colors, v: ProbeVerdict): (s: string) => string {
  switch (v) {
    case 'likely-compromised':
      return (s) => c.bold(c.red(s))
    case 'vulnerable':
      return c.red
    case 'patched':
      return c.green
    case 'not-exchange':
      return c.dim
    case 'unreachable':
      return c.yellow
  }
}

const TARGET_W = 30
const VERDICT_W = 18
const BUILD_W = 14

function label(r: ProbeTargetResult): string {
  const t = r.target
  const host = t.host.includes(':') ? `[${t.host}]` : t.host
  return `${t.scheme}://${host}:${t.port}`
}

/** The last column: missing CVEs (exploited first), else the reason. */
function what(r: ProbeTargetResult): string {
  const shell = r.checks.find((c) => c.outcome === 'shell-answered')
  if (shell) return `${shell.title}: ${shell.evidence}`
  if (r.verdict === 'vulnerable') {
    const sure = r.missing.filter((m) => m.certainty !== 'possibly')
    const exploited = sure.filter((m) => m.exploitedInWild).map((m) => m.cve)
    const vulnChecks = r.checks.filter((c) => c.outcome === 'vulnerable').flatMap((c) => c.cves)
    const cves = [...new Set([...vulnChecks, ...exploited])]
    const others = sure.length - exploited.length
    const head = cves.length ? cves.join(' ') : r.reason
    return `${head}${others > 0 ? ` +${others} more` : ''}`
  }
  return r.reason
}

export function textStream(write: (s: string) => void, o: ProbeTextOptions = {}): StreamWriter {
  const c = createColors(o.color ?? false)
  const width = Math.max(80, o.width ?? 120)
  const restW = width - TARGET_W - VERDICT_W - BUILD_W - 3
  let header = false
  let threeParts = false
  const head = () => {
    if (header) return
    header = true
    write(
      `${c.bold(`${pad('TARGET', TARGET_W)} ${pad('VERDICT', VERDICT_W)} ${pad('BUILD', BUILD_W)} WHAT`)}\n`,
    )
  }
  return {
    result(r) {
      head()
      const v = shorten(r.verdict, VERDICT_W)
      if (r.build?.parts === 3) threeParts = true
      const build = r.build ? `${r.build.build}${r.build.parts === 3 ? '*' : ''}` : '-'
      write(
        `${pad(shorten(label(r), TARGET_W), TARGET_W)} ${paint(c, r.verdict)(pad(v, VERDICT_W))} ${pad(shorten(build, BUILD_W), BUILD_W)} ${shorten(what(r), restW)}\n`,
      )
    },
    end(report) {
      const s = report.summary
      const lines: string[] = ['']
      const verdict = paint(c, report.verdict)(report.verdict.toUpperCase())
      lines.push(
        `${c.bold('Probe')}: ${verdict}  ${s.targets} target(s), ${s.requests} request(s), level ${s.level}${report.complete ? '' : c.yellow('  INCOMPLETE')}`,
      )
      const counts = (Object.entries(s.verdicts) as [ProbeVerdict, number][])
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${paint(c, v)(v)} ${n}`)
      if (counts.length) lines.push(`  ${counts.join('  ')}`)
      for (const r of report.verdictReasons) lines.push(`  - ${clean(r)}`)
      if (threeParts)
        lines.push(
          c.dim(
            '  * a three-part build (from OWA static paths): the CVEs are "at least" those of its CU',
          ),
        )
      for (const e of report.targetErrors.slice(0, 20))
        lines.push(`  ${c.yellow('not a target')}: ${e.where}: ${clean(e.input)}: ${e.message}`)
      if (report.targetErrors.length > 20)
        lines.push(`  ... and ${s.targetErrors - 20} more input items that are not targets`)
      write(`${lines.join('\n')}\n`)
    },
  }
}
