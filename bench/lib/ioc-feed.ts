// A user IOC feed at scale (plain text, one indicator per line, as `--ioc FILE` reads it): domains, IPv4
// addresses and URL paths in the proportions threat feeds have, deterministic for a seed, plus a few
// indicators the demo evidence holds, so a hunt with the feed has IOC findings to keep.
import { createRng } from './prng.ts'

/** Indicators of the demo evidence (an attacker IP, a scanner's domain, the ProxyLogon y.js path). */
export const DEMO_HITS = ['198.51.100.66', '167.99.168.251', 'about.censys.io', '/ecp/y.js']

const TLDS = ['com', 'net', 'org', 'info', 'ru', 'cn', 'top', 'xyz', 'io', 'co.uk']
const WORDS = ['mail', 'update', 'cdn', 'login', 'secure', 'owa', 'portal', 'api', 'sync', 'dl']
const PAGES = ['aspx', 'ashx', 'js', 'php', 'asmx']

/** `n` distinct indicators (the demo's among them when `n` >= 10), one per line. */
export function iocFeed(n: number, seed = 13): string {
  const rng = createRng(seed)
  const out = new Set<string>(n >= 10 ? DEMO_HITS : [])
  while (out.size < n) {
    const r = rng.next()
    if (r < 0.5) {
      const sub = rng.next() < 0.5 ? `${rng.pick(WORDS)}${rng.int(1000)}.` : ''
      out.add(`${sub}${rng.pick(WORDS)}-${rng.hex(6)}.${rng.pick(TLDS)}`)
    } else if (r < 0.8) {
      // Outside the demo's private and documentation ranges, so only the planted ones hit.
      out.add(`${11 + rng.int(180)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`)
    } else {
      const dir = rng.pick(['/owa/auth/', '/aspnet_client/', '/ecp/', '/ews/', '/'])
      out.add(`${dir}${rng.hex(8)}.${rng.pick(PAGES)}`)
    }
  }
  return `${[...out].join('\n')}\n`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(iocFeed(Number(process.argv[2] ?? 100_000)))
}
