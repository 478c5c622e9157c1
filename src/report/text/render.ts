// The report for a human at a terminal: the answer first, then why, then the detail.
import { createColors } from 'picocolors'
import { logLabel } from '../../analysis/coverage.ts'
import { byTime, groupByRule } from '../../analysis/group.ts'
import { bytes, num } from '../../analysis/numbers.ts'
import { unreadSentence } from '../../analysis/unread-words.ts'
import type { Finding, HuntReport, Severity, Verdict } from '../../shared/types.ts'
import { type Advice, nextSteps } from '../advice.ts'
import { fieldsLine } from '../fields.ts'
import { MAX_ERRORS_SHOWN, TOP_GROUPS, VERDICT_HEADLINE } from '../words.ts'
import { plural, shorten, table, ts, wrap } from './layout.ts'

export interface TextOptions {
  color?: boolean
  width?: number
  verbose?: boolean
  advice?: Advice
}

type Colors = ReturnType<typeof createColors>

export function renderText(r: HuntReport, opts: TextOptions = {}): string {
  const c = createColors(opts.color ?? false)
  const width = Math.max(60, Math.min(opts.width ?? 100, 160))
  const out: string[] = []
  const head = (title: string, detail = '') =>
    out.push('', `${c.bold(title.toUpperCase())}${detail ? ` ${c.dim(detail)}` : ''}`)
  const sev = (s: Severity, text: string = s.toUpperCase()) => paintSeverity(c, s, text)

  out.push(...banner(c, r.verdict, width))
  out.push(
    ...wrap(
      `exhunt ${r.tool.version} · content ${r.tool.contentVersion} · ${r.input.path} (${r.input.kind}${r.input.layouts.length ? `: ${r.input.layouts.join(', ')}` : ''})`,
      width,
    ),
  )
  const s = r.stats
  out.push(
    ...wrap(
      `${plural(r.findings.length, 'finding')}${s.folded ? ` (+${num(s.folded)} folded)` : ''} in ${plural(s.files, 'file')}, ${bytes(s.bytes)}, ${plural(s.lines, 'line')} · ${(s.durationMs / 1000).toFixed(1)} s on ${plural(s.workers, 'worker')} · ${plural(s.rules, 'rule')}`,
      width,
    ).map(c.dim),
  )

  head('Why')
  for (const reason of r.verdictReasons) out.push(...wrap(reason, width, '  • ', '    '))

  const groups = groupByRule(r.findings.filter((f) => f.severity !== 'info' || opts.verbose))
  if (groups.length > 0) {
    const shown = groups.slice(0, TOP_GROUPS)
    head(
      'Top findings',
      `(${shown.length} of ${plural(groups.length, 'rule')}${opts.verbose ? '' : `; --verbose lists all ${r.findings.length}`})`,
    )
    for (const g of shown) {
      const label = sev(g.severity, g.severity.toUpperCase().padEnd(8))
      out.push(`  ${label}  ${c.bold(shorten(g.title, width - 22))}  ×${num(g.count)}`)
      const meta = [g.rule, g.outcome, ...g.cves].join(' · ')
      out.push(...wrap(meta, width, '            ').map(c.dim))
      if (g.first) out.push(`            ${ts(g.first)} → ${ts(g.last)}`)
      if (g.ips.length) {
        const ips =
          g.ips.length > 6
            ? `${g.ips.slice(0, 6).join(', ')} +${g.ips.length - 6}`
            : g.ips.join(', ')
        out.push(...wrap(`IPs: ${ips}`, width, '            '))
      }
      const ex = g.findings[0]
      const matched = ex ? fieldsLine(ex) : ''
      if (matched) out.push(`            > ${shorten(matched, width - 14)}`)
      if (ex?.evidence) {
        const lead = matched ? '              ' : '            > '
        out.push(c.dim(`${lead}${shorten(ex.evidence, width - lead.length)}`))
      }
    }
  }

  const phases = r.timeline.filter((t) => t.kind === 'phase')
  if (phases.length > 0) {
    head('Attack chain')
    const rows = phases.map((t) => [
      ts(t.first),
      ts(t.last),
      t.key,
      num(t.count),
      t.severity,
      t.rules.join(', '),
    ])
    out.push(
      ...table(
        [
          { title: 'first' },
          { title: 'last' },
          { title: 'phase' },
          { title: 'events', align: 'right' },
          { title: 'max' },
          { title: 'rules' },
        ],
        rows,
        width,
        '  ',
        (_r, col, cell) => (col === 4 ? sev(cell.trim() as Severity, cell) : cell),
      ),
    )
  }

  const actors = r.timeline.filter((t) => t.kind === 'actor')
  if (actors.length > 0) {
    head('Actors', `(${actors.length})`)
    const rows = actors.map((t) => [
      t.key,
      ts(t.first),
      ts(t.last),
      num(t.count),
      t.severity,
      t.rules.join(', '),
    ])
    out.push(
      ...table(
        [
          { title: 'IP', max: 39 },
          { title: 'first seen' },
          { title: 'last seen' },
          { title: 'events', align: 'right' },
          { title: 'max' },
          { title: 'rules' },
        ],
        rows,
        width,
        '  ',
        (_r, col, cell) => (col === 4 ? sev(cell.trim() as Severity, cell) : cell),
      ),
    )
  }

  head('Coverage')
  if (r.coverage.entries.length === 0) out.push('  nothing was read')
  else {
    const rows = r.coverage.entries.map((e) => [
      logLabel(e.logType),
      num(e.files),
      bytes(e.bytes),
      num(e.lines),
      ts(e.oldest),
      ts(e.newest),
    ])
    out.push(
      ...table(
        [
          { title: 'logs' },
          { title: 'files', align: 'right' },
          { title: 'size', align: 'right' },
          { title: 'lines', align: 'right' },
          { title: 'oldest' },
          { title: 'newest' },
        ],
        rows,
        width,
      ),
    )
  }
  for (const u of r.coverage.unread ?? []) {
    out.push(...wrap(unreadSentence(u), width, `  ${c.yellow('-')} `, '    '))
    if (u.examples.length > 0) {
      const more = u.files > u.examples.length ? ', …' : ''
      out.push(...wrap(`e.g. ${u.examples.join(', ')}${more}`, width, '    ', '    '))
    }
  }
  for (const w of r.coverage.warnings) out.push(...wrap(w, width, `  ${c.yellow('!')} `, '    '))

  head('Exposure')
  const e = r.exposure
  if (!e) out.push('  Exchange build not found; exposure unknown.')
  else {
    const name = e.versionName ?? e.product ?? 'Exchange'
    out.push(
      ...wrap(
        `${name}, build ${e.build}${e.approximate ? ' (approximate)' : ''} from ${e.buildSource}${e.releaseDate ? `, released ${e.releaseDate}` : ''}`,
        width,
        '  ',
      ),
    )
    if (e.missing.length === 0)
      out.push(`  ${c.green('No missing security fix known for this build.')}`)
    else {
      // One row per update, not per CVE: a 2016 CU19 misses ~90 CVEs across ~30 updates.
      const byUpdate = new Map<string, string[]>()
      const byCaveat = new Map<string, string[]>()
      for (const m of e.missing) {
        const k = m.fixedIn ?? '?'
        byUpdate.set(k, [...(byUpdate.get(k) ?? []), m.cve + (m.caveat ? '*' : '')])
        if (m.caveat) byCaveat.set(m.caveat, [...(byCaveat.get(m.caveat) ?? []), m.cve])
      }
      out.push(`  Missing fixes: ${e.missing.length} CVEs in ${byUpdate.size} updates`)
      const col = Math.max(...[...byUpdate.keys()].map((u) => u.length)) + 2
      for (const [u, cves] of byUpdate) {
        out.push(...wrap(cves.join(' '), width, `    ${u.padEnd(col)}`, ' '.repeat(4 + col)))
      }
      for (const [cav, cves] of byCaveat) {
        out.push(...wrap(`${cves.join(', ')}: ${cav}`, width, '    * ', '      '))
      }
    }
    for (const cav of e.caveats) out.push(...wrap(cav, width, `  ${c.yellow('!')} `, '    '))
  }

  if (r.errors.length > 0) {
    head('Errors', `(${r.errors.length})`)
    for (const err of r.errors.slice(0, MAX_ERRORS_SHOWN)) {
      const where = err.line ? `${err.path}:${err.line}` : err.path
      out.push(...wrap(`${err.code} ${where}: ${err.message}`, width, '  ', '    '))
    }
    if (r.errors.length > MAX_ERRORS_SHOWN)
      out.push(`  …and ${r.errors.length - MAX_ERRORS_SHOWN} more (see --format json)`)
  }

  const steps = nextSteps(r, opts.advice)
  if (steps.length > 0) head('What to do next')
  steps.forEach((step, i) => {
    const n = `${i + 1}.`.padEnd(3)
    out.push(...wrap(step, width, `  ${n} `, '      '))
  })

  if (opts.verbose && r.findings.length > 0) {
    head('All findings', `(${r.findings.length})`)
    for (const f of [...r.findings].sort(byTime)) out.push(...findingLines(c, f, width))
  }
  return `${out.join('\n')}\n`
}

function banner(c: Colors, v: Verdict, width: number): string[] {
  const tag = ` ${v.toUpperCase()} `
  const paint: Record<Verdict, (s: string) => string> = {
    compromised: c.bgRed,
    attempted: c.bgYellow,
    suspicious: c.bgYellow,
    exposed: c.bgMagenta,
    clean: c.bgGreen,
    'no-evidence': c.bgWhite,
  }
  const fg = v === 'compromised' || v === 'exposed' ? c.white : c.black
  const rule = '━'.repeat(width)
  return [
    rule,
    `${c.bold(paint[v](fg(tag)))}  ${c.bold(shorten(VERDICT_HEADLINE[v], width - tag.length - 2))}`,
    rule,
  ]
}

function paintSeverity(c: Colors, s: Severity, text: string): string {
  switch (s) {
    case 'critical':
      return c.bold(c.red(text))
    case 'high':
      return c.red(text)
    case 'medium':
      return c.yellow(text)
    case 'low':
      return c.cyan(text)
    default:
      return c.dim(text)
  }
}

function findingLines(c: Colors, f: Finding, width: number): string[] {
  const where = f.source.line ? `${f.source.path}:${f.source.line}` : f.source.path
  const lines = [
    '',
    `  ${paintSeverity(c, f.severity, f.severity.toUpperCase().padEnd(8))}  ${shorten(`${ts(f.time)}  ${f.rule}${f.folded ? ` (+${f.folded} folded)` : ''}`, width - 12)}`,
    ...wrap(
      `${f.title} [${f.category}, ${f.outcome}, proves ${f.proves}${f.cves.length ? `, ${f.cves.join(', ')}` : ''}]`,
      width,
      '    ',
    ),
    ...wrap(where, width, '    at ', '       ').map(c.dim),
  ]
  const ind = f.indicators
  for (const [k, v] of [
    ['ips', ind.ips],
    ['users', ind.users],
    ['paths', ind.paths],
    ['agents', ind.userAgents],
  ] as const) {
    if (v.length) lines.push(...wrap(`${k}: ${v.join(', ')}`, width, '    '))
  }
  for (const reason of f.reasons ?? []) lines.push(...wrap(reason, width, '    • ', '      '))
  const matched = fieldsLine(f)
  if (matched) lines.push(...wrap(shorten(matched, (width - 6) * 3), width, '    > ', '      '))
  if (f.evidence)
    lines.push(...wrap(shorten(f.evidence, (width - 6) * 3), width, '    > ', '      ').map(c.dim))
  lines.push(
    ...wrap(
      `id ${f.id} · ${f.ruleSource.engine}:${f.ruleSource.file}`,
      width,
      '    ',
      '      ',
    ).map(c.dim),
  )
  return lines
}
