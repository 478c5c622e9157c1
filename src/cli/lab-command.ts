// `exhunt lab`: emulated Exchange front ends on loopback for probe tests, demos and benchmarks. Starts
// the instances, prints where they are, writes the fleet file, and runs until Ctrl-C (SIGINT/SIGTERM),
// which closes every listener and connection.
import { writeFileSync } from 'node:fs'
import { parseAddresses } from '../lab/addresses.ts'
import { parseSpec } from '../lab/mix.ts'
import { startLab } from '../lab/start.ts'
import type { LabInstance, LabMitigation, LabSpec } from '../lab/types.ts'
import { ExhuntError } from '../shared/errors.ts'
import { EXIT_CLEAN } from './exit-codes.ts'
import { say } from './say.ts'

export interface LabCommandOptions {
  count?: number
  port?: number
  host?: string
  addresses?: string
  build: string[]
  mix?: string
  mitigation?: LabMitigation
  shell?: string
  reveal?: '3-part' | '4-part'
  tls: boolean
  fleet?: string
  /** Write the instances' URLs, one a line: the `exhunt probe -f FILE` target list. */
  targets?: string
  domain?: string
  content?: string
  /** Print the instance list even for large fleets. */
  list?: boolean
}

function describe(i: LabInstance): string {
  const what =
    i.spec.kind === 'exchange'
      ? `Exchange ${i.family} ${i.build}${i.shows === '3-part' ? ' (3-part)' : ''}${
          i.options.mitigation !== 'none' ? ` mitigation=${i.options.mitigation}` : ''
        }${i.options.shell ? ` shell=${i.options.shell}` : ''}`
      : i.spec.kind
  return `${i.url}  ${i.serverName.padEnd(16)} ${what.padEnd(62)} → ${i.truth.verdict}`
}

export async function runLab(o: LabCommandOptions): Promise<number> {
  if (o.mix && o.mix !== 'default')
    throw new ExhuntError('EXH_ERR_LAB', `--mix ${o.mix}: only "default" exists`)
  if (o.mix && o.build.length > 0)
    throw new ExhuntError('EXH_ERR_LAB', 'give either --mix or --build, not both')
  const defaults = { mitigation: o.mitigation, shell: o.shell ?? null, reveal: o.reveal }
  const specs: LabSpec[] | undefined = o.build.length
    ? o.build.map((b) => parseSpec(b, defaults))
    : undefined
  const addresses = o.addresses ? parseAddresses(o.addresses) : undefined
  const t0 = performance.now()
  const lab = await startLab({
    specs,
    count: o.count ?? (addresses ? addresses.length : specs ? specs.length : undefined),
    host: o.host,
    port: o.port,
    addresses,
    tls: o.tls,
    domain: o.domain,
    contentRoot: o.content,
  })
  const ms = Math.round(performance.now() - t0)
  if (o.fleet) writeFileSync(o.fleet, `${JSON.stringify(lab.fleet, null, 2)}\n`)
  if (o.targets) writeFileSync(o.targets, `${lab.instances.map((i) => i.url).join('\n')}\n`)
  const n = lab.instances.length
  if (n <= 60 || o.list) for (const i of lab.instances) process.stdout.write(`${describe(i)}\n`)
  const verdicts = new Map<string, number>()
  for (const i of lab.instances)
    verdicts.set(i.truth.verdict, (verdicts.get(i.truth.verdict) ?? 0) + 1)
  say(
    `lab: ${n} instance${n === 1 ? '' : 's'} up in ${ms} ms (${[...verdicts]
      .map(([v, c]) => `${c} ${v}`)
      .join(
        ', ',
      )})${o.fleet ? `, fleet in ${o.fleet}` : ''}${o.targets ? `, targets in ${o.targets}` : ''}; Ctrl-C stops`,
  )
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await lab.close()
  say('lab: closed')
  return EXIT_CLEAN
}
