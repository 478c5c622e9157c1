// One test per Sigma modifier and value form, on hand-built events.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { event, matches } from './sigma.test-helper.ts'

const sel = (key: string, value: unknown) => ({
  selection: { [key]: value },
  condition: 'selection',
})

describe('sigma values and modifiers', () => {
  it('a plain value equals the whole value, case folded', () => {
    assert.ok(
      matches(sel('Image', 'C:\\Windows\\System32\\cmd.exe'), {
        Image: 'c:\\windows\\system32\\CMD.EXE',
      }),
    )
    assert.ok(!matches(sel('Image', 'cmd.exe'), { Image: 'C:\\cmd.exe' }))
  })
  it('a list of values is any of them; |all makes it every one', () => {
    assert.ok(matches(sel('A', ['x', 'y']), { A: 'Y' }))
    assert.ok(!matches(sel('A|contains|all', ['x', 'y']), { A: 'x alone' }))
    assert.ok(matches(sel('A|contains|all', ['x', 'y']), { A: 'y and x' }))
  })
  it('contains, startswith, endswith', () => {
    assert.ok(matches(sel('A|contains', 'OWA/Auth'), { A: '/owa/auth/x.aspx' }))
    assert.ok(matches(sel('A|startswith', 'ServerInfo~'), { A: 'serverinfo~x' }))
    assert.ok(!matches(sel('A|startswith', 'ServerInfo~'), { A: 'x serverinfo~' }))
    assert.ok(matches(sel('A|endswith', '\\w3wp.exe'), { A: 'C:\\inetsrv\\W3WP.EXE' }))
    assert.ok(!matches(sel('A|endswith', '\\w3wp.exe'), { A: 'C:\\inetsrv\\w3wp.exe.bak' }))
  })
  it('wildcards * and ? with escapes; a backslash before anything else is literal', () => {
    // `\*` is an escaped star: a backslash then a wildcard is written `\\*`.
    assert.ok(matches(sel('A', 'C:\\\\*\\cmd.exe'), { A: 'c:\\windows\\system32\\cmd.exe' }))
    assert.ok(matches(sel('A', 'C:\\*\\cmd.exe'), { A: 'c:*\\cmd.exe' }))
    assert.ok(matches(sel('A', 'a?c'), { A: 'abc' }))
    assert.ok(!matches(sel('A', 'a?c'), { A: 'abbc' }))
    assert.ok(matches(sel('A', 'a\\*c'), { A: 'a*c' }))
    assert.ok(!matches(sel('A', 'a\\*c'), { A: 'abc' }))
    assert.ok(matches(sel('A', 'a\\?c'), { A: 'a?c' }))
    // `\\` is one backslash: SigmaHQ writes UNC paths as '\\\\server'.
    assert.ok(matches(sel('A|contains', '-FilePath \\\\\\\\'), { A: 'x -FilePath \\\\srv\\c$' }))
    assert.ok(!matches(sel('A|contains', '-FilePath \\\\\\\\'), { A: 'x -FilePath \\srv' }))
    assert.ok(matches(sel('A|contains', 'x*y?z'), { A: '--x123yQz--' }))
  })
  it('cased: case sensitive', () => {
    assert.ok(matches(sel('A|contains|cased', 'X-Rps-CAT'), { A: 'a&X-Rps-CAT=1' }))
    assert.ok(!matches(sel('A|contains|cased', 'X-Rps-CAT'), { A: 'a&x-rps-cat=1' }))
  })
  it('re through RE2: unanchored, case sensitive unless |i; |m and |s flags', () => {
    assert.ok(matches(sel('A|re', 'cmd=[a-z]+'), { A: 'x?cmd=whoami' }))
    assert.ok(!matches(sel('A|re', 'cmd=[a-z]+'), { A: 'x?CMD=WHOAMI' }))
    assert.ok(matches(sel('A|re|i', 'cmd=[a-z]+'), { A: 'x?CMD=WHOAMI' }))
    assert.ok(matches(sel('A|re|m', '^two$'), { A: 'one\ntwo\nthree' }))
    assert.ok(!matches(sel('A|re', '^two$'), { A: 'one\ntwo\nthree' }))
    assert.ok(matches(sel('A|re|s', 'a.b'), { A: 'a\nb' }))
    assert.ok(!matches(sel('A|re', 'a.b'), { A: 'a\nb' }))
    // The shipped rule's regex (proc_creation_win_csc_susp_parent).
    const re =
      '(?:[Pp]rogram[Dd]ata|%(?:[Ll]ocal)?[Aa]pp[Dd]ata%|\\\\[Aa]pp[Dd]ata\\\\(?:[Ll]ocal(?:[Ll]ow)?|[Rr]oaming))\\\\[^\\\\]{1,256}$'
    assert.ok(matches(sel('A|re', re), { A: 'C:\\Users\\x\\AppData\\Roaming\\evil.exe' }))
    assert.ok(!matches(sel('A|re', re), { A: 'C:\\Users\\x\\AppData\\Roaming\\dir\\evil.exe' }))
  })
  it('re: a regex RE2 refuses is a broken rule', () => {
    assert.throws(() => matches(sel('A|re', '(?=x)'), { A: 'x' }), /RE2/)
  })
  it('base64 and base64offset (with contains), as pySigma encodes them', () => {
    // base64('http://') = aHR0cDovLw==; the offsets of 'http://' are aHR0cDovL, h0dHA6Ly, odHRwOi8v.
    assert.ok(matches(sel('A|base64', 'http://'), { A: 'aHR0cDovLw==' }))
    const payload = `powershell -enc ${btoa('xx http://evil')}`
    assert.ok(matches(sel('A|base64offset|contains', 'http://'), { A: payload }))
    for (const pre of ['', 'a', 'ab']) {
      const enc = btoa(`${pre}http://evil`)
      assert.ok(matches(sel('A|base64offset|contains', 'http://'), { A: enc }), pre)
    }
    assert.ok(!matches(sel('A|base64offset|contains', 'http://'), { A: btoa('ftp://evil') }))
  })
  it('utf16le/wide and utf16 with base64offset (encoded PowerShell)', () => {
    const wide = (s: string) =>
      s
        .split('')
        .map((c) => `${c}\0`)
        .join('')
    const enc = btoa(wide('IEX (New-Object Net.WebClient)'))
    assert.ok(matches(sel('A|wide|base64offset|contains', 'New-Object'), { A: `-enc ${enc}` }))
    assert.ok(matches(sel('A|utf16le|base64offset|contains', 'New-Object'), { A: enc }))
    assert.ok(!matches(sel('A|base64offset|contains', 'New-Object'), { A: enc }))
    assert.ok(matches(sel('A|utf16|base64', 'ab'), { A: btoa('\xff\xfea\0b\0') }))
    assert.ok(matches(sel('A|utf16be|base64', 'ab'), { A: btoa('\0a\0b') }))
  })
  it('windash: an option dash may be - / or a Unicode dash', () => {
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015'])
      assert.ok(matches(sel('A|contains|windash', ' -ma '), { A: `procdump ${d}ma lsass.exe` }), d)
    assert.ok(!matches(sel('A|contains|windash', ' -ma '), { A: 'procdump +ma lsass.exe' }))
    // A dash inside a word is no option: 'New-Object' stays as written.
    assert.ok(!matches(sel('A|contains|windash', 'New-Object'), { A: 'New/Object' }))
  })
  it('cidr, IPv4 and IPv6', () => {
    assert.ok(matches(sel('Ip|cidr', '10.0.0.0/8'), { Ip: '10.1.2.3' }))
    assert.ok(!matches(sel('Ip|cidr', '10.0.0.0/8'), { Ip: '11.1.2.3' }))
    assert.ok(matches(sel('Ip|cidr', ['192.168.0.0/16', 'fe80::/10']), { Ip: 'fe80::1' }))
    assert.ok(!matches(sel('Ip|cidr', 'fe80::/10'), { Ip: '::1' }))
    assert.ok(!matches(sel('Ip|cidr', '10.0.0.0/8'), { Ip: 'not an ip' }))
    assert.throws(() => matches(sel('Ip|cidr', '10.0.0.0/33'), { Ip: '10.0.0.1' }), /CIDR/)
  })
  it('exists', () => {
    assert.ok(matches(sel('A|exists', true), { A: 'x' }))
    assert.ok(!matches(sel('A|exists', true), { B: 'x' }))
    assert.ok(matches(sel('A|exists', false), { B: 'x' }))
    assert.throws(() => matches(sel('A|exists', 'yes'), { A: 'x' }), /true or false/)
  })
  it('fieldref: compares with another field of the same event', () => {
    assert.ok(matches(sel('A|fieldref', 'B'), { A: 'Same', B: 'same' }))
    assert.ok(!matches(sel('A|fieldref', 'B'), { A: 'one', B: 'two' }))
    assert.ok(!matches(sel('A|fieldref', 'B'), { A: 'one' }))
    assert.ok(matches(sel('A|fieldref|contains', 'B'), { A: 'xx-one-xx', B: 'ONE' }))
    assert.ok(!matches(sel('A|fieldref|cased', 'B'), { A: 'Same', B: 'same' }))
  })
  it('lt, lte, gt, gte', () => {
    assert.ok(matches(sel('N|gt', 10), { N: 11 }))
    assert.ok(!matches(sel('N|gt', 10), { N: 10 }))
    assert.ok(matches(sel('N|gte', 10), { N: '10' }))
    assert.ok(matches(sel('N|lt', 10), { N: 9 }))
    assert.ok(matches(sel('N|lte', 10), { N: 10 }))
  })
  it('null: the field is absent or empty', () => {
    assert.ok(matches(sel('A', null), { B: 'x' }))
    assert.ok(matches(sel('A', null), { A: null }))
    assert.ok(matches(sel('A', null), { A: '' }))
    assert.ok(!matches(sel('A', null), { A: 'x' }))
  })
  it('numbers and booleans compare as the event shows them', () => {
    assert.ok(matches(sel('EventID', 4688), event({}, { eventId: 4688 })))
    assert.ok(matches(sel('EventID', [4656, 4663]), event({}, { eventId: 4663 })))
    assert.ok(matches(sel('Status', 200), { Status: 200 }))
    assert.ok(matches(sel('Flag', true), { Flag: true }))
    assert.ok(matches(sel('Count', 3), { Count: '3' }))
  })
  it('a multi-valued field matches when one value does', () => {
    assert.ok(matches(sel('A|endswith', '.aspx'), { A: ['x.js', 'y.aspx'] }))
    assert.ok(!matches(sel('A|endswith', '.aspx'), { A: ['x.js', 'y.css'] }))
  })
  it('System fields by their Sigma names: Provider_Name, Channel, Level by number or name', () => {
    const ev = event({}, { provider: 'MSExchange Control Panel', level: 2, eventId: 4 })
    const d = {
      selection: { EventID: 4, Provider_Name: 'MSExchange Control Panel', Level: 'Error' },
      condition: 'selection',
    }
    assert.ok(matches(d, ev))
    assert.ok(matches({ selection: { Level: 2 }, condition: 'selection' }, ev))
    assert.ok(!matches({ selection: { Level: 'Warning' }, condition: 'selection' }, ev))
  })
  it("Data: a classic provider's message inserts, one by one and as a whole", () => {
    const ev = event(
      { Data: 'Install-TransportAgent', Data1: '-Name x' },
      { data: ['Install-TransportAgent', '-Name x'] },
    )
    assert.ok(matches({ s: { 'Data|contains': 'TransportAgent -Name' }, condition: 's' }, ev))
    assert.ok(matches({ s: { Data: '-name x' }, condition: 's' }, ev))
  })
  it('field names fall back to a case-folded lookup', () => {
    assert.ok(matches(sel('CommandLine|contains', 'whoami'), { commandline: 'cmd /c whoami' }))
  })
  it('unknown and conflicting modifiers are broken rules; expand is unsupported', () => {
    assert.throws(() => matches(sel('A|nope', 'x'), { A: 'x' }), /unknown modifier/)
    assert.throws(() => matches(sel('A|contains|startswith', 'x'), { A: 'x' }), /conflict/)
    assert.throws(() => matches(sel('A|i', 'x'), { A: 'x' }), /flags of \|re/)
    assert.throws(() => matches(sel('A|expand', '%x%'), { A: 'x' }), /skipped: .*expand/)
    assert.throws(() => matches(sel('A|base64', 'a*'), { A: 'x' }), /without wildcards/)
  })
})
