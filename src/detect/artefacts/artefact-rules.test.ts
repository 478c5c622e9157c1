// The shipped artefact heuristics: all valid, each inline sample behaves, and the pure helpers they rely on.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { compileArtefactRuleTexts } from '../../content/artefacts/load-artefact-rules.ts'
import { parseXml } from '../../shared/xml.ts'
import { configEntries } from './config-entries.ts'
import { artefactFinding, artefactHits } from './evaluate.ts'
import { locationsOf, normalisePath } from './location.ts'
import { runArtefactRuleTests, sampleInput } from './rule-tests.ts'
import { taskCommands } from './task-xml.ts'

const DIR = join(REPO_ROOT, 'content', 'rules', 'artefacts')
const files = readdirSync(DIR)
  .filter((n) => n.endsWith('.yml'))
  .map((n) => ({ file: `rules/artefacts/${n}`, text: readFileSync(join(DIR, n), 'utf8') }))
const compiled = compileArtefactRuleTexts(files)

describe('artefact rules content', () => {
  test('every rule file loads without issues', () => {
    assert.deepEqual(compiled.issues, [])
    assert.equal(compiled.rules.rules.length, files.length)
  })
  test('every inline positive fires and every negative stays silent', () => {
    assert.deepEqual(runArtefactRuleTests(compiled.rules), [])
  })
  test('the inline-test runner reports samples that misbehave', () => {
    const c = compileArtefactRuleTexts([
      {
        file: 'rules/artefacts/exh-art-x.yml',
        text: "id: exh-art-x\ntitle: t\nlevel: low\nproves: suspicion\ncategory: post-exploitation\ntarget: file\nreferences: ['https://example.org/x']\nreasons: [r]\nmatch: { ext: [dmp] }\ntests: { positive: [{ path: 'C:\\a.txt' }], negative: [{ path: 'C:\\b.dmp' }] }\n",
      },
    ])
    assert.deepEqual(c.issues, [])
    assert.equal(runArtefactRuleTests(c.rules).length, 2)
  })
  test('a broken rule is reported with file and field, and dropped', () => {
    const bad = compileArtefactRuleTexts([
      {
        file: 'rules/artefacts/exh-art-bad.yml',
        text: 'id: exh-art-bad\ntitle: t\nlevel: severe\ncategory: webshell\ntarget: file\nreferences: [x]\nreasons: [r]\nmatch: { name-regex: "(" }\ntests: { positive: [{ path: a }], negative: [{ path: b }] }\n',
      },
    ])
    assert.equal(bad.rules.rules.length, 0)
    const paths = bad.issues.map((i) => `${i.severity} ${i.path}`).sort()
    assert.deepEqual(paths, [
      'error category',
      'error level',
      'error match',
      'error proves',
      'warning references[0]',
    ])
    assert.ok(bad.issues.every((i) => i.file === 'rules/artefacts/exh-art-bad.yml'))
  })
})

describe('locations', () => {
  test('classifies Windows paths, display paths and env-var paths', () => {
    assert.ok(locationsOf('x', 'C:\\ProgramData\\it.zip').has('programdata'))
    assert.ok(locationsOf('C/ProgramData/it.zip').has('programdata'))
    assert.ok(locationsOf('kape.zip!C/Windows/Temp/a.dmp').has('windows-temp'))
    assert.ok(locationsOf('x', '%ProgramData%\\Microsoft').has('programdata'))
    assert.ok(locationsOf('x', 'C:\\root\\a.7z').has('c-root'))
    assert.ok(locationsOf('x', 'C:\\inetpub\\wwwroot\\aspnet_client\\a.zip').has('web-root'))
    assert.ok(locationsOf('x', 'C:\\ProgramData\\Microsoft\\Windows\\WER\\Temp\\a.mdmp').has('wer'))
    assert.equal(locationsOf('x', 'D:\\Backups\\programdata.zip').size, 0)
    assert.ok(!locationsOf('x', 'C:\\Windows\\System32\\lsass.exe').has('windows-temp'))
  })
  test("Exchange's web folders, shell-drop folders and ordinary sites, wherever Exchange is installed", () => {
    const at = (p: string) => [...locationsOf('x', p)].sort().join(' ')
    assert.equal(
      at('D:\\Exchange\\V15\\ClientAccess\\owa\\web.config'),
      'exchange exchange-web web-root',
    )
    assert.equal(at('C:\\Windows\\System32\\RpcProxy\\web.config'), 'exchange-web')
    assert.equal(at('C:\\inetpub\\wwwroot\\web.config'), 'exchange-web web-root')
    assert.equal(at('C:\\inetpub\\wwwroot\\forum\\web.config'), 'other-site web-root')
    assert.equal(at('C:\\inetpub\\wwwroot\\aspnet_client\\web.config'), 'shell-drop web-root')
    assert.equal(
      at(
        'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\ecp\\auth\\x.aspx',
      ),
      'exchange exchange-web shell-drop web-root',
    )
    assert.equal(at('D:\\Sites\\app\\web.config'), '')
    assert.equal(locationsOf('C/inetpub/wwwroot/n2cms/web.config').has('other-site'), true)
  })
  test('paths are compared as Windows opens them', () => {
    assert.equal(
      normalisePath('\\\\?\\C:\\Windows\\System32\\inetsrv\\..\\..\\..\\ProgramData\\.\\x.dll'),
      'c:/programdata/x.dll',
    )
    assert.equal(normalisePath('C:\\..\\..\\Windows\\x.dll'), 'c:/windows/x.dll')
    assert.equal(
      normalisePath('%ProgramFiles(x86)%\\IIS\\x.dll'),
      'c:/program files (x86)/iis/x.dll',
    )
    assert.equal(
      normalisePath('%ExchangeInstallPath%Bin\\kerbauth.dll'),
      'c:/program files/microsoft/exchange server/v15/bin/kerbauth.dll',
    )
  })
})

describe('task and config extraction', () => {
  test('task commands join Command and Arguments, expand env vars, list COM handlers', () => {
    const xml =
      '<Task><Actions><Exec><Command>%windir%\\system32\\cmd.exe</Command><Arguments>/c &quot;%PUBLIC%\\a.bat&quot;</Arguments></Exec><ComHandler><ClassId>{A}</ClassId></ComHandler></Actions></Task>'
    assert.deepEqual(taskCommands(parseXml(xml)), [
      'C:\\Windows\\system32\\cmd.exe /c "C:\\Users\\Public\\a.bat"',
      'comhandler {A}',
    ])
  })
  test('config entries list modules, handlers, native modules and the access policy, not comments', () => {
    const xml = `<configuration><!-- <modules><add name="c" type="X.Y"/></modules> -->
      <system.webServer><handlers accessPolicy="Read, Script"><add name="h" path="*.x" verb="*" type="A.B" /></handlers>
      <modules><add name="m" type="Evil.Mod, Evil" /><remove name="WebDAVModule" /></modules>
      <globalModules><add name="g" image="%windir%\\System32\\inetsrv\\x.dll" /></globalModules></system.webServer></configuration>`
    assert.deepEqual(configEntries(parseXml(xml)), [
      'access\tpolicy=read, script',
      'handler\tname=h\tpath=*.x\tverb=*\ttype=a.b',
      'module\tname=m\ttype=evil.mod, evil',
      'globalmodule\tname=g\timage=c:\\windows\\system32\\inetsrv\\x.dll',
    ])
  })
  test('config entries decode character references and skip comments and CDATA in document order', () => {
    const xml = `<globalModules><![CDATA[ <!-- ]]><add name="a" image="&#67;:\\&#x50;rogramData\\a.dll" />
      <!-- <![CDATA[ --><add name="b" image="&#37;windir&#37;\\System32\\inetsrv\\b.dll" />
      <![CDATA[ <add name="hidden" image="D:\\x.dll" /> ]]></globalModules>`
    assert.deepEqual(configEntries(parseXml(xml)), [
      'globalmodule\tname=a\timage=c:\\programdata\\a.dll',
      'globalmodule\tname=b\timage=c:\\windows\\system32\\inetsrv\\b.dll',
    ])
  })
})

describe('findings', () => {
  test('one finding per item, named by the strongest rule, every rule in reasons', () => {
    const input = sampleInput({ path: 'C:\\ProgramData\\lsass.dmp', hex: '4d444d5093a70000' })
    const hits = artefactHits(compiled.rules, 'file', input)
    const ids = hits.map((h) => h.id).sort()
    assert.deepEqual(ids, [
      'exh-art-dump-file-staging',
      'exh-art-lsass-dump-name',
      'exh-art-minidump-served-or-programdata',
      'exh-art-minidump-signature',
    ])
    const f = artefactFinding(
      hits,
      { ...input, path: 'C/ProgramData/lsass.dmp' },
      { target: 'file', file: { size: 8, mtime: '2021-03-03T01:02:03.000Z' } },
    )
    assert.ok(f)
    assert.equal(f.rule, 'exh-art-minidump-served-or-programdata')
    assert.equal(f.severity, 'critical')
    assert.equal(f.category, 'post-exploitation')
    assert.equal(f.outcome, 'success')
    assert.equal(f.time, '2021-03-03T01:02:03.000Z')
    assert.equal(f.ruleSource.engine, 'heuristic')
    assert.equal(f.ruleSource.file, 'rules/artefacts/exh-art-minidump-served-or-programdata.yml')
    assert.equal(f.reasons?.length, 4)
    assert.match(f.id, /^[0-9a-f]{16}$/)
    const again = artefactFinding(
      hits,
      { ...input, path: 'C/ProgramData/lsass.dmp' },
      { target: 'file' },
    )
    assert.equal(again?.id, f.id)
  })
  test('an MDMP outside web roots and ProgramData is high, not critical', () => {
    const hits = artefactHits(
      compiled.rules,
      'file',
      sampleInput({ path: 'C:\\Windows\\Temp\\notepad.bin', hex: '4d444d5093a70000' }),
    )
    assert.equal(
      artefactFinding(hits, sampleInput({ path: 'C:\\Windows\\Temp\\notepad.bin' }), {
        target: 'file',
      })?.severity,
      'high',
    )
  })
  test('nothing fires, nothing is reported', () => {
    assert.equal(artefactFinding([], sampleInput({ path: 'a' }), { target: 'file' }), undefined)
  })
})
