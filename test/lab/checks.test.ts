// Each check of the probe spec answered as a vulnerable, a patched and a mitigated server answers,
// per the build (content/builds through detect/exposure) and the options; and the fleet's truth says so.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { parseSpec } from '../../src/lab/mix.ts'
import { type RunningLab, startLab } from '../../src/lab/start.ts'
import type { LabInstance } from '../../src/lab/types.ts'
import {
  get,
  PROXYNOTSHELL,
  PROXYSHELL_MAPI,
  PROXYSHELL_OWA,
  SSRF_COOKIE,
} from './http.test-helper.ts'

let lab: RunningLab
let i: Record<string, LabInstance>

before(async () => {
  const specs = {
    proxylogon: '15.1.2176.2', // 2016 CU19: misses Mar21SU and later
    eomt: '15.1.2176.2,mitigation=eomt',
    proxyshell: '15.1.2176.9', // CU19 Mar21SU: ProxyLogon fixed, ProxyShell not
    pnsRule: '15.1.2375.32,mitigation=proxynotshell', // CU22 Oct22SU
    pnsOpen: '15.1.2375.32',
    patched: '15.1.2375.37', // CU22 Nov22SU
    both: '15.2.1118.40,mitigation=both',
    e2010: '14.3.513.0',
    shell: '15.1.2375.37,shell=/aspnet_client/system_web/log.aspx',
  }
  lab = await startLab({
    port: 0,
    specs: Object.values(specs).map((s) => parseSpec(s)),
    tls: false,
  })
  i = Object.fromEntries(Object.keys(specs).map((k, n) => [k, lab.instances[n] as LabInstance]))
})
after(() => lab.close())

const ssrf = (inst: LabInstance) => get(inst, '/owa/auth/x.js', { Cookie: SSRF_COOKIE })
const check = (inst: LabInstance, id: string) => (inst.truth.checks as Record<string, string>)[id]

test('CVE-2021-26855: X-CalculatedBETarget localhost only where the build misses the fix', async () => {
  const v = await ssrf(i.proxylogon as LabInstance)
  assert.equal(v.status, 500)
  assert.equal(v.headers['x-calculatedbetarget'], 'localhost')
  assert.equal(check(i.proxylogon as LabInstance, 'exh-probe-cve-2021-26855-ssrf'), 'vulnerable')
  for (const k of ['proxyshell', 'patched', 'e2010']) {
    const p = await ssrf(i[k] as LabInstance)
    assert.equal(p.status, 404, k)
    assert.equal(p.headers['x-calculatedbetarget'], undefined, k)
    assert.equal(check(i[k] as LabInstance, 'exh-probe-cve-2021-26855-ssrf'), 'not-vulnerable', k)
  }
  // Without the cookie the vulnerable server has no such file either.
  assert.equal((await get(i.proxylogon as LabInstance, '/owa/auth/x.js')).status, 404)
})

test('EOMT: the cookie rules reset the connection, with no HTTP answer; other requests pass', async () => {
  const e = i.eomt as LabInstance
  const a = await ssrf(e)
  assert.equal(a.status, null)
  assert.equal(a.error, 'ECONNRESET')
  // Either rule alone aborts (EOMT adds two).
  assert.equal((await get(e, '/owa/', { Cookie: 'X-AnonResource-Backend=a' })).error, 'ECONNRESET')
  assert.equal(
    (await get(e, '/owa/', { Cookie: 'x-beresource=localhost/owa/a~1' })).error,
    'ECONNRESET',
  )
  assert.equal((await get(e, '/owa/', { Cookie: 'X-BEResource=plain' })).status, 302)
  assert.equal((await get(e, '/owa/')).status, 302)
  assert.equal(check(e, 'exh-probe-cve-2021-26855-ssrf'), 'mitigated')
  assert.equal(e.truth.verdict, 'vulnerable', 'still vulnerable by build')
  assert.ok(e.truth.missing.includes('CVE-2021-26855'))
})

test('ProxyShell path confusion: 302 to errorFE / the MAPI endpoint where unpatched, 400 where patched', async () => {
  for (const k of ['proxylogon', 'proxyshell']) {
    const inst = i[k] as LabInstance
    const owa = await get(inst, PROXYSHELL_OWA)
    assert.equal(owa.status, 302, k)
    assert.match(String(owa.headers.location), /OwaADUserNotFoundException/)
    const mapi = await get(inst, PROXYSHELL_MAPI)
    assert.equal(mapi.status, 200)
    assert.match(mapi.body, /Exchange MAPI\/HTTP Connectivity Endpoint/)
    assert.equal(check(inst, 'exh-probe-proxyshell-autodiscover'), 'vulnerable')
  }
  for (const k of ['pnsOpen', 'patched']) {
    const inst = i[k] as LabInstance
    assert.equal((await get(inst, PROXYSHELL_OWA)).status, 400, k)
    assert.equal((await get(inst, PROXYSHELL_MAPI)).status, 400, k)
    assert.equal(check(inst, 'exh-probe-proxyshell-autodiscover'), 'not-vulnerable')
  }
  assert.equal(
    (await get(i.e2010 as LabInstance, PROXYSHELL_OWA)).status,
    404,
    '2010 has no autodiscover.json',
  )
})

test('ProxyNotShell rule: an autodiscover+powershell URL is reset (also percent-encoded), the rest answered', async () => {
  const rule = i.pnsRule as LabInstance
  assert.equal((await get(rule, PROXYNOTSHELL)).error, 'ECONNRESET')
  // The rule reads the URL-decoded request URI, case-insensitively.
  assert.equal(
    (await get(rule, PROXYNOTSHELL.replace('PowerShell', 'Power%53hell'))).error,
    'ECONNRESET',
  )
  assert.equal((await get(rule, PROXYSHELL_OWA)).status, 400, 'no powershell in it: answered')
  assert.equal(
    (await get(rule, '/autodiscover/autodiscover.json?Email=a@lab.test&Protocol=EWS')).status,
    200,
  )
  assert.equal(check(rule, 'exh-probe-proxynotshell-mitigation'), 'mitigated')
  assert.equal(rule.truth.verdict, 'vulnerable')
  const open = i.pnsOpen as LabInstance
  const a = await get(open, PROXYNOTSHELL)
  assert.equal(a.status, 400)
  assert.equal(
    check(open, 'exh-probe-proxynotshell-mitigation'),
    'vulnerable',
    'no rule, no Nov22SU',
  )
  assert.equal(
    check(i.patched as LabInstance, 'exh-probe-proxynotshell-mitigation'),
    'not-vulnerable',
  )
  // The ProxyShell-unpatched server lets the confusion through to the back end (401, never a shell).
  assert.equal((await get(i.proxyshell as LabInstance, PROXYNOTSHELL)).status, 401)
})

test('both mitigations on a patched build: both checks mitigated, verdict patched', async () => {
  const b = i.both as LabInstance
  assert.equal((await ssrf(b)).error, 'ECONNRESET')
  assert.equal((await get(b, PROXYNOTSHELL)).error, 'ECONNRESET')
  assert.equal(check(b, 'exh-probe-cve-2021-26855-ssrf'), 'mitigated')
  assert.equal(check(b, 'exh-probe-proxynotshell-mitigation'), 'mitigated')
  assert.equal(b.truth.verdict, 'patched')
})

test('web shell: the planted path answers 200 with a small shell-like body, the control path 404', async () => {
  const s = i.shell as LabInstance
  const shell = await get(s, '/aspnet_client/system_web/log.aspx')
  assert.equal(shell.status, 200)
  assert.match(shell.body, /<input name="cmd"/)
  assert.ok(shell.body.length < 400)
  // IIS paths are case-insensitive.
  assert.equal((await get(s, '/aspnet_client/System_Web/LOG.aspx')).status, 200)
  assert.equal((await get(s, '/aspnet_client/system_web/q8v3k1.aspx')).status, 404)
  assert.equal(
    (await get(i.patched as LabInstance, '/aspnet_client/system_web/log.aspx')).status,
    404,
  )
  assert.equal(s.truth.verdict, 'likely-compromised')
  assert.equal(check(s, 'exh-probe-webshell-paths'), 'shell-answered')
  assert.equal(check(i.patched as LabInstance, 'exh-probe-webshell-paths'), 'not-vulnerable')
})

test('truth: missing CVEs from the build table, verdict from exploited-in-the-wild families', () => {
  const pl = i.proxylogon as LabInstance
  for (const c of ['CVE-2021-26855', 'CVE-2021-27065', 'CVE-2021-34473', 'CVE-2022-41040'])
    assert.ok(pl.truth.missing.includes(c), c)
  assert.deepEqual(pl.truth.missing, [...pl.truth.missing].sort())
  assert.equal(pl.truth.verdict, 'vulnerable')
  const p = i.patched as LabInstance
  assert.ok(!p.truth.missing.includes('CVE-2022-41040'))
  assert.ok(p.truth.missing.length > 0, 'later fixes still missing')
  assert.equal(p.truth.verdict, 'patched', 'misses nothing exploited in the wild')
  assert.equal((i.e2010 as LabInstance).truth.verdict, 'patched')
})
