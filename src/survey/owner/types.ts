// Who owns a target, and where that answer came from (the notice says it, so an owner who gets a
// message meant for someone else knows which list to correct).

/** Where an owner came from, strongest first: the order `resolveOwners` tries them in. */
export type OwnerSource = 'target' | 'abuse-csv' | 'prefix-file' | 'asn'

export interface Owner {
  /** The notice goes here; absent when only the organisation is known (ASN data has no e-mail). */
  email?: string
  organisation?: string
  /** BCP 47 primary tag of the notice's language, when the record names one ('en', 'de'). */
  language?: string
  source: OwnerSource
  /** What matched: the prefix (`192.0.2.0/24`), the IP, `AS64500`, or 'target record'. */
  matched: string
  asn?: number
}

/** One row of a contact file (abuse-contact CSV or the CERT's prefix → owner file). */
export interface ContactRow {
  /** An IP, a CIDR prefix, or an AS number (`AS64500`). */
  network: string
  organisation?: string
  email?: string
  language?: string
}

/** A row that could not be used, with its 1-based line: the rest of the file still loads. */
export interface ContactIssue {
  file: string
  line: number
  message: string
}
