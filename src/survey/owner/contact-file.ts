// A contact file: the abuse-contact CSV a CERT imports, or its own prefix → owner file. One format
// for both, with a header naming the columns (any order, case-insensitive):
//   network (or prefix, cidr, ip, asn)   192.0.2.0/24 · 192.0.2.7 · 2001:db8::/32 · AS64500
//   organisation (or organization, org, name)
//   email (or abuse_email, abuse-mailbox, contact)
//   language (or lang)                    optional: en, de …
// A bad row is a ContactIssue with its line; the rest of the file loads.
import { readFileSync } from 'node:fs'
import { parseCsv } from '../../content/ioc/csv.ts'
import { normaliseEmail } from './email.ts'
import { formatPrefix, parsePrefix } from './ip.ts'
import { PrefixTable } from './prefix-table.ts'
import type { ContactIssue, ContactRow } from './types.ts'

const COLUMNS: Record<keyof ContactRow, string[]> = {
  network: ['network', 'prefix', 'cidr', 'ip', 'asn', 'range'],
  organisation: ['organisation', 'organization', 'org', 'name', 'owner'],
  email: ['email', 'e-mail', 'abuse_email', 'abuse-mailbox', 'abuse-c', 'contact'],
  language: ['language', 'lang'],
}

export interface ContactFile {
  file: string
  byPrefix: PrefixTable<ContactRow>
  byAsn: Map<number, ContactRow>
  issues: ContactIssue[]
}

const ASN = /^AS(\d{1,10})$/i

export function parseContactFile(text: string, file: string): ContactFile {
  const out: ContactFile = { file, byPrefix: new PrefixTable(), byAsn: new Map(), issues: [] }
  const rows = parseCsv(text.replace(/^\uFEFF/, ''))
  const header = rows.shift()
  if (!header) return out
  const names = header.cells.map((c) => c.trim().toLowerCase())
  const col = {} as Record<keyof ContactRow, number>
  for (const [key, aliases] of Object.entries(COLUMNS) as [keyof ContactRow, string[]][])
    col[key] = names.findIndex((n) => aliases.includes(n))
  if (col.network < 0) {
    out.issues.push({
      file,
      line: header.line,
      message: `no network column in the header (one of: ${COLUMNS.network.join(', ')})`,
    })
    return out
  }
  if (col.email < 0 && col.organisation < 0) {
    out.issues.push({ file, line: header.line, message: 'no email or organisation column' })
    return out
  }
  const cell = (cells: string[], i: number) => (i < 0 ? undefined : cells[i]?.trim() || undefined)
  for (const { line, cells } of rows) {
    const network = cell(cells, col.network)
    if (!network) {
      out.issues.push({ file, line, message: 'empty network' })
      continue
    }
    const rawEmail = cell(cells, col.email)
    const email = normaliseEmail(rawEmail)
    if (rawEmail !== undefined && email === undefined) {
      out.issues.push({
        file,
        line,
        message: `not one plain e-mail address: ${JSON.stringify(rawEmail)}`,
      })
      continue
    }
    const organisation = cell(cells, col.organisation)
    if (!email && !organisation) {
      out.issues.push({ file, line, message: 'neither an e-mail nor an organisation' })
      continue
    }
    const language = cell(cells, col.language)?.toLowerCase()
    if (language !== undefined && !/^[a-z]{2,3}$/.test(language)) {
      out.issues.push({
        file,
        line,
        message: `language is not a two- or three-letter code: ${JSON.stringify(language)}`,
      })
      continue
    }
    const asn = ASN.exec(network)
    if (asn) {
      const row: ContactRow = { network: `AS${Number(asn[1])}`, organisation, email, language }
      if (!out.byAsn.has(Number(asn[1]))) out.byAsn.set(Number(asn[1]), row)
      continue
    }
    const prefix = parsePrefix(network)
    if (!prefix) {
      out.issues.push({
        file,
        line,
        message: `not an IP, prefix or AS number: ${JSON.stringify(network)}`,
      })
      continue
    }
    out.byPrefix.add(prefix, { network: formatPrefix(prefix), organisation, email, language })
  }
  return out
}

/** Reads a contact file; a file that cannot be read is one issue, never a throw. */
export function readContactFile(path: string): ContactFile {
  try {
    return parseContactFile(readFileSync(path, 'utf8'), path)
  } catch (err) {
    const empty = parseContactFile('', path)
    empty.issues.push({ file: path, line: 0, message: `cannot read: ${(err as Error).message}` })
    return empty
  }
}
