// startLab: many emulated servers from one process, each on its own loopback port or address, and
// the fleet file that says what a correct probe concludes about each. One TLS key for all instances,
// one certificate per host name (cert.ts), so a thousand instances start in a few seconds.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import {
  createSecureContext,
  createServer as createTlsServer,
  type Server as TlsServer,
} from 'node:tls'
import { type LabFacts, loadLabFacts } from '../content/lab/load-lab-facts.ts'
import { type Content, loadContent } from '../content/load.ts'
import { contentRoot } from '../content/root.ts'
import { ExhuntError } from '../shared/errors.ts'
import { assertLoopback } from './addresses.ts'
import { makeLabKey, selfSignedCert } from './cert.ts'
import { exchangeAnswerer, iisAnswerer } from './exchange.ts'
import { hostileConnection } from './hostile.ts'
import { defaultMix } from './mix.ts'
import { familyOf, truthFor } from './truth.ts'
import type { LabFleet, LabInstance, LabSpec } from './types.ts'

export interface LabOptions {
  /** Instances to run, cycled over `count`. Default: the default mix. */
  specs?: readonly LabSpec[]
  /** How many instances (default: specs.length, or 1 instance per address, or 18 for the mix). */
  count?: number
  /** Loopback address for `--port` mode (default 127.0.0.1). */
  host?: string
  /** First port; instance i listens on port + i. 0: every instance gets a free port from the OS (tests). */
  port?: number
  /** One instance per address, all on `port` (default 443). Every address must be loopback. */
  addresses?: readonly string[]
  /** TLS on every instance (default true). */
  tls?: boolean
  /** DNS domain of the instances' names: mail<N>.<domain> (default lab.test). */
  domain?: string
  /** Loaded content (build table, CVE families); loaded from `contentRoot` when absent. */
  content?: Content
  contentRoot?: string
}

export interface RunningLab {
  instances: LabInstance[]
  fleet: LabFleet
  close(): Promise<void>
}

type AnyServer = HttpServer | NetServer

function fleetOf(instances: readonly LabInstance[]): LabFleet {
  return {
    schema: 'exhunt.lab-fleet/1',
    instances: instances.map((i) => ({
      url: i.url,
      host: i.host,
      port: i.port,
      serverName: i.serverName,
      family: i.family,
      build: i.build,
      shows: i.shows,
      options: i.options,
      truth: i.truth,
    })),
  }
}

function listen(server: AnyServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const hint = e.code === 'EACCES' ? ' (ports below 1024 need privileges: give --port)' : ''
      reject(
        new ExhuntError('EXH_ERR_LAB', `cannot listen on ${host}:${port}: ${e.message}${hint}`),
      )
    }
    server.once('error', onError)
    server.listen({ host, port, backlog: 511 }, () => {
      server.off('error', onError)
      const a = server.address()
      resolve(typeof a === 'object' && a ? a.port : port)
    })
  })
}

function labFacts(root: string): LabFacts {
  const { facts, issues } = loadLabFacts(root)
  if (!facts)
    throw new ExhuntError(
      'EXH_ERR_CONTENT',
      `lab facts: ${issues.map((i) => `${i.file} ${i.path}: ${i.message}`).join('; ')}`,
    )
  return facts
}

export async function startLab(options: LabOptions = {}): Promise<RunningLab> {
  const root = options.contentRoot ?? options.content?.root ?? contentRoot()
  const content = options.content ?? loadContent(root, { yara: false, nativeRules: false }).content
  const facts = labFacts(root)
  const tls = options.tls ?? true
  const domain = options.domain ?? 'lab.test'
  const addresses = options.addresses
  const host = options.host ?? '127.0.0.1'
  if (addresses) for (const a of addresses) assertLoopback(a)
  else assertLoopback(host)
  const count =
    options.count ??
    (addresses?.length || (options.specs ? options.specs.length : defaultMix(18).length))
  if (!Number.isInteger(count) || count < 1)
    throw new ExhuntError('EXH_ERR_LAB', `count must be a whole number >= 1, not ${count}`)
  if (addresses && addresses.length < count)
    throw new ExhuntError(
      'EXH_ERR_LAB',
      `${count} instances but only ${addresses.length} addresses`,
    )
  const specs = options.specs?.length
    ? Array.from(
        { length: count },
        (_, i) => options.specs?.[i % (options.specs?.length ?? 1)] as LabSpec,
      )
    : defaultMix(count)
  const basePort = options.port ?? (addresses ? 443 : 20001)
  if (!addresses && basePort !== 0 && basePort + count - 1 > 65535)
    throw new ExhuntError(
      'EXH_ERR_LAB',
      `ports ${basePort}..${basePort + count - 1} run past 65535`,
    )
  const key = tls ? makeLabKey() : undefined
  // The context every instance shows until its first connection makes its own (never seen by a client).
  const shared = key
    ? createSecureContext({ key: key.pem, cert: selfSignedCert(key, `lab.${domain}`) })
    : undefined

  const instances: LabInstance[] = specs.map((spec, i) => {
    const serverName = `mail${i + 1}.${domain}`
    const h = addresses ? (addresses[i] as string) : host
    const p = addresses ? basePort : basePort === 0 ? 0 : basePort + i
    let family: LabInstance['family'] = null
    let shows: LabInstance['shows'] = null
    if (spec.kind === 'exchange') {
      family = familyOf(content, spec.build)
      if (!family)
        throw new ExhuntError(
          'EXH_ERR_LAB',
          `build ${spec.build} belongs to no Exchange product of the build table`,
        )
      if (family === '2010' && spec.reveal === '3-part')
        throw new ExhuntError(
          'EXH_ERR_LAB',
          `build ${spec.build}: Exchange 2010 shows all four parts in its OWA static path, reveal=3-part does not apply`,
        )
      shows = spec.reveal
    }
    return {
      spec,
      url: '',
      host: h,
      port: p,
      serverName,
      netbios: `MAIL${i + 1}`,
      tls,
      family,
      build: spec.kind === 'exchange' ? spec.build : null,
      shows,
      options: {
        mitigation: spec.kind === 'exchange' ? spec.mitigation : 'none',
        shell: spec.kind === 'exchange' ? spec.shell : null,
        hostile: spec.kind === 'exchange' || spec.kind === 'not-exchange' ? null : spec.kind,
      },
      truth: truthFor(content, spec),
    }
  })

  const servers: AnyServer[] = []
  const sockets = new Set<Socket>()
  const track = (s: AnyServer) => {
    s.on('connection', (sock: Socket) => {
      sockets.add(sock)
      sock.once('close', () => sockets.delete(sock))
    })
    servers.push(s)
    return s
  }
  // Sockets first (a reset one may still sit in the HTTP server's connection list until the next
  // tick), then the listeners.
  const close = async () => {
    for (const s of sockets) s.destroy()
    await new Promise((r) => setImmediate(r))
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((r) => {
            if (!s.listening) return r()
            s.close(() => r())
          }),
      ),
    )
  }

  try {
    await Promise.all(
      instances.map(async (inst) => {
        // One shared placeholder context at start; the instance's own certificate and context are
        // made on its first connection (prepended to the TLS server's own connection listener, so the
        // handshake already uses them). Contexts cost ~3 ms each: made eagerly, a thousand would
        // hold the start for seconds.
        const tlsOpts = shared ? { secureContext: shared } : undefined
        const kind = inst.spec.kind
        let server: AnyServer
        if (kind === 'exchange' || kind === 'not-exchange') {
          const answer = kind === 'exchange' ? exchangeAnswerer(facts, inst) : iisAnswerer()
          server = tlsOpts ? createHttpsServer(tlsOpts, answer) : createHttpServer(answer)
          server.on('clientError', (_e, sock: Socket) => sock.destroy())
        } else if (kind === 'tls-stall' || kind === 'not-http' || !tlsOpts) {
          server = createNetServer((sock) => hostileConnection(kind, sock, inst.serverName))
        } else {
          server = createTlsServer(tlsOpts, (sock) =>
            hostileConnection(kind, sock, inst.serverName),
          )
          server.on('tlsClientError', () => {})
        }
        if (key && tlsOpts && 'setSecureContext' in server) {
          const tlsServer = server as TlsServer
          let ready = false
          tlsServer.prependListener('connection', () => {
            if (ready) return
            ready = true
            tlsServer.setSecureContext({ key: key.pem, cert: selfSignedCert(key, inst.serverName) })
          })
        }
        track(server)
        inst.port = await listen(server, inst.host, inst.port)
        const h = inst.host.includes(':') ? `[${inst.host}]` : inst.host
        inst.url = `${tls ? 'https' : 'http'}://${h}:${inst.port}`
      }),
    )
  } catch (e) {
    await close()
    throw e
  }
  return { instances, fleet: fleetOf(instances), close }
}
