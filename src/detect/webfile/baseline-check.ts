// Known-good allowlist checks: a shipped hash silences a file; an unknown server-side file under an
// Exchange web folder is reviewed; a name imitating one shipped in the same folder is suspicious.
import { extensionOf, type WebFileInfo, type WebHit } from './hit.ts'
import { lookalikeOf } from './lookalike.ts'
import type { WebLocation } from './web-path.ts'

export interface BaselineSet {
  product: string
  build: string
  /** Where the list came from (file path or content-relative name). */
  file: string
  entries: number
}

export interface Baseline {
  sets: BaselineSet[]
  /** sha256 (lowercase hex) → indexes into `sets`. */
  hashes: Map<string, number[]>
  /** Normalised path key (`frontend/httpproxy/owa/auth/logon.aspx`) → shipped hashes. */
  paths: Map<string, Set<string>>
  /** Folder key (`frontend/httpproxy/owa/auth`, build folders as `*`) → lowercased names shipped there. */
  folders: Map<string, string[]>
}

/**
 * The folder part of a baseline key, with build-numbered folders (`owa/auth/15.1.2176/...`) as `*`, so a
 * look-alike is compared with what ships next to it whatever build the baseline and the server are.
 */
export function folderKey(key: string): string {
  const cut = key.lastIndexOf('/')
  return (cut < 0 ? '' : key.slice(0, cut))
    .split('/')
    .map((s) => (/^\d+\.\d+\.\d+(\.\d+)?$/.test(s) ? '*' : s))
    .join('/')
}

export function emptyBaseline(): Baseline {
  return { sets: [], hashes: new Map(), paths: new Map(), folders: new Map() }
}

/**
 * Files whose type never executes server-side; everything else under a web folder is "reviewable".
 * ASP.NET handler extensions: Microsoft Learn, "ASP.NET Web Project Folder Structure" / IIS handler
 * mappings in applicationHost.config.
 */
const STATIC_TYPES = new Set(
  'js css map png gif jpg jpeg ico svg bmp webp woff woff2 ttf eot otf htm html txt xml json resx wav mp3 manifest appcache xap'.split(
    ' ',
  ),
)

export function isReviewableType(ext: string): boolean {
  return !STATIC_TYPES.has(ext)
}

export function isKnownGood(baseline: Baseline, sha256: string): boolean {
  return baseline.hashes.has(sha256)
}

export function knownGoodSets(baseline: Baseline, sha256: string): BaselineSet[] {
  return (baseline.hashes.get(sha256) ?? []).map((i) => baseline.sets[i] as BaselineSet)
}

function sourceOf(baseline: Baseline) {
  return {
    engine: 'baseline' as const,
    file: baseline.sets.map((s) => s.file).join(', '),
  }
}

/** Hits from the allowlist for a file whose hash is NOT known good. Empty when no baseline is loaded. */
export function baselineHits(
  baseline: Baseline,
  file: WebFileInfo,
  loc: WebLocation | undefined,
): WebHit[] {
  if (baseline.sets.length === 0 || !loc || !isReviewableType(file.ext)) return []
  const builds = baseline.sets.map((s) => `${s.product} ${s.build}`).join(', ')
  const shippedHere = loc.key ? baseline.paths.get(loc.key) : undefined
  if (shippedHere) {
    return [
      {
        rule: 'exh-web-shipped-file-modified',
        title: 'Exchange-shipped file differs from every known-good build',
        severity: 'low',
        // Every security update changes shipped files: against another build's list this is expected.
        proves: 'context',
        source: sourceOf(baseline),
        reasons: [
          `${loc.key} is shipped by Exchange but its SHA-256 matches none of the baselines (${builds}); a later security update also changes it, so compare with a baseline of the installed build`,
        ],
      },
    ]
  }
  // Only next to the files it imitates: login.aspx in a forum is not a copy of OWA's logon.aspx.
  const imitated = loc.key
    ? lookalikeOf(
        file.name,
        (baseline.folders.get(folderKey(loc.key)) ?? []).filter((n) => extensionOf(n) === file.ext),
      )
    : undefined
  if (imitated) {
    return [
      {
        rule: 'exh-web-lookalike-name',
        title: 'File name imitates a file Exchange ships',
        severity: 'medium',
        // The name is the attacker's habit, but only the content (scanned beside) shows a shell.
        proves: 'suspicion',
        source: sourceOf(baseline),
        reasons: [
          `${file.name} is not shipped by Exchange (${builds}) but is a near copy of the shipped name ${imitated}, a trick used to hide web shells among Exchange's own files`,
        ],
        attack: ['T1036.005', 'T1505.003'],
      },
    ]
  }
  if (
    !loc.exchange &&
    loc.urlPath.split('/').length > 2 &&
    !/^\/aspnet_client\//i.test(loc.urlPath)
  ) {
    // Ordinary web applications under wwwroot/<app>/ are not Exchange's to judge.
    return []
  }
  return [
    {
      rule: 'exh-web-unknown-file',
      title: 'Server-side file not shipped by Exchange in an Exchange web folder (review)',
      severity: 'low',
      proves: 'suspicion',
      source: sourceOf(baseline),
      reasons: [
        `${file.ext || 'extension-less'} file at ${loc.urlPath} is not in the known-good baselines (${builds}); review whether an administrator or product put it there`,
      ],
    },
  ]
}
