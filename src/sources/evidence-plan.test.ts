import assert from 'node:assert/strict'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { type ListedEntry, planEvidence, planListing } from './evidence-plan.ts'

const file = (name: string): ListedEntry => ({ name, type: 'file' })

test('only evidence zips (and their checksums): one hunt per zip, in natural order', () => {
  const plan = planListing([
    file('host10.zip'),
    file('host2.ZIP'),
    file('host1.zip'),
    file('host1.zip.sha256'),
    file('.DS_Store'),
  ])
  assert.deepEqual(plan, { mode: 'batch', zips: ['host1.zip', 'host2.ZIP', 'host10.zip'] })
})

test('zips beside other evidence, a folder, or nothing but litter: one hunt', () => {
  assert.deepEqual(planListing([file('a.zip'), file('u_ex210303.log')]), { mode: 'one' })
  assert.deepEqual(planListing([file('a.zip'), { name: 'C', type: 'dir' }]), { mode: 'one' })
  assert.deepEqual(planListing([file('a.zip'), { name: 'b.zip', type: 'other' }]), { mode: 'one' })
  assert.deepEqual(planListing([file('Thumbs.db')]), { mode: 'one' })
  assert.deepEqual(planListing([]), { mode: 'one' })
})

test('planEvidence reads the top level only and never follows a link', () => {
  const root = tmpDir('exhunt-plan-')
  const batch = join(root, 'batch')
  mkdirSync(batch)
  writeFileSync(join(batch, 'b.zip'), 'PK')
  writeFileSync(join(batch, 'a.zip'), 'PK')
  assert.deepEqual(planEvidence(batch), {
    mode: 'batch',
    zips: [join(batch, 'a.zip'), join(batch, 'b.zip')],
  })
  symlinkSync(join(root, 'elsewhere.zip'), join(batch, 'c.zip'))
  assert.deepEqual(planEvidence(batch), { mode: 'one' })
  assert.deepEqual(planEvidence(join(batch, 'a.zip')), { mode: 'one' })
  assert.deepEqual(planEvidence(join(root, 'missing')), { mode: 'one' })
})
