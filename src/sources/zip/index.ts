export { readZipDirectory } from './central-directory.ts'
export { checkEntryName } from './entry-name.ts'
export { openZipEntry, type ZipEntryLocator } from './entry-stream.ts'
export { DEFAULT_ZIP_LIMITS, type ZipEntry, type ZipLimits } from './zip-types.ts'
