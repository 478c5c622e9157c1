// Exchange build strings as they appear in evidence, normalised to `15.1.2375.7`: log headers
// (`15.01.2375.007`), ExSetup FileVersion (`15.1.2375.7`), the admin tools' `Version 15.1 (Build 2375.7)`.

const ADMIN = /^Version\s+(\d+)\.(\d+)\s+\(Build\s+(\d+)\.(\d+)\)$/i

export function normaliseBuild(s: string): string | null {
  const t = s.trim()
  const admin = ADMIN.exec(t)
  const parts = admin ? admin.slice(1, 5) : t.split('.')
  if (parts.length !== 4) return null
  const nums: number[] = []
  for (const p of parts) {
    if (!/^\d{1,5}$/.test(p as string)) return null
    nums.push(Number(p))
  }
  // 15.0.0.0 is an assembly-version placeholder, not a build.
  if (nums[1] === 0 && nums[2] === 0 && nums[3] === 0) return null
  if (nums[0] === 0) return null
  return nums.join('.')
}

/** Numeric order of two normalised builds. */
export function compareBuilds(a: string, b: string): number {
  const x = a.split('.')
  const y = b.split('.')
  for (let i = 0; i < 4; i++) {
    const d = Number(x[i] ?? 0) - Number(y[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** `15.1` of `15.1.2375.7`: builds of one line are updates of one product. */
export function lineOf(build: string): string {
  return build.split('.').slice(0, 2).join('.')
}
