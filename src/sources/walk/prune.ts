// Which folders a directory walk enters. A system drive holds millions of files; only the subtrees
// that can hold Exchange/IIS evidence are walked, and inside an Exchange install only the folders
// with logs, web content and the build (Exchange Server\V15\{Logging,TransportRoles\Logs,FrontEnd,
// ClientAccess,bin}); mailbox databases and the rest are never listed.
import type { ClassifyContext } from './classify.ts'
import { driveRelative, startsWithSeq } from './path-norm.ts'

type Step = string | RegExp
const SKIP_ANYWHERE = new Set([
  '$recycle.bin',
  'system volume information',
  '$extend',
  'winsxs',
  'windowsapps',
])

/** Under `Windows`, only these paths (and what lies below them) are entered. */
const WINDOWS_ALLOW: Step[][] = [
  ['system32', 'inetsrv', 'config'],
  ['system32', 'tasks'],
  ['system32', 'winevt', 'logs'],
  ['temp'],
  ['microsoft.net', /^framework/, /^v\d/, 'temporary asp.net files'],
]
const EXCHANGE_ALLOW: Step[][] = [
  ['logging'],
  ['transportroles', 'logs'],
  ['frontend', 'httpproxy'],
  ['clientaccess'],
  ['bin'],
]

function stepMatches(step: Step, seg: string): boolean {
  return typeof step === 'string' ? step === seg : step.test(seg)
}

/** `rest` is on the way to, or under, one of the allowed paths. */
function allowed(rest: readonly string[], allow: readonly Step[][]): boolean {
  return allow.some((pat) => {
    const n = Math.min(pat.length, rest.length)
    for (let i = 0; i < n; i++) if (!stepMatches(pat[i]!, rest[i]!)) return false
    return true
  })
}

/** Whether the walk enters the folder at `segs` (normalised, relative to the evidence root). */
export function shouldDescend(segs: readonly string[], ctx: ClassifyContext): boolean {
  const last = segs[segs.length - 1]
  if (last === undefined) return true
  if (SKIP_ANYWHERE.has(last)) return false
  for (const root of ctx.exchangeRoots) {
    if (root.length < segs.length && startsWithSeq(segs, root)) {
      const rest = segs.slice(root.length)
      // bin: the few top-level files we want (ExSetup.exe, configs), none of its subfolders.
      if (rest[0] === 'bin') return rest.length === 1
      return allowed(rest, EXCHANGE_ALLOW)
    }
  }
  const dp = driveRelative(segs, ctx.mode)
  const r = dp.rel
  if (dp.rooted) {
    if (r[0] === 'windows') return allowed(r.slice(1), WINDOWS_ALLOW)
    if (r[0] === 'users' && r.length >= 2) return r[1] === 'public'
    return true
  }
  // No drive known: a `windows` folder near the top of a collection is taken for the Windows directory.
  const w = r.indexOf('windows')
  if (w >= 0 && w <= 2 && w + 1 < r.length) return allowed(r.slice(w + 1), WINDOWS_ALLOW)
  return true
}
