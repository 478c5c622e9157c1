import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import type { ItemError } from '../shared/types.ts'
import type { Artefact, ArtefactKind } from '../sources/artefact.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'
import { examinedCounts, UNREAD_REASONS, unreadEntries } from './unread.ts'

function art(
  kind: ArtefactKind,
  path: string,
  size: number,
  extra: Partial<Artefact> = {},
): Artefact {
  return {
    kind,
    path,
    size,
    ref: { type: 'file', fsPath: `/x/${path}` },
    open: () => Readable.from([]),
    ...extra,
  }
}

test('unread: event logs, archives and unreadable items, grouped with counts, bytes and 5 examples', () => {
  const evtx = Array.from({ length: 7 }, (_, i) => art('evtx', `Logs/${i}.evtx`, 100))
  const artefacts = [
    ...evtx,
    art('other', 'C/ProgramData/out.7z', 5000),
    art('other', 'C/inetpub/logs/LogFiles/W3SVC1-2021-02.rar', 300),
    art('other', 'C/ProgramData/tool.exe', 10), // read by the artefact rules: not unread
    art('other', 'e.zip!C/inetpub/logs/LogFiles/old.zip', 40, {
      unread: { kind: 'archive', reason: 'nested' },
    }),
    art('log', 'C/inetpub/logs/LogFiles/W3SVC1/u_ex1.log.gz', 70),
    art('log', 'C/inetpub/logs/LogFiles/W3SVC1/u_ex2.log', 80),
  ]
  const errors: ItemError[] = [
    {
      code: 'EXH_ERR_GZIP_CORRUPT',
      path: 'C/inetpub/logs/LogFiles/W3SVC1/u_ex1.log.gz',
      message: '',
    },
    { code: 'EXH_ERR_FS_EACCES', path: 'C/inetpub/logs/LogFiles/W3SVC1/u_ex9.log', message: '' },
    { code: 'EXH_ERR_FS_EACCES', path: 'C/inetpub/logs/LogFiles/W3SVC1/u_ex9.log', message: '' },
    // Notes about what was read, not unread items.
    {
      code: 'EXH_ERR_LOG_NUL_BYTES',
      path: 'C/inetpub/logs/LogFiles/W3SVC1/u_ex2.log',
      message: '',
    },
    { code: 'EXH_ERR_CONTENT', path: 'content/rules/x.yml', message: '' },
  ]
  assert.deepEqual(unreadEntries(artefacts, errors), [
    {
      kind: 'evtx',
      files: 7,
      bytes: 700,
      reason: UNREAD_REASONS.evtx,
      examples: ['Logs/0.evtx', 'Logs/1.evtx', 'Logs/2.evtx', 'Logs/3.evtx', 'Logs/4.evtx'],
    },
    {
      kind: 'archive',
      files: 2,
      bytes: 5300,
      reason: UNREAD_REASONS.archive,
      examples: ['C/ProgramData/out.7z', 'C/inetpub/logs/LogFiles/W3SVC1-2021-02.rar'],
    },
    {
      kind: 'archive',
      files: 1,
      bytes: 40,
      reason: 'nested',
      examples: ['e.zip!C/inetpub/logs/LogFiles/old.zip'],
    },
    {
      kind: 'unreadable',
      files: 2,
      bytes: 70,
      reason: UNREAD_REASONS.unreadable,
      examples: [
        'C/inetpub/logs/LogFiles/W3SVC1/u_ex1.log.gz',
        'C/inetpub/logs/LogFiles/W3SVC1/u_ex9.log',
      ],
    },
  ])
  assert.deepEqual(unreadEntries([art('log', 'a.log', 1)], []), [])
})

test('examined: log files of a known type with lines, web files, artefacts', () => {
  const s = (logType: LogFileSummary['logType'], lines: number): LogFileSummary => ({
    path: 'x',
    logType,
    encoding: 'utf8',
    bytes: 1,
    lines,
    records: 0,
    builds: [],
  })
  assert.deepEqual(
    examinedCounts([s('iis', 10), s('httpproxy', 0), s(null, 5)], { webFiles: 3, artefacts: 2 }),
    { logFiles: 1, logLines: 10, webFiles: 3, artefacts: 2 },
  )
  assert.deepEqual(examinedCounts([], undefined), {
    logFiles: 0,
    logLines: 0,
    webFiles: 0,
    artefacts: 0,
  })
})
