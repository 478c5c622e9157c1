// Where instances listen. Only loopback (127.0.0.0/8, ::1): the lab is a test target, never a service
// on a network.
import { isIPv4 } from 'node:net'
import { ExhuntError } from '../shared/errors.ts'

export function isLoopback(addr: string): boolean {
  if (addr === '::1') return true
  return isIPv4(addr) && addr.startsWith('127.')
}

export function assertLoopback(addr: string): void {
  if (!isLoopback(addr))
    throw new ExhuntError(
      'EXH_ERR_LAB',
      `${addr} is not a loopback address: the lab listens only on 127.0.0.0/8 or ::1`,
    )
}

const toInt = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0)
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')

/** `127.0.1.1-127.0.4.232` (inclusive), a single address, or a comma list of either. */
export function parseAddresses(text: string): string[] {
  const out: string[] = []
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [a = '', b] = part.split('-')
    if (b === undefined) {
      assertLoopback(a)
      out.push(a)
      continue
    }
    if (!isIPv4(a) || !isIPv4(b))
      throw new ExhuntError('EXH_ERR_LAB', `--addresses ${part}: expected A.B.C.D-A.B.C.D`)
    assertLoopback(a)
    assertLoopback(b)
    const lo = toInt(a)
    const hi = toInt(b)
    if (hi < lo) throw new ExhuntError('EXH_ERR_LAB', `--addresses ${part}: the range is reversed`)
    if (hi - lo >= 1 << 20)
      throw new ExhuntError('EXH_ERR_LAB', `--addresses ${part}: more than 1048576 addresses`)
    for (let n = lo; n <= hi; n++) {
      // .0 and .255 are valid loopback addresses, but confusing as server names; skip them.
      const last = n % 256
      if (last !== 0 && last !== 255) out.push(toIp(n))
    }
  }
  return out
}
