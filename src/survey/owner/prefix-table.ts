// Longest-prefix match over the prefixes of one contact file: one hash map per (family, length),
// tried from the longest length down, so a lookup costs at most as many map probes as there are
// distinct lengths in the file (a handful), whatever the file's size.
import { type IpKey, maskTo, type Prefix } from './ip.ts'

export interface PrefixMatch<T> {
  prefix: Prefix
  value: T
}

export class PrefixTable<T> {
  // family → length → masked network → entry; lengths kept sorted longest first.
  private readonly byLength = new Map<4 | 6, Map<number, Map<bigint, PrefixMatch<T>>>>()
  private readonly order = new Map<4 | 6, number[]>()
  size = 0

  /** Adds a prefix; the first value given for a prefix is kept (a file's first row wins over a repeat). */
  add(prefix: Prefix, value: T): boolean {
    let lengths = this.byLength.get(prefix.family)
    if (!lengths) {
      lengths = new Map()
      this.byLength.set(prefix.family, lengths)
    }
    let nets = lengths.get(prefix.bits)
    if (!nets) {
      nets = new Map()
      lengths.set(prefix.bits, nets)
      this.order.set(
        prefix.family,
        [...lengths.keys()].sort((a, b) => b - a),
      )
    }
    if (nets.has(prefix.value)) return false
    nets.set(prefix.value, { prefix, value })
    this.size++
    return true
  }

  lookup(ip: IpKey): PrefixMatch<T> | undefined {
    const lengths = this.byLength.get(ip.family)
    if (!lengths) return undefined
    for (const bits of this.order.get(ip.family) ?? []) {
      const hit = lengths.get(bits)?.get(maskTo(ip.value, ip.family, bits))
      if (hit) return hit
    }
    return undefined
  }
}
