// Keeps one indicator from flooding a report: past the cap per (rule, file), hits are counted, and one
// summary finding per (rule, file) carries the count in `folded` when the caller flushes.
import type { Finding } from '../../shared/types.ts'

export const FOLD_AFTER = 200

export class Folder {
  private readonly seen = new Map<string, number>()
  private readonly held = new Map<string, Finding>()

  /** Emits, or holds and counts past the cap. `make` runs only when the finding is needed. */
  offer(rule: string, path: string, make: () => Finding, emit: (f: Finding) => void): void {
    const key = `${rule}\0${path}`
    const n = (this.seen.get(key) ?? 0) + 1
    this.seen.set(key, n)
    if (n <= FOLD_AFTER) {
      emit(make())
      return
    }
    const first = this.held.get(key)
    if (first) first.folded = (first.folded ?? 0) + 1
    else {
      const f = make()
      f.title = `${f.title} (repeats beyond ${FOLD_AFTER}, folded)`
      f.folded = 0
      this.held.set(key, f)
    }
  }

  flush(emit: (f: Finding) => void): void {
    for (const f of this.held.values()) emit(f)
    this.held.clear()
    this.seen.clear()
  }
}
