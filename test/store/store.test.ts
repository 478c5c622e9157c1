// The store's tables and queries, the same suite on embedded PGlite and on PostgreSQL.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { ProbeTargetResult } from '../../src/shared/probe.ts'
import type { ReportEnvelope } from '../../src/shared/types.ts'
import { audit, recentAudit } from '../../src/store/audit.ts'
import { migrate } from '../../src/store/migrate.ts'
import { MIGRATIONS } from '../../src/store/migrations.ts'
import {
  claimNotifications,
  markNotification,
  notificationMessageId,
  notificationsInDoubt,
  queueNotification,
} from '../../src/store/notifications.ts'
import { observationsOf, recordObservation } from '../../src/store/observations.ts'
import { openStore, type Store } from '../../src/store/open.ts'
import { checkEnvelope, getReport, reportDigestKey, storeReport } from '../../src/store/reports.ts'
import { storeCounts } from '../../src/store/status.ts'
import { checkMeta, getTarget, normaliseTarget, upsertTargets } from '../../src/store/targets.ts'
import { testBackends } from '../helpers/stores.ts'

function envelope(verdict: string, complete = true): ReportEnvelope {
  return {
    schema: 'exhunt.hunt/2',
    kind: 'hunt',
    tool: { name: 'exhunt', version: '0.1.0', contentVersion: 'test' },
    target: { hosts: ['exch01'], evidence: { algorithm: 'sha256', value: 'ab'.repeat(32) } },
    startedAt: '2021-03-03T10:00:00.000Z',
    finishedAt: '2021-03-03T10:00:05.000Z',
    complete,
    verdict: verdict as ReportEnvelope['verdict'],
    verdictReasons: [],
    advice: {
      verdict: verdict as ReportEnvelope['verdict'],
      steps: [],
      source: 'none',
    } as unknown as ReportEnvelope['advice'],
  }
}

function probeResult(
  at: string,
  verdict: ProbeTargetResult['verdict'],
  build?: string,
): ProbeTargetResult {
  return {
    verdict,
    reason: 'test',
    confidence: 'high',
    exchange: verdict !== 'not-exchange',
    ...(build
      ? { build: { build, parts: 4, source: 'X-OWA-Version', confidence: 'high', evidence: [] } }
      : {}),
    missing: [],
    checks: [
      {
        id: 'exh-probe-cve-2021-26855-ssrf',
        title: 'SSRF',
        cves: ['CVE-2021-26855'],
        outcome: 'vulnerable',
        evidence: 'X-CalculatedBETarget: localhost',
        requestIds: ['chk'],
        references: [],
      },
    ],
    serverNames: [],
    target: { input: 'mail.example.org', scheme: 'https', host: 'mail.example.org', port: 443 },
    errors: [{ code: 'timeout', message: 'slow', requestId: 'fp-ecp' }],
    startedAt: at,
    ms: 12,
    requests: 3,
  }
}

test('targets are normalised, and a bad one says why', () => {
  assert.equal(normaliseTarget(' Mail.Example.ORG '), 'mail.example.org')
  assert.equal(normaliseTarget('mail.example.org:8443'), 'mail.example.org:8443')
  assert.equal(normaliseTarget('https://Mail.Example.org/owa/'), 'https://mail.example.org/owa/')
  assert.equal(normaliseTarget('[2001:db8::1]:443'), '[2001:db8::1]:443')
  assert.throws(() => normaliseTarget('https://user:pw@mail.example.org/'), {
    code: 'EXH_ERR_TARGET',
  })
  assert.throws(() => normaliseTarget('two words'), { code: 'EXH_ERR_TARGET' })
  assert.throws(() => normaliseTarget('<script>'), { code: 'EXH_ERR_TARGET' })
  assert.throws(() => checkMeta({ country: 'Germany' }), { code: 'EXH_ERR_TARGET' })
  assert.equal(checkMeta({ country: 'de' }).country, 'DE')
})

test('a report without the envelope is refused with the field it lacks', () => {
  assert.throws(() => checkEnvelope([], 'x.json'), /not a JSON object/)
  assert.throws(
    () => checkEnvelope({ schema: 'exhunt.hunt/2', kind: 'hunt', verdict: 'clean' }, 'x.json'),
    /no complete flag/,
  )
  assert.throws(() => checkEnvelope({ schema: 'other', kind: 'hunt' }, 'x.json'), {
    code: 'EXH_ERR_REPORT',
  })
})

test('Message-IDs are deterministic per target, state and recipient', () => {
  const a = notificationMessageId('mail.example.org', 'vulnerable@15.1.2176.2', 'CERT@example.org')
  assert.equal(
    a,
    notificationMessageId('mail.example.org', 'vulnerable@15.1.2176.2', 'cert@example.org'),
  )
  assert.notEqual(a, notificationMessageId('mail.example.org', 'patched', 'cert@example.org'))
  assert.match(a, /^<[0-9a-f]{32}@exhunt\.notify>$/)
})

for (const backend of await testBackends()) {
  describe(`store on ${backend.name}`, { skip: backend.skip }, () => {
    let store: Store
    before(async () => {
      store = await openStore(await backend.fresh())
    })
    after(async () => {
      await store?.close()
      await backend.cleanup()
    })

    test('the migrations ran once, and a store newer than this exhunt is refused', async () => {
      assert.equal(store.kind, backend.name)
      const v = await store.pool.query('select version from schema_migrations order by version')
      assert.deepEqual(
        v.rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      )
      assert.deepEqual(await migrate(store.pool), [], 'a second run applies nothing')
      await store.pool.query(`insert into schema_migrations (version, name) values (999, 'future')`)
      await assert.rejects(migrate(store.pool), /version 999, newer than this exhunt knows/)
      await store.pool.query('delete from schema_migrations where version = 999')
    })

    test('targets: added, then updated field by field with tags merged', async () => {
      const r1 = await upsertTargets(store.pool, ['mail.example.org', 'owa.example.net'], {
        owner: 'Example GmbH',
        country: 'DE',
        tags: ['gov'],
      })
      assert.deepEqual(r1, { added: 2, updated: 0 })
      const r2 = await upsertTargets(store.pool, ['mail.example.org', 'new.example.com'], {
        sector: 'health',
        asn: 64500,
        tags: ['hospital', 'gov'],
      })
      assert.deepEqual(r2, { added: 1, updated: 1 })
      const t = await getTarget(store.pool, 'mail.example.org')
      assert.ok(t)
      assert.equal(t.owner, 'Example GmbH', 'a missing field keeps the stored one')
      assert.equal(t.sector, 'health')
      assert.equal(t.country, 'DE')
      assert.equal(t.asn, 64500)
      assert.deepEqual(t.tags, ['gov', 'hospital'])
    })

    test('observations: one per key, newest first, checks and errors kept', async () => {
      const t = await getTarget(store.pool, 'mail.example.org')
      assert.ok(t)
      assert.equal(
        await recordObservation(
          store.pool,
          'probe:1',
          t.id,
          probeResult('2021-03-03T00:00:00Z', 'vulnerable', '15.1.2176.2'),
        ),
        true,
      )
      assert.equal(
        await recordObservation(
          store.pool,
          'probe:1',
          t.id,
          probeResult('2021-03-03T00:00:00Z', 'vulnerable', '15.1.2176.2'),
        ),
        false,
        'the same job twice stores once',
      )
      await recordObservation(
        store.pool,
        'probe:2',
        t.id,
        probeResult('2021-03-10T00:00:00Z', 'patched', '15.1.2176.9'),
      )
      const obs = await observationsOf(store.pool, t.id)
      assert.deepEqual(
        obs.map((o) => [o.verdict, o.build]),
        [
          ['patched', '15.1.2176.9'],
          ['vulnerable', '15.1.2176.2'],
        ],
      )
      assert.equal(obs[1]?.checks[0]?.outcome, 'vulnerable')
      assert.equal(obs[1]?.errors[0]?.code, 'timeout')
    })

    test('reports: stored as JSON by key, once, with verdict and complete flag', async () => {
      const json = JSON.stringify(envelope('compromised'))
      const key = reportDigestKey(json)
      const a = await storeReport(store.pool, {
        key,
        report: envelope('compromised'),
        origin: 'import',
        sourceName: 'r.json',
      })
      const b = await storeReport(store.pool, {
        key,
        report: envelope('compromised'),
        origin: 'import',
      })
      assert.equal(a.inserted, true)
      assert.equal(b.inserted, false)
      assert.equal(b.id, a.id)
      await storeReport(store.pool, {
        key: 'hunt:cut',
        report: envelope('suspicious', false),
        origin: 'worker',
      })
      const got = await getReport(store.pool, key)
      assert.equal(got?.schema, 'exhunt.hunt/2')
      assert.equal(got?.report.target.hosts[0], 'exch01')
      const counts = await storeCounts(store.pool)
      assert.equal(counts.reports.total, 2)
      assert.equal(counts.reports.incomplete, 1)
      assert.deepEqual(counts.reports.byVerdict, { compromised: 1, suspicious: 1 })
    })

    test('notifications: queued once per state, each claimed by one sender, a lost send is in doubt', async () => {
      const t = await getTarget(store.pool, 'mail.example.org')
      assert.ok(t)
      const n = {
        targetId: t.id,
        target: t.target,
        state: 'vulnerable@15.1.2176.2',
        recipient: 'it@example.org',
      }
      assert.equal(await queueNotification(store.pool, n), true)
      assert.equal(await queueNotification(store.pool, n), false)
      await queueNotification(store.pool, { ...n, recipient: 'ciso@example.org' })
      // two senders at once: every notification goes to exactly one of them
      const [x, y] = await Promise.all([
        claimNotifications(store.pool, 'sender-a', 10),
        claimNotifications(store.pool, 'sender-b', 10),
      ])
      const ids = [...(x ?? []), ...(y ?? [])].map((c) => c.id).sort()
      assert.equal(ids.length, 2)
      assert.equal(new Set(ids).size, 2)
      const first = [...(x ?? []), ...(y ?? [])].find((c) => c.recipient === 'it@example.org')
      assert.ok(first)
      assert.equal(first.messageId, notificationMessageId(t.target, n.state, n.recipient))
      await markNotification(store.pool, first.id, { sent: true })
      assert.deepEqual(
        await claimNotifications(store.pool, 'sender-c', 10),
        [],
        'nothing left to claim',
      )
      const doubt = await notificationsInDoubt(store.pool, 0)
      assert.deepEqual(
        doubt.map((d) => d.recipient),
        ['ciso@example.org'],
        'claimed, never marked: in doubt',
      )
      assert.deepEqual((await storeCounts(store.pool)).notifications, { 'in-doubt': 1, sent: 1 })
    })

    test('the audit log keeps who did what', async () => {
      await audit(store.pool, 'alice@cert', 'targets.add', null, { added: 3 })
      const [last] = await recentAudit(store.pool, 1)
      assert.equal(last?.actor, 'alice@cert')
      assert.equal(last?.action, 'targets.add')
      assert.deepEqual(last?.detail, { added: 3 })
    })

    test('many connections at once: parameterised queries never mix (one session on PGlite)', async () => {
      // graphile-worker and the stores' own writes run on up to `poolSize` connections at once; on
      // PGlite they share one session, where pglite-socket 0.2.17 interleaved Parse/Bind of two
      // connections. Different parameter counts and a large parameter make a mix fail loudly.
      const big = 'x'.repeat(200_000)
      const jobs = Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? store.pool.query('select $1::text as a, $2::int as b, length($3::text) as c', [
              `q${i}`,
              i,
              big,
            ])
          : i % 3 === 1
            ? store.pool.query('select $1::int + 1 as a', [i])
            : store.pool.query('select $1::text as a, $2::text as b', [`q${i}`, String(i)]),
      )
      const rows = (await Promise.all(jobs)).map((r) => r.rows[0])
      rows.forEach((r, i) => {
        if (i % 3 === 0) assert.deepEqual(r, { a: `q${i}`, b: i, c: 200_000 })
        else if (i % 3 === 1) assert.deepEqual(r, { a: i + 1 })
        else assert.deepEqual(r, { a: `q${i}`, b: String(i) })
      })
    })

    if (backend.name === 'pglite')
      test('a second process-level open of the folder connects through the owner, or is refused when it must own it', async () => {
        const dataDir = store.where
        await assert.rejects(openStore({ dataDir, requireOwner: true }), {
          code: 'EXH_ERR_STORE_OWNED',
        })
        // in this process the pid file names us, so a second open would take it: simulate a peer by
        // reading through the socket directly
        const { default: pg } = await import('pg')
        const c = new pg.Client({
          host: dataDir,
          port: 5432,
          user: 'postgres',
          database: 'postgres',
        })
        await c.connect()
        const r = await c.query('select count(*)::int as n from targets')
        await c.end()
        assert.equal(r.rows[0].n, 3)
      })
  })
}
