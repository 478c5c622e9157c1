// What an Exchange front end of one build answers an unauthenticated client, and a plain IIS site.
// Every header, path and status comes from content/lab/facts.yml (with its source); this file only
// decides which answer a request gets. URL Rewrite's AbortRequest (EOMT / the ProxyNotShell rule) runs
// first, as IIS runs it before the application: the connection is reset with no HTTP answer.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { LabFacts, LabFamilyFacts, OwaVersionPlace } from '../content/lab/load-lab-facts.ts'
import { ntlmChallenge, ntlmMessageType } from './ntlm.ts'
import type { LabInstance } from './types.ts'

const SSRF_HEADER = 'X-CalculatedBETarget'

export type ExchangeAnswerer = (req: IncomingMessage, res: ServerResponse) => void

/**
 * Resets the connection (TCP RST), like IIS URL Rewrite's AbortRequest. Under TLS the reset goes to the
 * TCP socket beneath (`_parent`): the TLS socket's own handle cannot be reset, and destroying it would
 * be an orderly close, which a client reads as "other side closed", not as a reset.
 */
export function abortRequest(req: IncomingMessage): void {
  type Resettable = { resetAndDestroy?: () => void; destroy: () => void; _parent?: Resettable }
  const s = req.socket as unknown as Resettable
  try {
    const tcp = s._parent ?? s
    if (typeof tcp.resetAndDestroy === 'function') {
      tcp.resetAndDestroy()
      return
    }
  } catch {
    // fall through to a plain destroy
  }
  s.destroy()
}

function mitigationRules(facts: LabFacts, inst: LabInstance) {
  const m = inst.options.mitigation
  const rules: { input: 'cookie' | 'decoded-uri'; re: RegExp[] }[] = []
  for (const [name, on] of [
    ['eomt', m === 'eomt' || m === 'both'],
    ['proxynotshell', m === 'proxynotshell' || m === 'both'],
  ] as const) {
    if (!on) continue
    const f = facts.mitigations[name]
    rules.push({
      input: f.input,
      re: f.patterns.map((p) => new RegExp(p, f.ignoreCase ? 'i' : '')),
    })
  }
  return rules
}

function decodeUri(u: string): string {
  try {
    return decodeURIComponent(u)
  } catch {
    return u
  }
}

const threeParts = (build: string) => build.split('.').slice(0, 3).join('.')

const FAVICON = Buffer.from(
  // A 1x1 ICO of our own: enough for a client that fetches the static path.
  'AAABAAEAAQEAAAEAIAAwAAAAFgAAACgAAAABAAAAAgAAAAEAIAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAcv//AAAAAA==',
  'base64',
)

function html(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>\n`
}

/** The answerer of one Exchange instance. */
export function exchangeAnswerer(facts: LabFacts, inst: LabInstance): ExchangeAnswerer {
  if (inst.spec.kind !== 'exchange' || !inst.family || !inst.build)
    throw new Error('exchangeAnswerer needs an Exchange instance')
  const fam: LabFamilyFacts = facts.families[inst.family]
  const build = inst.build
  const shows4 = inst.shows === '4-part'
  const staticBuild = fam.staticParts === 4 ? build : threeParts(build)
  const staticDir = fam.staticPath.replace('{build}', staticBuild)
  const staticDirLower = staticDir.toLowerCase()
  const rules = mitigationRules(facts, inst)
  const shell = inst.options.shell?.toLowerCase() ?? null
  const host = inst.serverName
  const missing = new Set(inst.truth.missing)
  const ssrfVulnerable = missing.has('CVE-2021-26855')
  const proxyShellVulnerable = missing.has('CVE-2021-34473')
  const cafe = fam.feServer
  const ntlmNames = {
    netbiosComputer: inst.netbios,
    netbiosDomain: 'LAB',
    dnsComputer: host,
    dnsDomain: host.split('.').slice(1).join('.') || host,
    windows: fam.windows,
  }

  const base = (res: ServerResponse, place: OwaVersionPlace | null, app = true) => {
    res.setHeader('Server', fam.server)
    if (app) {
      res.setHeader('request-id', randomUUID())
      if (cafe) res.setHeader('X-FEServer', inst.netbios)
      res.setHeader('X-AspNet-Version', fam.aspNetVersion)
    }
    if (place && shows4 && fam.owaVersionOn.includes(place)) res.setHeader('X-OWA-Version', build)
    res.setHeader('X-Powered-By', 'ASP.NET')
  }
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.statusCode = status
    res.setHeader('Content-Type', type)
    res.setHeader('Content-Length', Buffer.byteLength(body))
    res.end(body)
  }
  const notFound = (res: ServerResponse) => {
    base(res, null, false)
    send(
      res,
      404,
      'text/html',
      html('404 - File or directory not found.', '<h2>404 - File or directory not found.</h2>'),
    )
  }
  const redirect = (res: ServerResponse, place: OwaVersionPlace | null, location: string) => {
    base(res, place)
    res.setHeader('Location', location)
    send(
      res,
      302,
      'text/html; charset=utf-8',
      html('Object moved', `<h2>Object moved to <a href="${location}">here</a>.</h2>`),
    )
  }
  const logonUrl = (back: string) =>
    `https://${host}/owa/auth/logon.aspx?url=${encodeURIComponent(`https://${host}${back}`).toLowerCase()}&reason=0`
  // NTLM: a NEGOTIATE gets a CHALLENGE; anything else (no header, a type 3, Kerberos) the plain 401.
  const unauthorized = (
    req: IncomingMessage,
    res: ServerResponse,
    place: OwaVersionPlace | null,
    schemes: string[],
  ) => {
    base(res, place)
    const msg = ntlmMessageType(req.headers.authorization)
    if (msg?.type === 1 && schemes.includes(msg.scheme))
      res.setHeader('WWW-Authenticate', `${msg.scheme} ${ntlmChallenge(ntlmNames)}`)
    else res.setHeader('WWW-Authenticate', schemes)
    send(res, 401, 'text/html', html('401 - Unauthorized', '<h2>401 - Unauthorized</h2>'))
  }

  const logonPage = () =>
    `<!DOCTYPE html>
<!-- OwaPage = ASP.auth_logon_aspx -->
<html><head><meta charset="utf-8"><meta name="robots" content="noindex, nofollow">
<title>${fam.title}</title>
<link rel="shortcut icon" href="${staticDir}favicon.ico" type="image/x-icon">
<link rel="stylesheet" type="text/css" href="${staticDir}logon.css">
</head><body>
<form action="/owa/auth.owa" method="post" name="logonForm">
<input type="hidden" name="destination" value="https://${host}/owa/">
<label>User name <input type="text" name="username"></label>
<label>Password <input type="password" name="password"></label>
<input type="submit" value="Sign in">
</form>
<p>exhunt lab: an emulated Exchange front end on loopback.</p>
</body></html>
`

  const exportManifest = () =>
    `<?xml version="1.0" encoding="utf-8"?>
<asmv1:assembly manifestVersion="1.0" xmlns:asmv1="urn:schemas-microsoft-com:asm.v1" xmlns="urn:schemas-microsoft-com:asm.v2">
  <assemblyIdentity name="microsoft.exchange.ediscovery.exporttool.application" version="${build}" language="neutral" processorArchitecture="msil" xmlns="urn:schemas-microsoft-com:asm.v1" />
  <description asmv2:publisher="exhunt lab" asmv2:product="eDiscovery export tool (emulated)" xmlns:asmv2="urn:schemas-microsoft-com:asm.v2" />
</asmv1:assembly>
`

  // ProxyShell's explicit-logon path confusion: `autodiscover.json?@x/<target>?&Email=autodiscover/autodiscover.json%3F@x`.
  const confusedTarget = (query: string): string | null => {
    const q = decodeUri(query)
    if (!/email=autodiscover\/autodiscover\.json/i.test(q)) return null
    const m = /^@[^/&?]*(\/[^?&]*)/.exec(q)
    return m?.[1]?.toLowerCase() ?? '/'
  }

  return (req, res) => {
    const url = req.url ?? '/'
    for (const rule of rules) {
      const input = rule.input === 'cookie' ? (req.headers.cookie ?? '') : decodeUri(url)
      // Each pattern is a rule of its own (EOMT adds two): any one aborts.
      if (input && rule.re.some((re) => re.test(input))) return abortRequest(req)
    }
    const q = url.indexOf('?')
    const path = (q < 0 ? url : url.slice(0, q)).toLowerCase()
    const query = q < 0 ? '' : url.slice(q + 1)
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST') {
      base(res, null, false)
      return send(res, 405, 'text/html', html('405', '<h2>405 - Method not allowed</h2>'))
    }
    if (shell && path === shell) {
      base(res, null)
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        html(
          '',
          '<form method="post"><input name="cmd" size="60"><input type="submit" value="Run"></form><pre></pre>',
        ),
      )
    }
    switch (path) {
      case '/':
        base(res, null, false)
        return send(
          res,
          200,
          'text/html',
          html('IIS Windows Server', '<h1>Internet Information Services</h1>'),
        )
      case '/owa':
      case '/owa/':
        return redirect(res, 'owa', logonUrl('/owa/'))
      case '/ecp':
      case '/ecp/':
        return redirect(res, null, logonUrl('/ecp/'))
      case '/owa/auth/logon.aspx':
        base(res, 'logon')
        res.setHeader('Cache-Control', 'no-cache, no-store')
        return send(res, 200, 'text/html; charset=utf-8', logonPage())
      case '/owa/auth/x.js': {
        // Microsoft's CVE-2021-26855 check. A patched (or 2010) front end has no such file.
        if (ssrfVulnerable && /X-BEResource=/i.test(req.headers.cookie ?? '')) {
          base(res, null)
          res.setHeader(SSRF_HEADER, 'localhost')
          return send(res, 500, 'text/html', html('500', '<h2>500 - Internal server error.</h2>'))
        }
        return notFound(res)
      }
      case '/ecp/current/exporttool/microsoft.exchange.ediscovery.exporttool.application':
        if (!fam.exportTool || !shows4) return notFound(res)
        base(res, null, false)
        return send(res, 200, 'application/x-ms-application', exportManifest())
      case '/autodiscover/autodiscover.json': {
        if (inst.family === '2010') return notFound(res)
        const target = confusedTarget(query)
        if (target !== null) {
          if (!proxyShellVulnerable) {
            base(res, null)
            return send(res, 400, 'text/html', html('Bad Request', '<h2>Bad Request</h2>'))
          }
          base(res, 'autodiscover')
          res.setHeader(SSRF_HEADER, host)
          if (target.startsWith('/mapi/nspi'))
            return send(
              res,
              200,
              'text/html',
              html('Exchange MAPI/HTTP', '<p>Exchange MAPI/HTTP Connectivity Endpoint</p>'),
            )
          if (target.startsWith('/powershell'))
            return send(res, 401, 'text/html', html('401', '<h2>401 - Unauthorized</h2>'))
          const loc = `/owa/auth/errorFE.aspx?httpCode=500&owaError=Microsoft.Exchange.Clients.Owa2.Server.Core.OwaADUserNotFoundException`
          res.setHeader('Location', loc)
          return send(res, 302, 'text/html', html('Object moved', `<a href="${loc}">here</a>`))
        }
        if (!fam.autodiscoverJson) return notFound(res)
        const params = new URLSearchParams(query)
        const protocol = params.get('Protocol') ?? params.get('protocol')
        const email = params.get('Email') ?? params.get('email')
        base(res, 'autodiscover')
        if (!protocol || !email)
          return send(res, 400, 'application/json', '{"ErrorCode":"InvalidRequest"}')
        const where: Record<string, string> = {
          activesync: '/Microsoft-Server-ActiveSync',
          ews: '/EWS/Exchange.asmx',
          autodiscoverv1: '/autodiscover/autodiscover.xml',
        }
        const p = where[protocol.toLowerCase()]
        if (!p) return send(res, 400, 'application/json', '{"ErrorCode":"ProtocolNotSupported"}')
        return send(
          res,
          200,
          'application/json; charset=utf-8',
          JSON.stringify({ Protocol: protocol, Url: `https://${host}${p}` }),
        )
      }
      case '/autodiscover/autodiscover.xml':
        return unauthorized(req, res, 'autodiscover', [
          'Negotiate',
          'NTLM',
          `Basic realm="${host}"`,
        ])
      case '/ews/exchange.asmx':
        return unauthorized(req, res, 'ews', ['Negotiate', 'NTLM'])
      case '/mapi':
      case '/mapi/':
      case '/mapi/nspi':
      case '/mapi/nspi/':
      case '/mapi/emsmdb':
      case '/mapi/emsmdb/':
        if (!fam.mapi) return notFound(res)
        return unauthorized(req, res, null, ['Negotiate', 'NTLM'])
      case '/rpc/rpcproxy.dll':
        return unauthorized(req, res, null, ['Negotiate', 'NTLM', `Basic realm="${host}"`])
      case '/microsoft-server-activesync':
        return unauthorized(req, res, null, [`Basic realm="${host}"`])
    }
    if (path.startsWith(staticDirLower)) {
      const file = path.slice(staticDirLower.length)
      base(res, null, false)
      if (file === 'favicon.ico') return send(res, 200, 'image/x-icon', FAVICON)
      if (file === 'logon.css' || file === 'owafont.css')
        return send(res, 200, 'text/css', 'body{font-family:"Segoe UI",sans-serif}\n')
    }
    return notFound(res)
  }
}

/** A plain IIS site: the default page at `/`, 404 elsewhere (no /owa/). */
export function iisAnswerer(): ExchangeAnswerer {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    res.setHeader('Server', 'Microsoft-IIS/10.0')
    res.setHeader('X-Powered-By', 'ASP.NET')
    const ok = path === '/' || path?.toLowerCase() === '/iisstart.htm'
    const body = ok
      ? html('IIS Windows Server', '<h1>Internet Information Services</h1><p>Welcome</p>')
      : html('404 - File or directory not found.', '<h2>404 - File or directory not found.</h2>')
    res.statusCode = ok ? 200 : 404
    res.setHeader('Content-Type', 'text/html')
    res.setHeader('Content-Length', Buffer.byteLength(body))
    res.end(body)
  }
}
