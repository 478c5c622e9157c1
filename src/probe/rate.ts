// Request rate limits: one for the whole run and one per network (/24, /64), so a range of one
// organisation is not hammered while the run as a whole goes fast. Each limit is a virtual schedule
// (the time of the next free slot): a take books a slot and sleeps until it. Idle networks are dropped,
// so memory follows the networks in flight, not the networks seen.
import { setTimeout as sleep } from 'node:timers/promises'

export class RateLimit {
  private next = 0
  private readonly gap: number
  constructor(perSecond: number) {
    this.gap = 1000 / perSecond
  }
  /** Ms to wait for the next slot, booking it. */
  book(now: number): number {
    const slot = Math.max(now, this.next)
    this.next = slot + this.gap
    return slot - now
  }
  /** True when no slot is booked in the future: the limit can be forgotten. */
  idle(now: number): boolean {
    return this.next <= now
  }
}

export class NetworkLimits {
  private readonly nets = new Map<string, RateLimit>()
  private takes = 0
  constructor(private readonly perSecond: number) {}
  book(key: string, now: number): number {
    if (++this.takes % 1024 === 0) this.sweep(now)
    let l = this.nets.get(key)
    if (!l) {
      l = new RateLimit(this.perSecond)
      this.nets.set(key, l)
    }
    return l.book(now)
  }
  get size(): number {
    return this.nets.size
  }
  private sweep(now: number) {
    for (const [k, l] of this.nets) if (l.idle(now)) this.nets.delete(k)
  }
}

/** Sleeps `ms` unless `signal` aborts first (then returns at once: the caller sees the abort). */
export async function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return
  try {
    await sleep(ms, undefined, { signal })
  } catch {
    // aborted: the request that follows fails as stopped
  }
}
