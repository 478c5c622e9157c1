// IIS W3C extended log lines: values are separated by single spaces and IIS replaces spaces inside a
// value with '+', so a line with too many tokens is malformed (hand-edited or non-IIS writer, like the
// ex01 artefacts.help example whose user agent keeps its spaces).

const UA_FIELD = 'cs(user-agent)'

/**
 * Split a W3C data line into exactly `fieldCount` values. Extra tokens are folded back (joined by a
 * space) into the user-agent field when the header has one, else into the last field; missing
 * trailing values are ''.
 */
export function splitW3cLine(
  line: string,
  fieldCount: number,
  fieldNames?: readonly string[],
): string[] {
  const tokens = line.split(' ')
  if (tokens.length === fieldCount) return tokens
  if (tokens.length < fieldCount) {
    while (tokens.length < fieldCount) tokens.push('')
    return tokens
  }
  const extra = tokens.length - fieldCount
  let at = fieldCount - 1
  if (fieldNames) {
    const ua = fieldNames.indexOf(UA_FIELD)
    if (ua !== -1) at = ua
  }
  const folded = tokens.slice(at, at + extra + 1).join(' ')
  return [...tokens.slice(0, at), folded, ...tokens.slice(at + extra + 1)]
}
