// Names one or two edits from a file Exchange ships: RedirSuiteServerProxy.aspx next to the shipped
// RedirSuiteServiceProxy.aspx (ProxyShell-era drop reported by Microsoft/CISA, 2021) is three edits on a
// 22-letter stem, so the allowance grows with the length of the name.

/** Optimal-string-alignment Damerau-Levenshtein distance, stopping early once over `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev2: number[] = []
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prev2[j - 2] as number) + 1)
      }
      cur.push(v)
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    prev2 = prev
    prev = cur
  }
  return prev[b.length] as number
}

/** Edits allowed for a stem of this length: 1 up to 8 letters, 2 up to 15, 3 beyond. */
export function allowance(stemLength: number): number {
  if (stemLength < 5) return 0
  if (stemLength <= 8) return 1
  if (stemLength <= 15) return 2
  return 3
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

/**
 * The shipped name `name` imitates, if any. `shipped` holds lowercased file names with the same extension;
 * an exact match is not a look-alike (that is a shipped name, judged by its hash).
 */
export function lookalikeOf(name: string, shipped: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  const s = stem(lower)
  const max = allowance(s.length)
  if (max === 0) return undefined
  let best: string | undefined
  let bestD = max + 1
  for (const cand of shipped) {
    if (cand === lower) return undefined
    const d = editDistance(s, stem(cand), max)
    if (d > 0 && d < bestD) {
      bestD = d
      best = cand
    }
  }
  return best
}
