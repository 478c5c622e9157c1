// Every log of the shared corpus folders parses with the right type, record count and values.
import assert from 'node:assert/strict'
import { createReadStream, readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { corpusPath, corpusSkip } from '../../../test/helpers/corpus.ts'
import type { ItemError, LogRecord } from '../../shared/types.ts'
import { type LogFileSummary, scanLog } from './index.ts'

async function scan(...parts: string[]) {
  const records: LogRecord[] = []
  const errors: ItemError[] = []
  const path = corpusPath(...parts)
  const summary: LogFileSummary = await scanLog(createReadStream(path), path, {
    onRecord: (r) => records.push(r),
    onError: (e) => errors.push(e),
  })
  return { summary, records, errors }
}

const FORMATS = ['logs', 'exchange-log-formats']

// file prefix → [logType, records, lines]; counts read off the files (`grep -vc '^#'`).
const EXPECTED: Record<string, [string, number, number]> = {
  ex01: ['iis', 1, 3],
  ex02: ['exchange-other', 2, 7],
  ex03: ['httpproxy', 1, 6],
  ex04: ['exchange-other', 1, 6],
  ex05: ['httpproxy', 1, 6],
  ex06: ['ecp-activity', 2, 7],
  ex07: ['ecp-server', 1, 6],
  ex08: ['httpproxy', 1, 6],
  ex09: ['ews', 1, 6],
  ex10: ['httpproxy', 1, 6],
  ex11: ['httpproxy', 3, 8],
  ex12: ['message-tracking', 2, 7],
  ex13: ['httpproxy', 1, 6],
  ex14: ['rps-cmdlet', 1, 6],
  ex15: ['httpproxy', 2, 7],
  ex16: ['httpproxy', 1, 6],
  ex17: ['smtp-receive', 16, 21],
}

describe('exchange-log-formats corpus', { skip: corpusSkip }, () => {
  const files = corpusSkip
    ? []
    : readdirSync(corpusPath(...FORMATS)).filter((f) => f.endsWith('.log'))

  it('covers all 17 example logs', () => {
    assert.equal(files.length, 17)
  })

  for (const file of files) {
    const [logType, records, lines] = EXPECTED[file.slice(0, 4)]!
    it(`${file.slice(0, 40)} → ${logType}, ${records} records`, async () => {
      const r = await scan(...FORMATS, file)
      assert.deepEqual(r.errors, [])
      assert.equal(r.summary.logType, logType)
      assert.equal(r.summary.records, records)
      assert.equal(r.summary.lines, lines)
      assert.equal(r.records.length, records)
      for (const rec of r.records) {
        assert.equal(rec.logType, logType)
        assert.match(rec.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/)
      }
    })
  }

  it('ex01: the malformed IIS line folds its spaced user agent back into cs(User-Agent)', async () => {
    const { records } = await scan(...FORMATS, files.find((f) => f.startsWith('ex01'))!)
    const r = records[0]!
    assert.equal(r.line, 3)
    assert.equal(
      r.userAgent,
      'Mozilla/5.0+Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/522.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/512.34',
    )
    assert.equal(r.fields['cs(referer)'], '-')
    assert.equal(r.fields['cs-username'], '-')
    assert.equal(r.user, undefined)
    assert.equal(r.status, 200)
    assert.equal(r.fields['time-taken'], '142')
    assert.equal(r.ip, '1.2.3.4')
    assert.equal(r.urlPath, '/owa/auth/aKdMadOeT.aspx')
    assert.equal(r.query, 'cmd=whoami')
    assert.equal(r.time, '2023-12-25T11:54:21Z')
  })

  it('ex11 HttpProxy Mapi: views, IPv6 zone dropped, build from header and columns', async () => {
    const { records, summary } = await scan(...FORMATS, files.find((f) => f.startsWith('ex11'))!)
    const [a, b] = records
    assert.equal(a!.subtype, 'Mapi')
    assert.equal(a!.ip, 'fe80::1234:5678:123abc:245e')
    assert.equal(a!.fields.clientipaddress, 'fe80::1234:5678:123abc:245e%3')
    assert.equal(b!.ip, '10.128.53.11')
    assert.equal(a!.user, 'DOMAIN\\HealthMailboxXXX')
    assert.equal(a!.method, 'POST')
    assert.equal(a!.urlPath, '/mapi/emsmdb/')
    assert.equal(a!.query, 'mailboxId=1234567-4444-1234-4567-123456789987@domain.test')
    assert.equal(a!.fields.urlquery, '?mailboxId=1234567-4444-1234-4567-123456789987@domain.test')
    assert.equal(a!.fields.routingstatus, 'CafeV1')
    assert.equal(a!.status, 200)
    assert.deepEqual(summary.builds, ['15.1.2375.7'])
    assert.equal(summary.version, '15.01.2375.007')
    assert.equal(summary.oldest, '2023-01-06T01:00:04.124Z')
    assert.equal(summary.newest, '2023-01-06T01:00:04.152Z')
  })

  it('ex07 ECP Server: EventData S: pairs become eventdata.* fields', async () => {
    const { records, summary } = await scan(...FORMATS, files.find((f) => f.startsWith('ex07'))!)
    const f = records[0]!.fields
    assert.equal(f['eventdata.cmd'], 'Get-InboxRule')
    assert.equal(
      f['eventdata.url'],
      '/ecp/RulesEditor/InboxRules.svc/GetList?msExchEcpCanary=CANARY',
    )
    assert.equal(f['eventdata.acid'], '')
    assert.equal(records[0]!.urlPath, '/ecp/RulesEditor/InboxRules.svc/GetList')
    assert.deepEqual(summary.builds, [], '#Version 15.0.0.0 is a placeholder')
  })

  it('ex06 ECP Activity: full URL split into path and query, non-S pairs ignored', async () => {
    const { records } = await scan(...FORMATS, files.find((f) => f.startsWith('ex06'))!)
    assert.equal(records[1]!.urlPath, '/ecp/logoff.aspx')
    assert.equal(records[1]!.fields['eventdata.bld'], '15.1.2375.7')
    assert.equal(records[1]!.fields['eventdata.wlm.ts'], undefined)
    assert.equal(records[0]!.query, 'msExchEcpCanary=CANARY-fk60n05Eauw.')
  })

  it('ex04 CosmosQueue: quoted JSON with doubled quotes stays one field', async () => {
    const { records } = await scan(...FORMATS, files.find((f) => f.startsWith('ex04'))!)
    const f = records[0]!.fields
    assert.match(f.data!, /^\{"CreationTime":"2023-01-11T16:56:11","Id":/)
    assert.equal(f.recordtype, 'ExchangeAdmin')
    assert.equal(f.scope, records[0]!.raw.slice(records[0]!.raw.lastIndexOf(',') + 1))
  })

  it('ex14 Rps_Cmdlet, ex12 MessageTracking, ex17 SmtpReceive views', async () => {
    const rps = (await scan(...FORMATS, files.find((f) => f.startsWith('ex14'))!)).records[0]!
    assert.equal(rps.fields.cmdlet, 'Get-Mailbox')
    assert.equal(rps.fields.parameters, '-ResultSize "1"')
    assert.equal(rps.user, 'HealthMailboxXXX')
    const mt = (await scan(...FORMATS, files.find((f) => f.startsWith('ex12'))!)).records
    assert.equal(mt[1]!.ip, 'fe80::1234:5678:4321:1010')
    assert.equal(mt[1]!.fields['message-subject'], 'MAIL SUBJECT')
    const smtp = (await scan(...FORMATS, files.find((f) => f.startsWith('ex17'))!)).records
    assert.equal(smtp[0]!.ip, '95.10.20.33')
    assert.equal(
      smtp[0]!.fields.data,
      '220 SERVER-HOSTNAME.DOMAIN.TEST Microsoft ESMTP MAIL Service ready at Wed, 11 Jan 2023 16:59:51 +0100',
    )
  })
})

describe('iis-tunna corpus', { skip: corpusSkip }, () => {
  it('Tunna IIS log: two header blocks, a comment, a blank line; 4,298 records', async () => {
    const { summary, records, errors } = await scan('logs', 'iis-tunna', 'Tunna_rdp_tunnel_IIS.log')
    assert.deepEqual(errors, [])
    assert.equal(summary.logType, 'iis')
    assert.equal(summary.lines, 4308)
    assert.equal(summary.records, 4298)
    assert.equal(summary.software, 'Microsoft Internet Information Services 10.0')
    assert.equal(summary.oldest, '2019-09-03T10:13:36Z')
    assert.equal(summary.newest, '2019-09-03T11:08:51Z')
    const first = records[0]!
    assert.equal(first.line, 7)
    assert.equal(first.urlPath, '/erp/conn.aspx')
    assert.equal(first.query, 'proxy&port=3389&ip=127.0.0.1')
    assert.equal(first.ip, '10.0.2.17')
    assert.equal(first.userAgent, undefined)
    assert.equal(first.fields['cs(user-agent)'], '-')
    assert.equal(first.raw.endsWith('\r'), false)
    const afterRestart = records.find((r) => r.line === 2605)!
    assert.equal(afterRestart.time, '2019-09-03T11:04:05Z')
    assert.equal(afterRestart.fields['time-taken'], '1824')
  })

  it('the Apache access log beside it is not a log exhunt parses', async () => {
    const f = 'web_attack_and_isp_webshell_localhost_access_log.txt'
    const { summary, errors } = await scan('logs', 'iis-tunna', f)
    assert.equal(summary.logType, null)
    assert.equal(summary.records, 0)
    assert.equal(summary.lines, 2661)
    assert.ok(errors.some((e) => e.code === 'EXH_ERR_LOG_NO_HEADER'))
  })
})

describe('proxyshell excerpts corpus', { skip: corpusSkip }, () => {
  it('header-less IIS excerpt is read with the IIS default fields, flagged once', async () => {
    const dir = 'proxyshell-blog-excerpts-unverified'
    const { summary, records, errors } = await scan(
      'logs',
      dir,
      'iis_proxyshell_lines_sanitized.log',
    )
    assert.equal(summary.logType, 'iis')
    assert.equal(summary.records, 5)
    assert.deepEqual(
      errors.map((e) => e.code),
      ['EXH_ERR_LOG_NO_HEADER'],
    )
    assert.equal(records[4]!.urlPath, '/autodiscover/autodiscover.json')
    assert.match(records[4]!.query!, /^@evil\.corp\/powershell\/\?X-Rps-CAT=/)
    assert.equal(summary.oldest, '2021-03-03T02:13:48Z')
    assert.equal(summary.newest, '2021-03-03T15:20:53Z')
  })
})
