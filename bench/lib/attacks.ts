// Attack lines planted into the synthetic log set so a benchmark run can be checked for recall.
// Shapes from public write-ups: ProxyLogon SSRF AnchorMailbox `ServerInfo~a]@host:444/...#`
// (Microsoft, HAFNIUM targeting Exchange, 2021-03-02; CSS-Exchange Test-ProxyLogon.ps1), ProxyShell
// `autodiscover.json?@x/...&Email=autodiscover/autodiscover.json%3F@x` (Orange Tsai, Black Hat 2021;
// corpus/logs/proxyshell-blog-excerpts-unverified), OWASSRF `/owa/<mailbox>/powershell`
// (CrowdStrike, 2022-12-20), web-shell posts to `aspnet_client` / `owa/auth` (CISA AA21-062A).
import {
  type HttpProxyExtra,
  httpProxyLine,
  type IisExtra,
  iisLine,
  type Proto,
} from './exchange-lines.ts'
import type { Rng } from './prng.ts'

export type AttackKind =
  | 'proxylogon-ssrf'
  | 'proxyshell-httpproxy'
  | 'proxyshell-iis'
  | 'owassrf-iis'
  | 'webshell-iis'

export interface Planted {
  kind: AttackKind
  /** A string unique to this line: proves a finding (or a grep hit) came from it. */
  token: string
  line: string
}

function attackerIp(r: Rng): string {
  return `${r.pick(['203.0.113', '198.51.100', '192.0.2', '45.77.12'])}.${r.int(250) + 2}`
}

const SSRF_TARGETS = [
  '/ecp/proxyLogon.ecp#',
  '/autodiscover/autodiscover.xml?#',
  '/ecp/DDI/DDIService.svc/SetObject?schema=ResetOABVirtualDirectory&msExchEcpCanary=x#',
  '/mapi/emsmdb/?#',
]

const PROXYSHELL_TARGETS = [
  'mapi/nspi/?&',
  'EWS/exchange.asmx?&',
  'powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dzQwBBCEtlcmJlcm9zTAdhZG1pbkBVBVdpbmRvd3NHBQE&',
]

export function plantHttpProxy(r: Rng, proto: Proto, t: Date): Planted {
  const requestId = r.guid()
  if (proto === 'Autodiscover') {
    const host = `${r.hex(6)}.com`
    const x: HttpProxyExtra = {
      requestId,
      stem: '/autodiscover/autodiscover.json',
      query: `?@${host}/${r.pick(PROXYSHELL_TARGETS)}Email=autodiscover/autodiscover.json%3F@${host}`,
      anchor: `SMTP:administrator@contoso.com`,
      agent: 'python-requests/2.26.0',
      ip: attackerIp(r),
      user: '',
      auth: '',
    }
    return { kind: 'proxyshell-httpproxy', token: requestId, line: httpProxyLine(r, proto, t, x) }
  }
  const x: HttpProxyExtra = {
    requestId,
    stem:
      proto === 'Ecp' ? `/ecp/${r.pick(['y', 'x', 'a', r.hex(3)])}.js` : `/owa/auth/${r.hex(2)}.js`,
    query: '',
    anchor: `ServerInfo~a]@EXCH0${r.int(4) + 1}.contoso.local:444${r.pick(SSRF_TARGETS)}`,
    agent: r.pick([
      'ExchangeServicesClient/0.0.0.0',
      'python-requests/2.25.1',
      'Mozilla/5.0 zgrab/0.x',
    ]),
    ip: attackerIp(r),
    status: r.pick(['200', '241', '500']),
    user: '',
    auth: '',
    routingHint: 'ServerInfo-Cookie',
  }
  return { kind: 'proxylogon-ssrf', token: requestId, line: httpProxyLine(r, proto, t, x) }
}

export function plantIis(r: Rng, t: Date, n: number): Planted {
  const ip = attackerIp(r)
  const token = r.hex(10)
  let kind: AttackKind
  let x: IisExtra
  if (n % 3 === 0) {
    kind = 'proxyshell-iis'
    x = {
      stem: '/autodiscover/autodiscover.json',
      query: `@${token}.com/${r.pick(PROXYSHELL_TARGETS)}Email=autodiscover/autodiscover.json%3F@${token}.com`,
      ip,
      agent: 'python-requests/2.26.0',
      user: '-',
    }
  } else if (n % 3 === 1) {
    kind = 'webshell-iis'
    const dir = r.pick(['/aspnet_client/system_web/', '/owa/auth/', '/aspnet_client/'])
    x = {
      stem: `${dir}${token}.aspx`,
      query: '-',
      ip,
      method: 'POST',
      agent: 'antSword/v2.1',
      user: '-',
    }
  } else {
    kind = 'owassrf-iis'
    x = {
      stem: `/owa/${token}%40outlook.com/powershell`,
      query: '-',
      ip,
      agent: 'python-requests/2.28.1',
      user: 'CONTOSO\\user007',
    }
  }
  return { kind, token, line: iisLine(r, t, x) }
}
