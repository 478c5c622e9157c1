// Exchange build numbers as written in log headers (`#Version: 15.01.2375.007`) and in the
// MajorVersion/MinorVersion/BuildVersion/RevisionVersion columns, normalised to `15.1.2375.7`.

/** Normalised build, or undefined for anything that is not a real 4-part build (x.0.0.0, IIS 1.0). */
export function normaliseBuild(parts: readonly (string | undefined)[]): string | undefined {
  if (parts.length !== 4) return undefined
  const nums: number[] = []
  for (const p of parts) {
    if (p === undefined || !/^\d{1,5}$/.test(p)) return undefined
    nums.push(Number(p))
  }
  // LogSchema writes the logging assembly's version; 15.0.0.0 is a placeholder, not a build.
  if (nums[1] === 0 && nums[2] === 0 && nums[3] === 0) return undefined
  return nums.join('.')
}

export function buildFromVersionHeader(value: string): string | undefined {
  return normaliseBuild(value.trim().split('.'))
}
