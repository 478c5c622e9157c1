// Who gets the notice for each target, in this order (the first that gives an e-mail wins):
//   1. the target's own record (the owner e-mail the CERT entered with `survey add --owner`)
//   2. the abuse-contact CSV the CERT imported (longest matching prefix or exact IP)
//   3. the CERT's own prefix → owner file (longest matching prefix): it wins over the ASN data
//   4. ASN → organisation from the offline @ip-location-db/asn ranges; the e-mail for that AS, if
//      any, from an `AS64500` row of the abuse CSV or the prefix file.
// When no source gives an e-mail, the first that names an organisation is kept: the notice cannot be
// mailed, but it is reported and exported so the CERT can reach the owner another way.
// Host names are never resolved here: a lookup of scanned names would leave the machine.
import { type AsnLookup, ipKeyString, lookupAsns } from './asn-db.ts'
import type { ContactFile } from './contact-file.ts'
import { normaliseEmail } from './email.ts'
import { formatPrefix, type IpKey, parseIp } from './ip.ts'
import type { ContactRow, Owner, OwnerSource } from './types.ts'

export interface OwnerTarget {
  id: string
  /** The address the probe connected to; a host name that is an IP literal works too. */
  ip?: string
  owner?: { email?: string; organisation?: string; language?: string }
}

export interface OwnerSources {
  abuse?: readonly ContactFile[]
  prefixes?: readonly ContactFile[]
  /** The @ip-location-db/asn folder; `false` to skip the ASN step. */
  asnDir?: string | false
}

export interface OwnerResolution {
  /** Target id → its owner; absent when no source knew anything. */
  owners: Map<string, Owner>
  asn?: AsnLookup
}

function fromRow(row: ContactRow, source: OwnerSource, matched: string): Owner {
  return {
    email: row.email,
    organisation: row.organisation,
    language: row.language,
    source,
    matched,
  }
}

function prefixMatch(files: readonly ContactFile[], ip: IpKey, source: OwnerSource): Owner[] {
  const out: Owner[] = []
  for (const f of files) {
    const hit = f.byPrefix.lookup(ip)
    if (hit) out.push(fromRow(hit.value, source, formatPrefix(hit.prefix)))
  }
  return out
}

const pick = (candidates: Owner[]): Owner | undefined =>
  candidates.find((c) => c.email) ?? candidates.find((c) => c.organisation)

export async function resolveOwners(
  targets: readonly OwnerTarget[],
  sources: OwnerSources = {},
): Promise<OwnerResolution> {
  const abuse = sources.abuse ?? []
  const prefixes = sources.prefixes ?? []
  const candidates = new Map<string, Owner[]>()
  const needAsn: { id: string; ip: IpKey }[] = []
  for (const t of targets) {
    const list: Owner[] = []
    const own = t.owner
    if (own && (own.email || own.organisation)) {
      const email = normaliseEmail(own.email)
      list.push({
        email,
        organisation: own.organisation,
        language: own.language,
        source: 'target',
        matched: 'target record',
      })
    }
    const ip = t.ip === undefined ? undefined : parseIp(t.ip)
    if (ip && !list.some((c) => c.email)) {
      list.push(...prefixMatch(abuse, ip, 'abuse-csv'), ...prefixMatch(prefixes, ip, 'prefix-file'))
      if (!list.some((c) => c.email) && sources.asnDir !== false) needAsn.push({ id: t.id, ip })
    }
    candidates.set(t.id, list)
  }
  let asn: AsnLookup | undefined
  if (needAsn.length > 0) {
    asn = await lookupAsns(
      needAsn.map((n) => n.ip),
      sources.asnDir || undefined,
    )
    for (const n of needAsn) {
      const hit = asn.hits.get(ipKeyString(n.ip))
      if (!hit) continue
      const row = [...abuse, ...prefixes].map((f) => f.byAsn.get(hit.asn)).find((r) => r?.email)
      candidates.get(n.id)?.push({
        email: row?.email,
        organisation: hit.organisation || row?.organisation,
        language: row?.language,
        source: 'asn',
        matched: `AS${hit.asn}`,
        asn: hit.asn,
      })
    }
  }
  const owners = new Map<string, Owner>()
  for (const [id, list] of candidates) {
    const o = pick(list)
    if (o) owners.set(id, o)
  }
  return { owners, asn }
}
