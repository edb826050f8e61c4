/**
 * vltrace-record's command line: yargs wiring of the OPTIONS table, the lists (-L -R -B),
 * the end-of-run report, and the only place that maps errors to exit statuses
 * (the command's status; 1 usage errors; 2 environment or privileges).
 */
import yargs, { type Options } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EnvironmentError, UsageError } from './errors.js';
import { OPTIONS, normalizeOptions, type ParsedArgs } from './options.js';
import type { RecordStats } from './record.js';

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

async function run(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName(NAME)
    .usage(`$0 [options] [--] [command [arg ...]]\n\nRecord the system calls of a command, of running processes (-p) or of the whole system, with eBPF.`)
    .options(OPTIONS as unknown as Record<string, Options>)
    .parserConfiguration({ 'halt-at-non-option': true })
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err instanceof UsageError || !msg ? (err ?? new UsageError('bad usage')) : new UsageError(msg);
    });
  const a = (await parser.parseAsync()) as unknown as ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean };
  if (a.list || a.llList || a.builtinList) {
    const { builtinList, kernelList } = await import('./syscalls.js');
    let lines: string[];
    if (a.builtinList) lines = builtinList();
    else {
      const { checkEnvironment } = await import('./record.js');
      const addon = checkEnvironment();
      lines = a.list ? kernelList(addon) : addon.listBtfFuncs();
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  const opts = normalizeOptions(a);
  const { record } = await import('./record.js');
  const st = await record(opts);
  say(`${st.syscalls} syscalls recorded, ${st.lost} lost`);
  if (st.lost > 0) say(`warning: ${st.lost} packets lost (the ring buffer was full); a larger --ring-size helps`);
  if (st.writeError) say(`error: recording stopped early: ${st.writeError}; the log holds what was written before`);
  if (opts.stats) printStats(st);
  return st.writeError ? 1 : st.exitCode;
}

/** Runs the CLI and sets the exit status. */
export async function main(argv: string[] = hideBin(process.argv)): Promise<void> {
  // `vltrace-record -R | head`: a reader that goes away ends the output, like any filter
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  try {
    process.exitCode = await run(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      process.stderr.write(`Try '${NAME} --help' for more information.\n`);
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
