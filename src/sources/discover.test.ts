import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { text } from 'node:stream/consumers'
import { test } from 'node:test'
import { corpusPath, corpusSkip } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { makeZip } from '../../test/helpers/zip-writer.ts'
import { discoverEvidence, type Evidence } from './discover.ts'

function tree(root: string, files: Record<string, string | Buffer>): string {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), body)
  }
  return root
}

const kinds = (ev: Evidence) => Object.fromEntries(ev.artefacts.map((a) => [a.path, a.kind]))

const APPHOST = `<?xml version="1.0"?>
<configuration><system.applicationHost>
<sites>
  <site name="Default Web Site" id="1">
    <application path="/"><virtualDirectory path="/" physicalPath="%SystemDrive%\\inetpub\\wwwroot" /></application>
    <application path="/owa"><virtualDirectory path="/" physicalPath="D:\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa" /></application>
    <application path="/custom"><virtualDirectory path="/" physicalPath="D:\\WebApps\\custom" /></application>
    <logFile directory="D:\\IISLogs" />
  </site>
  <siteDefaults><logFile directory="%SystemDrive%\\inetpub\\logs\\LogFiles" /></siteDefaults>
</sites></system.applicationHost></configuration>`

test('mounted drive: Exchange on D:, config-named web and log folders, pruned Windows', async () => {
  const root = tree(tmpDir(), {
    'C/Windows/System32/inetsrv/config/applicationHost.config': APPHOST,
    'C/Windows/System32/drivers/etc/hosts': 'x',
    'C/Windows/WinSxS/big/x.aspx': 'never listed',
    'C/Windows/Temp/dump.dmp': 'MDMP',
    'C/Windows/System32/winevt/Logs/Security.evtx': 'ElfFile',
    'C/Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/owa/1/App_Web_x.dll':
      'MZ',
    'C/inetpub/wwwroot/aspnet_client/system_web/shell.aspx': '<%@ Page %>',
    'C/inetpub/logs/LogFiles/W3SVC1/u_ex210302.log':
      '#Software: Microsoft Internet Information Services 10.0\n',
    'C/ProgramData/x/lsass.zip': 'PK',
    'C/ProgramData/x/readme.md': 'not interesting',
    'C/Users/Admin/secret.aspx': 'private profile',
    'C/Users/Public/run.ps1': 'iex',
    'D/Exchange Server/V15/bin/ExSetup.exe': 'MZ',
    'D/Exchange Server/V15/bin/Microsoft.Exchange.Diagnostics.dll': 'MZ',
    'D/Exchange Server/V15/bin/Other.dll': 'MZ',
    'D/Exchange Server/V15/bin/sub/web.config': '<x/>',
    'D/Exchange Server/V15/Mailbox/db/db.edb': 'db',
    'D/Exchange Server/V15/Logging/HttpProxy/Ecp/HttpProxy_2021030201-1.LOG':
      '#Log-type: HttpProxy Logs\n',
    'D/Exchange Server/V15/TransportRoles/Logs/MessageTracking/MSGTRK2021030201-1.LOG': 'x',
    'D/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/x.aspx': 'page',
    'D/Exchange Server/V15/ClientAccess/ecp/auth/y.aspx': 'page',
    'D/WebApps/custom/default.aspx': 'page',
    'D/IISLogs/W3SVC1/u_ex210301.log': 'log',
    'D/IISLogs/W3SVC1/notes.txt': 'log too',
  })
  const ev = await discoverEvidence(root)
  assert.deepEqual(ev.layouts, ['triage-folder'])
  assert.deepEqual(ev.exchangeRoots, ['D/Exchange Server/V15'])
  assert.deepEqual(kinds(ev), {
    'C/ProgramData/x/lsass.zip': 'other',
    'C/Users/Public/run.ps1': 'other',
    'C/Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/owa/1/App_Web_x.dll':
      'webfile',
    'C/Windows/System32/inetsrv/config/applicationHost.config': 'config',
    'C/Windows/System32/winevt/Logs/Security.evtx': 'evtx',
    'C/Windows/Temp/dump.dmp': 'other',
    'C/inetpub/logs/LogFiles/W3SVC1/u_ex210302.log': 'log',
    'C/inetpub/wwwroot/aspnet_client/system_web/shell.aspx': 'webfile',
    'D/Exchange Server/V15/ClientAccess/ecp/auth/y.aspx': 'webfile',
    'D/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/x.aspx': 'webfile',
    'D/Exchange Server/V15/Logging/HttpProxy/Ecp/HttpProxy_2021030201-1.LOG': 'log',
    'D/Exchange Server/V15/TransportRoles/Logs/MessageTracking/MSGTRK2021030201-1.LOG': 'log',
    'D/Exchange Server/V15/bin/ExSetup.exe': 'binary',
    'D/Exchange Server/V15/bin/Microsoft.Exchange.Diagnostics.dll': 'binary',
    'D/IISLogs/W3SVC1/notes.txt': 'log',
    'D/IISLogs/W3SVC1/u_ex210301.log': 'log',
    'D/WebApps/custom/default.aspx': 'webfile',
  })
  const shell = ev.artefacts.find((a) => a.path.endsWith('shell.aspx'))!
  assert.equal(shell.windowsPath, 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\shell.aspx')
  assert.equal(await text(shell.open()), '<%@ Page %>')
  assert.ok(ev.webRoots.includes('C/inetpub/wwwroot'))
  assert.ok(ev.webRoots.includes('D/Exchange Server/V15/FrontEnd/HttpProxy'))
  assert.ok(ev.webRoots.includes('D/WebApps/custom'))
  assert.deepEqual(ev.errors, [])
})

test('applicationHost.config in UTF-16 (saved as "Unicode"), in a folder and in a zip; a damaged one is named', async () => {
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(APPHOST, 'utf16le')])
  const files = {
    'C/Windows/System32/inetsrv/config/applicationHost.config': utf16,
    'D/WebApps/custom/default.aspx': 'page',
  }
  const dir = await discoverEvidence(tree(tmpDir(), files))
  assert.ok(dir.webRoots.includes('D/WebApps/custom'), dir.webRoots.join())
  assert.deepEqual(dir.errors, [])
  const zipPath = join(tmpDir(), 'ev.zip')
  writeFileSync(zipPath, makeZip(Object.entries(files).map(([name, data]) => ({ name, data }))))
  const zip = await discoverEvidence(zipPath)
  assert.ok(zip.webRoots.includes('ev.zip!D/WebApps/custom'), zip.webRoots.join())
  assert.deepEqual(zip.errors, [])
  await zip.close()
  // Cut before </sites>: the sites read so far still name their folders, and the cut is an item error.
  const cut = APPHOST.slice(0, APPHOST.indexOf('<siteDefaults>'))
  const damaged = { ...files, 'C/Windows/System32/inetsrv/config/applicationHost.config': cut }
  for (const ev of [
    await discoverEvidence(tree(tmpDir(), damaged)),
    await (async () => {
      const z = join(tmpDir(), 'ev.zip')
      writeFileSync(z, makeZip(Object.entries(damaged).map(([name, data]) => ({ name, data }))))
      return discoverEvidence(z)
    })(),
  ]) {
    assert.ok(
      ev.webRoots.some((r) => r.endsWith('D/WebApps/custom')),
      ev.webRoots.join(),
    )
    assert.deepEqual(
      ev.errors.map((e) => [e.code, e.path.replace(/^.*ev\.zip!/, ''), e.message]),
      [
        [
          'EXH_ERR_IIS_CONFIG',
          'C/Windows/System32/inetsrv/config/applicationHost.config',
          'partly unreadable: unclosed elements at end of file: configuration > system.applicationHost > sites',
        ],
      ],
    )
    await ev.close()
  }
})

test('mounted system drive root and a KAPE collection', async () => {
  const files = {
    'Windows/System32/config/SAM': 'hive',
    'Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa/HttpProxy_2021030201-1.LOG':
      'x',
    'inetpub/wwwroot/aspnet_client/a.aspx': 'x',
    'root/tool.exe': 'MZ',
  }
  const mounted = await discoverEvidence(tree(tmpDir(), files))
  assert.deepEqual(mounted.layouts, ['mounted-drive'])
  assert.deepEqual(mounted.exchangeRoots, ['Program Files/Microsoft/Exchange Server/V15'])
  assert.equal(
    mounted.artefacts.find((a) => a.path === 'root/tool.exe')?.windowsPath,
    'C:\\root\\tool.exe',
  )
  assert.equal(mounted.artefacts.length, 3)
  const kape = tree(tmpDir(), {
    '2021-03-05T101010_ConsoleLog.txt': 'kape',
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`C/${k}`, v])),
  })
  const k = await discoverEvidence(kape)
  assert.deepEqual(k.layouts, ['kape'])
  assert.equal(
    k.artefacts.find((a) => a.kind === 'log')?.windowsPath,
    'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\HttpProxy\\Owa\\HttpProxy_2021030201-1.LOG',
  )
})

test('Velociraptor collection with URL-encoded names, in a folder and as a zip', async () => {
  const files = {
    'uploads/auto/C%3A/inetpub/wwwroot/aspnet_client/s.aspx': 'x',
    'uploads/ntfs/%5C%5C.%5CC%3A/Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server/ECPServer2021030201-1.LOG':
      'x',
    'collection_context.json': '{}',
  }
  const dir = await discoverEvidence(tree(tmpDir(), files))
  assert.deepEqual(dir.layouts, ['velociraptor'])
  assert.equal(
    dir.artefacts.find((a) => a.kind === 'webfile')?.windowsPath,
    'C:\\inetpub\\wwwroot\\aspnet_client\\s.aspx',
  )
  assert.equal(dir.artefacts.filter((a) => a.kind === 'log').length, 1)
  const zipPath = join(tmpDir(), 'collection.zip')
  writeFileSync(
    zipPath,
    makeZip([
      ...Object.entries(files).map(([name, data]) => ({ name, data })),
      { name: '../escape.aspx', data: 'x' },
    ]),
  )
  const z = await discoverEvidence(zipPath)
  assert.equal(z.kind, 'zip')
  assert.deepEqual(z.layouts, ['zip', 'velociraptor'])
  assert.deepEqual(
    z.artefacts.map((a) => [a.path, a.kind]),
    [
      ['collection.zip!uploads/auto/C%3A/inetpub/wwwroot/aspnet_client/s.aspx', 'webfile'],
      [
        'collection.zip!uploads/ntfs/%5C%5C.%5CC%3A/Program Files/Microsoft/Exchange Server/V15/Logging/ECP/Server/ECPServer2021030201-1.LOG',
        'log',
      ],
    ],
  )
  assert.deepEqual(
    z.errors.map((e) => e.code),
    ['EXH_ERR_ZIP_TRAVERSAL'],
  )
  assert.equal(await text(z.artefacts[0]!.open()), 'x')
})

test('Exchange install folder, single log file, missing input', async () => {
  const ex = tree(tmpDir(), {
    'Logging/HttpProxy/Autodiscover/HttpProxy_2021030201-1.LOG': 'x',
    'FrontEnd/HttpProxy/owa/auth/logon.aspx': 'x',
    'Mailbox/x.edb': 'x',
  })
  const ev = await discoverEvidence(ex)
  assert.deepEqual(ev.layouts, ['exchange-install'])
  assert.deepEqual(ev.exchangeRoots, ['.'])
  assert.deepEqual(Object.values(kinds(ev)).sort(), ['log', 'webfile'])
  assert.equal(ev.artefacts[0]!.windowsPath, undefined)
  const one = await discoverEvidence(
    join(ex, 'Logging/HttpProxy/Autodiscover/HttpProxy_2021030201-1.LOG'),
  )
  assert.equal(one.kind, 'file')
  assert.deepEqual(
    one.artefacts.map((a) => [a.path, a.kind]),
    [['HttpProxy_2021030201-1.LOG', 'log']],
  )
  const none = await discoverEvidence(join(ex, 'nope'))
  assert.equal(none.errors[0]?.code, 'EXH_ERR_FS_ENOENT')
})

test('symlinks out of the root, loops, dangling links, FIFOs, oversized web files', async () => {
  const outside = tree(tmpDir(), { 'secret.aspx': 'outside' })
  const root = tree(tmpDir(), {
    'inetpub/wwwroot/ok.aspx': 'ok',
    'inetpub/wwwroot/big.aspx': 'x'.repeat(2000),
  })
  const www = join(root, 'inetpub/wwwroot')
  symlinkSync(join(outside, 'secret.aspx'), join(www, 'out.aspx'))
  symlinkSync(outside, join(www, 'outdir'))
  symlinkSync(join(root, 'inetpub'), join(www, 'loop'))
  symlinkSync(join(www, 'a.aspx'), join(www, 'b.aspx'))
  symlinkSync(join(www, 'b.aspx'), join(www, 'a.aspx'))
  symlinkSync(join(www, 'missing.aspx'), join(www, 'dangling.aspx'))
  symlinkSync(join(www, 'ok.aspx'), join(www, 'alias.aspx'))
  execFileSync('mkfifo', [join(www, 'pipe.aspx')])
  const ev = await discoverEvidence(root, { maxFileBytes: 1000 })
  assert.deepEqual(
    ev.artefacts.map((a) => a.path),
    // An oversized page is listed (the scan reads its head), not an error.
    ['inetpub/wwwroot/alias.aspx', 'inetpub/wwwroot/big.aspx', 'inetpub/wwwroot/ok.aspx'],
  )
  const errs = Object.fromEntries(
    ev.errors.map((e) => [e.path.replace('inetpub/wwwroot/', ''), e.code]),
  )
  assert.deepEqual(errs, {
    'a.aspx': 'EXH_ERR_SYMLINK_LOOP',
    'b.aspx': 'EXH_ERR_SYMLINK_LOOP',
    'dangling.aspx': 'EXH_ERR_DANGLING_LINK',
    loop: 'EXH_ERR_SYMLINK_LOOP',
    'out.aspx': 'EXH_ERR_SYMLINK_OUTSIDE',
    outdir: 'EXH_ERR_SYMLINK_OUTSIDE',
    'pipe.aspx': 'EXH_ERR_NOT_REGULAR',
  })
  assert.equal(await text(ev.artefacts[0]!.open()), 'ok')
})

// Root lists a mode 000 folder, so the folder that cannot be listed even as root (CI) is one whose
// path is over PATH_MAX (built one level at a time with relative paths): readdir fails, ENAMETOOLONG.
test('unreadable folders are item errors', async () => {
  const isRoot = process.getuid?.() === 0
  const root = tree(tmpDir(), { 'inetpub/wwwroot/a/x.aspx': 'x', 'inetpub/wwwroot/b.aspx': 'y' })
  const deep = join(root, 'inetpub/wwwroot/deep')
  mkdirSync(deep)
  const name = 'd'.repeat(250)
  // A child process, as the test runner's workers cannot chdir; chdir(relative) has no length limit.
  const nest = `for(let i=0;i<20;i++){fs.mkdirSync('${name}');process.chdir('${name}')}`
  execFileSync(process.execPath, ['-e', nest], { cwd: deep })
  if (!isRoot) chmodSync(join(root, 'inetpub/wwwroot/a'), 0o000)
  try {
    const ev = await discoverEvidence(root)
    const errors = ev.errors.map((e) => [e.code, e.path.replace(/\/d{250}\/.*/, '/…')])
    const want = [['EXH_ERR_FS_ENAMETOOLONG', 'inetpub/wwwroot/deep/…']]
    if (!isRoot) want.push(['EXH_ERR_FS_EACCES', 'inetpub/wwwroot/a'])
    assert.deepEqual(errors.sort(), want.sort())
    const found = ev.artefacts.map((a) => a.path).sort()
    assert.deepEqual(found, [
      ...(isRoot ? ['inetpub/wwwroot/a/x.aspx'] : []),
      'inetpub/wwwroot/b.aspx',
    ])
  } finally {
    if (!isRoot) chmodSync(join(root, 'inetpub/wwwroot/a'), 0o755)
    // GNU rm works relative to each folder; Node's rmSync would meet the same ENAMETOOLONG.
    execFileSync('rm', ['-rf', deep])
  }
})

test('a loose folder of real logs (shared corpus): every .log is a log, every other file is scanned', {
  skip: corpusSkip,
}, async () => {
  const ev = await discoverEvidence(corpusPath('logs'))
  assert.deepEqual(ev.layouts, ['triage-folder'])
  const logs = ev.artefacts.filter((a) => a.kind === 'log').map((a) => a.path)
  assert.ok(logs.includes('iis-tunna/Tunna_rdp_tunnel_IIS.log'))
  assert.equal(logs.filter((p) => p.startsWith('exchange-log-formats/')).length, 17)
  assert.deepEqual(
    ev.artefacts.filter((a) => a.kind === 'webfile').map((a) => a.path),
    [
      'exchange-log-formats/LICENSE',
      'exchange-log-formats/microsoft_exchange.md',
      'iis-tunna/LICENSE.GPL',
      'iis-tunna/web_attack_and_isp_webshell_localhost_access_log.txt',
      'proxyshell-blog-excerpts-unverified/msexchange-management_cmdlet-excerpts.txt',
      'proxyshell-blog-excerpts-unverified/webshell_vb_process_exec.aspx',
    ],
  )
  const head = await text(
    ev.artefacts.find((a) => a.path === 'iis-tunna/Tunna_rdp_tunnel_IIS.log')!.open(),
  )
  assert.match(head, /^#Software: Microsoft Internet Information Services/m)
})

test('a loose folder of suspect files is scanned like yara -r: shell sources saved as .txt too', {
  skip: corpusSkip,
}, async () => {
  const ev = await discoverEvidence(corpusPath('webshells', 'malicious', 'dev'))
  const web = new Set(ev.artefacts.filter((a) => a.kind === 'webfile').map((a) => a.path))
  assert.ok(web.has('6a168885faf8_Nightrunner.aspx_20.txt'))
  assert.ok(web.has('febf37a9e8ba_zehir4.txt'))
  assert.equal(web.size, ev.artefacts.length)
})
