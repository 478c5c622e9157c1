// What each family's front end shows an unauthenticated client: the fingerprint the probe reads.
// Facts and sources: content/lab/facts.yml.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { connect } from 'node:tls'
import { parseSpec } from '../../src/lab/mix.ts'
import { readChallenge } from '../../src/lab/ntlm.ts'
import { type RunningLab, startLab } from '../../src/lab/start.ts'
import type { LabInstance } from '../../src/lab/types.ts'
import { EXPORT_TOOL, get } from './http.test-helper.ts'

const BUILDS = {
  '2010': '14.3.513.0',
  '2013': '15.0.1497.2',
  '2016': '15.1.2176.2',
  '2019': '15.2.1118.40',
  SE: '15.2.2562.46',
} as const

let lab: RunningLab
const byFamily = new Map<string, LabInstance>()
let threePart: LabInstance
let iis: LabInstance

before(async () => {
  lab = await startLab({
    port: 0,
    specs: [
      ...Object.values(BUILDS).map((b) => parseSpec(b)),
      parseSpec('15.1.2375.7,reveal=3-part'),
      parseSpec('not-exchange'),
    ],
  })
  for (const i of lab.instances) if (i.family && i.shows === '4-part') byFamily.set(i.family, i)
  threePart = lab.instances[5] as LabInstance
  iis = lab.instances[6] as LabInstance
})
after(() => lab.close())

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v)

describe('every family', () => {
  for (const [family, build] of Object.entries(BUILDS)) {
    const three = build.split('.').slice(0, 3).join('.')
    test(`${family} ${build}: /owa/ redirect, logon page static path, headers`, async () => {
      const inst = byFamily.get(family) as LabInstance
      assert.equal(inst.build, build)
      assert.equal(inst.family, family)
      const owa = await get(inst, '/owa/')
      assert.equal(owa.status, 302)
      assert.equal(
        owa.headers.location,
        `https://${inst.serverName}/owa/auth/logon.aspx?url=https%3a%2f%2f${inst.serverName}%2fowa%2f&reason=0`,
      )
      const logon = await get(inst, '/owa/auth/logon.aspx?url=x&reason=0')
      assert.equal(logon.status, 200)
      assert.match(logon.body, /<!-- OwaPage = ASP\.auth_logon_aspx -->/)
      assert.equal(logon.headers['x-powered-by'], 'ASP.NET')
      if (family === '2010') {
        // 2010: /owa/<four parts>/themes/, X-OWA-Version only on the logon page, no CAFE header.
        assert.ok(logon.body.includes(`href="/owa/${build}/themes/resources/favicon.ico"`))
        assert.equal(logon.headers['x-owa-version'], build)
        assert.equal(owa.headers['x-owa-version'], undefined)
        assert.equal(owa.headers['x-feserver'], undefined)
        assert.equal(logon.headers.server, 'Microsoft-IIS/7.5')
        assert.equal(logon.headers['x-aspnet-version'], '2.0.50727')
        assert.match(logon.body, /<title>Outlook Web App<\/title>/)
      } else {
        assert.ok(logon.body.includes(`href="/owa/auth/${three}/themes/resources/favicon.ico"`))
        assert.ok(!logon.body.includes(`/owa/auth/${build}/`), 'never the four-part build')
        assert.equal(owa.headers['x-owa-version'], build)
        assert.equal(logon.headers['x-owa-version'], build)
        assert.equal(owa.headers['x-feserver'], inst.netbios)
        assert.equal(logon.headers['x-aspnet-version'], '4.0.30319')
        assert.match(logon.body, /<title>Outlook<\/title>/)
      }
      const fav = await get(
        inst,
        family === '2010'
          ? `/owa/${build}/themes/resources/favicon.ico`
          : `/owa/auth/${three}/themes/resources/favicon.ico`,
      )
      assert.equal(fav.status, 200)
      assert.equal(fav.headers['content-type'], 'image/x-icon')
    })

    test(`${family}: export tool, autodiscover, EWS, MAPI, ActiveSync, 404`, async () => {
      const inst = byFamily.get(family) as LabInstance
      const exp = await get(inst, EXPORT_TOOL)
      if (family === '2010') assert.equal(exp.status, 404)
      else {
        assert.equal(exp.status, 200)
        assert.match(
          exp.body,
          new RegExp(
            `<assemblyIdentity name="microsoft\\.exchange\\.ediscovery\\.exporttool\\.application" version="${build.replace(/\./g, '\\.')}"`,
          ),
        )
      }
      const ad = await get(
        inst,
        '/autodiscover/autodiscover.json?Email=user@lab.test&Protocol=ActiveSync',
      )
      if (family === '2010' || family === '2013') assert.equal(ad.status, 404)
      else {
        assert.equal(ad.status, 200)
        assert.deepEqual(JSON.parse(ad.body), {
          Protocol: 'ActiveSync',
          Url: `https://${inst.serverName}/Microsoft-Server-ActiveSync`,
        })
        assert.equal(ad.headers['x-owa-version'], build)
      }
      const ews = await get(inst, '/EWS/Exchange.asmx')
      assert.equal(ews.status, 401)
      assert.equal(one(ews.headers['www-authenticate']), 'Negotiate, NTLM')
      assert.equal(ews.headers['x-owa-version'], family === '2010' ? undefined : build)
      const mapi = await get(inst, '/mapi/')
      assert.equal(mapi.status, family === '2010' ? 404 : 401)
      const eas = await get(inst, '/Microsoft-Server-ActiveSync')
      assert.equal(eas.status, 401)
      assert.equal(one(eas.headers['www-authenticate']), `Basic realm="${inst.serverName}"`)
      assert.equal((await get(inst, '/owa/auth/nothing-here.aspx')).status, 404)
      assert.equal((await get(inst, '/no/such/thing')).status, 404)
    })

    test(`${family}: /rpc/rpcproxy.dll answers an NTLM NEGOTIATE with a CHALLENGE naming the server, never a type 3`, async () => {
      const inst = byFamily.get(family) as LabInstance
      const plain = await get(inst, '/rpc/rpcproxy.dll')
      assert.equal(plain.status, 401)
      assert.match(one(plain.headers['www-authenticate']) ?? '', /NTLM/)
      // A type-1 NEGOTIATE (flags only), as nmap's http-ntlm-info sends.
      const type1 = Buffer.from(
        'TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==',
        'base64',
      )
      const ch = await get(inst, '/rpc/rpcproxy.dll', {
        Authorization: `NTLM ${type1.toString('base64')}`,
      })
      assert.equal(ch.status, 401)
      const m = /^NTLM ([A-Za-z0-9+/=]+)$/.exec(one(ch.headers['www-authenticate']) ?? '')
      assert.ok(m?.[1], String(ch.headers['www-authenticate']))
      const info = readChallenge(m[1])
      assert.equal(info.nbComputer, inst.netbios)
      assert.equal(info.nbDomain, 'LAB')
      assert.equal(info.dnsComputer, inst.serverName)
      assert.equal(info.dnsDomain, 'lab.test')
      const windows = {
        '2010': '6.1.7601',
        '2013': '6.3.9600',
        '2016': '10.0.14393',
        '2019': '10.0.17763',
        SE: '10.0.20348',
      }
      assert.equal(info.version, windows[family as keyof typeof windows])
      // A type-3 AUTHENTICATE is never accepted: the plain 401 again.
      const t3 = Buffer.alloc(64)
      Buffer.from('NTLMSSP\0', 'latin1').copy(t3)
      t3.writeUInt32LE(3, 8)
      const auth = await get(inst, '/rpc/rpcproxy.dll', {
        Authorization: `NTLM ${t3.toString('base64')}`,
      })
      assert.equal(auth.status, 401)
      assert.equal(one(auth.headers['www-authenticate']), one(plain.headers['www-authenticate']))
    })
  }
})

test('reveal 3-part: the static path is all there is (no X-OWA-Version, no export tool)', async () => {
  assert.equal(threePart.shows, '3-part')
  for (const p of [
    '/owa/',
    '/owa/auth/logon.aspx',
    '/EWS/Exchange.asmx',
    '/autodiscover/autodiscover.json?Email=a@lab.test&Protocol=EWS',
  ]) {
    const a = await get(threePart, p)
    assert.ok(a.status && a.status < 500, p)
    assert.equal(a.headers['x-owa-version'], undefined, p)
    assert.equal(a.headers['x-feserver'], threePart.netbios, p)
  }
  assert.equal((await get(threePart, EXPORT_TOOL)).status, 404)
  assert.match(
    (await get(threePart, '/owa/auth/logon.aspx')).body,
    /\/owa\/auth\/15\.1\.2375\/themes\/resources\//,
  )
})

test('not-exchange: the IIS default page, and 404 for /owa/', async () => {
  const root = await get(iis, '/')
  assert.equal(root.status, 200)
  assert.match(root.body, /<title>IIS Windows Server<\/title>/)
  assert.equal((await get(iis, '/owa/')).status, 404)
  assert.equal((await get(iis, EXPORT_TOOL)).status, 404)
  assert.equal(iis.truth.verdict, 'not-exchange')
})

test('TLS: a self-signed certificate naming the instance in CN and subjectAltName', async () => {
  const inst = byFamily.get('2016') as LabInstance
  const cert = await new Promise<ReturnType<ReturnType<typeof connect>['getPeerCertificate']>>(
    (resolve, reject) => {
      const s = connect(
        {
          host: inst.host,
          port: inst.port,
          servername: inst.serverName,
          rejectUnauthorized: false,
        },
        () => {
          resolve(s.getPeerCertificate())
          s.destroy()
        },
      )
      s.on('error', reject)
    },
  )
  assert.equal(cert.subject.CN, inst.serverName)
  assert.equal(cert.issuer.CN, inst.serverName)
  assert.equal(cert.subjectaltname, `DNS:${inst.serverName}`)
})

test('only loopback: any other address is refused before anything listens', async () => {
  await assert.rejects(startLab({ host: '10.0.0.1', port: 0, count: 1 }), { code: 'EXH_ERR_LAB' })
  await assert.rejects(startLab({ addresses: ['127.0.0.2', '192.168.1.1'], port: 0 }), {
    code: 'EXH_ERR_LAB',
  })
  await assert.rejects(
    startLab({ port: 0, specs: [parseSpec('14.3.513.0,reveal=3-part')] }),
    /four parts/,
  )
})

test('--addresses: one instance per loopback address, each answering as itself', async () => {
  const { parseAddresses } = await import('../../src/lab/addresses.ts')
  const many = await startLab({
    addresses: parseAddresses('127.0.2.1-127.0.2.3'),
    port: 0,
    specs: [parseSpec('15.2.1118.40')],
  })
  try {
    assert.deepEqual(
      many.instances.map((i) => i.host),
      ['127.0.2.1', '127.0.2.2', '127.0.2.3'],
    )
    for (const i of many.instances) {
      const a = await get(i, '/owa/')
      assert.equal(a.status, 302)
      assert.equal(a.headers['x-feserver'], i.netbios)
    }
  } finally {
    await many.close()
  }
})
