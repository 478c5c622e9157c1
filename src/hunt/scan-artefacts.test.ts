// scanArtefacts end to end on trees generated here (discovered by the real discovery), clean and compromised.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { makeZip } from '../../test/helpers/zip-writer.ts'
import { loadArtefactRules } from '../content/artefacts/load-artefact-rules.ts'
import { artefactHits, sampleInput } from '../detect/artefacts/index.ts'
import { type Finding, type ItemError, severityRank } from '../shared/types.ts'
import { discoverEvidence } from '../sources/discover.ts'
import { scanArtefacts } from './scan-artefacts.ts'

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'artefacts')
const { rules, issues } = loadArtefactRules(join(REPO_ROOT, 'content'))
const MDMP = Buffer.from('4d444d5093a7000003000000200000000000000000000000', 'hex')

function utf16(s: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])
}

function tree(root: string, files: Record<string, string | Buffer>): string {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), body)
  }
  return root
}

async function scan(root: string) {
  const ev = await discoverEvidence(root)
  const findings: Finding[] = []
  const errors: ItemError[] = []
  const r = await scanArtefacts(
    ev.artefacts,
    { rules },
    { finding: (f) => findings.push(f), error: (e) => errors.push(e) },
  )
  await ev.close()
  const by = (suffix: string) => findings.filter((f) => f.source.path.endsWith(suffix))
  return { findings, errors, files: r.files, by }
}

const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

describe('scanArtefacts on a compromised server', async () => {
  const dmpBig = 'C/ProgramData/big.dmp'
  const root = tree(tmpDir(), {
    'C/ProgramData/it.zip': makeZip([
      { name: 'mail/ceo.pst', data: '!BDN' },
      { name: 'notes.txt', data: 'x' },
    ]),
    'C/ProgramData/lsass.dmp': MDMP,
    'C/root/lsass (2).DMP': MDMP,
    'C/inetpub/wwwroot/aspnet_client/1.zip': makeZip([
      { name: 'lsass.exe_190317_120941.dmp', data: MDMP },
    ]),
    'C/ProgramData/a.7z': Buffer.from('377abcaf271c000400', 'hex'),
    'C/ProgramData/bad.zip': Buffer.from('PK this is not a zip'),
    'C/Windows/System32/Tasks/Microsoft/Windows/Update': utf16(
      fixture('task-comsvcs-minidump.xml'),
    ),
    'C/Windows/System32/inetsrv/config/applicationHost.config': fixture(
      'applicationHost-vdir-programdata.config',
    ),
    'C/inetpub/wwwroot/aspnet_client/web.config': fixture(
      'web-config-handler-aspnet-client.config',
    ),
    [dmpBig]: MDMP,
  })
  truncateSync(join(root, dmpBig), 80 * 1024 * 1024) // sparse: 80 MiB, only the header written
  const r = await scan(root)

  test('rules load cleanly', () => assert.deepEqual(issues, []))
  test('a zip with a PST staged in ProgramData is high, members listed', () => {
    const [f] = r.by('C/ProgramData/it.zip')
    assert.equal(f?.severity, 'high')
    assert.equal(f?.rule, 'exh-art-archive-sensitive-content')
    assert.match(f?.fields?.members ?? '', /mail\/ceo\.pst/)
    assert.ok(f?.reasons?.some((x) => x.includes('exh-art-archive-short-name-programdata')))
    // Member names are not contents: a file to review (proves suspicion), no outcome to claim.
    assert.equal(f?.proves, 'suspicion')
    assert.equal(f?.outcome, 'unknown')
    assert.match(f?.file?.sha256 ?? '', /^[0-9a-f]{64}$/)
  })
  test('an MDMP in ProgramData is critical; in C:\\root it is high', () => {
    assert.equal(r.by('C/ProgramData/lsass.dmp')[0]?.severity, 'critical')
    assert.equal(r.by('C/root/lsass (2).DMP')[0]?.severity, 'high')
    assert.equal(r.by('C/ProgramData/lsass.dmp')[0]?.fields?.signature, 'MiniDump (MDMP)')
  })
  test('a big dump is judged by its head and carries no hash', () => {
    const [f] = r.by(dmpBig)
    assert.equal(f?.severity, 'critical')
    assert.equal(f?.file?.size, 80 * 1024 * 1024)
    assert.equal(f?.file?.sha256, undefined)
  })
  test('a web-served zip holding an lsass dump is high', () => {
    assert.equal(r.by('aspnet_client/1.zip')[0]?.severity, 'high')
  })
  test('a 7z is judged by magic and name only', () => {
    const [f] = r.by('C/ProgramData/a.7z')
    assert.equal(f?.severity, 'low')
    assert.equal(f?.fields?.archive, '7z')
  })
  test('a UTF-16 task running comsvcs MiniDump is high, with the command line', () => {
    const [f] = r.by('Tasks/Microsoft/Windows/Update')
    assert.equal(f?.rule, 'exh-art-task-comsvcs-minidump')
    assert.equal(f?.severity, 'high')
    assert.match(f?.fields?.command ?? '', /comsvcs\.dll, MiniDump/)
  })
  test('a vdir into ProgramData is high, one finding per vdir', () => {
    const v = r.findings.filter((f) => f.rule === 'exh-art-iis-vdir-staging')
    assert.equal(v.length, 1)
    assert.equal(v[0]?.fields?.physicalPath, 'C:\\ProgramData\\COM')
    assert.equal(v[0]?.severity, 'high')
  })
  test('a web.config adding handlers in aspnet_client is high', () => {
    assert.equal(r.by('aspnet_client/web.config')[0]?.rule, 'exh-art-webconfig-handlers-odd-place')
  })
  test('a corrupt zip becomes an error and the scan goes on', () => {
    assert.ok(r.errors.some((e) => e.path.endsWith('bad.zip') && e.code === 'EXH_ERR_ZIP_CORRUPT'))
    assert.ok(r.by('bad.zip').every((f) => severityRank(f.severity) < severityRank('medium')))
  })
  test('ids are unique', () => {
    assert.equal(new Set(r.findings.map((f) => f.id)).size, r.findings.length)
  })
})

describe('scanArtefacts on obfuscated and damaged XML (sources/xml/read.ts)', async () => {
  const V15 = 'C/Program Files/Microsoft/Exchange Server/V15'
  const tasks = 'C/Windows/System32/Tasks'
  const cdataTask = readFileSync(join(FIXTURES, 'task-cdata-utf16le.xml'))
  const root = tree(tmpDir(), {
    // As Task Scheduler stores it: UTF-16LE with a BOM, the command in CDATA, paths spelt with references.
    [`${tasks}/Microsoft/Windows/Update/Sync`]: cdataTask,
    [`${V15}/FrontEnd/HttpProxy/owa/web.config`]: fixture('web-config-module-entities.config'),
    // Cut inside the second action: the first is still judged, and the cut is an item error.
    [`${tasks}/Cut`]: cdataTask.subarray(
      0,
      cdataTask.lastIndexOf(Buffer.from('<Exec>', 'utf16le')),
    ),
    [`${tasks}/Binary`]: MDMP,
    [`${tasks}/Empty`]: Buffer.alloc(0),
  })
  const r = await scan(root)

  test('the CDATA task: encoded PowerShell (high) and a binary run from ProgramData', () => {
    const [f] = r.by('Update/Sync')
    assert.equal(f?.rule, 'exh-art-task-encoded-powershell')
    assert.equal(f?.fields?.task, '\\Microsoft\\Windows\\Update\\Sync')
    assert.ok(f?.reasons?.some((x) => x.includes('exh-art-task-runs-from-staging')))
    assert.match(
      f?.fields?.command ?? '',
      /powershell\.exe -nop -w hidden -enc SQBF.* \| C:\\ProgramData\\ms\.exe$/,
    )
    assert.doesNotMatch(f?.fields?.command ?? '', /decoy/)
  })
  test('the module spelt with character references is read, the decoys are not', () => {
    const [f] = r.by('owa/web.config')
    assert.equal(f?.rule, 'exh-art-webconfig-unknown-managed-type')
    assert.equal(r.findings.filter((x) => /decoy/i.test(JSON.stringify(x))).length, 0)
  })
  test('a truncated task is judged on what was read, and named as an item error', () => {
    const [f] = r.by('Tasks/Cut')
    assert.equal(f?.rule, 'exh-art-task-encoded-powershell')
    assert.doesNotMatch(f?.fields?.command ?? '', /ms\.exe/)
  })
  test('damaged XML is an EXH_ERR_XML item error per file; nothing throws', () => {
    const xml = r.errors.filter((e) => e.code === 'EXH_ERR_XML').map((e) => e.path.split('/').pop())
    assert.deepEqual(xml.sort(), ['Binary', 'Cut', 'Empty'])
    assert.deepEqual(
      r.errors.filter((e) => e.code !== 'EXH_ERR_XML'),
      [],
    )
    assert.equal(r.files, 5)
  })
})

test('a task or config over the text cap is an item error, not read, and the scan goes on', async () => {
  const task = readFileSync(join(FIXTURES, 'task-cdata-utf16le.xml'))
  const root = tree(tmpDir(), {
    'C/Windows/System32/Tasks/Big': Buffer.concat([task, Buffer.alloc(4096, 0x20)]),
    'C/Windows/System32/Tasks/Small': task,
  })
  const ev = await discoverEvidence(root)
  const findings: Finding[] = []
  const errors: ItemError[] = []
  await scanArtefacts(
    ev.artefacts,
    { rules, maxTextBytes: task.length + 100 },
    { finding: (f) => findings.push(f), error: (e) => errors.push(e) },
  )
  await ev.close()
  assert.deepEqual(
    errors.map((e) => [e.code, e.path]),
    [['EXH_ERR_FILE_TOO_LARGE', 'C/Windows/System32/Tasks/Big']],
  )
  assert.deepEqual(
    findings.map((f) => [f.source.path, f.rule]),
    [['C/Windows/System32/Tasks/Small', 'exh-art-task-encoded-powershell']],
  )
})

describe('scanArtefacts on a clean Exchange server', async () => {
  const root = tree(tmpDir(), {
    'C/ProgramData/Backup/config-2021.zip': makeZip([
      { name: 'config/web.config', data: '<configuration/>' },
      { name: 'config/settings.xml', data: '<s/>' },
      { name: 'system/', data: '' },
    ]),
    'C/ProgramData/Contoso/Updates/ContosoAgent-Update-7.2.1.zip': makeZip([
      { name: 'setup.exe', data: 'MZ' },
      { name: 'ContosoAgent.msi', data: 'x' },
      { name: 'readme.txt', data: 'x' },
    ]),
    'C/ProgramData/Microsoft/Windows/WER/ReportArchive/Critical_w3wp.exe_1/triagedump.dmp': MDMP,
    'C/Windows/System32/inetsrv/config/applicationHost.config': fixture(
      'applicationHost-exchange-clean.config',
    ),
    'C/Windows/System32/Tasks/Microsoft/Windows/WindowsUpdate/Scheduled Start': utf16(
      fixture('task-windows-update.xml'),
    ),
    'C/Windows/System32/Tasks/Microsoft/Windows/Windows Defender/Windows Defender Scheduled Scan':
      utf16(fixture('task-defender-scan.xml')),
    'C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/web.config': fixture(
      'web-config-exchange-owa.config',
    ),
    'C/Program Files/Microsoft/Exchange Server/V15/bin/ExSetup.exe': 'MZ',
  })
  const r = await scan(root)

  test('every artefact was looked at', () => assert.ok(r.files >= 6, `files ${r.files}`))
  test('nothing of medium or above', () => {
    const loud = r.findings.filter((f) => severityRank(f.severity) >= severityRank('medium'))
    assert.deepEqual(
      loud.map((f) => `${f.rule} ${f.source.path}`),
      [],
    )
  })
  test('the ordinary backup zip and the vendor update package are silent', () => {
    assert.deepEqual(r.by('config-2021.zip'), [])
    assert.deepEqual(r.by('ContosoAgent-Update-7.2.1.zip'), [])
  })
  test('no errors', () => assert.deepEqual(r.errors, []))
})

test('a zip nested in an evidence zip is listed through a temp copy', async () => {
  const inner = makeZip([{ name: 'export/ceo.pst', data: '!BDN' }])
  const outer = makeZip([
    { name: 'C/ProgramData/it.zip', data: inner, method: 0 },
    { name: 'C/Windows/System32/inetsrv/config/applicationHost.config', data: '<configuration/>' },
  ])
  const dir = tmpDir()
  writeFileSync(join(dir, 'triage.zip'), outer)
  const ev = await discoverEvidence(join(dir, 'triage.zip'))
  const findings: Finding[] = []
  await scanArtefacts(
    ev.artefacts,
    { rules },
    { finding: (f) => findings.push(f), error: () => {} },
  )
  await ev.close()
  const f = findings.find((x) => x.source.path.endsWith('it.zip'))
  assert.equal(f?.severity, 'high')
  assert.match(f?.fields?.members ?? '', /ceo\.pst/)
})

test('dump names recorded in EVTX-ATTACK-SAMPLES fire the LSASS rules', {
  skip: corpusSkip,
}, () => {
  // The recordings name the dumps ProcDump, Task Manager and rdrleakdiag wrote, as UTF-16 strings.
  const names = new Set<string>()
  for (const f of ['sysmon_10_11_lsass_memdump.evtx', 'sysmon_rdrleakdiag_lsass_dump.evtx']) {
    const bytes = readFileSync(corpusPath('evtx', 'EVTX-ATTACK-SAMPLES', 'Credential Access', f))
    for (const shift of [0, 1]) {
      const text = bytes.subarray(shift).toString('utf16le')
      for (const m of text.matchAll(/[A-Za-z]:\\[\w\\ ().-]{1,200}?\.dmp/gi)) names.add(m[0])
    }
  }
  const lsass = [...names].filter((n) => /\\lsass[^\\]*$/i.test(n))
  assert.ok(lsass.length >= 2, `lsass dump names found: ${[...names].join(', ')}`)
  for (const n of lsass) {
    const hits = artefactHits(rules, 'file', sampleInput({ path: n })).map((h) => h.id)
    assert.ok(hits.includes('exh-art-lsass-dump-name'), n)
  }
  const other = [...names].filter((n) => !lsass.includes(n))
  assert.ok(
    other.some((n) => /minidump_\d+\.dmp$/i.test(n)),
    'rdrleakdiag dump name present',
  )
})
