// `wildcard` patterns (`*` any run, `?` one character, whole value) → the cheapest test that decides them:
// equality, startsWith/endsWith/includes, an ordered indexOf walk, and a RegExp only when `?` appears.

export type StringTest = (value: string) => boolean

const REGEX_SPECIALS = /[.+^${}()|[\]\\*?]/g

export function compileWildcard(pattern: string): StringTest {
  if (pattern.includes('?')) {
    const src = pattern
      .split('')
      .map((c) =>
        c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(REGEX_SPECIALS, '\\$&'),
      )
      .join('')
    const re = new RegExp(`^${src}$`, 'u')
    return (v) => re.test(v)
  }
  const parts = pattern.split('*')
  if (parts.length === 1) return (v) => v === pattern
  const first = parts[0]!
  const last = parts[parts.length - 1]!
  const middle = parts.slice(1, -1).filter((p) => p !== '')
  const minLen = first.length + last.length + middle.reduce((n, p) => n + p.length, 0)
  if (middle.length === 0) {
    if (first === '' && last === '') return () => true
    if (last === '') return (v) => v.startsWith(first)
    if (first === '') return (v) => v.endsWith(last)
    return (v) => v.length >= minLen && v.startsWith(first) && v.endsWith(last)
  }
  if (first === '' && last === '' && middle.length === 1) {
    const m = middle[0]!
    return (v) => v.includes(m)
  }
  // Greedy left-to-right: each middle part at its earliest place leaves the most room for the rest.
  return (v) => {
    if (v.length < minLen || !v.startsWith(first) || !v.endsWith(last)) return false
    let at = first.length
    const end = v.length - last.length
    for (const p of middle) {
      const i = v.indexOf(p, at)
      if (i === -1 || i + p.length > end) return false
      at = i + p.length
    }
    return true
  }
}
