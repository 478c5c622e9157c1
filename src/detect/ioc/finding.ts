// One IOC hit as a Finding: rule id, attribution (licence, link, origins) and the words a responder reads.
import { findingId } from '../../shared/finding-id.ts'
import type { Finding, Indicators, Outcome, Phase, Severity } from '../../shared/types.ts'
import type { Ioc, IocType } from './types.ts'

const DEFAULT_SEVERITY: Record<IocType, Severity> = {
  sha256: 'critical',
  sha1: 'critical',
  md5: 'critical',
  ipv4: 'medium',
  ipv6: 'medium',
  cidr: 'medium',
  domain: 'high',
  user_agent: 'medium',
  filename: 'low',
  filepath: 'high',
  filepath_regex: 'medium',
  path_pattern: 'low',
  url_path: 'medium',
  url_path_post: 'medium',
  known_good_name: 'info',
}

const LABEL: Record<IocType, string> = {
  sha256: 'SHA-256',
  sha1: 'SHA-1',
  md5: 'MD5',
  ipv4: 'IP address',
  ipv6: 'IP address',
  cidr: 'IP range',
  domain: 'domain',
  user_agent: 'user agent',
  filename: 'file name',
  filepath: 'file path',
  filepath_regex: 'file path pattern',
  path_pattern: 'folder',
  url_path: 'URL path',
  url_path_post: 'POST to URL path',
  known_good_name: 'known-good file name',
}

export function ruleId(ioc: Ioc): string {
  const isHash = ioc.type === 'sha256' || ioc.type === 'sha1' || ioc.type === 'md5'
  const v = ioc.value.toLowerCase()
  return `ioc:${ioc.type}:${isHash ? v.slice(0, 16) : v.slice(0, 48)}`
}

const CVE = /CVE-\d{4}-\d{4,7}/g
const WEB_FILE = /\.(aspx|ashx|asmx|asp|asax|config)$/i

export interface HitContext {
  path: string
  line?: number
  time?: string
  evidence: string
  outcome: Outcome
  /** Where the indicator was seen (`c-ip`, `useragent`, `file path`, ...). */
  where: string
  matched: string
  indicators?: Partial<Indicators>
}

function phaseOf(ioc: Ioc, isFile: boolean): Phase | undefined {
  if (ioc.type === 'domain') return 'command-and-control'
  if (isFile)
    return WEB_FILE.test(ioc.value) || ioc.type === 'path_pattern' ? 'persistence' : undefined
  return 'initial-access'
}

export function iocFinding(ioc: Ioc, hit: HitContext, isFile: boolean): Finding {
  const rule = ruleId(ioc)
  const label = LABEL[ioc.type]
  const origins = ioc.origins.length ? ioc.origins.join(', ') : ioc.file
  const reasons = [
    `${label} ${ioc.value} (seen in ${hit.where}: ${hit.matched}) is listed by ${origins}`,
  ]
  if (ioc.notes) reasons.push(ioc.notes)
  if (ioc.license || ioc.url) {
    reasons.push(
      `Indicator source: ${[ioc.author, ioc.url, ioc.license && `licence ${ioc.license}`].filter(Boolean).join(' — ')}`,
    )
  }
  const cves = [...new Set(ioc.notes?.match(CVE) ?? [])]
  const attack = isFile
    ? WEB_FILE.test(hit.matched)
      ? ['T1505.003']
      : []
    : ioc.type === 'url_path_post'
      ? ['T1190']
      : []
  const indicators: Indicators = {
    ips: hit.indicators?.ips ?? [],
    users: hit.indicators?.users ?? [],
    paths: hit.indicators?.paths ?? [],
    userAgents: hit.indicators?.userAgents ?? [],
  }
  const finding: Finding = {
    id: findingId(rule, hit.path, hit.line),
    rule,
    title: `Known ${label} indicator: ${ioc.value.length > 80 ? `${ioc.value.slice(0, 77)}...` : ioc.value}`,
    severity: ioc.severity ?? DEFAULT_SEVERITY[ioc.type],
    category: 'ioc',
    outcome: hit.outcome,
    // Undeclared (a feed loaded without the content's table): a lead to review, never proof.
    proves: ioc.proves ?? 'suspicion',
    cves,
    attack,
    source: hit.line === undefined ? { path: hit.path } : { path: hit.path, line: hit.line },
    indicators,
    evidence: hit.evidence.length > 2000 ? hit.evidence.slice(0, 2000) : hit.evidence,
    ruleSource: {
      engine: 'ioc',
      file: ioc.file,
      origins: ioc.origins,
      ...(ioc.license ? { license: ioc.license } : {}),
      ...(ioc.url ? { url: ioc.url } : {}),
      ...(ioc.author ? { author: ioc.author } : {}),
    },
    fields: { [hit.where]: hit.matched, indicator: ioc.value, type: ioc.type },
    reasons,
  }
  if (hit.line !== undefined) finding.matched = [hit.where]
  const phase = phaseOf(ioc, isFile)
  if (phase) finding.phase = phase
  if (hit.time) finding.time = hit.time
  return finding
}
