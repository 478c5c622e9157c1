// Micro benchmark of sources/logs scanLog: generates ~200 MB of realistic HttpProxy + IIS lines in
// the temp folder (once, reused), then prints MB/s for a full parse and for the needles prefilter.
// Run: node --import tsx bench/micro/scan-log.bench.ts [sizeMB]
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scanLog } from '../../src/sources/logs/index.ts'

const TARGET_MB = Number(process.argv[2] ?? 200)
const HP_FIELDS =
  'DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,PartitionEndpointLookupLatency,RoutingStatus'
const IIS_FIELDS =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function httpProxyLine(i: number): string {
  const t = `2023-01-06T${pad(((i / 3600) % 24) | 0)}:${pad(((i / 60) % 60) | 0)}:${pad(i % 60)}.${String(i % 1000).padStart(3, '0')}Z`
  const evil = i % 50000 === 7
  const stem = evil ? '/ecp/y.js' : '/mapi/emsmdb/'
  const anchor = evil
    ? 'ServerInfo~a]@exch01:444/autodiscover/autodiscover.xml?#'
    : 'MailboxGuid~1234567-4444'
  return `${t},3fe8b64c-9d09-495d-9123-${String(i).padStart(12, '0')},15,1,2375,7,,Mapi,mail.contoso.com,${stem},,Negotiate,true,CONTOSO\\user${i % 500},contoso.com,${anchor},MapiHttpClient,10.1.${i % 250}.${i % 200},EXCH01,200,200,,POST,Proxy,exch01.contoso.com,15.01.2375.000,IntraForest,MailboxGuidWithDomain,,,,371,443,,,0,1,,0,,0,,0,0,,0,16,0,0,1,1,11,0,0,0,0,0,16,0,12,3,4,4,16,,?mailboxId=1234567@contoso.com,,BeginRequest=${t};CorrelationID=<empty>;ProxyState-Run=None;EndRequest=${t};,,,|RoutingDB:fb7adba2,,,CafeV1`
}

function iisLine(i: number): string {
  const evil = i % 50000 === 11
  const stem = evil ? '/aspnet_client/system_web/shell.aspx' : '/owa/service.svc'
  return `2023-01-06 ${pad(((i / 3600) % 24) | 0)}:${pad(((i / 60) % 60) | 0)}:${pad(i % 60)} 10.0.0.5 POST ${stem} action=GetItem&UA=0&app=Mail 443 CONTOSO\\user${i % 500} 10.1.${i % 250}.${i % 200} Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36 https://mail.contoso.com/owa/ 200 0 0 ${i % 300}`
}

async function generate(path: string, header: string, line: (i: number) => string): Promise<void> {
  if (existsSync(path) && statSync(path).size >= (TARGET_MB / 2) * 1e6) return
  const out = createWriteStream(path)
  out.write(header)
  let bytes = 0
  let batch: string[] = []
  for (let i = 0; bytes < (TARGET_MB / 2) * 1e6; i++) {
    const l = line(i)
    bytes += l.length + 2
    batch.push(l)
    if (batch.length === 5000) {
      if (!out.write(`${batch.join('\r\n')}\r\n`))
        await new Promise<void>((r) => out.once('drain', () => r()))
      batch = []
    }
  }
  out.end(`${batch.join('\r\n')}\r\n`)
  await new Promise<void>((r) => out.once('finish', () => r()))
}

async function run(label: string, path: string, needles: readonly string[] | null): Promise<void> {
  const size = statSync(path).size
  let records = 0
  const start = process.hrtime.bigint()
  const s = await scanLog(createReadStream(path, { highWaterMark: 1 << 20 }), path, {
    needles: needles ? () => needles : undefined,
    onRecord: () => {
      records++
    },
    onError: (e) => console.error(e.code, e.message),
  })
  const secs = Number(process.hrtime.bigint() - start) / 1e9
  const mbs = (size / 1e6 / secs).toFixed(0)
  console.log(`${label.padEnd(34)} ${mbs.padStart(5)} MB/s  ${s.lines} lines, ${records} records`)
}

const dir = tmpdir()
const hp = join(dir, `exhunt-bench-httpproxy-${TARGET_MB}.log`)
const iis = join(dir, `exhunt-bench-iis-${TARGET_MB}.log`)
await generate(
  hp,
  `#Software: Microsoft Exchange Server\r\n#Version: 15.01.2375.007\r\n#Log-type: HttpProxy Logs\r\n#Date: 2023-01-06T00:00:00.000Z\r\n#Fields: ${HP_FIELDS}\r\n`,
  httpProxyLine,
)
await generate(
  iis,
  `#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2023-01-06 00:00:00\r\n#Fields: ${IIS_FIELDS}\r\n`,
  iisLine,
)
const needles = ['serverinfo~', '/ecp/y.js', 'aspnet_client', 'x-rps-cat', 'autodiscover.json']
for (const [name, path] of [
  ['httpproxy', hp],
  ['iis', iis],
] as const) {
  await run(`${name} full parse`, path, null)
  await run(`${name} needles (${needles.length})`, path, needles)
  const many = [...needles, ...Array.from({ length: 20 }, (_, i) => `needle-${i}-never`)]
  await run(`${name} needles (${many.length})`, path, many)
}
