// The e-mail as the SMTP server receives it (headers a hostile server cannot extend, the
// deterministic Message-ID), and the same notices as CSV and XARF v4.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { exportDeliver } from './export.ts'
import { NOTICE_CSV_COLUMNS } from './export-csv.ts'
import { xarfReportId } from './export-xarf.ts'
import { status } from './fixtures.test-helper.ts'
import { planNotices } from './plan.ts'
import { renderNotice } from './render.ts'
import { messageIdOf } from './send.ts'
import { startTestSmtp } from './smtp.test-helper.ts'
import { smtpDeliver } from './smtp.ts'
import { loadNoticeTemplates } from './templates.ts'

const templates = loadNoticeTemplates()
const cert = { name: 'CERT-Example', email: 'notify@cert.example' }

function hostilePlan() {
  const t = status('mail', 'compromised', {
    label: 'https://mail.example.org/\r\nBcc: victim@example.com',
  })
  t.probe!.build!.versionName = 'CU19\r\nSubject: forged\r\nBcc: second@example.com'
  const owner = {
    email: 'it@example.org',
    organisation: '=HYPERLINK("http://evil.example")\r\nBcc: third@example.com',
    source: 'abuse-csv' as const,
    matched: '192.0.2.0/24',
  }
  return planNotices(
    [t, status('other', 'exposed')],
    new Map([
      ['mail', owner],
      ['other', owner],
    ]),
  )
}

test('the received message has one recipient, our Message-ID, and no header from scanned data', async () => {
  const smtp = await startTestSmtp()
  try {
    const plan = hostilePlan()
    const deliver = smtpDeliver(smtp.url, cert.email)
    for (const n of plan.notices) {
      const r = renderNotice(n, templates, { cert })
      assert.match(await deliver.send(n, r, messageIdOf(n, cert.email), n.owner.email!), /250/)
    }
    deliver.close()
    assert.equal(smtp.received.length, 2)
    for (const [i, mail] of smtp.received.entries()) {
      const n = plan.notices[i]!
      assert.deepEqual(mail.to, ['it@example.org'])
      const head = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'))
      assert.doesNotMatch(head, /^(Bcc|Cc):/im)
      assert.doesNotMatch(head, /forged|victim@|second@|third@/)
      assert.equal((head.match(/^Subject:/gim) ?? []).length, 1)
      assert.match(head, new RegExp(`^Message-ID: <${n.key}@cert\\.example>$`, 'm'))
      assert.match(head, new RegExp(`^X-Exhunt-Notice: ${n.key}$`, 'm'))
      assert.match(head, /^Auto-Submitted: auto-generated$/m)
    }
  } finally {
    await smtp.close()
  }
})

test('CSV: one row per target, formulas neutralised, no line breaks from scanned data', async () => {
  const dir = tmpDir()
  const deliver = exportDeliver('csv', dir, cert)
  const plan = hostilePlan()
  for (const n of plan.notices)
    await deliver.send(n, renderNotice(n, templates, { cert }), messageIdOf(n, cert.email), 'x')
  const lines = readFileSync(join(dir, 'notices.csv'), 'utf8').split('\r\n')
  assert.equal(lines[0], NOTICE_CSV_COLUMNS.join(','))
  assert.equal(lines.length, 4, 'header, two rows, final CRLF')
  assert.doesNotMatch(lines.join('\n'), /^Bcc/m, 'no row starts inside a scanned value')
  assert.ok(lines[1]!.includes(`"'=HYPERLINK(""http://evil.example"") Bcc: third@example.com"`))
  assert.ok(lines[1]!.startsWith(plan.notices[0]!.key))
  assert.ok(lines.some((l) => l.includes('CVE-2021-26855')))
})

test('XARF v4: vulnerability/cve and infrastructure/compromised_server with the required fields', async () => {
  const dir = tmpDir()
  const deliver = exportDeliver('xarf', dir, cert)
  const plan = hostilePlan()
  const patched = planNotices(
    [status('p', 'patched')],
    new Map([
      ['p', { email: 'a@example.org', source: 'target' as const, matched: 'target record' }],
    ]),
  )
  for (const n of [...plan.notices, ...patched.notices]) {
    const said = await deliver.send(n, renderNotice(n, templates, { cert }), 'id', 'x')
    if (n.state === 'patched')
      assert.match(said, /no XARF report \(a patched server is not abuse\)/)
  }
  const files = readdirSync(dir).sort()
  assert.equal(files.length, 2)
  const reports = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
  // xarf-spec schemas/v4/xarf-core.json: required core fields and their shapes.
  for (const r of reports) {
    for (const k of [
      'xarf_version',
      'report_id',
      'timestamp',
      'reporter',
      'sender',
      'source_identifier',
      'category',
      'type',
    ])
      assert.ok(k in r, `core field ${k}`)
    assert.match(r.xarf_version, /^4\.\d+\.\d+$/)
    assert.match(
      r.report_id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    assert.deepEqual(Object.keys(r.reporter).sort(), ['contact', 'domain', 'org'])
    assert.equal(r.source_identifier, '192.0.2.7')
    for (const tag of r.tags) assert.match(tag, /^[a-z0-9][a-z0-9_+-]*:[a-z0-9][a-z0-9_+-]*$/)
    assert.ok(r.tags.length <= 20)
    const ev = r.evidence[0]
    assert.equal(
      ev.hash,
      `sha256:${createHash('sha256').update(Buffer.from(ev.payload, 'base64')).digest('hex')}`,
    )
  }
  const cve = reports.find((r) => r.type === 'cve')
  const comp = reports.find((r) => r.type === 'compromised_server')
  // types/vulnerability-cve.json: service, service_port, cve_id required; cve_ids at most 10.
  assert.equal(cve.category, 'vulnerability')
  assert.equal(cve.service_port, 443)
  assert.match(cve.cve_id, /^CVE-\d{4}-\d+$/)
  assert.ok(cve.cve_ids.length <= 10)
  assert.equal(cve.severity, 'critical')
  // types/infrastructure-compromised-server.json: compromise_method required.
  assert.equal(comp.category, 'infrastructure')
  assert.equal(comp.compromise_method, 'webshell_deployment')
  assert.equal(comp.report_id, xarfReportId(plan.notices[0]!.key, 'mail'), 'stable across exports')
})
