// The patterns ripgrep gets: a fixed list covering the attacks the log rules hunt, plus every
// positive literal / wildcard / regex found in content/rules/native/** log rules (negations skipped;
// field-equality tests such as status 200 mean nothing to grep and are left out).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

export const FIXED_PATTERNS: readonly string[] = [
  'ServerInfo~', // ProxyLogon AnchorMailbox (Test-ProxyLogon.ps1)
  'Server~[^,]*/[^,]*~', // ProxyLogon BackEndCookie (Test-ProxyLogon.ps1)
  String.raw`autodiscover\.json(\?| |%3f)@`, // ProxyShell
  'X-Rps-CAT=', // ProxyShell PowerShell backend
  '/owa/[^/ ,]+/powershell', // OWASSRF
  String.raw`/aspnet_client/[^ ,?]*\.as[hp]x`, // web shells (CISA AA21-062A)
  String.raw`/owa/auth/[^ ,?/]*\.as[hp]x`,
  String.raw`/owa/auth/[^ ,?/]*\.js`,
  String.raw`/ecp/[^ ,?/]*\.js`, // ProxyLogon /ecp/y.js
  String.raw`/ecp/default\.flt`,
  String.raw`DDIService\.svc/SetObject`,
  'ResetOABVirtualDirectory',
  'Set-OabVirtualDirectory',
  'New-MailboxExportRequest',
  'New-ManagementRoleAssignment',
  'New-ExchangeCertificate',
  String.raw`ExchangeServicesClient/0\.0\.0\.0`,
  'python-requests',
  'zgrab',
  String.raw`antSword|cmd\.exe|powershell\.exe`,
  'X-BEResource|msExchLogonMailbox',
]

const LOG_SOURCES = new Set([
  'httpproxy',
  'iis',
  'ecp',
  'ews',
  'oab',
  'rps',
  'owa',
  'autodiscover',
  'mapi',
  'eas',
  'cmdlet',
])
const LITERAL_OPS = ['contains', 'startswith', 'endswith']
const LIST_OPS = ['contains-any', 'contains-all', 'startswith-any', 'endswith-any']

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function collect(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out)
    return
  }
  if (!node || typeof node !== 'object') return
  const o = node as Record<string, unknown>
  for (const g of ['all', 'any']) if (g in o) collect(o[g], out)
  if (typeof o.field !== 'string' || o.decode) return
  for (const op of LITERAL_OPS) if (typeof o[op] === 'string') out.add(escapeRe(o[op] as string))
  for (const op of LIST_OPS) {
    if (Array.isArray(o[op]))
      for (const v of o[op] as unknown[]) if (typeof v === 'string') out.add(escapeRe(v))
  }
  if (typeof o.wildcard === 'string') {
    const w = o.wildcard.replace(/^\*+|\*+$/g, '')
    out.add(
      w
        .split('*')
        .map((p) => escapeRe(p).replace(/\\\?|\?/g, '.'))
        .join('.*'),
    )
  }
  // A rule regex is tested against one field; grep sees the whole line, so field anchors go.
  if (typeof o.regex === 'string') out.add(o.regex.replace(/^\^/, '').replace(/\$$/, ''))
}

function walkYml(dir: string): string[] {
  let entries: import('node:fs').Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
  return entries.flatMap((e) =>
    e.isDirectory()
      ? walkYml(join(dir, e.name))
      : e.name.endsWith('.yml')
        ? [join(dir, e.name)]
        : [],
  )
}

/** Patterns derived from the native log rules under `contentRoot`, and how many rules gave them. */
export function ruleLogPatterns(contentRoot: string): { patterns: string[]; rules: number } {
  const out = new Set<string>()
  let rules = 0
  for (const file of walkYml(join(contentRoot, 'rules', 'native'))) {
    try {
      const rule = parse(readFileSync(file, 'utf8')) as { source?: unknown; match?: unknown }
      const sources = ([] as unknown[]).concat(rule.source ?? [])
      if (!sources.some((s) => typeof s === 'string' && LOG_SOURCES.has(s.toLowerCase()))) continue
      rules++
      collect(rule.match, out)
    } catch {
      // a rule mid-edit by someone else: the fixed list still covers its attack
    }
  }
  return { patterns: [...out].filter((p) => p.replace(/\\/g, '').length >= 4), rules }
}
