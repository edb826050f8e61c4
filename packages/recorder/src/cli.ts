/**
 * vltrace-record's command line: yargs wiring of the OPTIONS table, the lists (-L -R -B),
 * the end-of-run report, and the only place that maps errors to exit statuses
 * (the command's status; death by the stop signal; 1 usage and output errors; 2 environment
 * or privileges).
 *
 * Start-up matters (the command waits for it): importing yargs costs more than loading the
 * BPF program, so the plain command lines are read by quickParse() from the same OPTIONS
 * table, and yargs is imported only for everything else (--help, the lists, every error,
 * any spelling quickParse does not take). Both give the same arguments (test/options.test.ts).
 */
import { constants as osConstants } from 'node:os';
import type { Options } from 'yargs';
import { EnvironmentError, OutputError, UsageError } from './errors.js';
import { checkEnvironment, startLoading, type Loading } from './native.js';
import { OPTIONS, recordSettings, type OptionDef, type ParsedArgs, type RecordOptions } from './options.js';
import type { RecordStats } from './record.js';
import { dieBy, GRACE_MS, type StopSignal } from './signals.js';

const NAME = 'vltrace-record';

function say(line: string): void {
  process.stderr.write(`${NAME}: ${line}\n`);
}

/** --stats: packets by type, bytes, lost per CPU, rate. */
function printStats(st: RecordStats): void {
  const secs = st.durationMs / 1000;
  const lines = [
    `duration      ${secs.toFixed(3)} s`,
    `events        ${st.events} (written ${st.written} + lost ${st.lost})`,
    `bytes         ${st.bytes} (${(st.bytes / 2 ** 20).toFixed(1)} MiB)`,
    `rate          ${Math.round(st.events / Math.max(secs, 1e-9))} packets/s, ${Math.round(st.syscalls / Math.max(secs, 1e-9))} syscalls/s`,
    `packets       ${Object.entries(st.packetsByType).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `lost per CPU  ${st.lostPerCpu.join(' ')}`,
    `drain CPU     ${st.drainCpuMs.toFixed(1)} ms (${st.written ? ((st.drainCpuMs * 1e6) / st.written).toFixed(0) : 0} ns per packet)`,
    `deferred      ${st.deferred} entries written at exit (string not yet readable at entry)`,
  ];
  process.stderr.write(lines.map((l) => `${NAME}: ${l}\n`).join(''));
}

/** --help's last words: how a recording ends, and the exit status (signals.ts, record.ts). */
const EPILOGUE = [
  'Ending: the recording ends when the command has exited (with -f: every process it started too), with -p when ' +
  'those processes have, system-wide at a signal. SIGINT, SIGTERM or SIGHUP (Ctrl-C) ends it sooner: the signal is passed on to the ' +
  "command (a terminal's Ctrl-C reaches it directly), and the recording ends when the command does, or " +
  `${GRACE_MS / 1000} s later whatever it does: the command is then left running, no longer traced, as strace ` +
  'leaves it. Processes of -p and followed daemons are never signalled. A second signal ends the recording at ' +
  'once, a third ends vltrace-record at once. The log ends with a trailer flagged "interrupted".',
  "Exit status: the command's (128 + N when signal N killed it). When a signal stopped the recording and the " +
  'command did not end otherwise (or there is none), vltrace-record ends by that signal (130 for SIGINT in a ' +
  'shell). 1: a usage or output error (disk full: the log keeps what was written). 2: eBPF cannot run here ' +
  '(privileges: run as root; no BTF; not x86-64), no output is created.',
].join('\n\n');

type OptionName = keyof typeof OPTIONS;
const DEFS = OPTIONS as Readonly<Record<OptionName, OptionDef>>;
const BY_SHORT = new Map(Object.entries(DEFS).flatMap(([name, d]) => (d.alias ? [[d.alias, name as OptionName] as const] : [])));
/** Options quickParse leaves to yargs: the lists (not a recording, start-up does not matter). */
const YARGS_ONLY = new Set<OptionName>(['list', 'll-list', 'builtin-list']);
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The arguments of a plain command line (`-f -o x.bin -s 4096 -- cmd ...`), as yargs would
 * give them, without importing yargs; undefined for anything else (help, lists, errors,
 * repeated options, negations, values that look like options, numbers that are not plain
 * digits, bundles with a value...), which yargs then parses, validates and explains.
 */
export function quickParse(argv: readonly string[]): ParsedArgs | undefined {
  const a: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(DEFS)) if (d.default !== undefined) a[camel(name)] = d.default;
  const seen = new Set<OptionName>();
  let i = 0;
  for (; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      i++;
      break;
    }
    if (!tok.startsWith('-') || tok === '-') break; // the command: halt-at-non-option
    let names: OptionName[];
    let inline: string | undefined;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = tok.slice(2, eq < 0 ? undefined : eq);
      if (!Object.hasOwn(DEFS, name)) return undefined;
      names = [name as OptionName];
      if (eq >= 0) inline = tok.slice(eq + 1);
    } else {
      names = [];
      for (const ch of tok.slice(1)) {
        const name = BY_SHORT.get(ch);
        if (!name) return undefined;
        names.push(name);
      }
      // -fX: a bundle of flags; -s126, -o=x and the like are yargs'
      if (names.length > 1 && names.some((n) => DEFS[n].type !== 'boolean')) return undefined;
    }
    for (const name of names) {
      const d = DEFS[name];
      if (YARGS_ONLY.has(name) || (seen.has(name) && !d.array)) return undefined;
      seen.add(name);
      if (d.type === 'boolean') {
        // `-d false` and `--debug=true` are yargs' too
        if (inline !== undefined || argv[i + 1] === 'true' || argv[i + 1] === 'false') return undefined;
        a[camel(name)] = true;
        continue;
      }
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || v.startsWith('-') || (d.choices && !d.choices.includes(v))) return undefined;
      let value: string | number = v;
      if (d.type === 'number') {
        if (!/^(0|[1-9]\d{0,8})$/.test(v)) return undefined;
        value = Number(v);
      }
      if (d.array) {
        // yargs takes every following value (`-p 1 2`): only `-p N` followed by an option or the end here
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('-')) return undefined;
        ((a[camel(name)] ??= []) as unknown[]).push(value);
      } else {
        a[camel(name)] = value;
      }
    }
  }
  return { ...a, _: argv.slice(i) } as ParsedArgs;
}

/** The yargs parser of the OPTIONS table: --help, the lists, and every line quickParse leaves. */
export async function yargsParse(argv: string[]): Promise<ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean }> {
  const { default: yargs } = await import('yargs');
  const parser = yargs(argv)
    .scriptName(NAME)
    .usage(`$0 [options] [--] [command [arg ...]]\n\nRecord the system calls of a command, of running processes (-p) or of the whole system, with eBPF.`)
    .options(OPTIONS as unknown as Record<string, Options>)
    // the command's arguments stay strings (`echo 0x10` runs `echo 0x10`, not `echo 16`)
    .parserConfiguration({ 'halt-at-non-option': true, 'parse-positional-numbers': false })
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err instanceof UsageError || !msg ? (err ?? new UsageError('bad usage')) : new UsageError(msg);
    });
  return (await parser.parseAsync()) as unknown as ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean };
}

/** The arguments of vltrace-record's argv (what follows the script): quickParse, else yargs. */
export function parseArgs(argv: string[]): Promise<ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean }> {
  const quick = quickParse(argv);
  return quick ? Promise.resolve(quick) : yargsParse(argv);
}

/** How vltrace-record ends: an exit status, or death by the signal that stopped it. */
type Ending = number | { signal: StopSignal };

/** The end-of-run report (on stderr) and how to end. */
function report(st: RecordStats, opts: RecordOptions): Ending {
  say(`${st.syscalls} syscalls recorded, ${st.lost} lost${st.signal ? ` (interrupted by ${st.signal})` : ''}`);
  if (st.lost > 0) say(`warning: ${st.lost} packets lost (the ring buffer was full); a larger --ring-size helps`);
  if (st.writeError) {
    // what is in the file, and what is not: the counts above are the log's
    say(`error: ${st.writeError}: recording stopped; the log holds the ${st.written} packets written before the error ` +
      `(no trailer)${st.dropped ? `, the ${st.dropped} packets produced since are not in it` : ''}`);
  }
  if (st.commandRunning && st.signal) {
    say(`the command (pid ${st.commandPid}) has not ended after ${st.signal}: left running, no longer traced`);
  }
  if (opts.stats) printStats(st);
  if (st.writeError) return 1;
  // stopped by a signal, and the command did not end otherwise: end as the signal would have
  // ended us (a shell then stops the script or loop that ran vltrace-record)
  if (st.signal && (st.commandRunning || st.commandPid === undefined || st.exitCode === 128 + osConstants.signals[st.signal])) {
    return { signal: st.signal };
  }
  return st.exitCode;
}

async function run(argv: string[]): Promise<Ending> {
  const a = await parseArgs(argv);
  if (a.list || a.llList || a.builtinList) {
    const { builtinList, kernelList } = await import('./syscalls.js');
    let lines: string[];
    if (a.builtinList) lines = builtinList();
    else {
      const addon = checkEnvironment();
      lines = a.list ? kernelList(addon) : addon.listBtfFuncs();
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  // The BPF object loads on a worker thread from here on, while this thread loads the syscall
  // table (-e) and the rest. Errors are reported in their usual order, below: a wrong command
  // line (normalizeOptions), then the environment (record).
  let loading: Loading | undefined;
  try {
    loading = startLoading(checkEnvironment(), recordSettings(a));
  } catch {
    loading = undefined;
  }
  let opts: RecordOptions;
  let record: typeof import('./record.js').record;
  try {
    const [normalize, rec] = await Promise.all([import('./normalize.js'), import('./record.js')]);
    opts = normalize.normalizeOptions(a);
    record = rec.record;
  } catch (e) {
    loading?.rec.close();
    throw e;
  }
  return report(await record(opts, loading), opts);
}

/** Runs the CLI and sets the exit status. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  // `vltrace-record -R | head`: a reader that goes away ends the output, like any filter
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  // a terminal that hung up (SIGHUP) cannot show the report: the recording still ends cleanly
  process.stderr.on('error', () => undefined);
  try {
    const end = await run(argv);
    if (typeof end === 'number') process.exitCode = end;
    else dieBy(end.signal);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      process.stderr.write(`Try '${NAME} --help' for more information.\n`);
      process.exitCode = 1;
    } else if (e instanceof OutputError) {
      say(`error: ${e.message}`);
      process.exitCode = 1;
    } else if (e instanceof EnvironmentError) {
      say(e.message);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${NAME}: internal error, please report it: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  }
}
