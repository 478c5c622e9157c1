// Folders applicationHost.config names (virtual directory physical paths, IIS log folders), mapped
// from Windows paths onto the evidence layout. %SystemDrive% is the drive the config was found on.
import type { ApplicationHost } from '../iis-config.ts'
import { parseWindowsPath } from './path-norm.ts'

export interface IisTargets {
  webRoots: string[][]
  logDirs: string[][]
}

/** IIS's default when no logFile directory is configured (IIS configuration reference, <siteDefaults>). */
const DEFAULT_LOG_DIR = '%SystemDrive%\\inetpub\\logs\\LogFiles'

export function iisTargets(
  config: ApplicationHost,
  systemDrive: string,
  drives: ReadonlyMap<string, readonly string[]>,
  exchangeInstallPath?: string,
): IisTargets {
  const env: Record<string, string> = {
    systemdrive: `${systemDrive.toUpperCase()}:`,
    windir: `${systemDrive.toUpperCase()}:\\Windows`,
    systemroot: `${systemDrive.toUpperCase()}:\\Windows`,
  }
  if (exchangeInstallPath)
    env.exchangeinstallpath = exchangeInstallPath.endsWith('\\')
      ? exchangeInstallPath
      : `${exchangeInstallPath}\\`
  const map = (p: string): string[] | undefined => {
    const w = parseWindowsPath(p, env)
    const prefix = w && drives.get(w.letter)
    return prefix && w ? [...prefix, ...w.segs] : undefined
  }
  const webRoots: string[][] = []
  const logDirs: string[][] = []
  const add = (list: string[][], segs: string[] | undefined) => {
    if (segs && !list.some((s) => s.join('/') === segs.join('/'))) list.push(segs)
  }
  for (const site of config.sites) {
    add(logDirs, map(site.logDirectory ?? DEFAULT_LOG_DIR))
    for (const app of site.apps)
      for (const v of app.vdirs) if (v.physicalPath) add(webRoots, map(v.physicalPath))
  }
  return { webRoots, logDirs }
}
