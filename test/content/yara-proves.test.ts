// What the vendored YARA rules prove is declared beside them (content/rules/yara/vendored-proves.yml):
// every rule is covered, first match wins, and the responder's calls hold.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadYara } from '../../src/content/yara/load-yara.ts'
import { shippedCounts } from '../helpers/content-counts.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'

const yara = loadYara(join(REPO_ROOT, 'content'), [], { compile: false })

test('every vendored rule has a declaration and the side file loads cleanly', () => {
  assert.deepEqual(yara.issues, [])
  assert.equal(yara.rules.size, shippedCounts().yara)
  for (const [name, info] of yara.rules) assert.ok(info.proves, name)
})

test('family signatures prove compromise, generic patterns suspicion, refused requests attempt', () => {
  const proves = (r: string) => yara.rules.get(r)?.proves
  // A specific shell family, a credential dump, a capability only shells have.
  assert.equal(proves('ChinaChopper_Generic'), 'compromise')
  assert.equal(proves('LSASS_memory_dump_file'), 'compromise')
  assert.equal(proves('WEBSHELL_CSHARP_Generic'), 'compromise')
  // The first entry for gen_webshells.yar that names the rule wins over its catch-all.
  assert.equal(proves('WEBSHELL_ASP_By_String'), 'compromise')
  assert.equal(proves('WEBSHELL_ASP_OBFUSC'), 'suspicion')
  assert.equal(proves('WEBSHELL_ASP_Generic'), 'suspicion')
  assert.equal(proves('SUSP_ZIP_NtdsDIT'), 'suspicion')
  assert.equal(proves('SUSP_IIS_Config_VirtualDir'), 'suspicion')
  assert.equal(proves('EXPL_Exchange_ProxyShell_Failed_Aug21_1'), 'attempt')
  assert.equal(proves('EXPL_Exchange_ProxyShell_Successful_Aug21_1'), 'compromise')
  assert.equal(proves('APT_HAFNIUM_ForensicArtefacts_WER_Mar21_1'), 'attempt')
})
