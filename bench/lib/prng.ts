// Seeded PRNG (mulberry32): the same seed always yields the same log set, so runs compare.
export interface Rng {
  next(): number
  int(n: number): number
  pick<T>(list: readonly T[]): T
  hex(len: number): string
  guid(): string
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  const hex = (len: number): string => {
    let out = ''
    while (out.length < len) out += (int(0x10000000) + 0x10000000).toString(16).slice(1)
    return out.slice(0, len)
  }
  return {
    next,
    int,
    pick: <T>(list: readonly T[]): T => list[int(list.length)]!,
    hex,
    guid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + int(4)).toString(16)}${hex(3)}-${hex(12)}`,
  }
}
