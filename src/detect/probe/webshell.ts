// Known web-shell paths from the IOC content, as URLs a front end serves, and the one control request
// per folder and extension that tells a shell that answers from a server that says 200 to everything.
import type { ProbeRequest, ProbeResponse } from '../../shared/probe.ts'
import type { CheckOutcomeName, CompiledWebshellRule, ProbeIocPath } from './probe-rule.ts'

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info']
const SEGMENT = /^[A-Za-z0-9_.-]{1,80}$/

/** IOC file paths under the rule's folders → URL paths, strongest indicator first, at most `max`. */
export function webshellPaths(
  iocs: readonly ProbeIocPath[],
  folders: readonly { from: string; to: string }[],
  extensions: readonly string[],
  max: number,
): { path: string; ioc: string }[] {
  const found: { path: string; ioc: string; rank: number; order: number; folder: number }[] = []
  const seen = new Set<string>()
  iocs.forEach((ioc, order) => {
    const v = ioc.value.replace(/\//g, '\\')
    const low = v.toLowerCase()
    for (const [folder, f] of folders.entries()) {
      const at = low.indexOf(f.from)
      if (at < 0) continue
      const rest = v.slice(at + f.from.length).split('\\')
      if (rest.length === 0 || !rest.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..'))
        continue
      const file = rest[rest.length - 1] as string
      const ext = file.includes('.') ? (file.split('.').pop() as string).toLowerCase() : ''
      if (!extensions.includes(ext)) continue
      const path = f.to + rest.join('/')
      if (seen.has(path.toLowerCase())) break
      seen.add(path.toLowerCase())
      const rank = SEVERITY_ORDER.indexOf(ioc.severity)
      found.push({ path, ioc: ioc.value, rank: rank < 0 ? 9 : rank, order, folder })
      break
    }
  })
  // Strongest first; within one strength, folders take turns, so a cap still samples every folder.
  const turn = new Map<number, number>()
  const keyed = found
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map((f) => {
      const n = turn.get(f.rank * 1000 + f.folder) ?? 0
      turn.set(f.rank * 1000 + f.folder, n + 1)
      return { f, k: [f.rank, n, f.folder, f.order] }
    })
  keyed.sort((a, b) => {
    for (let i = 0; i < 4; i++) {
      const d = (a.k[i] as number) - (b.k[i] as number)
      if (d !== 0) return d
    }
    return 0
  })
  return keyed.slice(0, max).map(({ f }) => ({ path: f.path, ioc: f.ioc }))
}

/** FNV-1a, 32 bits, as 8 hex: a control name no one planted, stable for one target across runs. */
function fnv(s: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}

const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/') + 1)
const extOf = (p: string) => p.slice(p.lastIndexOf('.') + 1).toLowerCase()

export interface WebshellPlan {
  requests: ProbeRequest[]
  /** request id → the shell path it asks for. */
  paths: Map<string, string>
  /** `dir|ext` → the control request's id. */
  controls: Map<string, string>
}

/** The GETs of one target: every chosen path (no query, no body) plus one control per folder/extension. */
export function planWebshell(rule: CompiledWebshellRule, salt: string): WebshellPlan {
  const plan: WebshellPlan = { requests: [], paths: new Map(), controls: new Map() }
  rule.paths.forEach((p, i) => {
    const id = `shell-${i + 1}`
    plan.requests.push({ id, method: 'GET', path: p.path })
    plan.paths.set(id, p.path)
    const key = `${dirOf(p.path).toLowerCase()}|${extOf(p.path)}`
    if (!plan.controls.has(key)) {
      const cid = `shell-control-${plan.controls.size + 1}`
      plan.controls.set(key, cid)
      const name = `exhunt-control-${fnv(`${salt}|${key}`)}.${extOf(p.path)}`
      plan.requests.push({ id: cid, method: 'GET', path: dirOf(p.path) + name })
    }
  })
  return plan
}

/** A shell path answered like a page: 200 where a made-up name in the same folder did not. */
export function judgeWebshell(
  plan: WebshellPlan,
  answers: ReadonlyMap<string, ProbeResponse>,
): { outcome: CheckOutcomeName; evidence: string; requestIds: string[] } {
  const hits: string[] = []
  const hitIds: string[] = []
  const blind = new Set<string>()
  let answered = 0
  for (const [id, path] of plan.paths) {
    const r = answers.get(id)
    if (r?.status != null) answered++
    if (r?.status !== 200) continue
    const key = `${dirOf(path).toLowerCase()}|${extOf(path)}`
    const cid = plan.controls.get(key) as string
    const c = answers.get(cid)
    if (c?.status == null) {
      blind.add(`${dirOf(path)} (control got no answer)`)
      continue
    }
    if (c.status === 200) {
      blind.add(`${dirOf(path)}*.${extOf(path)} (a made-up name answers 200 too)`)
      continue
    }
    hits.push(`${path} answered 200 (control ${c.status})`)
    hitIds.push(id, cid)
  }
  const all = [...plan.paths.keys(), ...plan.controls.values()]
  if (hits.length > 0)
    return {
      outcome: 'shell-answered',
      evidence: hits.join('; '),
      requestIds: [...new Set(hitIds)],
    }
  if (blind.size > 0)
    return {
      outcome: 'inconclusive',
      evidence: `known shell paths answered 200 but cannot be told from any name: ${[...blind].join('; ')}`,
      requestIds: all,
    }
  if (answered === 0)
    return {
      outcome: 'inconclusive',
      evidence: 'no known shell path got an HTTP answer',
      requestIds: all,
    }
  return {
    outcome: 'not-vulnerable',
    evidence: `none of ${plan.paths.size} known web-shell paths answered 200`,
    requestIds: all,
  }
}
