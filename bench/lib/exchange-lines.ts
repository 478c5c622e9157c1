// Line makers for a synthetic but realistic Exchange log set. Headers are the real ones
// (HttpProxy: /work/shared/corpus/logs/exchange-log-formats/ex08, ex13; IIS 10 W3C default fields:
// corpus/logs/iis-tunna). Values follow those samples: GUID request ids, CONTOSO users, 10/8 clients.
import type { Rng } from './prng.ts'

export const HTTPPROXY_FIELDS =
  'DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,PartitionEndpointLookupLatency,RoutingStatus'
const HP_COUNT = HTTPPROXY_FIELDS.split(',').length

export const IIS_FIELDS =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'

export function httpProxyHeader(isoDate: string): string {
  return `#Software: Microsoft Exchange Server\r\n#Version: 15.01.2375.007\r\n#Log-type: HttpProxy Logs\r\n#Date: ${isoDate}\r\n#Fields: ${HTTPPROXY_FIELDS}\r\n`
}

export function iisHeader(date: string): string {
  return `#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: ${date}\r\n#Fields: ${IIS_FIELDS}\r\n`
}

export type Proto = 'Owa' | 'Ecp' | 'Ews' | 'Mapi' | 'Autodiscover' | 'Eas'

interface ProtoShape {
  stems: readonly string[]
  actions: readonly string[]
  agents: readonly string[]
  auth: readonly string[]
  query: (r: Rng, user: string) => string
}

const OUTLOOK = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.5356; Pro)'
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML  like Gecko) Chrome/118.0.0.0 Safari/537.36'
const SHAPES: Record<Proto, ProtoShape> = {
  Owa: {
    stems: [
      '/owa/service.svc',
      '/owa/',
      '/owa/sessiondata.ashx',
      '/owa/ev.owa2',
      '/owa/auth/logon.aspx',
    ],
    actions: ['GetItem', 'FindItem', 'GetFolderChangeDigest', 'SubscribeToNotification', ''],
    agents: [
      CHROME,
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15',
    ],
    auth: ['Negotiate', 'FBA'],
    query: (r) =>
      `?action=${r.pick(['GetItem', 'FindItem', 'GetConversationItems'])}&app=Mail&n=${r.int(99)}`,
  },
  Ecp: {
    stems: [
      '/ecp/',
      '/ecp/PersonalSettings/HomePage.aspx',
      '/ecp/DDI/DDIService.svc/GetList',
      '/ecp/Default.aspx',
    ],
    actions: [''],
    agents: [CHROME],
    auth: ['Negotiate', 'FBA'],
    query: (r) => `?schema=MailboxService&msExchEcpCanary=${r.hex(32)}`,
  },
  Ews: {
    stems: ['/EWS/Exchange.asmx'],
    actions: [
      'GetItem',
      'FindItem',
      'SyncFolderItems',
      'GetUserAvailability',
      'GetStreamingEvents',
    ],
    agents: [
      OUTLOOK,
      'MacOutlook/16.78.23102801 (Intelx64 Mac OS X 14.0.0 (Build 23A344))',
      'ExchangeWebServices/2.2',
    ],
    auth: ['Negotiate', 'Basic', 'Bearer'],
    query: () => '',
  },
  Mapi: {
    stems: ['/mapi/emsmdb/', '/mapi/nspi/'],
    actions: ['Execute', 'NotificationWait', 'Connect', 'GetMailboxUrl', 'Bind'],
    agents: [OUTLOOK, 'MapiHttpClient'],
    auth: ['Negotiate', 'Bearer'],
    query: (_r, user) => `?mailboxId=${user}@contoso.com`,
  },
  Autodiscover: {
    stems: ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.json'],
    actions: [''],
    agents: [OUTLOOK, 'Microsoft Office/16.0 (Windows NT 10.0; MAPICPL 16.0.14326; Pro)'],
    auth: ['Negotiate', 'Basic'],
    query: (_r, user) => `?Email=${user}%40contoso.com&Protocol=ActiveSync`,
  },
  Eas: {
    stems: ['/Microsoft-Server-ActiveSync/default.eas'],
    actions: ['Sync', 'Ping', 'FolderSync', 'ItemOperations'],
    agents: [
      'Apple-iPhone14C2/2101.43',
      'Outlook-iOS-Android/1.0',
      'Android-SAMSUNG-SM-G991B/101.100004',
    ],
    auth: ['Basic', 'Bearer'],
    query: (r, user) =>
      `?Cmd=Ping&User=${user}&DeviceId=${r.hex(32).toUpperCase()}&DeviceType=iPhone`,
  },
}

const USERS = Array.from({ length: 400 }, (_, i) => `user${String(i).padStart(3, '0')}`)
const MAILBOX_GUIDS = Array.from(
  { length: 64 },
  (_, i) => `${(0x1a2b3c00 + i).toString(16)}-0f1e-4d2c-9b8a-${String(i).padStart(12, '0')}`,
)

export function internalIp(r: Rng): string {
  return `10.${r.int(4) + 1}.${r.int(250)}.${r.int(250) + 2}`
}

export interface HttpProxyExtra {
  stem?: string
  query?: string
  anchor?: string
  agent?: string
  ip?: string
  status?: string
  method?: string
  requestId?: string
  user?: string
  auth?: string
  routingHint?: string
}

/** One HttpProxy CSV line; `extra` overrides fields (planted attack lines). */
export function httpProxyLine(r: Rng, proto: Proto, t: Date, x: HttpProxyExtra = {}): string {
  const shape = SHAPES[proto]
  const u = r.pick(USERS)
  const iso = t.toISOString()
  const total = r.int(400) + 3
  const f: string[] = new Array(HP_COUNT).fill('')
  f[0] = iso
  f[1] = x.requestId ?? r.guid()
  f[2] = '15'
  f[3] = '1'
  f[4] = '2375'
  f[5] = '7'
  f[6] = r.int(3) === 0 ? r.guid() : ''
  f[7] = proto
  f[8] = 'mail.contoso.com'
  f[9] = x.stem ?? r.pick(shape.stems)
  f[10] = r.pick(shape.actions)
  f[11] = x.auth ?? r.pick(shape.auth)
  f[12] = x.user === '' ? 'false' : 'true'
  f[13] = x.user ?? `${u}@contoso.com`
  f[15] =
    x.anchor ??
    (r.int(2) === 0 ? `SMTP:${u}@contoso.com` : `MailboxGuid~${r.pick(MAILBOX_GUIDS)}@contoso.com`)
  f[16] = x.agent ?? r.pick(shape.agents)
  f[17] = x.ip ?? internalIp(r)
  f[18] = 'EXCH01'
  f[19] = x.status ?? (r.int(20) === 0 ? '401' : '200')
  f[20] = f[19]
  f[22] = x.method ?? (proto === 'Owa' || proto === 'Ecp' ? r.pick(['GET', 'POST']) : 'POST')
  f[23] = 'Proxy'
  f[24] = `exch0${r.int(4) + 1}.contoso.local`
  f[25] = '15.01.2375.000'
  f[26] = 'IntraForest'
  f[27] =
    x.routingHint ?? r.pick(['AnchorMailboxHeader-SMTP', 'MailboxGuidWithDomain', 'Url-ServerInfo'])
  f[31] = String(r.int(3000))
  f[32] = String(r.int(60000))
  f[35] = String(r.int(3))
  f[38] = '0'
  f[40] = '0'
  f[42] = '0'
  f[45] = '0'
  f[46] = String(total)
  f[51] = String(total - 2)
  f[59] = String(total - 1)
  f[60] = String(r.int(20))
  f[61] = '0'
  f[62] = String(r.int(20))
  f[63] = String(total)
  f[65] = x.query ?? shape.query(r, u)
  f[67] = `BeginRequest=${iso};CorrelationID=<empty>;ProxyState-Run=None;FEAuth=BEVersion-1942063431;NewConnection=${f[17]}&0;EndRequest=${iso};`
  f[73] = 'CafeV1'
  return f.join(',')
}

const IIS_STEMS = [
  ['/owa/service.svc', 'action=GetItem&app=Mail&n=12'],
  ['/mapi/emsmdb/', 'mailboxId=USER@contoso.com'],
  ['/EWS/Exchange.asmx', '-'],
  [
    '/Microsoft-Server-ActiveSync/default.eas',
    'Cmd=Ping&User=USER&DeviceId=APPLEC39KJ4PLDTC&DeviceType=iPhone',
  ],
  ['/autodiscover/autodiscover.xml', '-'],
  ['/owa/auth/logon.aspx', 'url=https%3a%2f%2fmail.contoso.com%2fowa%2f&reason=0'],
  ['/ecp/PersonalSettings/HomePage.aspx', 'showhelp=false'],
  ['/owa/', '-'],
] as const
const IIS_AGENTS = [
  'Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/118.0.0.0+Safari/537.36',
  'Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.5356;+Pro)',
  'Apple-iPhone14C2/2101.43',
]

export interface IisExtra {
  stem?: string
  query?: string
  ip?: string
  agent?: string
  status?: string
  method?: string
  user?: string
}

/** One IIS W3C line (space separated, `+` for spaces inside the user agent). */
export function iisLine(r: Rng, t: Date, x: IisExtra = {}): string {
  const [stem, query] = r.pick(IIS_STEMS)
  const u = r.pick(USERS)
  const iso = t.toISOString()
  const method = x.method ?? (stem.startsWith('/owa/auth') || stem === '/owa/' ? 'GET' : 'POST')
  const user = x.user ?? (r.int(10) === 0 ? '-' : `CONTOSO\\${u}`)
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} 10.0.0.5 ${method} ${x.stem ?? stem} ${x.query ?? query.replace('USER', u)} 443 ${user} ${x.ip ?? internalIp(r)} ${x.agent ?? r.pick(IIS_AGENTS)} - ${x.status ?? '200'} 0 0 ${r.int(900) + 1}`
}
