// Which instances a lab runs: `--build` specs (a build or a kind, with options) cycled over the
// count, or the default mix: every family, patched and unpatched, mitigated, shells, three-part,
// not-exchange, and a few hostile servers spread through the fleet.
import { ExhuntError } from '../shared/errors.ts'
import {
  HOSTILE_KINDS,
  type HostileKind,
  type LabMitigation,
  type LabSpec,
  MITIGATIONS,
} from './types.ts'

const ex = (
  build: string,
  o: { mitigation?: LabMitigation; shell?: string; reveal?: '3-part' } = {},
): LabSpec => ({
  kind: 'exchange',
  build,
  mitigation: o.mitigation ?? 'none',
  shell: o.shell ?? null,
  reveal: o.reveal ?? '4-part',
})

/** The default mix's cycle (hostile kinds are placed separately). Web-shell paths are URL forms of
 * file paths in content/ioc (MSTIC / CISA lists). */
export const DEFAULT_CYCLE: readonly LabSpec[] = [
  ex('15.1.2176.2'), // 2016 CU19: ProxyLogon, ProxyShell, ProxyNotShell
  ex('15.2.792.3', { mitigation: 'eomt' }), // 2019 CU8: ProxyLogon build, EOMT applied
  ex('15.0.1497.2'), // 2013 CU23
  ex('15.1.2176.9'), // 2016 CU19 Mar21SU: ProxyShell
  ex('15.1.2375.32', { mitigation: 'proxynotshell' }), // 2016 CU22 Oct22SU, ProxyNotShell rule
  ex('15.2.986.30'), // 2019 CU11 Oct22SU: ProxyNotShell, no rule
  ex('15.1.2507.72'), // 2016 CU23 Aug26SU
  ex('15.2.1544.44'), // 2019 CU14 Aug26SU
  ex('15.2.2562.46'), // SE RTM Aug26SU
  ex('15.2.2562.17'), // SE RTM
  ex('14.3.513.0'), // 2010 SP3 RU32
  ex('14.3.496.0'), // 2010 SP3 RU30
  ex('15.1.2375.37', { shell: '/aspnet_client/system_web/log.aspx' }), // 2016 CU22 Nov22SU + shell
  ex('15.2.1118.40', { mitigation: 'both' }), // 2019 CU12 Nov23SU, both rules
  ex('15.1.2375.7', { reveal: '3-part' }), // 2016 CU22, static path only
  ex('15.2.1544.44', { reveal: '3-part' }), // 2019 CU14 Aug26SU, static path only
  ex('15.0.1497.12', { mitigation: 'eomt', shell: '/owa/auth/shel.aspx' }), // 2013 CU23 Mar21SU + shell
  { kind: 'not-exchange' },
]

/** `count` instances of the default mix; with 20 or more, each hostile kind once, spread out. */
export function defaultMix(count: number): LabSpec[] {
  const out = Array.from(
    { length: count },
    (_, i) => DEFAULT_CYCLE[i % DEFAULT_CYCLE.length] as LabSpec,
  )
  if (count >= 20)
    HOSTILE_KINDS.forEach((kind, k) => {
      out[Math.floor(((k + 1) * count) / (HOSTILE_KINDS.length + 1))] = { kind }
    })
  return out
}

/**
 * One `--build` value: `15.1.2176.2`, `15.1.2176.2,mitigation=eomt,shell=/aspnet_client/x.aspx,reveal=3-part`,
 * `not-exchange`, or a hostile kind (`slow-drip`).
 */
export function parseSpec(
  text: string,
  defaults: {
    mitigation?: LabMitigation
    shell?: string | null
    reveal?: '4-part' | '3-part'
  } = {},
): LabSpec {
  const [head = '', ...opts] = text.split(',').map((s) => s.trim())
  if (head === 'not-exchange') return { kind: 'not-exchange' }
  if ((HOSTILE_KINDS as readonly string[]).includes(head)) return { kind: head as HostileKind }
  if (!/^\d{1,2}\.\d{1,2}\.\d{1,5}\.\d{1,5}$/.test(head))
    throw new ExhuntError(
      'EXH_ERR_LAB',
      `--build ${text}: expected a four-part build (15.1.2176.2), not-exchange or one of ${HOSTILE_KINDS.join(', ')}`,
    )
  const spec = {
    kind: 'exchange' as const,
    build: head,
    mitigation: defaults.mitigation ?? 'none',
    shell: defaults.shell ?? null,
    reveal: defaults.reveal ?? '4-part',
  }
  for (const o of opts) {
    const [k, v = ''] = o.split('=')
    if (k === 'mitigation' && (MITIGATIONS as readonly string[]).includes(v))
      spec.mitigation = v as LabMitigation
    else if (k === 'shell' && v.startsWith('/')) spec.shell = v
    else if (k === 'reveal' && (v === '3-part' || v === '4-part')) spec.reveal = v
    else
      throw new ExhuntError(
        'EXH_ERR_LAB',
        `--build ${text}: unknown option ${o} (mitigation=${MITIGATIONS.join('|')}, shell=/path, reveal=3-part|4-part)`,
      )
  }
  return spec
}
