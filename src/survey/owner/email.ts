// E-mail addresses come from files a CERT imports and from scanned data: anything that could smuggle a
// header (CR, LF, other controls) or a second recipient (comma, semicolon, angle brackets) is refused
// rather than cleaned, so a bad row is reported and never half-used.

const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/

/** The address lower-cased in its domain, or undefined when it is not one plain address. */
export function normaliseEmail(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const s = raw.trim()
  if (s.length === 0 || s.length > 254 || !ADDRESS.test(s)) return undefined
  const at = s.lastIndexOf('@')
  return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`
}
