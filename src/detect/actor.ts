// Who did it: the client address of a log record, unless it is the server itself.
import type { LogRecord } from '../shared/types.ts'

/**
 * The client address as an actor. The server talking to itself is not one: loopback, or an IIS line
 * whose c-ip is the server's own s-ip (the front end proxying to the back end on 444, as in the
 * ProxyLogon DDI calls made as the machine account).
 */
export function actorIps(rec: LogRecord): string[] {
  const ip = rec.ip
  if (!ip || ip === '127.0.0.1' || ip === '::1') return []
  const server = rec.column ? rec.column('s-ip') : rec.fields['s-ip']
  return server === ip ? [] : [ip]
}
