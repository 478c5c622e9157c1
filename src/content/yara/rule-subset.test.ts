// The rule subset of a few files must match exactly what every rule matches on them: checked on the
// whole web-shell corpus (each malicious file alone, benign ones in groups as a hunt would have them),
// plus the cases the condition reader must get right.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { decodeText } from '../../detect/webfile/decode.ts'
import { compileYaraSources, loadYara, yaraVariables } from './load-yara.ts'
import { parseRuleSet, rulesFor, subsetSources } from './rule-subset.ts'

const enc = (s: string) => Buffer.from(s, 'utf8')

function kept(rules: string, data: string): string[] {
  const set = parseRuleSet([rules])
  assert.ok(set, 'parsed')
  return [...rulesFor(set, [enc(data)])].sort()
}

test('a rule whose condition needs an absent string is left out; one that may hold without it stays', () => {
  const rules = `
rule needs_a { strings: $a = "alpha" condition: $a }
rule not_a { strings: $a = "alpha" condition: not $a }
rule a_or_size { strings: $a = "alpha" condition: $a or filesize < 10 }
rule count_a { strings: $a = "alpha" condition: #a > 0 and filesize > 1 }
rule two_of { strings: $a = "alpha" $b = "beta" $c = "gamma" condition: 2 of them }
rule all_of { strings: $a = "alpha" $b = "beta" condition: all of ($a, $b) }
rule none_of { strings: $a = "alpha" condition: none of them }
rule at_zero { strings: $a = "alpha" condition: $a at 0 }
rule hex_absent { strings: $h = { 41 42 ?? 43 44 45 } condition: $h }
rule xor_str { strings: $x = "alpha" xor condition: $x }
rule wide_str { strings: $w = "alpha" wide condition: $w }
rule regex_alt { strings: $r = /alpha|zeta/ condition: $r }
rule regex_lit { strings: $r = /alph[ae]+ omega/ condition: $r }
rule opaque { strings: $a = "alpha" condition: for any i in (1..#a) : (@a[i] > 0) or uint16(0) == 0 }
`
  // "beta" and "gamma" are there, "alpha" is not.
  assert.deepEqual(kept(rules, 'BETA gamma'), [
    'a_or_size',
    'none_of',
    'not_a',
    'opaque',
    'regex_alt',
    'two_of',
    'xor_str',
  ])
  assert.deepEqual(kept(rules, 'x ALPHA omega'), [
    'a_or_size',
    'at_zero',
    'count_a',
    'needs_a',
    'none_of',
    'not_a',
    'opaque',
    'regex_alt',
    'regex_lit',
    'xor_str',
  ])
  assert.deepEqual(kept(rules, 'a\0l\0p\0h\0a\0 AB\0CDE'), [
    'a_or_size',
    'hex_absent',
    'none_of',
    'not_a',
    'opaque',
    'regex_alt',
    'wide_str',
    'xor_str',
  ])
})

test('rules a kept rule references stay; a private rule alone does not', () => {
  const rules = `
private rule base { strings: $a = "alpha" condition: $a }
private rule unused { strings: $z = "zeta" condition: $z }
rule top { strings: $b = "beta" condition: base or $b }
rule gated { condition: base and filesize > 0 }
`
  assert.deepEqual(kept(rules, 'beta'), ['base', 'top'])
  const set = parseRuleSet([rules])
  assert.ok(set)
  // The subset still compiles: `top` reads `base`.
  assert.ok(compileYaraSources(subsetSources(set, rulesFor(set, [enc('beta')]))))
})

test('a commented-out rule is no rule; a global rule or an include means no subset', () => {
  const set = parseRuleSet(['/*\nrule off { condition: true }\n*/\nrule on { condition: true }'])
  assert.deepEqual(
    set?.rules.map((r) => r.name),
    ['on'],
  )
  assert.equal(parseRuleSet(['global rule g { condition: filesize > 0 }']), undefined)
  assert.equal(parseRuleSet(['include "other.yar"\nrule r { condition: true }']), undefined)
  // Text outside the rules that this does not read: no subset rather than a missed rule.
  assert.equal(parseRuleSet(['rule\nodd { condition: true }']), undefined)
})

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/^(MANIFEST\.csv|SOURCES\.md|README\.md)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

type Scanner = NonNullable<ReturnType<typeof compileYaraSources>>

/** Matches as the hunt reads them: rule, and each string's identifier, offset and bytes. */
function matchKey(scanner: Scanner | null, data: Buffer, vars: Record<string, string>): string {
  const ms = scanner ? scanner.scan(data, vars) : []
  return JSON.stringify(
    ms.map((m) => [m.ruleIdentifier, m.matches.map((x) => [x.identifier, x.offset, x.data])]),
  )
}

test('on the web-shell corpus the subset finds exactly what all rules find', {
  skip: corpusSkip,
  timeout: 600_000,
}, () => {
  const yara = loadYara(join(REPO_ROOT, 'content'), [], { compile: false })
  const set = parseRuleSet(yara.sources)
  assert.ok(set, 'the shipped rules can be subset')
  assert.equal(set.rules.length, yara.rules.size - 1, 'every rule but the commented-out one')
  const full = compileYaraSources(yara.sources)
  assert.ok(full)
  // The buffers YARA reads: the bytes, and the UTF-8 form of a UTF-16 page.
  const buffers = (data: Buffer): Buffer[] => {
    const d = decodeText(data)
    return d.encoding === 'utf-16le' || d.encoding === 'utf-16be' ? [data, enc(d.text)] : [data]
  }
  const malicious = files(corpusPath('webshells', 'malicious'))
  const benign = files(corpusPath('webshells', 'benign'))
  assert.ok(malicious.length >= 80 && benign.length >= 2000)
  const groups = [
    ...malicious.map((f) => [f]),
    // As a hunt has them: a few pages, and the benign ones many at once.
    malicious,
    ...Array.from({ length: Math.ceil(benign.length / 64) }, (_, i) =>
      benign.slice(i * 64, i * 64 + 64),
    ),
  ]
  let matched = 0
  let dropped = 0
  for (const group of groups) {
    const datas = group.map((f) => readFileSync(f))
    // The hunt also offers each page's decoded text (webfile-worker.ts subsetInputs).
    const inputs = datas.flatMap((d) => [d, enc(decodeText(d).text)])
    const keep = rulesFor(set, inputs)
    dropped += set.rules.length - keep.size
    const sub = compileYaraSources(subsetSources(set, keep))
    group.forEach((f, i) => {
      const vars = yaraVariables(f)
      for (const b of buffers(datas[i] as Buffer)) {
        const want = matchKey(full, b, vars)
        if (want !== '[]') matched++
        assert.equal(matchKey(sub, b, vars), want, `${f}: subset of ${group.length} file(s)`)
      }
    })
  }
  // The check means something: the rules matched, and most rules were left out.
  assert.ok(matched >= 160, `matched ${matched}`)
  assert.ok(dropped / groups.length > set.rules.length * 0.9, `dropped ${dropped}`)
})
