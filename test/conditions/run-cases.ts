// Runs the shared condition table (cases.ts) for one condition language. Every case runs, or is declared
// unsupported by the language's adapter with a reason that the test output lists.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CASES, type CaseRecord, type Cond, type ConditionCase, Unsupported } from './cases.ts'

export interface ConditionLanguage {
  name: string
  /** Why this language cannot express the case, or undefined when it runs it. */
  unsupported(c: ConditionCase): string | undefined
  /** Cases it must run at least (so an adapter cannot declare the table away). */
  atLeast: number
  /** The case's condition through the language's real compiler; evaluates one record. */
  compile(when: Cond, name: string): (fields: CaseRecord['fields']) => boolean | Promise<boolean>
}

export function runConditionCases(lang: ConditionLanguage): void {
  describe(`condition cases: ${lang.name}`, () => {
    let ran = 0
    const declared: [string, string][] = []
    for (const c of CASES) {
      const why = lang.unsupported(c)
      if (why !== undefined) {
        declared.push([c.name, why])
        continue
      }
      ran++
      it(c.name, async () => {
        let evaluate: ReturnType<ConditionLanguage['compile']>
        try {
          evaluate = lang.compile(c.when, c.name)
        } catch (err) {
          if (err instanceof Unsupported)
            assert.fail(`${lang.name} cannot express it (${err.message}): declare it unsupported`)
          throw err
        }
        for (const r of c.records) {
          assert.equal(await evaluate(r.fields), r.match, `record ${JSON.stringify(r.fields)}`)
        }
      })
    }
    it('declares each case it cannot express, with the reason', (t) => {
      for (const [name, reason] of declared) {
        assert.ok(reason.trim().length >= 20, `'${name}': say why`)
        t.diagnostic(`${lang.name} does not run '${name}': ${reason}`)
      }
      assert.ok(ran >= lang.atLeast, `${lang.name} runs only ${ran} of ${CASES.length} cases`)
    })
  })
}
