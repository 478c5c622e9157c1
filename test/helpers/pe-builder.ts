// Builds minimal but valid PE images carrying a version resource, for tests of the PE reader and of
// build detection. Never run: they are data.
// --- A minimal PE builder: one .rsrc section holding RT_VERSION/1/0x409 → VS_VERSIONINFO. ---

function utf16z(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf16le')
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))])
}

/** A VS_VERSIONINFO-style block: wLength, wValueLength, wType, szKey, padding, value, padding, children. */
export function block(key: string, value: Buffer, type: 0 | 1, kids: Buffer[] = []): Buffer {
  const head = pad4(Buffer.concat([Buffer.alloc(6), utf16z(key)]))
  const body = Buffer.concat([head, pad4(value), ...kids.map(pad4)])
  const len =
    head.length +
    (kids.length ? pad4(value).length : value.length) +
    kids.map(pad4).reduce((n, k) => n + k.length, 0)
  body.writeUInt16LE(len, 0)
  body.writeUInt16LE(type === 1 ? value.length / 2 : value.length, 2)
  body.writeUInt16LE(type, 4)
  return body.subarray(0, Math.max(len, head.length))
}

export function versionInfo(v: [number, number, number, number], fileVersionText: string): Buffer {
  const fixed = Buffer.alloc(52)
  fixed.writeUInt32LE(0xfeef04bd, 0)
  fixed.writeUInt32LE(0x00010000, 4)
  const ms = ((v[0] << 16) | v[1]) >>> 0
  const ls = ((v[2] << 16) | v[3]) >>> 0
  fixed.writeUInt32LE(ms, 8)
  fixed.writeUInt32LE(ls, 12)
  fixed.writeUInt32LE(ms, 16)
  fixed.writeUInt32LE(ls, 20)
  const str = (k: string, val: string) => block(k, utf16z(val), 1)
  const table = block('040904b0', Buffer.alloc(0), 1, [
    str('CompanyName', 'Microsoft Corporation'),
    str('FileVersion', fileVersionText),
    str('ProductVersion', fileVersionText),
  ])
  const sfi = block('StringFileInfo', Buffer.alloc(0), 1, [table])
  return block('VS_VERSION_INFO', fixed, 0, [sfi])
}

export function buildPe(
  vi: Buffer,
  opts: { pe32plus?: boolean; mutate?: (rsrc: Buffer) => void } = {},
): Buffer {
  const optSize = opts.pe32plus ? 240 : 224
  const dirBase = opts.pe32plus ? 112 : 96
  const headers = Buffer.alloc(0x200)
  headers.write('MZ', 0, 'latin1')
  headers.writeUInt32LE(0x40, 0x3c)
  headers.write('PE\0\0', 0x40, 'latin1')
  headers.writeUInt16LE(opts.pe32plus ? 0x8664 : 0x14c, 0x44)
  headers.writeUInt16LE(1, 0x46)
  headers.writeUInt16LE(optSize, 0x54)
  const opt = 0x58
  headers.writeUInt16LE(opts.pe32plus ? 0x20b : 0x10b, opt)
  headers.writeUInt32LE(16, opt + dirBase - 4)
  const rsrc = Buffer.alloc(0x58)
  // root: one id entry, RT_VERSION → subdirectory at 0x18
  rsrc.writeUInt16LE(1, 14)
  rsrc.writeUInt32LE(16, 16)
  rsrc.writeUInt32LE(0x80000018, 20)
  // names: id 1 → subdirectory at 0x30
  rsrc.writeUInt16LE(1, 0x18 + 14)
  rsrc.writeUInt32LE(1, 0x18 + 16)
  rsrc.writeUInt32LE(0x80000030, 0x18 + 20)
  // languages: 0x409 → data entry at 0x48
  rsrc.writeUInt16LE(1, 0x30 + 14)
  rsrc.writeUInt32LE(0x409, 0x30 + 16)
  rsrc.writeUInt32LE(0x48, 0x30 + 20)
  rsrc.writeUInt32LE(0x1000 + 0x58, 0x48)
  rsrc.writeUInt32LE(vi.length, 0x4c)
  opts.mutate?.(rsrc)
  const section = Buffer.concat([rsrc, vi])
  headers.writeUInt32LE(0x1000, opt + dirBase + 16)
  headers.writeUInt32LE(section.length, opt + dirBase + 20)
  const st = opt + optSize
  headers.write('.rsrc', st, 'latin1')
  headers.writeUInt32LE(section.length, st + 8)
  headers.writeUInt32LE(0x1000, st + 12)
  headers.writeUInt32LE(section.length, st + 16)
  headers.writeUInt32LE(0x200, st + 20)
  return Buffer.concat([headers, section])
}
