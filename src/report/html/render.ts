// One self-contained HTML file: inline CSS and JS, no external resource, every value escaped.
import { logLabel } from '../../analysis/coverage.ts'
import { byTime, groupByRule } from '../../analysis/group.ts'
import { bytes, num } from '../../analysis/numbers.ts'
import { unreadSentence } from '../../analysis/unread-words.ts'
import type { Finding, HuntReport, RuleSource, TimelineEntry } from '../../shared/types.ts'
import { severityRank } from '../../shared/types.ts'
import { type Advice, nextSteps } from '../advice.ts'
import { fieldsLine, shownFields } from '../fields.ts'
import { ts } from '../text/layout.ts'
import { TOP_GROUPS, VERDICT_HEADLINE } from '../words.ts'
import { CSP, CSS, JS } from './assets.ts'

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function esc(s: string | number | undefined): string {
  return s === undefined ? '' : String(s).replace(/[&<>"']/g, (ch) => ESC[ch] as string)
}

/** Only plain web links become anchors; anything else (javascript:, data:) stays text. */
function link(url: string | undefined, text: string): string {
  if (!url || !/^https?:\/\/[^\s"'<>]+$/i.test(url)) return esc(text)
  return `<a href="${esc(url)}" rel="noreferrer noopener">${esc(text)}</a>`
}

const sevBadge = (s: string) => `<span class="sev sev-${esc(s)}">${esc(s)}</span>`
const list = (xs: readonly string[]) => xs.map(esc).join('<br>')

export function renderHtml(r: HuntReport, opts: { advice?: Advice } = {}): string {
  const title = `exhunt: ${r.verdict.toUpperCase()} — ${r.input.path}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title><style>${CSS}</style></head><body>
<header class="banner v-${esc(r.verdict)}"><div class="inner"><h1>${esc(r.verdict.toUpperCase())}</h1><p>${esc(VERDICT_HEADLINE[r.verdict])}</p></div></header>
<main>
<p class="meta">${esc(`exhunt ${r.tool.version} · content ${r.tool.contentVersion} · ${r.input.path} (${r.input.kind}${r.input.layouts.length ? `: ${r.input.layouts.join(', ')}` : ''}) · ${ts(r.startedAt)} · ${(r.stats.durationMs / 1000).toFixed(1)} s · ${num(r.stats.files)} files, ${bytes(r.stats.bytes)}, ${num(r.stats.lines)} lines · ${num(r.findings.length)} findings`)}</p>
<section><h2>Why</h2><ul class="reasons">${r.verdictReasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>
${summary(r)}${chain(r.timeline)}${actors(r.timeline)}
${steps(nextSteps(r, opts.advice))}
${findingsTable(r.findings)}${coverage(r)}${exposure(r)}${errors(r)}
${footer(r)}
</main><script>${JS}</script></body></html>
`
}

function summary(r: HuntReport): string {
  const groups = groupByRule(r.findings).slice(0, TOP_GROUPS)
  if (groups.length === 0) return ''
  const rows = groups
    .map((g) => {
      const first = g.findings[0]
      const ex = [first ? fieldsLine(first) : '', first?.evidence ?? ''].filter(Boolean).join('\n')
      return `<tr><td>${sevBadge(g.severity)}</td><td><b>${esc(g.title)}</b><div class="small mono">${esc(g.rule)}${g.cves.length ? ` · ${esc(g.cves.join(', '))}` : ''}</div>${ex ? `<details><summary class="small">example</summary><pre>${esc(ex)}</pre></details>` : ''}</td><td class="out-${esc(g.outcome)}">${esc(g.outcome)}</td><td class="num">${num(g.count)}</td><td class="mono">${esc(ts(g.first))}<br>${esc(ts(g.last))}</td><td class="mono">${list(g.ips.slice(0, 8))}${g.ips.length > 8 ? `<br>+${g.ips.length - 8}` : ''}</td></tr>`
    })
    .join('')
  return `<section><h2>Top findings by rule</h2><table><thead><tr><th>severity</th><th>rule</th><th>outcome</th><th class="num">events</th><th>first / last</th><th>IPs</th></tr></thead><tbody>${rows}</tbody></table></section>`
}

function span(entries: readonly TimelineEntry[]): [number, number] {
  const times = entries
    .flatMap((e) => [e.first, e.last])
    .filter(Boolean)
    .map((t) => Date.parse(t))
  return times.length ? [Math.min(...times), Math.max(...times)] : [0, 0]
}

function bar(e: TimelineEntry, [lo, hi]: [number, number]): string {
  if (!e.first || hi <= lo) return '<div class="bar"></div>'
  const left = ((Date.parse(e.first) - lo) / (hi - lo)) * 100
  const width = ((Date.parse(e.last) - Date.parse(e.first)) / (hi - lo)) * 100
  const color = `var(--${{ critical: 'crit', high: 'high', medium: 'med', low: 'low', info: 'info' }[e.severity]})`
  return `<div class="bar"><span style="left:${left.toFixed(2)}%;width:${Math.max(width, 0.5).toFixed(2)}%;background:${color}"></span></div>`
}

function timelineRows(entries: readonly TimelineEntry[]): string {
  const range = span(entries)
  return entries
    .map(
      (e) =>
        `<tr><td class="mono">${esc(e.key)}</td><td>${sevBadge(e.severity)}</td><td class="mono">${esc(ts(e.first))}<br>${esc(ts(e.last))}</td><td class="num">${num(e.count)}</td><td>${bar(e, range)}</td><td class="small mono">${list(e.rules)}</td></tr>`,
    )
    .join('')
}

function chain(timeline: readonly TimelineEntry[]): string {
  const phases = timeline.filter((t) => t.kind === 'phase')
  if (phases.length === 0) return ''
  return `<section><h2>Attack chain</h2><table><thead><tr><th>phase</th><th>max</th><th>first / last</th><th class="num">events</th><th style="width:30%">when</th><th>rules</th></tr></thead><tbody>${timelineRows(phases)}</tbody></table></section>`
}

function actors(timeline: readonly TimelineEntry[]): string {
  const a = timeline.filter((t) => t.kind === 'actor')
  if (a.length === 0) return ''
  return `<section><h2>Actors (${a.length})</h2><table><thead><tr><th>IP</th><th>max</th><th>first / last</th><th class="num">events</th><th style="width:30%">when</th><th>rules</th></tr></thead><tbody>${timelineRows(a)}</tbody></table></section>`
}

/** A log finding's fields, matched ones first, above its raw line. */
function fieldsTable(f: Finding): string {
  const rows = shownFields(f)
  if (rows.length === 0) return ''
  const matched = new Set(f.matched ?? [])
  return `<table class="small"><tbody>${rows.map(([k, v]) => `<tr><th class="mono">${matched.has(k) ? `<b>${esc(k)}</b>` : esc(k)}</th><td class="mono">${esc(v)}</td></tr>`).join('')}</tbody></table>`
}

function findingRow(f: Finding): string {
  const where = f.source.line ? `${f.source.path}:${f.source.line}` : f.source.path
  const ind = f.indicators
  const more = [
    f.reasons?.length
      ? `<ul class="reasons">${f.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`
      : '',
    fieldsTable(f),
    f.evidence ? `<pre>${esc(f.evidence)}</pre>` : '',
    ind.paths.length
      ? `<div class="small">paths: <span class="mono">${esc(ind.paths.join(', '))}</span></div>`
      : '',
    ind.users.length
      ? `<div class="small">users: <span class="mono">${esc(ind.users.join(', '))}</span></div>`
      : '',
    ind.userAgents.length
      ? `<div class="small">user agents: <span class="mono">${esc(ind.userAgents.join(', '))}</span></div>`
      : '',
    f.file?.sha256
      ? `<div class="small">sha256 <span class="mono">${esc(f.file.sha256)}</span>, ${esc(num(f.file.size))} bytes</div>`
      : '',
    f.related?.length
      ? `<div class="small">related: <span class="mono">${esc(f.related.join(', '))}</span></div>`
      : '',
    `<div class="small">proves ${esc(f.proves)} · id <span class="mono">${esc(f.id)}</span> · ${esc(f.ruleSource.engine)}: ${link(f.ruleSource.url, f.ruleSource.file)}${f.folded ? ` · +${esc(f.folded)} folded` : ''}</div>`,
  ].join('')
  return `<tr data-sev="${severityRank(f.severity)}"><td class="mono" data-v="${esc(f.time ?? '')}">${esc(ts(f.time))}</td><td data-v="${severityRank(f.severity)}">${sevBadge(f.severity)}</td><td class="out-${esc(f.outcome)}">${esc(f.outcome)}</td><td><details><summary><b>${esc(f.title)}</b> <span class="small mono">${esc(f.rule)}</span></summary>${more}</details></td><td class="mono">${list(ind.ips)}</td><td class="small mono">${esc(where)}</td></tr>`
}

function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return ''
  const rows = [...findings].sort(byTime).map(findingRow).join('')
  return `<section><h2>Findings (<span id="shown">${findings.length}</span> of ${findings.length})</h2>
<div class="controls"><input id="q" type="search" placeholder="Filter: IP, rule, path, text…" aria-label="filter findings"><select id="sev" aria-label="minimum severity"><option value="0">all severities</option><option value="1">low and above</option><option value="2">medium and above</option><option value="3">high and above</option><option value="4">critical</option></select><span class="small">click a column to sort, a row to expand</span></div>
<table id="findings"><thead><tr><th>time</th><th>severity</th><th>outcome</th><th>finding</th><th>IPs</th><th>source</th></tr></thead><tbody>${rows}</tbody></table></section>`
}

function coverage(r: HuntReport): string {
  const rows = r.coverage.entries
    .map(
      (e) =>
        `<tr><td>${esc(logLabel(e.logType))}</td><td class="num">${num(e.files)}</td><td class="num">${esc(bytes(e.bytes))}</td><td class="num">${num(e.lines)}</td><td class="mono">${esc(ts(e.oldest))}</td><td class="mono">${esc(ts(e.newest))}</td></tr>`,
    )
    .join('')
  const warnings = r.coverage.warnings.map((w) => `<div class="warn">${esc(w)}</div>`).join('')
  const unread = (r.coverage.unread ?? [])
    .map(
      (u) =>
        `<div class="warn unread">${esc(unreadSentence(u))}${u.examples.length ? `<br><span class="mono small">${u.examples.map(esc).join('<br>')}${u.files > u.examples.length ? '<br>…' : ''}</span>` : ''}</div>`,
    )
    .join('')
  return `<section><h2>Coverage</h2>${rows ? `<table><thead><tr><th>logs</th><th class="num">files</th><th class="num">size</th><th class="num">lines</th><th>oldest</th><th>newest</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Nothing was read.</p>'}${unread}${warnings}</section>`
}

function exposure(r: HuntReport): string {
  const e = r.exposure
  if (!e)
    return '<section><h2>Exposure</h2><p>Exchange build not found; exposure unknown.</p></section>'
  const head = `<p><b>${esc(e.versionName ?? e.product ?? 'Exchange')}</b>, build <span class="mono">${esc(e.build)}</span>${e.approximate ? ' (approximate)' : ''} from ${esc(e.buildSource)}${e.releaseDate ? `, released ${esc(e.releaseDate)}` : ''}</p>`
  const missing = e.missing.length
    ? `<table><thead><tr><th>CVE</th><th>fixed in</th><th>caveat</th></tr></thead><tbody>${e.missing.map((m) => `<tr><td class="mono">${esc(m.cve)}</td><td>${esc(m.fixedIn ?? '?')}</td><td>${esc(m.caveat ?? '')}</td></tr>`).join('')}</tbody></table>`
    : '<p>No missing security fix known for this build.</p>'
  return `<section><h2>Exposure</h2>${head}${missing}${e.caveats.map((c) => `<div class="warn">${esc(c)}</div>`).join('')}</section>`
}

function errors(r: HuntReport): string {
  if (r.errors.length === 0) return ''
  const rows = r.errors
    .map(
      (e) =>
        `<tr><td class="mono">${esc(e.code)}</td><td class="mono small">${esc(e.line ? `${e.path}:${e.line}` : e.path)}</td><td>${esc(e.message)}</td></tr>`,
    )
    .join('')
  return `<section><h2>Errors (${r.errors.length})</h2><details${r.errors.length <= 10 ? ' open' : ''}><summary class="small">items exhunt could not read completely</summary><table><thead><tr><th>code</th><th>item</th><th>message</th></tr></thead><tbody>${rows}</tbody></table></details></section>`
}

function footer(r: HuntReport): string {
  const seen = new Map<string, RuleSource>()
  for (const f of r.findings) seen.set(`${f.ruleSource.engine}\0${f.ruleSource.file}`, f.ruleSource)
  const rows = [...seen.values()]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map(
      (s) =>
        `<tr><td>${esc(s.engine)}</td><td class="mono">${link(s.url, s.file)}</td><td>${esc(s.author ?? '')}</td><td>${esc(s.license ?? '')}</td><td>${esc((s.origins ?? []).join(', '))}</td></tr>`,
    )
    .join('')
  return `<footer><p>Generated by exhunt ${esc(r.tool.version)} (content ${esc(r.tool.contentVersion)}) at ${esc(ts(r.finishedAt))}. Detection content used in this report, with the attribution its licences ask for:</p>${rows ? `<table><thead><tr><th>engine</th><th>rule file</th><th>author</th><th>licence</th><th>origins</th></tr></thead><tbody>${rows}</tbody></table>` : ''}</footer>`
}

function steps(list: string[]): string {
  if (list.length === 0) return ''
  return `<section><h2>What to do next</h2><ol class="steps">${list.map((s) => `<li>${esc(s)}</li>`).join('')}</ol></section>`
}
