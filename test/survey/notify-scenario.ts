// The `exhunt notify` scenario both store backends run (notify-pglite.test.ts, notify-postgres.test.ts,
// one file each so each gets its own time budget): a loopback SMTP server (smtp-server) receives
// exactly one message per owner and state change, a second run sends nothing, and a real
// `exhunt notify` process killed with SIGKILL between claim and confirm leaves a notice that every
// later run reports as in doubt and never sends again on its own. The CLI runs as a child process
// where the test is about the command (first send, the crash, the in-doubt report); the other runs
// call the same runNotify in this process, against the same store, to keep the file's time down.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { ProbeTargetResult } from '../../src/shared/probe.ts'
import { recordObservation } from '../../src/store/observations.ts'
import { openStore, type StoreOptions } from '../../src/store/open.ts'
import { upsertTargets } from '../../src/store/targets.ts'
import { NOTIFY_FIXTURES, vulnerableProbe } from '../../src/survey/notify/fixtures.test-helper.ts'
import { runNotify } from '../../src/survey/notify/run.ts'
import { startTestSmtp } from '../../src/survey/notify/smtp.test-helper.ts'
import { smtpDeliver } from '../../src/survey/notify/smtp.ts'
import { targetStatuses } from '../../src/survey/notify/statuses.ts'
import { settleNotice, storeLedger } from '../../src/survey/notify/store-ledger.ts'
import { loadNoticeTemplates } from '../../src/survey/notify/templates.ts'
import { readContactFile } from '../../src/survey/owner/contact-file.ts'
import { BIN, runCli } from '../e2e/cli.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { type TestBackend, testBackends } from '../helpers/stores.ts'

const FROM = 'notify@cert.example'
const ABUSE = join(NOTIFY_FIXTURES, 'abuse-contacts.csv')

function probe(
  verdict: ProbeTargetResult['verdict'],
  at: string,
  host: string,
  ip?: string,
): ProbeTargetResult {
  const p = vulnerableProbe()
  p.verdict = verdict
  p.startedAt = at
  p.target = { ...p.target, input: host, host, ip }
  if (verdict === 'patched') {
    p.build = { ...p.build!, build: '15.1.2507.39', versionName: 'CU23 Jul24SU' }
    p.missing = []
    p.reason = 'Exchange 2016 CU23 (15.1.2507.39) has every fix in the build table'
  }
  if (verdict === 'likely-compromised')
    p.checks = [
      {
        id: 'exh-probe-known-shell',
        title: 'Known ProxyLogon web-shell path',
        cves: ['CVE-2021-27065'],
        outcome: 'shell-answered',
        evidence: '/aspnet_client/supp0rt.aspx answered 200',
        requestIds: ['chk-1'],
        references: [],
      },
    ]
  return p
}

function envFor(opts: StoreOptions): Record<string, string | undefined> {
  return opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATABASE_URL: undefined }
}

const dataArgs = (opts: StoreOptions) => (opts.dataDir ? ['--data', opts.dataDir] : [])

export async function notifyScenario(name: TestBackend['name']): Promise<void> {
  const backend = (await testBackends()).find((b) => b.name === name)!
  test(`exhunt notify on ${name}: one e-mail per owner and state change, none twice, a crash is in doubt`, {
    skip: backend.skip,
  }, async () => {
    const opts = await backend.fresh()
    // This process owns the embedded store; the CLI children reach it through its socket.
    const store = await openStore({ ...opts, poolSize: 4 })
    const smtp = await startTestSmtp()
    const notify = (url: string, extra: string[] = []) =>
      runCli(
        [
          'notify',
          '--smtp',
          url,
          '--from',
          FROM,
          '--cert-name',
          'CERT-Test',
          '--abuse-csv',
          ABUSE,
          '--no-asn',
          ...dataArgs(opts),
          ...extra,
        ],
        {
          env: envFor(opts),
          timeoutMs: 120_000,
        },
      )
    const templates = loadNoticeTemplates()
    const inProcess = async () => {
      const deliver = smtpDeliver(smtp.url, FROM)
      try {
        return await runNotify(await targetStatuses(store.pool), {
          ledger: storeLedger(store.pool, 'test'),
          templates,
          owners: { abuse: [readContactFile(ABUSE)], asnDir: false },
          deliver,
          cert: { name: 'CERT-Test', email: FROM },
        })
      } finally {
        deliver.close()
      }
    }
    try {
      await upsertTargets(store.pool, ['https://a.example.org', 'https://b.example.org'], {
        owner: 'Example IT <it@a.example>',
      })
      await upsertTargets(store.pool, ['192.0.2.7'], {})
      const id = async (t: string) =>
        String((await store.pool.query('select id from targets where target = $1', [t])).rows[0].id)
      const [a, b, c] = [
        await id('https://a.example.org'),
        await id('https://b.example.org'),
        await id('192.0.2.7'),
      ]
      const observe = (key: string, target: string, p: ProbeTargetResult) =>
        recordObservation(store.pool, key, Number(target), p)
      await observe(
        'o1',
        a,
        probe('vulnerable', '2021-03-05T10:00:00Z', 'a.example.org', '198.51.100.10'),
      )
      await observe(
        'o2',
        b,
        probe('vulnerable', '2021-03-05T10:05:00Z', 'b.example.org', '198.51.100.11'),
      )
      await observe('o3', c, probe('vulnerable', '2021-03-05T10:10:00Z', '192.0.2.7', '192.0.2.7'))

      // 1. Two owners, two messages: the record's owner lists both of its servers in one.
      const first = await notify(smtp.url)
      assert.equal(first.code, 0, first.stderr + first.stdout)
      assert.equal(smtp.received.length, 2, first.stdout)
      const byRcpt = new Map(smtp.received.map((m) => [m.to[0], m.raw]))
      assert.deepEqual([...byRcpt.keys()].sort(), ['it@a.example', 'postmaster@customer.example'])
      assert.match(
        byRcpt.get('it@a.example')!,
        /https:\/\/a\.example\.org[\s\S]*https:\/\/b\.example\.org/,
      )
      assert.match(first.stdout, /2 sent, 0 already sent, 0 in doubt/)

      // 2. Nothing changed: nothing sent.
      const second = await inProcess()
      assert.deepEqual([second.changed, second.results.length, smtp.received.length], [0, 0, 2])

      // 3. a is patched: one message, to its owner, about a only.
      await observe(
        'o4',
        a,
        probe('patched', '2021-03-08T09:00:00Z', 'a.example.org', '198.51.100.10'),
      )
      const third = await inProcess()
      assert.deepEqual(
        third.results.map((r) => r.outcome),
        ['sent'],
      )
      assert.equal(smtp.received.length, 3)
      const patched = smtp.received[2]!
      assert.deepEqual(patched.to, ['it@a.example'])
      assert.match(patched.raw, /X-Exhunt-State: patched/)
      assert.doesNotMatch(patched.raw, /b\.example\.org/)

      // 4. c is compromised; the notifier is killed while the SMTP server holds its DATA.
      await observe(
        'o5',
        c,
        probe('likely-compromised', '2021-03-09T09:00:00Z', '192.0.2.7', '192.0.2.7'),
      )
      const hanging = await startTestSmtp({ hang: true })
      const child = spawn(
        process.execPath,
        [
          BIN,
          'notify',
          '--smtp',
          hanging.url,
          '--from',
          FROM,
          '--abuse-csv',
          ABUSE,
          '--no-asn',
          ...dataArgs(opts),
        ],
        { cwd: REPO_ROOT, env: { ...process.env, ...envFor(opts) }, stdio: 'ignore' },
      )
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_c, sig) => resolve(sig)),
      )
      await hanging.dataStarted(1)
      child.kill('SIGKILL')
      assert.equal(await exited, 'SIGKILL')
      await hanging.close()
      const claimed = await store.pool.query(
        `select status, notice_key from notifications where target_id = $1 and state = 'compromised'`,
        [c],
      )
      assert.deepEqual(
        claimed.rows.map((r) => r.status),
        ['claimed'],
      )
      const key = claimed.rows[0].notice_key as string

      // 5. The next run reports it in doubt (exit 1) and sends nothing.
      const fourth = await notify(smtp.url)
      assert.equal(fourth.code, 1, fourth.stdout + fourth.stderr)
      assert.match(fourth.stdout, new RegExp(`IN DOUBT .*compromised[\\s\\S]*notice ${key}`))
      assert.equal(smtp.received.length, 3, 'nothing re-sent blindly')

      // 6. A person says it never arrived: the next run sends it, once.
      assert.equal(await settleNotice(store.pool, key, 'resend'), 1)
      const fifth = await inProcess()
      assert.deepEqual(
        fifth.results.map((r) => r.outcome),
        ['sent'],
      )
      assert.deepEqual(fifth.unconfirmed, [])
      assert.equal(smtp.received.length, 4)
      assert.match(smtp.received[3]!.raw, new RegExp(`Message-ID: <${key}@cert\\.example>`))
      assert.equal((await inProcess()).results.length, 0)
      assert.equal(smtp.received.length, 4)
    } finally {
      await smtp.close()
      await store.close()
    }
  })
  after(() => backend.cleanup())
}
