// The shipped Sigma content through the real loader and engine: every vendored rule runs or is listed
// skipped with its reason, attribution reaches every finding, SigmaHQ's regression samples give the
// detections they name, hand-built attack events (web-shell process starts as Sysmon 1 and as Security
// 4688, lsass dumps, Exchange cmdlet abuse, Defender detections) fire the rules they should, and the
// events a busy, clean Exchange server writes every day prove nothing.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { loadContent } from '../../src/content/load.ts'
import { sigmaEngine } from '../../src/detect/sigma/index.ts'
import type { EventRecord, EventValue } from '../../src/shared/event-record.ts'
import type { Finding } from '../../src/shared/types.ts'
import { CORPUS, corpusPath, corpusSkip, REPO_ROOT } from '../helpers/corpus.ts'
import { eventFromEvtxJson } from '../helpers/evtx-json.ts'

const CONTENT = join(REPO_ROOT, 'content')
const { content, issues } = loadContent(CONTENT, { yara: false })
const sigma = content.sigma!

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : []
  })
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational'
let n = 0
function ev(
  channel: string,
  eventId: number,
  fields: Record<string, EventValue>,
  over: Partial<EventRecord> = {},
): EventRecord {
  n++
  return {
    eventId,
    provider:
      channel === SYSMON
        ? 'Microsoft-Windows-Sysmon'
        : channel === 'Security'
          ? 'Microsoft-Windows-Security-Auditing'
          : channel,
    channel,
    computer: 'EXCH01.contoso.local',
    time: '2021-03-03T06:12:00.000Z',
    recordId: n,
    fields,
    source: { path: 'C/Windows/System32/winevt/Logs/test.evtx', offset: n * 512, chunk: 0 },
    ...over,
  }
}

function run(events: readonly EventRecord[], opts: { noisy?: boolean } = {}): Finding[] {
  const c = sigmaEngine.compile({ ...sigma, noisy: opts.noisy ?? false })
  const out: Finding[] = []
  const s = c.session()
  for (const e of events) s.match(e, (f) => out.push(f))
  s.finish((f) => out.push(f))
  return out
}

const stem = (f: Finding) =>
  f.ruleSource.file
    .split('/')
    .pop()!
    .replace(/\.yml$/, '')
const stems = (fs: readonly Finding[]) => [...new Set(fs.map(stem))].sort()

describe('sigma content', () => {
  it('every vendored rule compiles: it runs, or is listed skipped with a reason; no errors', () => {
    const sigmaIssues = issues.filter((i) => i.file.includes('sigma'))
    const errors = sigmaIssues.filter((i) => i.severity === 'error')
    assert.deepEqual(errors, [])
    const vendoredFiles = files(join(CONTENT, 'rules/vendor/sigma'), '.yml').filter(
      (f) => !f.endsWith('sources.yml'),
    )
    assert.equal(sigma.vendored, vendoredFiles.length)
    const vendored = sigma.rules.filter((r) => r.file.startsWith('rules/vendor/sigma/'))
    assert.equal(vendored.length, vendoredFiles.length, 'every vendored file loads as a rule')
    const skippedFiles = new Set(sigma.skipped.map((s) => s.file))
    const running = vendored.filter((r) => !skippedFiles.has(r.file))
    assert.equal(
      running.length + sigma.skipped.filter((s) => s.file.startsWith('rules/vendor/')).length,
      vendored.length,
    )
    for (const s of sigma.skipped) assert.ok(s.reason.length > 20, `${s.file}: say why`)
    // By reason: webserver and proxy rules read access logs; the noisy list.
    const kinds: Record<string, number> = {}
    for (const s of sigma.skipped) kinds[s.kind] = (kinds[s.kind] ?? 0) + 1
    assert.deepEqual(kinds, { logsource: 15, noisy: 10 })
    // Noisy rules still compile: run with the option, none is skipped for any other reason.
    const all = sigmaEngine.compile({ ...sigma, noisy: true })
    assert.equal(all.skipped.filter((s) => s.kind === 'noisy').length, 0)
    assert.equal(all.rules, sigma.running + 10)
  })

  it('each vendored file names its source, author and the DRL 1.1 and is upstream below that', () => {
    for (const f of files(join(CONTENT, 'rules/vendor/sigma'), '.yml')) {
      if (f.endsWith('sources.yml')) continue
      const text = readFileSync(f, 'utf8')
      assert.match(
        text,
        /^# Vendored from https:\/\/github\.com\/SigmaHQ\/sigma at commit [0-9a-f]{40}/,
        f,
      )
      assert.match(text, /Detection Rule License \(DRL\) 1\.1/, f)
      assert.match(text, /\nauthor: /, f)
    }
  })

  it('upstream rules are byte for byte the corpus copies', { skip: corpusSkip }, () => {
    let checked = 0
    for (const f of files(join(CONTENT, 'rules/vendor/sigma'), '.yml')) {
      if (f.endsWith('sources.yml')) continue
      const rel = f.slice(join(CONTENT, 'rules/vendor/sigma').length + 1)
      const body = readFileSync(f, 'utf8').replace(/^(#.*\n)+/, '')
      assert.equal(body, readFileSync(corpusPath('rules', 'sigma', 'rules', rel), 'utf8'), rel)
      checked++
    }
    assert.ok(checked >= 60)
  })

  it('a web shell on w3wp: Sysmon 1 and Security 4688 give the same detections', () => {
    const sysmon = ev(SYSMON, 1, {
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd /c cd /d "C:\\inetpub\\wwwroot\\aspnet_client"&whoami&echo [S]&cd&echo [E]',
      ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      ParentCommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "MSExchangeOWAAppPool"',
      OriginalFileName: 'Cmd.Exe',
      User: 'NT AUTHORITY\\SYSTEM',
    })
    const security = ev('Security', 4688, {
      NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd /c cd /d "C:\\inetpub\\wwwroot\\aspnet_client"&whoami&echo [S]&cd&echo [E]',
      ParentProcessName: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      SubjectUserName: 'EXCH01$',
      NewProcessId: '0x1a2c',
      ProcessId: '0x8f0',
    })
    const a = run([sysmon])
    const b = run([security])
    assert.ok(stems(a).includes('proc_creation_win_webshell_chopper'), stems(a).join())
    assert.ok(stems(a).includes('proc_creation_win_webshell_susp_process_spawned_from_webserver'))
    assert.deepEqual(stems(b), stems(a))
    const f = a.find((x) => stem(x) === 'proc_creation_win_webshell_chopper')!
    assert.equal(f.proves, 'compromise')
    assert.equal(f.category, 'webshell')
    assert.equal(f.source.record, sysmon.recordId)
    assert.equal(f.fields?.ParentImage, 'C:\\Windows\\System32\\inetsrv\\w3wp.exe')
    assert.deepEqual(
      b.find((x) => stem(x) === 'proc_creation_win_webshell_chopper')!.fields?.ParentImage,
      'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
    )
  })

  it('every finding carries the DRL 1.1 attribution: author, rule link, licence, in ruleSource and reasons', () => {
    const fs = run([
      ev(SYSMON, 1, {
        Image: 'C:\\Windows\\System32\\rundll32.exe',
        CommandLine:
          'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\inetpub\\wwwroot\\lsass.dmp full',
        ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      }),
    ])
    assert.ok(
      stems(fs).includes('proc_creation_win_rundll32_process_dump_via_comsvcs'),
      stems(fs).join(),
    )
    for (const f of fs) {
      assert.equal(f.ruleSource.engine, 'sigma')
      assert.ok(f.ruleSource.author && f.ruleSource.author.length > 2, f.rule)
      assert.match(
        f.ruleSource.url ?? '',
        /^https:\/\/github\.com\/SigmaHQ\/sigma\/blob\/[0-9a-f]{40}\/rules/,
      )
      assert.match(f.ruleSource.license ?? '', /DRL-1\.1/)
      const reason = f.reasons?.[0] ?? ''
      assert.ok(
        reason.includes(f.ruleSource.author!) &&
          reason.includes(f.ruleSource.url!) &&
          reason.includes('DRL-1.1'),
        reason,
      )
      assert.match(f.rule, /^sigma:[0-9a-f-]{36}$/)
    }
    assert.ok(fs.some((f) => f.proves === 'compromise' && f.phase === 'credential-access'))
  })

  it('Exchange cmdlet abuse in the MSExchange Management log (message inserts)', () => {
    const cmdlet = (text: string) =>
      ev(
        'MSExchange Management',
        1,
        { Data: text, Data1: 'EXCH01' },
        { provider: 'MSExchange CmdletLogs', data: [text, 'EXCH01'] },
      )
    const fs = run([
      cmdlet(
        'Set-OabVirtualDirectory -Identity "OAB (Default Web Site)" -ExternalUrl "http://f/<script language=\\"JScript\\" runat=\\"server\\">function Page_Load(){eval(Request[\\"orange\\"],\\"unsafe\\");}</script>"',
      ),
      cmdlet('New-ManagementRoleAssignment -Role "Mailbox Import Export" -User "administrator"'),
      cmdlet(
        'New-MailboxExportRequest -Mailbox "admin@contoso.local" -FilePath "\\\\127.0.0.1\\C$\\inetpub\\wwwroot\\aspnet_client\\x.aspx"',
      ),
      cmdlet(
        'Install-TransportAgent -Name "Evil" -TransportAgentFactory x -AssemblyPath C:\\x.dll',
      ),
    ])
    assert.deepEqual(stems(fs), [
      // Ours (content/rules/sigma), then SigmaHQ's.
      'exh-evt-cmdlet-import-export-role',
      'exh-evt-cmdlet-mailbox-export-web',
      'exh-evt-cmdlet-oab-script',
      'exh-evt-cmdlet-transport-agent',
      'win_exchange_proxylogon_oabvirtualdir',
      'win_exchange_proxyshell_mailbox_export',
      'win_exchange_set_oabvirtualdirectory_externalurl',
      'win_exchange_transportagent',
    ])
    assert.ok(fs.filter((f) => f.proves === 'compromise').length >= 3)
  })

  it('CVE-2021-26857: UMWorkerProcess starting cmd, not WerFault', () => {
    const um = (image: string) =>
      ev(SYSMON, 1, {
        Image: image,
        CommandLine: image,
        ParentImage: 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin\\UMWorkerProcess.exe',
      })
    const fs = run([
      um('C:\\Windows\\System32\\cmd.exe'),
      um('C:\\Windows\\System32\\WerFault.exe'),
    ])
    const cve = fs.filter((f) => stem(f) === 'proc_creation_win_exploit_cve_2021_26857_msexchange')
    assert.equal(cve.length, 1)
    assert.deepEqual(cve[0]!.cves, ['CVE-2021-26857'])
  })

  it('Defender detects an ASPX web shell (1116, Threat Name → Signature)', () => {
    const fs = run([
      ev(
        'Microsoft-Windows-Windows Defender/Operational',
        1116,
        {
          'Threat Name': 'Backdoor:ASP/Ace.T',
          Path: 'file:_C:\\inetpub\\wwwroot\\aspnet_client\\cmd.aspx',
        },
        { provider: 'Microsoft-Windows-Windows Defender' },
      ),
      ev(
        'Microsoft-Windows-Windows Defender/Operational',
        1116,
        {
          'Threat Name': 'Trojan:Win32/Occamy.C',
          Path: 'file:_C:\\Users\\x\\a.exe',
        },
        { provider: 'Microsoft-Windows-Windows Defender' },
      ),
    ])
    assert.deepEqual(stems(fs), ['av_webshell'])
    assert.equal(fs.length, 1)
    assert.equal(fs[0]!.proves, 'compromise')
  })

  it("a busy, clean Exchange server's everyday events prove nothing", () => {
    const exsetup = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin'
    const clean = [
      // Exchange's own scheduled tasks and admin scripts load the snap-in (noisy list).
      ev(SYSMON, 1, {
        Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        CommandLine:
          'powershell.exe -command ". \'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\bin\\RemoteExchange.ps1\'; Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn; Get-ExchangeServer"',
        ParentImage: 'C:\\Windows\\System32\\svchost.exe',
        OriginalFileName: 'PowerShell.EXE',
      }),
      // ASP.NET compiling an Exchange page: w3wp → csc.exe, and the .dll it writes.
      ev(SYSMON, 1, {
        Image: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe',
        CommandLine:
          '"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /noconfig /fullpaths @"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\owa\\x.cmdline"',
        ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        ParentCommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "MSExchangeOWAAppPool"',
        OriginalFileName: 'csc.exe',
      }),
      ev(SYSMON, 11, {
        Image: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        CommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "MSExchangeOWAAppPool"',
        TargetFilename:
          'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\owa\\a1b2\\App_Web_x.dll',
      }),
      // UMWorkerProcess crashing: Windows Error Reporting.
      ev(SYSMON, 1, {
        Image: 'C:\\Windows\\System32\\WerFault.exe',
        CommandLine: 'WerFault.exe -u -p 4242',
        ParentImage: `${exsetup}\\UMWorkerProcess.exe`,
      }),
      // IIS log clean-up.
      ev(SYSMON, 23, {
        Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        TargetFilename: 'C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex210101.log',
      }),
      ev(SYSMON, 1, {
        Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        CommandLine:
          'powershell.exe -file C:\\Scripts\\CleanLogs.ps1 remove-item C:\\inetpub\\logs\\LogFiles -Recurse',
        ParentImage: 'C:\\Windows\\System32\\svchost.exe',
      }),
      // A support engineer's procdump of EdgeTransport.
      ev(SYSMON, 1, {
        Image: 'C:\\Tools\\procdump64.exe',
        CommandLine: 'procdump64.exe -ma EdgeTransport.exe C:\\dumps',
        ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      }),
      // A CU install: IIS module events.
      ev('Microsoft-IIS-Configuration/Operational', 29, {
        Configuration:
          '/system.webServer/modules/add[@name="Microsoft.Exchange.Clients.Owa2.Server.Core.OwaModule"]',
        NewValue: 'Microsoft.Exchange.Clients.Owa2.Server.Core.OwaModule',
        OldValue: '',
      }),
      // The cmdlet log's ordinary traffic.
      ev(
        'MSExchange Management',
        1,
        { Data: 'Get-Mailbox -ResultSize Unlimited' },
        { data: ['Get-Mailbox -ResultSize Unlimited'] },
      ),
      ev(
        'MSExchange Management',
        1,
        {
          Data: 'Set-OabVirtualDirectory -Identity "EXCH01\\OAB (Default Web Site)" -ExternalUrl "https://mail.contoso.com/OAB"',
        },
        {
          data: [
            'Set-OabVirtualDirectory -Identity "EXCH01\\OAB (Default Web Site)" -ExternalUrl "https://mail.contoso.com/OAB"',
          ],
        },
      ),
      // Security: an antivirus agent opening lsass.
      ev('Security', 4656, {
        ObjectName: '\\Device\\HarddiskVolume2\\Windows\\System32\\lsass.exe',
        ProcessName: 'C:\\Program Files\\Vendor\\agent.exe',
        AccessMask: '0x1410',
        ObjectType: 'Process',
        AccessList: '%%4484',
      }),
      // Security 4688 of the same compile.
      ev('Security', 4688, {
        NewProcessName: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe',
        ParentProcessName: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        CommandLine: 'csc.exe /noconfig',
      }),
    ]
    const fs = run(clean)
    const above = fs.filter((f) => f.proves !== 'context')
    assert.deepEqual(
      above.map((f) => `${stem(f)}: ${f.evidence.split('\n')[1]}`),
      [],
    )
    // With the noisy rules on, the same events do fire: the list is what keeps the server clean.
    assert.ok(run(clean, { noisy: true }).length > fs.length)
  })
})

describe('SigmaHQ regression data', { skip: corpusSkip }, () => {
  const base = corpusPath('rules', 'sigma', 'regression_data')
  const infos = corpusSkip ? [] : files(base, 'info.yml')
  it('the corpus has regression samples for a vendored rule', () => {
    assert.ok(infos.length >= 1, `no info.yml under ${base} (${CORPUS})`)
  })
  for (const info of infos) {
    const meta = parse(readFileSync(info, 'utf8')) as {
      rule_metadata: { id: string; title: string }[]
      regression_tests_info: { name: string; type: string; match_count: number; path: string }[]
    }
    for (const t of meta.regression_tests_info) {
      const rule = meta.rule_metadata[0]!
      it(`${rule.title}: ${t.name} (${t.match_count} match)`, () => {
        // The JSON export beside the .evtx (same events); the .evtx itself once the reader is in.
        const json = join(CORPUS, 'rules', 'sigma', t.path.replace(/\.evtx$/, '.json'))
        const doc = JSON.parse(readFileSync(json, 'utf8'))
        const events = (Array.isArray(doc) ? doc : [doc]).map((d, i) =>
          eventFromEvtxJson(d, t.path, i),
        )
        const hits = run(events, { noisy: true }).filter((f) => f.rule === `sigma:${rule.id}`)
        assert.equal(hits.length, t.match_count)
      })
    }
  }
})
