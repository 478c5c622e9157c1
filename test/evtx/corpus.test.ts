// The EVTX reader on every real sample of the shared corpus: record counts equal python-evtx's
// (REFERENCE-COUNTS.csv, see SOURCES.md there), damage is one error per bad chunk, and field values of
// records of several providers equal what python-evtx 0.6.1 and evtxexport 20181227 print for them.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { EventRecord } from '../../src/shared/event-record.ts'
import { readAllEvtx, readEvtxFile } from '../../src/sources/evtx/reader.ts'
import { renderXml } from '../../src/sources/evtx/render.ts'
import { corpusPath, corpusSkip } from '../helpers/corpus.ts'

const EVTX = (p: string) => corpusPath('evtx', p)

function referenceCounts(): { path: string; python: number; evtxexport: number }[] {
  return readFileSync(EVTX('REFERENCE-COUNTS.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [path, , python, evtxexport] = line.split(',')
      return { path: path as string, python: Number(python), evtxexport: Number(evtxexport) }
    })
}

describe('evtx: record counts against python-evtx', { skip: corpusSkip }, () => {
  it("every shared sample gives python-evtx's count; damaged records are flagged and named in errors", async () => {
    const rows = referenceCounts()
    assert.ok(rows.length >= 35, `only ${rows.length} reference rows`)
    const mismatches: string[] = []
    for (const row of rows) {
      const { records, errors } = await readAllEvtx(EVTX(row.path), row.path)
      if (records.length !== row.python)
        mismatches.push(`${row.path}: ${records.length} != ${row.python}`)
      const damaged = records.filter((r) => r.damaged !== undefined)
      // The complete records are never fewer than evtxexport's (it skips half-written ones).
      assert.ok(records.length - damaged.length >= Math.min(row.evtxexport, row.python), row.path)
      if (damaged.length)
        assert.ok(
          errors.some((e) => e.code === 'EXH_ERR_EVTX_RECORD'),
          row.path,
        )
      // One error per chunk at most.
      const perChunk = new Map<string, number>()
      for (const e of errors) {
        const key = /^chunk (\d+)/.exec(e.message)?.[1] ?? 'file'
        perChunk.set(key, (perChunk.get(key) ?? 0) + 1)
        assert.match(e.code, /^EXH_ERR_EVTX_/)
        assert.equal(e.path, row.path)
      }
      for (const [k, n] of perChunk) assert.equal(n, 1, `${row.path}: ${n} errors for chunk ${k}`)
    }
    assert.deepEqual(mismatches, [])
  })

  it('the known-damaged samples say why, the clean ones give no error', async () => {
    const errorsOf = async (p: string) => (await readAllEvtx(EVTX(p), p)).errors
    // A half-written last record (trailing size copy 0): counted, flagged, reported.
    const hello = await readAllEvtx(
      EVTX('parser-samples/Microsoft-Windows-HelloForBusiness%4Operational.evtx'),
    )
    assert.equal(hello.errors.length, 1)
    assert.match(hello.errors[0]?.message ?? '', /half-written/)
    // The string table of the chunk header is damaged: names are read where elements point, so all
    // 2261 records are there, and the header checksum says the chunk is damaged.
    const bad = await errorsOf('parser-samples/security_bad_string_cache.evtx')
    assert.ok(bad.some((e) => e.code === 'EXH_ERR_EVTX_CHECKSUM'))
    // Garbage where chunks 9.. should be (not zeros): one EXH_ERR_EVTX_CHUNK each.
    const sysmon = await errorsOf('parser-samples/sysmon.evtx')
    assert.ok(sysmon.length >= 1 && sysmon.every((e) => e.code === 'EXH_ERR_EVTX_CHUNK'))
    for (const clean of [
      'parser-samples/security.evtx',
      'parser-samples/system.evtx',
      'parser-samples/Security_with_size_t.evtx',
    ])
      assert.deepEqual(await errorsOf(clean), [], clean)
  })
})

async function recordsOf(p: string): Promise<EventRecord[]> {
  return (await readAllEvtx(EVTX(p), p)).records
}

describe('evtx: field values of several providers', { skip: corpusSkip }, () => {
  it('Sysmon 1: w3wp.exe starting cmd.exe (python-evtx: same values)', async () => {
    const [r] = await recordsOf(
      'EVTX-ATTACK-SAMPLES/Lateral Movement/LM_typical_IIS_webshell_sysmon_1_10_traces.evtx',
    )
    assert.ok(r)
    assert.equal(r.eventId, 1)
    assert.equal(r.provider, 'Microsoft-Windows-Sysmon')
    assert.equal(r.channel, 'Microsoft-Windows-Sysmon/Operational')
    assert.equal(r.computer, 'IEWIN7')
    assert.equal(r.time, '2019-05-24T01:33:53.112Z')
    assert.equal(r.recordId, 1044)
    assert.equal(r.level, 4)
    assert.equal(r.keywords, '0x8000000000000000')
    assert.equal(r.userId, 'S-1-5-18')
    assert.equal(r.processId, 2032)
    assert.equal(r.threadId, 2092)
    assert.equal(r.fields.Image, 'C:\\Windows\\System32\\cmd.exe')
    assert.equal(r.fields.CommandLine, '"c:\\windows\\system32\\cmd.exe" /c net user')
    assert.equal(r.fields.ParentImage, 'C:\\Windows\\System32\\inetsrv\\w3wp.exe')
    assert.equal(r.fields.User, 'IIS APPPOOL\\DefaultAppPool')
    assert.equal(r.fields.ProcessId, 2404)
    assert.equal(r.fields.ProcessGuid, '{365ABB72-4A01-5CE7-0000-0010EE9DAC00}')
    assert.equal(r.fields.LogonId, '0x9cf992')
    assert.equal(r.fields.RuleName, '')
    assert.equal(r.fields.Product, 'Microsoft® Windows® Operating System')
  })

  it('Security 4624 and 4648 from a web shell (python-evtx: same values; size_t as Windows prints it)', async () => {
    const rs = await recordsOf(
      'EVTX-ATTACK-SAMPLES/Privilege Escalation/Runas_4624_4648_Webshell_CreateProcessAsUserA.evtx',
    )
    assert.deepEqual(
      rs.map((r) => r.eventId),
      [1102, 4648, 4624],
    )
    const logon = rs[2] as EventRecord
    assert.equal(logon.provider, 'Microsoft-Windows-Security-Auditing')
    assert.equal(logon.channel, 'Security')
    assert.equal(logon.recordId, 161473)
    assert.equal(logon.time, '2020-09-15T18:04:39.987Z')
    assert.equal(logon.fields.TargetUserName, 'IEUser')
    assert.equal(logon.fields.TargetUserSid, 'S-1-5-21-3461203602-4096304019-2269080069-1000')
    assert.equal(logon.fields.LogonType, 3)
    assert.equal(logon.fields.ProcessName, 'C:\\Windows\\System32\\inetsrv\\w3wp.exe')
    assert.equal(logon.fields.ProcessId, '0x140c')
    assert.equal(logon.fields.SubjectLogonId, '0x10b6b3')
    assert.equal(logon.fields.LogonGuid, '{00000000-0000-0000-0000-000000000000}')
    assert.equal(logon.fields.ImpersonationLevel, '%%1833')
    assert.equal(logon.fields.LogonProcessName, 'Advapi  ')
    // 1102 (log cleared) keeps its values in UserData: leaves by element name, no xmlns.
    const cleared = rs[0] as EventRecord
    assert.equal(cleared.provider, 'Microsoft-Windows-Eventlog')
    assert.equal(cleared.fields.xmlns, undefined)
    assert.ok(typeof cleared.fields.SubjectUserName === 'string')
  })

  it('System 6013: a string array is one Data per item, empty items kept (as evtxexport prints it)', async () => {
    const rs = await recordsOf('parser-samples/2-vss_7-System.evtx')
    const uptime = rs.find((r) => r.eventId === 6013 && r.recordId === 68)
    assert.ok(uptime)
    assert.equal(uptime.channel, 'System')
    assert.equal(uptime.provider, 'EventLog')
    assert.deepEqual(uptime.data, ['', '', '', '', '13', '60', '480 Pacific Standard Time'])
    assert.equal(uptime.fields.Data4, '13')
    assert.equal(uptime.fields.Data6, '480 Pacific Standard Time')
  })

  it('Application: classic provider inserts as Data, Data1 and data[] (evtxexport: two Data elements)', async () => {
    const rs = await recordsOf('parser-samples/Application_no_crc32.evtx')
    const sc = rs.find((r) => r.recordId === 427)
    assert.ok(sc)
    assert.equal(sc.eventId, 15)
    assert.equal(sc.provider, 'SecurityCenter')
    assert.equal(sc.channel, 'Application')
    assert.equal(sc.computer, 'DESKTOP-0HIJB49')
    assert.deepEqual(sc.data, ['Windows Defender', 'SECURITY_PRODUCT_STATE_ON'])
    assert.equal(sc.fields.Data, 'Windows Defender')
    assert.equal(sc.fields.Data1, 'SECURITY_PRODUCT_STATE_ON')
  })

  it('MSExchange Management 1 (a WEC-forwarded cmdlet log; evtxexport cannot read it): the cmdlet and its parameters', async () => {
    const [r] = await recordsOf('parser-samples/MSExchange_Management_wec.evtx')
    assert.ok(r)
    assert.equal(r.provider, 'MSExchange CmdletLogs')
    assert.equal(r.channel, 'MSExchange Management')
    assert.equal(r.eventId, 1)
    assert.equal(r.data?.[0], 'Set-Mailbox')
    assert.match(String(r.fields.Data1), /-ForwardingSmtpAddress "smtp:test2@example.com"/)
    assert.equal(r.data?.[6], '5668 w3wp#MSExchangePowerShellAppPool')
  })

  it('Defender 1116: the ASPX detection by name (python-evtx: same values)', async () => {
    const rs = await recordsOf(
      'EVTX-ATTACK-SAMPLES/WinDefender_Events_1117_1116_AtomicRedTeam.evtx',
    )
    const det = rs.find(
      (r) => r.eventId === 1116 && r.fields['Threat Name'] === 'Backdoor:ASP/Ace.T',
    )
    assert.ok(det)
    assert.equal(det.provider, 'Microsoft-Windows-Windows Defender')
    assert.equal(det.fields['Detection ID'], '{CEF4D8DA-15D6-4667-8E4C-12D19AB4EFED}')
    assert.equal(det.fields['Severity Name'], 'Severe')
  })

  it('CAPI2 (tokens evtxexport stops at): every record, UserData attributes as fields', async () => {
    const rs = await recordsOf(
      'parser-samples/E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
    )
    assert.equal(rs.length, 459)
    assert.ok(rs.every((r) => r.provider === 'Microsoft-Windows-CAPI2' && r.damaged === undefined))
    assert.ok(rs.some((r) => r.fields.ProcessName === 'Setup.exe'))
  })

  it('renders XML with the values Windows shows', async () => {
    const p = 'EVTX-ATTACK-SAMPLES/Lateral Movement/LM_typical_IIS_webshell_sysmon_1_10_traces.evtx'
    for await (const batch of readEvtxFile(EVTX(p), p)) {
      const xml = renderXml(batch.raw[0] as never)
      assert.match(
        xml,
        /^<Event xmlns="http:\/\/schemas.microsoft.com\/win\/2004\/08\/events\/event">/,
      )
      assert.match(xml, /<TimeCreated SystemTime="2019-05-24T01:33:53.1124866Z"\/>/)
      assert.match(xml, /<Data Name="ParentImage">C:\\Windows\\System32\\inetsrv\\w3wp.exe<\/Data>/)
      assert.match(xml, /<Correlation\/>/)
      assert.match(xml, /<Data Name="ParentCommandLine">.*-ap "DefaultAppPool"/)
      break
    }
  })
})

describe('evtx: records in slack space (opt-in, as libevtx recovers them)', {
  skip: corpusSkip,
}, () => {
  it('off by default; with recover, whole older records past the live ones, flagged', async () => {
    const p =
      'parser-samples/E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx'
    const live = await readAllEvtx(EVTX(p), p)
    assert.equal(live.records.length, 1146)
    assert.ok(live.records.every((r) => r.recovered === undefined))
    const all = await readAllEvtx(EVTX(p), p, { recover: true })
    const rec = all.records.filter((r) => r.recovered)
    // evtxinfo (libevtx) counts 128 recovered records in this file.
    assert.equal(rec.length, 128)
    assert.equal(all.records.length - rec.length, 1146)
    const liveAt = new Set(live.records.map((r) => r.source.offset))
    for (const r of rec) {
      assert.ok(!liveAt.has(r.source.offset))
      assert.equal(r.provider, 'Microsoft-Windows-Shell-Core')
      assert.ok(r.time.startsWith('20'))
    }
    assert.deepEqual(all.errors, live.errors)
  })
})
