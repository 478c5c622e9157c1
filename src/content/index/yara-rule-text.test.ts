import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { splitYaraRules, yaraRuleCves } from './yara-rule-text.ts'

const SOURCE = `import "pe"
/* a comment before the first rule */
rule EXPL_CVE_2022_41040_Probe : tag1 {
   meta:
      description = "Detects \\"probe\\" requests { not a brace }"
      author = "Someone"
      reference = "https://example.org/a"
      reference = "https://example.org/b"
      score = 75
   strings:
      $a = "}" ascii
      $b = { 7D 0A }
   condition:
      any of them
}

private rule Helper { condition: true }
// trailing comment
`

describe('splitYaraRules', () => {
  const rules = splitYaraRules(SOURCE)

  test('each rule from its rule line to its own closing brace, braces in strings kept inside', () => {
    assert.deepEqual(
      rules.map((r) => r.name),
      ['EXPL_CVE_2022_41040_Probe', 'Helper'],
    )
    assert.match(rules[0]?.text ?? '', /^rule EXPL_CVE_2022_41040_Probe : tag1 \{/)
    assert.match(rules[0]?.text ?? '', /any of them\n\}$/)
    assert.doesNotMatch(rules[0]?.text ?? '', /Helper/)
    assert.equal(rules[1]?.text, 'private rule Helper { condition: true }\n// trailing comment')
  })

  test('meta values unescaped, repeated keys kept, numbers as text', () => {
    const m = rules[0]?.meta ?? {}
    assert.deepEqual(m.description, ['Detects "probe" requests { not a brace }'])
    assert.deepEqual(m.reference, ['https://example.org/a', 'https://example.org/b'])
    assert.deepEqual(m.score, ['75'])
  })

  test('CVE ids from the rule name (underscores) and the meta', () => {
    assert.deepEqual(yaraRuleCves(rules[0] as never), ['CVE-2022-41040'])
    assert.deepEqual(yaraRuleCves(rules[1] as never), [])
  })
})
