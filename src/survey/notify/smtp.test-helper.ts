// A real SMTP server on loopback (smtp-server) that keeps every message it accepts, raw. `hang`
// makes it take the DATA and never answer: a sender killed there has claimed but not confirmed.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
}

export interface TestSmtp {
  url: string
  received: ReceivedMail[]
  /** Resolves when DATA of the n-th message (1-based) starts arriving. */
  dataStarted(n: number): Promise<void>
  close(): Promise<void>
}

export async function startTestSmtp(
  opts: { hang?: boolean; reject?: boolean } = {},
): Promise<TestSmtp> {
  const received: ReceivedMail[] = []
  let started = 0
  const waiters: { n: number; resolve: () => void }[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      started++
      for (const w of waiters.filter((w) => w.n <= started)) w.resolve()
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (opts.hang) return // never answer: the client waits until it is killed
        if (opts.reject) {
          const err = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })
          callback(err)
          return
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  // A client killed mid-DATA resets its connection: that is the test's point, not a failure.
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    received,
    dataStarted: (n) =>
      new Promise((resolve) => {
        if (started >= n) resolve()
        else waiters.push({ n, resolve })
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
