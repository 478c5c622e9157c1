// Commander wiring only: each command lazy-loads its module so `exhunt --help` stays instant.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { VERSION } from '../shared/version.ts'
import { EXIT_ERROR } from './exit-codes.ts'
import { say } from './say.ts'

const collect = (value: string, prev: string[]) => [...prev, value]

/** A whole number >= min, or a usage error (exit 2): `-j abc` must not quietly read nothing. */
const positiveInt =
  (min: number) =>
  (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected a whole number >= ${min}`)
    return n
  }

/** A duration: `90` or `90s` seconds, `10m`, `2h`, `500ms`; in milliseconds. */
const duration = (value: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  const n = m ? Number(m[1]) * (unit[m[2] ?? 's'] ?? Number.NaN) : Number.NaN
  if (!m || !(n > 0)) throw new InvalidArgumentError('expected a duration such as 90s, 10m or 2h')
  return Math.round(n)
}

// `exhunt hunt … | head` closes the pipe early: that is the reader's choice, not an error. The
// command runs to its end with the output dropped (cli/output.ts), so the exit code still says what
// was found: exiting here would report 0 for a compromised server.
const ignoreClosedPipe = (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
}
process.stdout.on('error', ignoreClosedPipe)
process.stderr.on('error', ignoreClosedPipe)

const program = new Command()
  .name('exhunt')
  .description(
    'Find Exchange exploitation (ProxyLogon, ProxyShell, ProxyNotShell, web shells) in logs and files',
  )
  .version(VERSION)
  .showHelpAfterError()
  // Usage errors must exit 2 (the run failed), not commander's 1, which scripts read as "findings".
  .exitOverride()
  .addHelpText(
    'after',
    `
Examples:
  exhunt hunt /mnt/exch01                     hunt a mounted drive
  exhunt content list --cve CVE-2021-27065    every rule that names a CVE
  exhunt content show exh-ecp-proxylogon-set-vdir-script
  exhunt cve CVE-2021-26855                   affected and fixed builds, detecting rules
  exhunt build 15.1.2176.2                    what a build lacks and the update to install
  exhunt lab --count 50 --fleet fleet.json    emulated Exchange servers on loopback, for probe tests
  exhunt probe --checks safe mail.example.org fingerprint and check a server you may test`,
  )

program
  .command('hunt')
  .description(
    'hunt an Exchange server: a mounted drive, an install folder, a triage folder or .zip, or a log file; a folder of evidence zips gives one report per zip',
  )
  .argument('<path>', 'evidence to read (never modified)')
  .addOption(
    new Option(
      '-f, --format <format>',
      'output format (default: from the -o file extension, else text)',
    ).choices(['text', 'json', 'ndjson', 'csv', 'html']),
  )
  .option('-o, --output <file>', 'write the report to a file instead of stdout')
  .option('--one', 'hunt a folder of evidence zips as one evidence, not one report per zip')
  .option(
    '--ioc <file>',
    'extra IOC feed: text, CSV or signature-base list (repeatable)',
    collect,
    [],
  )
  .option(
    '--baseline <path>',
    "known-good SHA-256 list or folder of them, e.g. NCC Group's Exchange lists (repeatable)",
    collect,
    [],
  )
  .addOption(
    new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
      .choices(['info', 'low', 'medium', 'high', 'critical'])
      .default('medium'),
  )
  .option('--fail-on-exposure', 'exit 1 also when the build misses security fixes')
  .option('--only <what>', 'hunt only logs or only files', (v) => v.split(',').map((s) => s.trim()))
  .option('-j, --workers <n>', 'worker threads for logs (default: all cores)', positiveInt(1))
  .option(
    '--max-file-size <bytes>',
    'skip web files larger than this (default 32 MiB)',
    positiveInt(1),
  )
  .option(
    '--timeout <duration>',
    'stop the hunt after this long (90s, 10m, 2h) and report what was read, marked incomplete',
    duration,
  )
  .option(
    '--job-timeout <duration>',
    'give up on one log file or batch of web files after this long (EXH_ERR_JOB_TIMEOUT)',
    duration,
  )
  .option('--content <dir>', 'use another content folder (rules, IOCs, builds)')
  .option(
    '--cache <dir>',
    'keep web-file scan results by content digest in this folder, for repeated hunts (never inside the evidence)',
  )
  .option('-v, --verbose', 'text output lists every finding')
  .option('--no-progress', 'no progress bar on stderr')
  .option('--color', 'force colour in text output')
  .option('--no-color', 'no colour in text output')
  .action(async (path: string, options) => {
    const { runHunt } = await import('./hunt-command.ts')
    process.exitCode = await runHunt(path, options)
  })

/** A request rate: `50`, `50/s` or `3000/m`, as requests per second. */
const rate = (value: string): number => {
  const m = /^(\d+(?:\.\d+)?)(?:\/(s|m))?$/.exec(value.trim())
  const n = m ? Number(m[1]) / (m[2] === 'm' ? 60 : 1) : Number.NaN
  if (!m || !(n > 0)) throw new InvalidArgumentError('expected a rate such as 50, 50/s or 3000/m')
  return n
}

program
  .command('probe')
  .description(
    'probe Exchange servers over the network, unauthenticated and non-destructive: build, missing fixes, verdict (only networks you are authorised to test)',
  )
  .argument('[targets...]', 'hosts, IPs, host:port, URLs, CIDR ranges; - reads stdin')
  .option(
    '-f, --file <file>',
    'read targets from a file, one or more a line (- for stdin; repeatable)',
    collect,
    [],
  )
  .addOption(
    new Option(
      '--checks <level>',
      'passive: fingerprint only; safe: also the non-destructive checks',
    )
      .choices(['passive', 'safe'])
      .default('passive'),
  )
  .option(
    '--sni <name>',
    'the name sent as TLS SNI and Host header (default: the host name of the target)',
  )
  .addOption(
    new Option(
      '--format <format>',
      'output format (default: from the -o file extension, else text)',
    ).choices(['text', 'json', 'ndjson', 'csv']),
  )
  .option('-o, --output <file>', 'write the results to a file instead of stdout')
  .option('-c, --concurrency <n>', 'targets probed at once (default 64)', positiveInt(1))
  .option(
    '--rate <rate>',
    'requests per second for the whole run: 50, 50/s or 3000/m (default: no limit)',
    rate,
  )
  .option(
    '--net-rate <rate>',
    'requests per second per /24 (IPv4) or /64 (IPv6) network (default: no limit)',
    rate,
  )
  .option(
    '--timeout <duration>',
    'hard deadline of one request, slow servers included (default 10s)',
    duration,
  )
  .option('--connect-timeout <duration>', 'TCP connect plus TLS handshake (default 5s)', duration)
  .option(
    '--target-timeout <duration>',
    'deadline of one target, all its requests (default 60s)',
    duration,
  )
  .option(
    '--retries <n>',
    'extra tries of a request whose connection failed (default 1)',
    positiveInt(0),
  )
  .option(
    '--resume <file>',
    'skip targets whose results this NDJSON file has; append new results to it',
  )
  .option('--content <dir>', 'use another content folder (probe rules, builds)')
  .option('--no-progress', 'no progress bar on stderr')
  .option('--color', 'force colour in text output')
  .option('--no-color', 'no colour in text output')
  .action(async (targets: string[], options) => {
    const { runProbeCommand } = await import('./probe-command.ts')
    process.exitCode = await runProbeCommand(targets, options)
  })

program
  .command('dump')
  .description('print every record of a Windows event log (.evtx): NDJSON (default) or XML')
  .argument('<files...>', 'the .evtx files (never modified)')
  .option('--ndjson', 'one JSON record per line: the fields the event rules see (default)')
  .option('--xml', "each record's XML, as Event Viewer shows it")
  .option(
    '--recover',
    'also whole records left in slack space by earlier writes (flagged "recovered")',
  )
  .action(async (files: string[], options) => {
    const { runDump } = await import('./dump-command.ts')
    process.exitCode = await runDump(files, options)
  })

const content = program.command('content').description('inspect and check the detection content')
content
  .command('lint')
  .description("validate every rule, IOC set and table under content/ and run the rules' own tests")
  .option('--content <dir>', 'content folder to check')
  .option('--json', 'machine-readable output')
  .action(async (options) => {
    const { runContentLint } = await import('./content-command.ts')
    process.exitCode = await runContentLint(options)
  })

content
  .command('list')
  .description('every rule and indicator set: id, engine, level, what it proves, CVEs, title')
  .option('--cve <cve>', 'only entries that name this CVE')
  .option(
    '--engine <engine>',
    'only this engine: native, heuristic, artefact, yara, ioc or ioc-<type>',
  )
  .option('--content <dir>', 'content folder to index')
  .option('--json', 'machine-readable output')
  .action(async (options) => {
    const { runContentList } = await import('./index-command.ts')
    process.exitCode = runContentList(options)
  })
content
  .command('show')
  .description('one rule as shipped: its file, header, inline tests, references and attribution')
  .argument('<rule-id>', 'e.g. exh-ecp-proxylogon-set-vdir-script or a YARA rule name')
  .option('--content <dir>', 'content folder to read')
  .option('--json', 'machine-readable output')
  .action(async (id: string, options) => {
    const { runContentShow } = await import('./index-command.ts')
    process.exitCode = runContentShow(id, options)
  })

program
  .command('cve')
  .description(
    'a CVE: its family and exploitation window, affected and fixed builds per product and CU, every rule that detects it',
  )
  .argument('<cve>', 'e.g. CVE-2021-27065')
  .option('--content <dir>', 'content folder to read')
  .option('--json', 'machine-readable output')
  .action(async (cve: string, options) => {
    const { runCve } = await import('./index-command.ts')
    process.exitCode = runCve(cve, options)
  })

program
  .command('build')
  .description(
    'an Exchange build: product, CU and update, release date, missing security fixes, the update to install',
  )
  .argument('<build>', 'e.g. 15.1.2176.2, 15.01.2176.002 or "Version 15.1 (Build 2176.2)"')
  .option('--content <dir>', 'content folder to read')
  .option('--json', 'machine-readable output')
  .action(async (build: string, options) => {
    const { runBuild } = await import('./index-command.ts')
    process.exitCode = runBuild(build, options)
  })

program
  .command('baseline')
  .description('known-good file hashes')
  .command('create')
  .description('hash a trusted Exchange install (e.g. its V15 folder) into a --baseline list')
  .argument('<dir>', 'the trusted install folder')
  .requiredOption('--product <name>', 'e.g. "Exchange Server 2019"')
  .requiredOption('--build <build>', 'e.g. 15.2.1544.4')
  .option('-o, --output <file>', 'write to a file instead of stdout')
  .action(async (dir: string, options) => {
    const { runBaselineCreate } = await import('./baseline-command.ts')
    process.exitCode = await runBaselineCreate(dir, options)
  })

const dataOption = () =>
  new Option(
    '--data <dir>',
    'embedded store folder (PGlite; default ./exhunt-data or $EXHUNT_DATA); DATABASE_URL selects PostgreSQL instead',
  )

program
  .command('worker')
  .description(
    'run the survey jobs (hunts of queued triage collections) until Ctrl-C; on PostgreSQL any number of workers, on the embedded store one',
  )
  .addOption(dataOption())
  .option('-c, --concurrency <n>', 'jobs at once', positiveInt(1), 2)
  .option(
    '--hunt-timeout <duration>',
    'stop one hunt after this long and store it as incomplete',
    duration,
    30 * 60_000,
  )
  .option('--job-timeout <duration>', 'per log file or batch of web files inside a hunt', duration)
  .option('-j, --workers <n>', 'hunt worker threads (default: all cores)', positiveInt(1))
  .option('--content <dir>', 'use another content folder')
  .option(
    '--probe-rate <n>',
    'probe targets per second in this worker (each worker its own)',
    positiveInt(1),
  )
  .action(async (options) => {
    const { runWorkerCommand } = await import('./worker-command.ts')
    process.exitCode = await runWorkerCommand(options)
  })

const survey = program
  .command('survey')
  .description(
    'the survey store: targets, hunt reports, jobs (embedded PGlite, or PostgreSQL through DATABASE_URL)',
  )

survey
  .command('add')
  .description('add targets (or update their owner, sector, country, ASN, tags)')
  .argument('<targets...>', 'host, host:port or URL, or a file of them (one per line, # comments)')
  .option('--owner <name>', 'owner or organisation')
  .option('--sector <name>', 'sector, e.g. health')
  .option('--country <cc>', 'ISO 3166-1 alpha-2 country code')
  .option('--asn <n>', 'autonomous system number', positiveInt(1))
  .option('--tag <tag>', 'a tag (repeatable)', collect, [])
  .addOption(dataOption())
  .action(async (targets: string[], options) => {
    const { runSurveyAdd } = await import('./survey-command.ts')
    process.exitCode = await runSurveyAdd(targets, options)
  })

survey
  .command('import')
  .description('store existing reports (exhunt hunt -f json); the same file twice is stored once')
  .argument('<reports...>', 'report JSON files')
  .addOption(dataOption())
  .action(async (files: string[], options) => {
    const { runSurveyImport } = await import('./survey-command.ts')
    process.exitCode = await runSurveyImport(files, options)
  })

survey
  .command('hunt')
  .description("queue victims' triage collections (.zip) as hunt jobs for `exhunt worker`")
  .argument('[zips...]', 'triage collections to queue')
  .option('--watch <dir>', 'keep queueing every .zip dropped into this folder until Ctrl-C')
  .option('--poll <duration>', 'how often --watch looks (default 2s)', duration)
  .option(
    '--timeout <duration>',
    "these hunts' limit, if shorter than the worker's --hunt-timeout",
    duration,
  )
  .addOption(dataOption())
  .action(async (zips: string[], options) => {
    if (zips.length === 0 && !options.watch) {
      say('survey hunt: give at least one .zip, or --watch DIR')
      process.exitCode = EXIT_ERROR
      return
    }
    const { runSurveyHunt } = await import('./survey-command.ts')
    process.exitCode = await runSurveyHunt(zips, options)
  })

survey
  .command('scan')
  .description('queue one probe job per target (never twice while one waits); --every re-scans')
  .option('--every <duration>', 're-scan each target this long after its last probe', duration)
  .option('--checks <level>', 'passive or safe', 'passive')
  .option('--tag <tag>', 'only the targets with this tag')
  .addOption(dataOption())
  .action(async (options) => {
    const { runSurveyScan } = await import('./survey-command.ts')
    process.exitCode = await runSurveyScan(options)
  })

survey
  .command('status')
  .description(
    'counts: targets, observations, reports by verdict, notifications, jobs, live workers',
  )
  .option('--json', 'machine-readable output')
  .addOption(dataOption())
  .action(async (options) => {
    const { runSurveyStatus } = await import('./survey-command.ts')
    process.exitCode = await runSurveyStatus(options)
  })

program
  .command('lab')
  .description(
    'emulated Exchange front ends on loopback (every family, patched or not, mitigated, shells, hostile servers) for probe tests and benchmarks; runs until Ctrl-C',
  )
  .option(
    '-n, --count <n>',
    'how many instances (default: one per --build, per address, or 18 of the mix)',
    positiveInt(1),
  )
  .option(
    '--port <port>',
    'first port; instance i listens on port+i (with --addresses: the one port, default 443)',
    positiveInt(0),
  )
  .option('--host <address>', 'loopback address for --port mode', '127.0.0.1')
  .option('--addresses <range>', 'one instance per loopback address, e.g. 127.0.1.1-127.0.4.232')
  .option(
    '--build <spec>',
    'a build or kind, with options: 15.1.2176.2[,mitigation=eomt][,shell=/aspnet_client/x.aspx][,reveal=3-part], not-exchange, slow-drip, ... (repeatable, cycled over --count)',
    collect,
    [],
  )
  .option(
    '--mix <name>',
    'the default spread: every family, patched and not, mitigated, shells, 3-part, not-exchange, hostile',
  )
  .addOption(
    new Option('--mitigation <m>', 'default mitigation for --build').choices([
      'none',
      'eomt',
      'proxynotshell',
      'both',
    ]),
  )
  .option('--shell <path>', 'default planted web-shell path for --build')
  .addOption(
    new Option(
      '--reveal <parts>',
      'default for --build: 3-part hides X-OWA-Version and the export tool',
    ).choices(['3-part', '4-part']),
  )
  .option('--no-tls', 'plain HTTP instead of TLS')
  .option(
    '--fleet <file>',
    'write the fleet JSON (exhunt.lab-fleet/1: every instance with its truth)',
  )
  .option('--domain <domain>', 'DNS domain of the instance names (mail<N>.<domain>)', 'lab.test')
  .option('--targets <file>', 'write the instance URLs, one a line (for exhunt probe -f FILE)')
  .option('--list', 'print every instance even for large fleets')
  .option('--content <dir>', 'use another content folder (build table, lab facts)')
  .action(async (options) => {
    const { runLab } = await import('./lab-command.ts')
    process.exitCode = await runLab(options)
  })

program
  .command('notify')
  .description(
    'e-mail each owner once per state change of their servers (exposed, patched, compromised), from the survey store',
  )
  .option('--dry-run', 'show what would be sent; claim and send nothing')
  .option('--body', "also print each message's plain text")
  .option(
    '--export <format-and-dir...>',
    'hand the notices over as files instead of e-mail: csv DIR or xarf DIR (XARF v4 JSON)',
  )
  .option('--smtp <url>', 'SMTP server, e.g. smtp://mail.cert.example:587 (default $EXHUNT_SMTP)')
  .option(
    '--from <addr>',
    'the address notices come from and owners reply to ($EXHUNT_NOTIFY_FROM)',
  )
  .option('--cert-name <name>', 'how the notices are signed', 'CERT')
  .option('--cert-url <url>', "the CERT's web page, under the signature")
  .option('--upload-url <url>', 'where owners upload hunt reports (exhunt hunt --upload URL)')
  .option(
    '--lang <code>',
    'language for owners whose record names none (content/notify/<code>)',
    'en',
  )
  .option(
    '--abuse-csv <file>',
    'abuse contacts: network (IP, prefix or AS64500), organisation, email, language (repeatable)',
    collect,
    [],
  )
  .option(
    '--prefixes <file>',
    "the CERT's own prefix → owner file, same columns; wins over the AS data (repeatable)",
    collect,
    [],
  )
  .option(
    '--asn-db <dir>',
    'a newer ip-location-db asn folder (asn-ipv4-num.csv, asn-ipv6-num.csv)',
  )
  .option('--no-asn', 'do not look owners up in the AS data')
  .option('--json', 'machine-readable output')
  .option('--settle <key>', 'settle a notice a crash left in doubt (with --as)')
  .addOption(
    new Option('--as <how>', 'with --settle: sent (the owner has it) or resend').choices([
      'sent',
      'resend',
    ]),
  )
  .addOption(dataOption())
  .action(async (options) => {
    const { runNotifyCommand } = await import('./notify-command.ts')
    process.exitCode = await runNotifyCommand(options)
  })

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // commander has already printed the message (or the help / version text).
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_ERROR
    return
  }
  const e = err as { code?: string; message?: string }
  // Every EXH_ERR_* code has a row in docs/errors.md (shipped in the package): what to do next.
  const see = /^EXH_ERR_/.test(e.code ?? '') ? ' (see docs/errors.md)' : ''
  say(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}${see}`)
  process.exitCode = EXIT_ERROR
})
