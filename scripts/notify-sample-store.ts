// Seeds a survey store with probe observations from test/fixtures/notify, for the README's
// `exhunt notify` sample (until `exhunt survey scan` stores probe results itself):
//   node --import tsx scripts/notify-sample-store.ts DATA_DIR
// Targets: two servers of one owner named in their record, one whose owner comes from the abuse CSV,
// one only the AS data knows (1.0.0.1), one a scanned server that answers with hostile text.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ProbeTargetResult } from '../src/shared/probe.ts'
import { recordObservation } from '../src/store/observations.ts'
import { openStore } from '../src/store/open.ts'
import { upsertTargets } from '../src/store/targets.ts'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: notify-sample-store.ts DATA_DIR')
const base = JSON.parse(
  readFileSync(join(import.meta.dirname, '../test/fixtures/notify/probe-vulnerable.json'), 'utf8'),
) as ProbeTargetResult

const store = await openStore({ dataDir })
try {
  await upsertTargets(store.pool, ['https://mail.example.org', 'https://owa.example.org'], {
    owner: 'Example GmbH IT <it@example.org>',
  })
  await upsertTargets(store.pool, ['192.0.2.7:443', '1.0.0.1:443', 'https://evil.example.net'], {})
  const seen = [
    ['https://mail.example.org', 'mail.example.org', '198.51.100.10', '2021-03-05T10:00:00Z'],
    ['https://owa.example.org', 'owa.example.org', '198.51.100.11', '2021-03-05T10:02:00Z'],
    ['192.0.2.7:443', '192.0.2.7', '192.0.2.7', '2021-03-05T10:04:00Z'],
    ['1.0.0.1:443', '1.0.0.1', '1.0.0.1', '2021-03-05T10:06:00Z'],
    ['https://evil.example.net', 'evil.example.net', '192.0.2.66', '2021-03-05T10:08:00Z'],
  ] as const
  for (const [target, host, ip, at] of seen) {
    const id = (await store.pool.query('select id from targets where target = $1', [target]))
      .rows[0].id
    const p: ProbeTargetResult = structuredClone(base)
    p.startedAt = at
    p.target = { ...p.target, input: target, host, ip }
    if (host === 'evil.example.net') {
      p.build = {
        ...p.build!,
        versionName: 'CU19\r\nBcc: victim@example.com <script>alert(1)</script>',
      }
    }
    await recordObservation(store.pool, `sample:${target}`, Number(id), p)
  }
} finally {
  await store.close()
}
