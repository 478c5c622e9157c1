// Templates render in every shipped language for every state; scanned data cannot inject HTML or
// header lines; the template language refuses what it cannot render safely.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { status } from './fixtures.test-helper.ts'
import { planNotices } from './plan.ts'
import { renderNotice } from './render.ts'
import { parseTemplate, renderTemplate } from './template.ts'
import { loadNoticeTemplates } from './templates.ts'
import { NOTIFY_STATES, type TargetStatus } from './types.ts'

const templates = loadNoticeTemplates()
const cert = { name: 'CERT-Example', email: 'notify@cert.example' }
const owner = (language?: string) => ({
  email: 'it@example.org',
  organisation: 'Example AG',
  source: 'abuse-csv' as const,
  matched: '192.0.2.0/24',
  language,
})

function render(targets: TargetStatus[], language?: string) {
  const plan = planNotices(targets, new Map(targets.map((t) => [t.targetId, owner(language)])))
  assert.equal(plan.notices.length, 1)
  return renderNotice(plan.notices[0]!, templates, {
    cert,
    uploadUrl: 'https://cert.example/upload',
  })
}

test('English and German ship, and every state renders in both, with nothing left unfilled', () => {
  assert.deepEqual([...templates.keys()], ['de', 'en'])
  const words = {
    en: { exposed: 'missing security fixes', patched: 'thank you', compromised: 'URGENT' },
    de: { exposed: 'fehlen Sicherheitsupdates', patched: 'vielen Dank', compromised: 'DRINGEND' },
  } as const
  for (const lang of ['en', 'de'] as const)
    for (const state of NOTIFY_STATES) {
      const r = render([status('mail', state)], lang)
      assert.equal(r.language, lang)
      assert.ok(r.subject.includes(words[lang][state]), `${lang} ${state}: ${r.subject}`)
      assert.ok(r.subject.startsWith('[CERT-Example] '))
      for (const body of [r.text, r.html]) {
        assert.doesNotMatch(body, /\{\{|\}\}/)
        assert.ok(body.includes('https://mail.example.org/'))
        assert.ok(
          body.includes('https://cert.example/upload'),
          'the hunt guide names the upload URL',
        )
        assert.ok(body.includes('npx exhunt hunt'))
      }
      if (state === 'exposed') {
        assert.ok(r.text.includes('15.1.2176.2 (CU19)'))
        assert.ok(r.text.includes('CVE-2021-26855 (ProxyLogon)'))
        // 89 missing CVEs: the exploited ones are listed first, the list stops at 10.
        assert.match(r.text, /89 CVEs, 10 /)
        assert.match(r.text, /(… and|… und) 79 /)
        assert.match(r.text, /192\.0\.2\.0\/24 (in our contact list|in unserer Kontaktliste)/)
      }
      if (state === 'compromised') assert.ok(r.text.includes('supp0rt.aspx'))
    }
})

test('an owner in a language with no templates gets the default language', () => {
  assert.equal(render([status('mail', 'exposed')], 'xx').language, 'en')
})

test('one owner with many targets gets one message listing them all, in plural wording', () => {
  const r = render([status('a', 'exposed'), status('b', 'exposed'), status('c', 'exposed')])
  for (const id of ['a', 'b', 'c']) assert.ok(r.text.includes(`https://${id}.example.org/`))
  assert.match(r.subject, /Your Exchange servers are missing/)
})

test('hostile scanned data: no HTML, no header lines, no bidi tricks reach the message', () => {
  const evil = status('mail', 'compromised', {
    label: 'https://mail.example.org/<img src=x onerror=alert(1)>',
  })
  evil.probe!.reason =
    'X-OWA-Version: 15.1.2176.2\r\nBcc: victim@example.com\r\n\r\n<script>alert(1)</script>'
  evil.probe!.build!.versionName = 'CU19"><svg onload=alert(2)>'
  evil.probe!.checks[0]!.evidence = 'answered \u202Egnp.exe\u202C &amp; <b>bold</b>'
  const plan = planNotices(
    [evil],
    new Map([['mail', { ...owner(), organisation: 'Org</p><script>x</script>' }]]),
  )
  const r = renderNotice(plan.notices[0]!, templates, { cert })
  assert.doesNotMatch(r.html, /<script|<img|<svg|<b>bold/i)
  assert.ok(r.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
  assert.ok(r.html.includes('&amp;amp;'), 'an entity in scanned text is shown, not decoded')
  assert.doesNotMatch(r.text, /\r|\u202e|\u202c/)
  assert.doesNotMatch(r.text, /^Bcc:/m, 'a CR/LF in scanned text cannot start a line')
  assert.doesNotMatch(r.subject, /[\r\n]/)
})

test('the template language: sections, inverted sections, lists; broken templates are refused', () => {
  const t = parseTemplate('{{#xs}}[{{.}}]{{/xs}}{{^xs}}none{{/xs}} {{a.b}}', 't')
  assert.equal(
    renderTemplate(t, { xs: ['<', 2], a: { b: 'x' } }, (s) => s.replace('<', '&lt;')),
    '[&lt;][2] x',
  )
  assert.equal(
    renderTemplate(t, { xs: [] }, (s) => s),
    'none ',
  )
  assert.throws(() => parseTemplate('{{#a}}x', 't'), /never closed/)
  assert.throws(() => parseTemplate('{{/a}}', 't'), /closes nothing/)
  assert.throws(() => parseTemplate('{{#a}}{{/b}}', 't'), /closes nothing/)
  assert.throws(() => parseTemplate('{{{raw}}}', 't'), /not a tag/)
  assert.throws(() => parseTemplate('{{ a b }}', 't'), /not a tag/)
})
