import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { corpusSkip } from '../../test/helpers/corpus.ts'
import { E16_IIS } from '../../test/helpers/exchange-tree.ts'
import { parseApplicationHost } from './iis-config.ts'

const XML = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <!-- <site name="commented" id="9"/> -->
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1" serverAutoStart="true">
        <application path="/" applicationPool="DefaultAppPool">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\\inetpub\\wwwroot" />
        </application>
        <application path="/owa" applicationPool="MSExchangeOWAAppPool">
          <virtualDirectory path="/" physicalPath="C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa" />
          <virtualDirectory path="/x" physicalPath='D:\\a &amp; b' />
        </application>
      </site>
      <site name="Exchange Back End" id="2">
        <application path="/"><virtualDirectory path="/" physicalPath="C:\\inetpub\\wwwroot" /></application>
        <logFile directory="E:\\Logs" />
      </site>
      <siteDefaults><logFile logFormat="W3C" directory="%SystemDrive%\\inetpub\\logs\\LogFiles" /></siteDefaults>
    </sites>
  </system.applicationHost>
  <location path="Default Web Site/owa">
    <system.webServer><handlers accessPolicy="Read, Script">
      <add name="evil" path="*.xyz" verb="*" type="System.Web.UI.PageHandlerFactory" />
    </handlers></system.webServer>
  </location>
  <system.webServer><handlers><add name="StaticFile" path="*" verb="*" modules="StaticFileModule" /></handlers></system.webServer>
</configuration>`

test('parses sites, vdirs, log folders and handlers', () => {
  const r = parseApplicationHost(XML)
  assert.deepEqual(r.errors, [])
  assert.deepEqual(
    r.sites.map((s) => [s.name, s.id, s.logDirectory]),
    [
      ['Default Web Site', '1', '%SystemDrive%\\inetpub\\logs\\LogFiles'],
      ['Exchange Back End', '2', 'E:\\Logs'],
    ],
  )
  assert.deepEqual(r.sites[0]!.apps[1], {
    path: '/owa',
    vdirs: [
      {
        path: '/',
        physicalPath:
          'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa',
      },
      { path: '/x', physicalPath: 'D:\\a & b' },
    ],
  })
  assert.deepEqual(r.handlers, [
    {
      name: 'evil',
      path: '*.xyz',
      verb: '*',
      type: 'System.Web.UI.PageHandlerFactory',
      location: 'Default Web Site/owa',
    },
    { name: 'StaticFile', path: '*', verb: '*', modules: 'StaticFileModule' },
  ])
})

test('a truncated config yields what it can plus errors', () => {
  const r = parseApplicationHost(XML.slice(0, XML.indexOf('<site name="Exchange')))
  assert.equal(r.sites.length, 1)
  assert.equal(r.sites[0]!.apps.length, 2)
  assert.match(r.errors[0]!, /unclosed/)
  assert.deepEqual(parseApplicationHost('not xml at all').sites, [])
})

test('attribute values are decoded and markup in comments or CDATA is not read, in document order', () => {
  const r = parseApplicationHost(`<configuration><system.applicationHost><sites>
    <site name="Default Web Site" id="1"><application path="/">
      <virtualDirectory path="/" physicalPath="&#37;SystemDrive&#37;\\inet&#x70;ub\\wwwroot" />
      <![CDATA[ <!-- ]]>
      <virtualDirectory path="/c" physicalPath="&#67;:\\ProgramData\\c" />
      <!-- <![CDATA[ -->
      <virtualDirectory path="/d" physicalPath="D:\\d" />
      <![CDATA[ <virtualDirectory path="/hidden" physicalPath="C:\\x" /> ]]>
    </application></site></sites></system.applicationHost></configuration>`)
  assert.deepEqual(r.errors, [])
  assert.deepEqual(r.sites[0]!.apps[0]!.vdirs, [
    { path: '/', physicalPath: '%SystemDrive%\\inetpub\\wwwroot' },
    { path: '/c', physicalPath: 'C:\\ProgramData\\c' },
    { path: '/d', physicalPath: 'D:\\d' },
  ])
})

test('the real applicationHost.config of an Exchange 2016 server', { skip: corpusSkip }, () => {
  const r = parseApplicationHost(readFileSync(join(E16_IIS, 'applicationHost.config'), 'utf8'))
  assert.deepEqual(r.errors, [])
  assert.deepEqual(
    r.sites.map((s) => s.name),
    ['Default Web Site', 'Exchange Back End'],
  )
  const rpc = r.sites[1]!.apps.find((a) => a.path === '/Rpc')
  assert.equal(rpc?.vdirs[0]?.physicalPath, '%windir%\\System32\\RpcProxy')
})
