/**
 * vltrace-record's command line: the OPTIONS table read by @vltrace/format/cli (the parser the
 * three CLIs share; no third-party parser, start-up matters: the command waits for it), --help,
 * --version, --completion, the lists (-L -R -B), the end-of-run report, and the only place that
 * maps errors to exit statuses (the command's status; death by the stop signal; 1 usage and
 * output errors, an output that cannot be created included; 2 environment or privileges).
 */
import { constants as osConstants } from 'node:os';
import { ArgsError, completionScript, parseCommandLine, renderHelp, say as sayAs, sayInternal, sayUsage, versionLine } from '@vltrace/format/cli';
import { EnvironmentError, OutputError, UsageError } from './errors.js';
import { discardEarly, loadingFor } from './launch.js';
import { checkEnvironment, type Loading } from './native.js';
import { OPTIONS, recordSettings, type ParsedArgs, type RecordOptions } from './options.js';
import type { RecordStats } from './record.js';
import { dieBy, GRACE_MS, type StopSignal } from './signals.js';

const NAME = 'vltrace-record';

const say = (line: string): void => sayAs(NAME, line);

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

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** What the command line asks for besides a recording. */
export type CliArgs = ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean; help?: boolean; version?: boolean; completion?: boolean };

/**
 * The arguments of vltrace-record's argv (what follows the script), read with the OPTIONS table:
 * the first word that is not an option starts the command. Throws ArgsError or UsageError.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
  const a: Record<string, unknown> = { _: [...positionals] };
  for (const [name, v] of Object.entries(values)) if (v !== undefined) a[camel(name)] = v;
  // strace's -ff writes one file per process; one log holds them all here
  const follow = Number(values['full-follow-fork']);
  if (follow > 1) throw new UsageError('-ff (one output file per process) is not supported: -f records every process into one log, and vltrace-convert -p PID selects one');
  a['fullFollowFork'] = follow === 1;
  return a as unknown as CliArgs;
}

/** --help: usage, options, how a recording ends and the exit status. */
export function helpText(): string {
  return renderHelp(NAME, OPTIONS, {
    usage: ['[options] [--] command [arg ...]', '[options] -p PID[,PID...]', '[options]'],
    description: 'Record the system calls of a command, of running processes (-p) or, with neither, of every ' +
      'process on the system, with eBPF. System-wide recording grows fast (often megabytes per second): ' +
      'narrow it with -e or -X, and stop it with Ctrl-C.',
    examples: [
      ['-f -o run.bin -- make', 'make and every process it starts, into run.bin'],
      ['-p 1234,1240 -o srv.bin', 'two running processes, until they exit or Ctrl-C'],
      ['-e %file -X -o fails.bin', 'failed file calls of every process on the system, until Ctrl-C'],
    ],
    epilogue: EPILOGUE.split('\n\n'),
  });
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
  const a = parseArgs(argv);
  if (a.help || a.version || a.completion) {
    process.stdout.write(a.help ? helpText() : a.version ? versionLine(NAME, new URL('../../package.json', import.meta.url))
      : completionScript({ prog: NAME, commands: { '': OPTIONS } }));
    return 0;
  }
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
  // The BPF object loads on a worker thread (since launch.ts started it, or from here on),
  // while this thread loads the syscall table (-e) and the rest. Errors are reported in their
  // usual order, below: a wrong command line (normalizeOptions), then the environment (record).
  let loading: Loading | undefined;
  try {
    loading = loadingFor(recordSettings(a));
  } catch {
    discardEarly();
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
    discardEarly(); // a wrong command line that launch.ts could not tell
    if (e instanceof UsageError || e instanceof ArgsError) {
      sayUsage(NAME, e.message);
      process.exitCode = 1;
    } else if (e instanceof OutputError) {
      say(e.message);
      process.exitCode = 1;
    } else if (e instanceof EnvironmentError) {
      say(e.message);
      process.exitCode = 2;
    } else {
      sayInternal(NAME, e);
      process.exitCode = 1;
    }
  }
}
