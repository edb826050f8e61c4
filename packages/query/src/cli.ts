/**
 * vltrace-query's command line: yargs wiring only. Each command calls its typed report
 * function and prints the rows; errors become exit codes here and nowhere else
 * (0 ok, 1 usage — including bad SQL —, 2 bad input; a stack trace only for a bug).
 */
import yargs, { type Argv } from 'yargs';
import { EXIT, QueryError, UsageError } from './errors.js';
import { OUTPUT_FORMATS, renderTable, type OutputFormat, type Table } from './output.js';
import type { Session, SessionOptions } from './session.js';

interface Common {
  input: string[];
  format: OutputFormat;
  pid?: number[];
  expr?: string;
  'cache-dir'?: string;
  refresh?: boolean;
}

function common<T>(y: Argv<T>, withFilters = true) {
  let a = y
    .positional('input', { type: 'string', array: true, demandOption: true, describe: '.bin recording, Parquet file or directory of Parquet files (hive partitions)' })
    .option('format', { type: 'string', choices: OUTPUT_FORMATS, default: 'table' as OutputFormat, describe: 'output format' })
    .option('cache-dir', { type: 'string', describe: 'where converted .bin recordings are kept (default: .vltrace-cache/ beside each)' })
    .option('refresh', { type: 'boolean', describe: 'convert .bin recordings again even if the cache is current' });
  if (withFilters) {
    a = a
      .option('pid', { alias: 'p', type: 'number', array: true, describe: 'only these processes' })
      .option('expr', { alias: 'e', type: 'string', describe: "only these syscalls (strace's -e trace= syntax: names, %file, %process…)" });
  }
  return a;
}

async function print(t: Table, format: OutputFormat): Promise<void> {
  const text = renderTable(t, format);
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(text, (e) => (e && (e as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(e) : resolve()));
  });
}

// `vltrace-query … | head`: a closed pipe ends the output quietly
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const sessionOptions = (argv: Common): SessionOptions => ({
  cacheDir: argv['cache-dir'],
  refresh: argv.refresh,
  onConvert: process.stderr.isTTY ? (f: string, dir: string) => process.stderr.write(`vltrace-query: converting ${f} (once; kept in ${dir})\n`) : undefined,
});

async function run(argv: Common, report: (s: Session) => Promise<Table>): Promise<void> {
  // loaded here, not at start: --help and usage errors need neither DuckDB nor the format
  const { Session } = await import('./session.js');
  const s = await Session.open(argv.input, sessionOptions(argv));
  try {
    await print(await report(s), argv.format);
  } finally {
    s.close();
  }
}

const filters = (a: Common) => ({ pid: a.pid, expr: a.expr });

/** Builds the parser (exported for tests of the help text). */
export function parser(args: readonly string[]) {
  return yargs(args as string[])
    .scriptName('vltrace-query')
    .usage('$0 <report> <input>...\n\nAnswers from vltrace recordings (.bin) and Parquet datasets; SQL over them with DuckDB.')
    .command(
      'summary <input...>',
      'strace -c: % time, seconds, usecs/call, calls, errors per syscall (time is wall-clock)',
      (y) =>
        common(y)
          .option('sort', { alias: 'S', type: 'string', default: 'time', describe: 'sort by time, calls, errors, name, avg-time, min-time, max-time or nothing' })
          .option('wall-clock', { alias: 'w', type: 'boolean', describe: 'wall-clock durations (the only kind vltrace records: entry to exit, like strace -c -w)' })
          .option('per-pid', { type: 'boolean', describe: 'one summary per process' }),
      async (a) => {
        // no session here: summary() reads a recording without a current cache straight from its
        // batches (no DuckDB, no conversion), and opens a session for anything else
        const c = a as unknown as Common;
        const { summary, summaryTable } = await import('./reports/summary.js');
        const perPid = a['per-pid'] === true;
        const res = await summary(c.input, { ...sessionOptions(c), ...filters(c), sort: a.sort, perPid, wallClock: a['wall-clock'] });
        await print(summaryTable(res, perPid), c.format);
      },
    )
    .command(
      'failed <input...>',
      'failed calls by syscall and errno, with the message, example paths and the first call',
      (y) => common(y).option('examples', { type: 'number', default: 3, describe: 'example paths per row' }),
      (a) =>
        run(a as unknown as Common, async (s) => {
          const { failed, failedTable } = await import('./reports/failed.js');
          return failedTable(await failed(s, { ...filters(a as unknown as Common), examples: a.examples }));
        }),
    )
    .command(
      'slow <input...>',
      'the longest syscalls, decoded, with pid and time',
      (y) => common(y).option('top', { alias: 'n', type: 'number', default: 20, describe: 'how many' }),
      (a) =>
        run(a as unknown as Common, async (s) => {
          const { slow, slowTable } = await import('./reports/slow.js');
          return slowTable(await slow(s, { ...filters(a as unknown as Common), top: a.top }));
        }),
    )
    .command(
      'files <input...>',
      'every path touched (by name or through an fd), with calls, results and processes',
      (y) => common(y).option('paths-only', { type: 'boolean', describe: 'only calls naming a path (no fd resolution)' }),
      (a) =>
        run(a as unknown as Common, async (s) => {
          const { files, filesTable } = await import('./reports/files.js');
          return filesTable(await files(s, { ...filters(a as unknown as Common), pathsOnly: a['paths-only'] }));
        }),
    )
    .command(
      'procs <input...>',
      'the process tree: fork/exec, exit status, lifetime, syscall counts',
      (y) => common(y, false).option('pid', { alias: 'p', type: 'number', array: true, describe: 'only these processes and their descendants' }),
      (a) =>
        run(a as unknown as Common, async (s) => {
          const { procs, procsTable } = await import('./reports/procs.js');
          return procsTable(await procs(s, { pid: a.pid as number[] | undefined }));
        }),
    )
    .command(
      'lost <input...>',
      'where records are missing and how many (lost packets, unfinished and no-entry calls, cut strings)',
      (y) => common(y),
      (a) =>
        run(a as unknown as Common, async (s) => {
          const { lost, lostTable } = await import('./reports/lost.js');
          return lostTable(await lost(s, filters(a as unknown as Common)));
        }),
    )
    .command(
      'sql <query> <input...>',
      'run a DuckDB query over the views `syscalls` and `processes`',
      (y) => common(y.positional('query', { type: 'string', demandOption: true, describe: 'SQL, e.g. "SELECT syscall, count(*) FROM syscalls GROUP BY 1"' }), false),
      (a) =>
        run(a as unknown as Common, async (s) => {
          const { sql, sqlTable } = await import('./reports/sql.js');
          return sqlTable(await sql(s, String(a.query)));
        }),
    )
    .example('$0 summary run.bin', 'strace -c of a recording')
    .example('$0 failed run.bin --format markdown', 'what failed, as a Markdown table')
    .example(`$0 sql "SELECT comm, count(*) FROM syscalls GROUP BY ALL ORDER BY 2 DESC" fleet/`, 'SQL over a hive-partitioned Parquet dataset')
    .demandCommand(1, 'name a report: summary, failed, slow, files, procs, lost or sql')
    .strictCommands()
    .strictOptions()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
}

/** Runs the CLI; sets process.exitCode. */
export async function main(args: readonly string[]): Promise<void> {
  try {
    await parser(args).parseAsync();
  } catch (e) {
    if (e instanceof QueryError) {
      process.stderr.write(`vltrace-query: ${e.message}\n`);
      if (e.exitCode === EXIT.USAGE && !(e.message.includes('Error:') || e.message.includes('\n'))) process.stderr.write('Run vltrace-query --help for usage.\n');
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`vltrace-query: internal error (a bug, please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  }
}
