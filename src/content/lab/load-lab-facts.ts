// content/lab/facts.yml: what `exhunt lab` shows per Exchange family, each fact with its public source.
// Read here (content/ owns YAML) and handed to src/lab/ as plain data; a fact without a source, or a
// family missing a fact the lab needs, is an issue, never a silent default.
import { join } from 'node:path'
import { parse } from 'yaml'
import type { ContentIssue } from '../../shared/content-issue.ts'
import { readContentText } from '../issues.ts'

export const LAB_FAMILIES = ['2010', '2013', '2016', '2019', 'SE'] as const
export type LabFamily = (typeof LAB_FAMILIES)[number]

/** Where X-OWA-Version is sent: the /owa/ redirect, the logon page, EWS, autodiscover. */
export type OwaVersionPlace = 'owa' | 'logon' | 'ews' | 'autodiscover'

export interface LabFamilyFacts {
  server: string
  aspNetVersion: string
  feServer: boolean
  owaVersionOn: OwaVersionPlace[]
  /** With `{build}`: `/owa/auth/{build}/themes/resources/`. */
  staticPath: string
  /** How many parts of the build the static path carries. */
  staticParts: 3 | 4
  title: string
  exportTool: boolean
  autodiscoverJson: boolean
  mapi: boolean
  /** Windows version of the NTLM CHALLENGE's VERSION field: `10.0.14393`. */
  windows: string
}

export interface LabMitigationFacts {
  input: 'cookie' | 'decoded-uri'
  patterns: string[]
  ignoreCase: boolean
}

export interface LabFacts {
  file: string
  families: Record<LabFamily, LabFamilyFacts>
  mitigations: { eomt: LabMitigationFacts; proxynotshell: LabMitigationFacts }
  /** The cookie of Microsoft's CVE-2021-26855 check (what the lab recognises as that check). */
  ssrfCookie: string
}

const FACT_KEYS = [
  'server',
  'aspNetVersion',
  'feServer',
  'owaVersionOn',
  'staticPath',
  'title',
  'exportTool',
  'autodiscoverJson',
  'mapi',
  'windows',
] as const

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

export function parseLabFacts(
  text: string,
  file: string,
): { facts?: LabFacts; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const err = (path: string, message: string) =>
    issues.push({ file, path, severity: 'error', message })
  let doc: unknown
  try {
    doc = parse(text)
  } catch (e) {
    err('', `YAML: ${(e as Error).message}`)
    return { issues }
  }
  if (!isObj(doc) || !isObj(doc.families) || !isObj(doc.mitigations) || !isObj(doc.checks)) {
    err('', 'expected families, checks and mitigations')
    return { issues }
  }
  const families = {} as Record<LabFamily, LabFamilyFacts>
  for (const fam of LAB_FAMILIES) {
    const f = doc.families[fam]
    if (!isObj(f)) {
      err(`families.${fam}`, 'missing')
      continue
    }
    const val: Obj = {}
    for (const k of FACT_KEYS) {
      const fact = f[k]
      if (!isObj(fact) || !('value' in fact)) err(`families.${fam}.${k}`, 'missing fact')
      else if (typeof fact.source !== 'string' || fact.source.trim() === '')
        err(`families.${fam}.${k}`, 'a fact needs a source')
      else val[k] = fact.value
    }
    const parts = isObj(f.staticPath) ? f.staticPath.parts : undefined
    if (parts !== 3 && parts !== 4) err(`families.${fam}.staticPath.parts`, 'expected 3 or 4')
    const places = val.owaVersionOn
    if (
      !Array.isArray(places) ||
      places.some((p) => !['owa', 'logon', 'ews', 'autodiscover'].includes(String(p)))
    )
      err(`families.${fam}.owaVersionOn`, 'expected a list of owa, logon, ews, autodiscover')
    for (const k of ['feServer', 'exportTool', 'autodiscoverJson', 'mapi'] as const)
      if (k in val && typeof val[k] !== 'boolean')
        err(`families.${fam}.${k}`, 'expected true/false')
    for (const k of ['server', 'aspNetVersion', 'staticPath', 'title', 'windows'] as const)
      if (k in val && typeof val[k] !== 'string') err(`families.${fam}.${k}`, 'expected text')
    if (typeof val.staticPath === 'string' && !val.staticPath.includes('{build}'))
      err(`families.${fam}.staticPath`, 'must contain {build}')
    families[fam] = { ...(val as unknown as LabFamilyFacts), staticParts: parts as 3 | 4 }
  }
  const mitigation = (name: string): LabMitigationFacts | undefined => {
    const m = (doc as { mitigations: Obj }).mitigations[name]
    if (!isObj(m) || typeof m.source !== 'string') {
      err(`mitigations.${name}`, 'missing, or without a source')
      return undefined
    }
    if (m.input !== 'cookie' && m.input !== 'decoded-uri')
      err(`mitigations.${name}.input`, 'expected cookie or decoded-uri')
    const patterns = Array.isArray(m.patterns) ? m.patterns.map(String) : []
    for (const p of patterns) {
      try {
        new RegExp(p)
      } catch (e) {
        err(`mitigations.${name}.patterns`, `bad pattern ${p}: ${(e as Error).message}`)
      }
    }
    if (patterns.length === 0) err(`mitigations.${name}.patterns`, 'expected patterns')
    return { input: m.input as 'cookie', patterns, ignoreCase: m.ignoreCase === true }
  }
  const eomt = mitigation('eomt')
  const proxynotshell = mitigation('proxynotshell')
  const ssrf = doc.checks['exh-probe-cve-2021-26855-ssrf']
  const ssrfCookie = isObj(ssrf) && typeof ssrf.cookie === 'string' ? ssrf.cookie : ''
  if (!ssrfCookie) err('checks.exh-probe-cve-2021-26855-ssrf.cookie', 'missing')
  if (issues.length > 0 || !eomt || !proxynotshell) return { issues }
  return { facts: { file, families, mitigations: { eomt, proxynotshell }, ssrfCookie }, issues }
}

/** Reads `<contentRoot>/lab/facts.yml`. */
export function loadLabFacts(contentRoot: string): { facts?: LabFacts; issues: ContentIssue[] } {
  const file = 'lab/facts.yml'
  const issues: ContentIssue[] = []
  const text = readContentText(join(contentRoot, file), file, issues)
  if (text === undefined) return { issues }
  return parseLabFacts(text, file)
}
