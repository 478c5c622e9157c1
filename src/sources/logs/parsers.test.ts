// Line splitters, type detection and the small normalisers, on values taken from real logs.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  detectLogType,
  firstIp,
  isLikelyLogFile,
  makeRecord,
  parseCsvLine,
  parseEventData,
  splitW3cLine,
  toIsoTime,
} from './index.ts'

describe('parseCsvLine', () => {
  it('splits plain, quoted, doubled-quote and empty values', () => {
    assert.deepEqual(parseCsvLine('a,,b,'), ['a', '', 'b', ''])
    assert.deepEqual(parseCsvLine('x,"-ResultSize ""1""",y'), ['x', '-ResultSize "1"', 'y'])
    assert.deepEqual(parseCsvLine('"a, b","c"'), ['a, b', 'c'])
    assert.deepEqual(parseCsvLine('"unterminated, value'), ['unterminated, value'])
    assert.deepEqual(parseCsvLine('a"b,c'), ['a"b', 'c'])
  })
})

describe('splitW3cLine', () => {
  const names = 'date time cs-uri-stem cs(user-agent) sc-status'.split(' ')
  it('folds extra tokens into the user agent, else the last field; pads missing ones', () => {
    assert.deepEqual(splitW3cLine('d t /a Mozilla/5.0 (X11; Linux) 200', 5, names), [
      'd',
      't',
      '/a',
      'Mozilla/5.0 (X11; Linux)',
      '200',
    ])
    assert.deepEqual(splitW3cLine('a b c d', 3), ['a', 'b', 'c d'])
    assert.deepEqual(splitW3cLine('a b', 3), ['a', 'b', ''])
  })
})

describe('detectLogType', () => {
  const ex = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging'
  it('reads the path: protocol folder as on disk, IIS site, CmdletInfra, transport', () => {
    assert.deepEqual(
      detectLogType(`${ex}\\HttpProxy\\PowerShell\\HttpProxy_2021030812-1.LOG`, []),
      {
        logType: 'httpproxy',
        subtype: 'PowerShell',
      },
    )
    assert.deepEqual(detectLogType('c:/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log', []), {
      logType: 'iis',
      subtype: 'W3SVC1',
    })
    const cases: [string, string][] = [
      [`${ex}\\ECP\\Server\\ECPServer2021030801-1.LOG`, 'ecp-server'],
      [`${ex}\\ECP\\Activity\\x.LOG`, 'ecp-activity'],
      [`${ex}\\OABGeneratorLog\\oabgen_1.log`, 'oab-generator'],
      [`${ex}\\CmdletInfra\\LocalPowerShell\\Cmdlet\\a.LOG`, 'local-powershell'],
      [`${ex}\\CmdletInfra\\Powershell-Proxy\\Cmdlet\\Rps_Cmdlet_1.LOG`, 'rps-cmdlet'],
      [`${ex}\\CmdletInfra\\Powershell-Proxy\\Http\\Rps_Http_1.LOG`, 'rps-http'],
      ['evidence/V15/TransportRoles/Logs/MessageTracking/MSGTRK2021.LOG', 'message-tracking'],
      [`${ex}\\Autodiscover\\a.LOG`, 'autodiscover'],
      [`${ex}\\Ews\\Ews_1.LOG`, 'ews'],
    ]
    for (const [p, t] of cases) assert.equal(detectLogType(p, [])?.logType, t, p)
  })

  it('reads the headers; the path refines; unknown CSV is exchange-other', () => {
    assert.equal(detectLogType('a.log', ['#Log-type: ECP Server Log'])?.logType, 'ecp-server')
    assert.equal(detectLogType('a.log', ['#Log-type: OAB Generator Log'])?.logType, 'oab-generator')
    assert.equal(
      detectLogType(`${ex}\\CmdletInfra\\LocalPowerShell\\Cmdlet\\a.LOG`, [
        '#Log-type: Rps Cmdlet Logs',
      ])?.logType,
      'local-powershell',
    )
    assert.equal(detectLogType('a.log', ['#Fields: date time c-ip'])?.logType, 'iis')
    assert.equal(
      detectLogType('a.log', ['#Log-type: Agent Log', '#Fields: a,b'])?.logType,
      'exchange-other',
    )
    assert.equal(detectLogType('notes.txt', []), null)
  })
})

describe('isLikelyLogFile', () => {
  it('knows log names and folders, case-insensitively', () => {
    for (const p of [
      'C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex210303.log',
      'x/HttpProxy_2021030812-1.LOG',
      'x/ECPServer2021030801-1.LOG',
      'x/Rps_Cmdlet_2023051909-1.LOG',
      'V15/Logging/OABGeneratorLog/anything.log',
      'v15/logging/ecp/activity/x.LOG',
    ]) {
      assert.equal(isLikelyLogFile(p), true, p)
    }
    for (const p of ['x/readme.txt', 'x/app.log', 'V15/Logging/HttpProxy/Owa/x.txt']) {
      assert.equal(isLikelyLogFile(p), false, p)
    }
  })
})

describe('normalisers', () => {
  it('firstIp takes the first address and drops ports and zones', () => {
    assert.equal(firstIp('1.2.3.4, 10.0.0.1'), '1.2.3.4')
    assert.equal(firstIp('95.10.20.33:56026'), '95.10.20.33')
    assert.equal(firstIp('[2001:db8::1]:443'), '2001:db8::1')
    assert.equal(firstIp('fe80::1%3'), 'fe80::1')
    assert.equal(firstIp('-'), undefined)
  })

  it('toIsoTime handles IIS date+time and Exchange ISO', () => {
    assert.equal(toIsoTime('2021-03-03', '02:13:48'), '2021-03-03T02:13:48Z')
    assert.equal(toIsoTime('2023-01-06T01:00:04.124Z'), '2023-01-06T01:00:04.124Z')
    assert.equal(toIsoTime('garbage'), undefined)
  })

  it('parseEventData keeps semicolons inside values and only S: pairs', () => {
    const f: Record<string, string> = {}
    parseEventData(
      'S:CMD=Set-OabVirtualDirectory;S:PARAMS=-ExternalUrl "http://f/#<script>a;b</script>";Dbl:X=1',
      f,
    )
    assert.equal(f['eventdata.cmd'], 'Set-OabVirtualDirectory')
    assert.equal(f['eventdata.params'], '-ExternalUrl "http://f/#<script>a;b</script>"')
    assert.equal(f['eventdata.x'], undefined)
  })

  it('makeRecord: IIS "-" kept in fields, undefined in views', () => {
    const names = ['date', 'time', 'cs-username', 'c-ip', 'sc-status']
    const r = makeRecord(
      'iis',
      'W3SVC1',
      names,
      ['2021-03-03', '02:13:48', '-', '-', '-'],
      'p',
      9,
      'raw',
    )
    assert.equal(r.fields['cs-username'], '-')
    assert.equal(r.user, undefined)
    assert.equal(r.ip, undefined)
    assert.equal(r.status, undefined)
    assert.equal(r.time, '2021-03-03T02:13:48Z')
    assert.equal(r.subtype, 'W3SVC1')
    assert.equal(r.line, 9)
  })
})

describe('makeRecord columns', () => {
  it('column() reads what fields holds, without a fields object; JSON keeps fields', () => {
    const names = ['datetime', 'protocol', 'urlstem', 'protocol']
    const r = makeRecord(
      'httpproxy',
      undefined,
      names,
      ['2023-01-06T00:00:00Z', 'Owa', '/owa/', 'Ecp'],
      'p',
      2,
      'raw',
    )
    assert.equal(r.column?.('urlstem'), '/owa/')
    assert.equal(r.column?.('nope'), undefined)
    assert.equal(
      r.column?.('protocol'),
      r.fields.protocol,
      'the last column of a name wins in both',
    )
    assert.equal(JSON.parse(JSON.stringify(r)).fields.urlstem, '/owa/')
    assert.equal(r.urlPath, '/owa/')
  })
})
