// One raw request to a lab instance with Node's own https/http (certificate not checked: the lab's
// is self-signed), returning what came back or the error code, so tests can tell a reset from an answer.
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LabInstance } from '../../src/lab/types.ts'

export interface Answer {
  status: number | null
  headers: Record<string, string | string[] | undefined>
  body: string
  error?: string
}

export function get(
  inst: Pick<LabInstance, 'url'>,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 5000,
): Promise<Answer> {
  const u = new URL(inst.url)
  const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port,
    path,
    method: 'GET',
    headers,
    rejectUnauthorized: false,
    agent: false,
    timeout: timeoutMs,
  })
  return new Promise((resolve) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? null,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('latin1'),
        }),
      )
      res.on('error', (e: NodeJS.ErrnoException) =>
        resolve({ status: res.statusCode ?? null, headers: res.headers, body: '', error: e.code }),
      )
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ status: null, headers: {}, body: '', error: e.code ?? e.message }),
    )
    req.end()
  })
}

export const SSRF_COOKIE =
  'X-AnonResource=true; X-AnonResource-Backend=localhost/ecp/default.flt?~3; X-BEResource=localhost/owa/auth/logon.aspx?~3;'
export const PROXYSHELL_OWA =
  '/autodiscover/autodiscover.json?@test.com/owa/?&Email=autodiscover/autodiscover.json%3F@test.com'
export const PROXYSHELL_MAPI =
  '/autodiscover/autodiscover.json?@test.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@test.com'
export const PROXYNOTSHELL =
  '/autodiscover/autodiscover.json?@x.test/PowerShell/&Email=autodiscover/autodiscover.json%3F@x.test'
export const EXPORT_TOOL =
  '/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application'
