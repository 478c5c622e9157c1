// content/schema/native-rule.schema.json is for editors; it must not drift from the loader's vocabulary.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { CATEGORIES, LOG_TYPES, PHASES, PROOFS, SEVERITIES } from '../../shared/types.ts'
import { RULE_STATUSES, STRING_OPERATORS } from './rule-types.ts'

const schema = JSON.parse(
  readFileSync(join(REPO_ROOT, 'content', 'schema', 'native-rule.schema.json'), 'utf8'),
)

test('the JSON schema lists the same operators, enums and required keys as the loader', () => {
  assert.deepEqual(
    Object.keys(schema.$defs.leaf.properties).sort(),
    ['field', 'case', 'decode', 'exists', 'gte', 'lte', ...STRING_OPERATORS].sort(),
  )
  assert.deepEqual(schema.properties.level.enum, [...SEVERITIES])
  assert.deepEqual(schema.properties.category.enum, [...CATEGORIES])
  assert.deepEqual(schema.properties.proves.enum, [...PROOFS])
  assert.deepEqual(schema.properties.phase.enum, [...PHASES])
  assert.deepEqual(schema.properties.status.enum, [...RULE_STATUSES])
  assert.deepEqual(schema.properties.source.oneOf[0].enum, [...LOG_TYPES])
  assert.deepEqual(schema.required.sort(), [
    'category',
    'id',
    'level',
    'match',
    'proves',
    'references',
    'source',
    'status',
    'tests',
    'title',
  ])
})
