// Several places tell the build; trust the one closest to the installed binaries. ExSetup.exe's version
// resource is what Microsoft's own scripts read (CSS-Exchange HealthChecker uses ExSetup's FileVersion).
import { compareBuilds, normaliseBuild } from './normalise.ts'

export interface BuildCandidate {
  build: string
  /** "ExSetup.exe version resource", "Microsoft.Exchange.*.dll", "owa/auth folder", "log header (#Version)". */
  source: string
}

function rank(source: string): number {
  const s = source.toLowerCase()
  if (s.includes('exsetup')) return 0
  if (s.includes('.dll')) return 1
  if (s.includes('owa') || s.includes('folder')) return 2
  if (s.includes('log') || s.includes('header')) return 3
  return 4
}

/** The best candidate: most trusted source first, then the highest build within it. */
export function pickBuild(candidates: readonly BuildCandidate[]): BuildCandidate | null {
  let best: { c: BuildCandidate; r: number } | null = null
  for (const c of candidates) {
    const build = normaliseBuild(c.build)
    if (!build) continue
    const r = rank(c.source)
    if (!best || r < best.r || (r === best.r && compareBuilds(build, best.c.build) > 0)) {
      best = { c: { build, source: c.source }, r }
    }
  }
  return best ? best.c : null
}
