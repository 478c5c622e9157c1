// `exhunt dump FILE.evtx [--ndjson|--xml]`: every record of an event log, one EventRecord JSON per
// line (the shape the event engines see) or the record's XML. Damage is one stderr line per chunk.
import { closeSync, openSync } from 'node:fs'
import type { RawRecord } from '../sources/evtx/chunk.ts'
import { readEvtxFile } from '../sources/evtx/reader.ts'
import { renderXml } from '../sources/evtx/render.ts'
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, worstExitCode } from './exit-codes.ts'
import { say } from './say.ts'

export interface DumpOptions {
  xml?: boolean
  ndjson?: boolean
  /** Also whole records left in slack space, flagged `recovered`. */
  recover?: boolean
}

/** Write with back-pressure: a slow pipe must not make the output pile up in memory. */
function write(text: string): Promise<void> | undefined {
  if (process.stdout.write(text)) return undefined
  return new Promise((done) => {
    const finish = () => {
      process.stdout.off('drain', finish)
      process.stdout.off('close', finish)
      done()
    }
    process.stdout.once('drain', finish)
    process.stdout.once('close', finish)
  })
}

/** A damaged record (counted, not readable) is an XML comment, so record counts still line up. */
function xmlOf(raw: RawRecord): string {
  if (raw.damaged === undefined) {
    try {
      return `${renderXml(raw)}\n`
    } catch (e) {
      return `<!-- record ${raw.recordId}: ${String(e).replace(/--/g, '- -')} -->\n`
    }
  }
  return `<!-- record ${raw.recordId}: damaged: ${raw.damaged.replace(/--/g, '- -')} -->\n`
}

/**
 * Exit 0: every chunk read cleanly; 1: records were read but some chunks are damaged (each named on
 * stderr); 2: a file could not be opened, or is not an EVTX file and nothing was read from it. With
 * several files, the most serious of their codes.
 */
export async function runDump(files: readonly string[], o: DumpOptions): Promise<number> {
  const codes: number[] = []
  for (const file of files) codes.push(await dumpOne(file, o))
  return worstExitCode(codes)
}

async function dumpOne(file: string, o: DumpOptions): Promise<number> {
  try {
    closeSync(openSync(file, 'r'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    say(`EXH_ERR_FS_${e.code ?? 'READ'}: ${file} cannot be read (${e.code ?? e.message})`)
    return EXIT_ERROR
  }
  const xml = o.xml === true
  let records = 0
  let damaged = 0
  let headerBad = false
  try {
    for await (const batch of readEvtxFile(file, file, { recover: o.recover === true })) {
      if (batch.error) {
        damaged++
        if (batch.index < 0) headerBad = true
        say(`${batch.error.code}: ${batch.error.path}: ${batch.error.message}`)
      }
      if (batch.records.length === 0) continue
      let out = ''
      for (let i = 0; i < batch.records.length; i++) {
        const rec = batch.records[i]
        const raw = batch.raw[i]
        if (!rec || !raw) continue
        out += xml ? xmlOf(raw) : `${JSON.stringify(rec)}\n`
        records++
      }
      const pending = write(out)
      if (pending) await pending
    }
  } catch (err) {
    // A read error of the medium (EIO) mid-file: what was printed stays, the run says it failed.
    const e = err as NodeJS.ErrnoException
    say(`EXH_ERR_FS_${e.code ?? 'READ'}: ${file}: ${e.message}`)
    return EXIT_ERROR
  }
  if (headerBad && records === 0) return EXIT_ERROR
  return damaged > 0 ? EXIT_FINDINGS : EXIT_CLEAN
}
