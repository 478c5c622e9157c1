// Rewrites content/manifest.json from the content as it is: `npm run content:manifest`.
// (`exhunt content lint` warns and test/content/manifest.test.ts fails when it is stale.)
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { currentManifest } from '../src/content/index/load-index.ts'
import { MANIFEST_FILE, manifestText } from '../src/content/index/manifest.ts'

const root = join(import.meta.dirname, '..', 'content')
const m = currentManifest(root)
writeFileSync(join(root, MANIFEST_FILE), manifestText(m))
console.log(`content/${MANIFEST_FILE}: ${m.files.length} files, digest ${m.digest.slice(0, 12)}`)
console.log(JSON.stringify(m.counts))
