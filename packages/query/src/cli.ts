/**
 * vltrace-query's command line: the reports and their options as one table (COMMANDS). Each
 * report calls its typed function and prints the rows; errors become exit codes here and
 * nowhere else (0 ok, 1 usage — including bad SQL —, 2 bad input; a stack trace only for a bug).
 *
 * A plain command line is read without yargs (quickArgs, via @vltrace/convert's quick-args):
 * importing yargs costs 70–110 ms, about what a small report takes. yargs builds --help and
 * parses, validates and explains everything else; test/cli.test.ts checks that both read the
 * command lines quickArgs takes alike.
 */
import type { Argv, Options } from 'yargs';
import { quickParse } from '@vltrace/convert/quick-args';
import { EXIT, QueryError, UsageError } from './errors.js';
import { OUTPUT_FORMATS, renderTable, type OutputFormat, type Table } from './output.js';
import type { Session, SessionOptions } from './session.js';

/** Options every report takes. */
const COMMON = {
  format: { type: 'string', choices: OUTPUT_FORMATS, default: 'table', describe: 'output format' },
  'cache-dir': { type: 'string', describe: "where converted .bin recordings are kept, a directory of this user's that nobody else can write to (default: .vltrace-cache/ beside each, else ~/.cache/vltrace)" },
  refresh: { type: 'boolean', describe: 'convert .bin recordings again even if the cache is current' },
} as const satisfies Record<string, Options>;

/** The row filters of most reports. */
const FILTERS = {
  pid: { alias: 'p', type: 'number', array: true, describe: 'only these processes' },
  expr: { alias: 'e', type: 'string', describe: "only these syscalls (strace's -e trace= syntax: names, %file, %process…)" },
} as const satisfies Record<string, Options>;

/**
 * Every report: its positionals (all take `<input...>`; sql takes its query first), summary line
 * and options. The one table both --help (yargs) and the quick parser (quick-args.ts) read.
 */
export const COMMANDS = {
  summary: {
    query: false,
    describe: 'strace -c: % time, seconds, usecs/call, calls, errors per syscall (time is wall-clock)',
    options: {
      ...COMMON, ...FILTERS,
      sort: { alias: 'S', type: 'string', default: 'time', describe: 'sort by time, calls, errors, name, avg-time, min-time, max-time or nothing' },
      'wall-clock': { alias: 'w', type: 'boolean', describe: 'wall-clock durations (the only kind vltrace records: entry to exit, like strace -c -w)' },
      'per-pid': { type: 'boolean', describe: 'one summary per process' },
    },
  },
  failed: {
    query: false,
    describe: 'failed calls by syscall and errno, with the message, example paths and the first call as strace prints it',
    options: { ...COMMON, ...FILTERS, examples: { type: 'number', default: 3, describe: 'example paths per row' } },
  },
  slow: {
    query: false,
    describe: 'the longest syscalls as strace prints them, with pid and time',
    options: { ...COMMON, ...FILTERS, top: { alias: 'n', type: 'number', default: 20, describe: 'how many' } },
  },
  files: {
    query: false,
    describe: 'every path touched (by name or through an fd), with calls, results and processes',
    options: { ...COMMON, ...FILTERS, 'paths-only': { type: 'boolean', describe: 'only calls naming a path (no fd resolution)' } },
  },
  procs: {
    query: false,
    describe: 'the process tree: fork/exec, exit status, lifetime, syscall counts',
    options: { ...COMMON, pid: { alias: 'p', type: 'number', array: true, describe: 'only these processes and their descendants' } },
  },
  lost: {
    query: false,
    describe: 'where records are missing and how many (lost packets, unfinished and no-entry calls, cut strings)',
    options: { ...COMMON, ...FILTERS },
  },
  report: {
    query: false,
    describe: 'one self-contained HTML page: summary, time in syscalls per process, latency histograms, failures, process tree',
    options: {
      'cache-dir': COMMON['cache-dir'], refresh: COMMON.refresh, ...FILTERS,
      output: { alias: 'o', type: 'string', describe: 'the HTML file ("-": stdout; default: the first input\'s name with .html beside it, run.bin → run.html)' },
    },
  },
  sql: {
    query: true,
    describe: 'run a DuckDB query over the views `syscalls` and `processes`',
    options: { ...COMMON },
  },
} as const satisfies Record<string, { query: boolean; describe: string; options: Record<string, Options> }>;

export type Command = keyof typeof COMMANDS;

/** The arguments of a report, as yargs gives them (and quickArgs, for what it takes). */
export interface ReportArgs {
  input: string[];
  query?: string;
  format: OutputFormat;
  pid?: number[];
  expr?: string;
  'cache-dir'?: string;
  refresh?: boolean;
  sort?: string;
  'wall-clock'?: boolean;
  'per-pid'?: boolean;
  examples?: number;
  top?: number;
  'paths-only'?: boolean;
  output?: string;
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

const sessionOptions = (a: ReportArgs): SessionOptions => ({
  cacheDir: a['cache-dir'],
  refresh: a.refresh,
  onConvert: process.stderr.isTTY ? (f: string, dir: string) => process.stderr.write(`vltrace-query: converting ${f} (once; kept in ${dir})\n`) : undefined,
  onWait: process.stderr.isTTY ? (f: string, pid: number) => process.stderr.write(`vltrace-query: waiting for process ${pid}, which is converting ${f}\n`) : undefined,
  // a cache directory planted by someone else: always said
  onNotice: (message: string) => process.stderr.write(`vltrace-query: ${message}\n`),
});

async function withSession(a: ReportArgs, report: (s: Session) => Promise<Table>): Promise<void> {
  // loaded here, not at start: --help and usage errors need neither DuckDB nor the format
  const { Session } = await import('./session.js');
  const s = await Session.open(a.input, sessionOptions(a));
  try {
    await print(await report(s), a.format);
  } finally {
    s.close();
  }
}

const filters = (a: ReportArgs) => ({ pid: a.pid, expr: a.expr });

/** What each report does with its arguments. */
const REPORTS: Record<Command, (a: ReportArgs) => Promise<void>> = {
  async summary(a) {
    // no session here: summary() reads a recording without a current cache straight from its
    // batches (no DuckDB, no conversion), and opens a session for anything else
    const { summary, summaryTable } = await import('./reports/summary.js');
    const perPid = a['per-pid'] === true;
    const res = await summary(a.input, { ...sessionOptions(a), ...filters(a), sort: a.sort, perPid, wallClock: a['wall-clock'] });
    await print(summaryTable(res, perPid), a.format);
  },
  failed: (a) =>
    withSession(a, async (s) => {
      const { failed, failedTable } = await import('./reports/failed.js');
      return failedTable(await failed(s, { ...filters(a), examples: a.examples }));
    }),
  slow: (a) =>
    withSession(a, async (s) => {
      const { slow, slowTable } = await import('./reports/slow.js');
      return slowTable(await slow(s, { ...filters(a), top: a.top }));
    }),
  files: (a) =>
    withSession(a, async (s) => {
      const { files, filesTable } = await import('./reports/files.js');
      return filesTable(await files(s, { ...filters(a), pathsOnly: a['paths-only'] }));
    }),
  procs: (a) =>
    withSession(a, async (s) => {
      const { procs, procsTable } = await import('./reports/procs.js');
      return procsTable(await procs(s, { pid: a.pid }));
    }),
  lost: (a) =>
    withSession(a, async (s) => {
      const { lost, lostTable } = await import('./reports/lost.js');
      return lostTable(await lost(s, filters(a)));
    }),
  async report(a) {
    const { writeReport } = await import('./report-html.js');
    const out = await writeReport(a.input, a.output, { ...sessionOptions(a), ...filters(a) });
    if (out !== '-' && process.stderr.isTTY) process.stderr.write(`vltrace-query: report written to ${out}\n`);
  },
  sql: (a) =>
    withSession(a, async (s) => {
      const { sql, sqlTable } = await import('./reports/sql.js');
      return sqlTable(await sql(s, String(a.query)));
    }),
};

/**
 * A plain command line read without yargs (quick-args.ts): the report and its arguments, or
 * undefined for --help and whatever yargs should parse and explain (the report named
 * differently or not at all, `--`, a missing input, and all quickParse leaves).
 */
export function quickArgs(args: readonly string[]): { command: Command; args: ReportArgs } | undefined {
  const name = args[0];
  if (name === undefined || !Object.hasOwn(COMMANDS, name) || args.includes('--')) return undefined;
  const command = name as Command;
  const spec = COMMANDS[command];
  const q = quickParse(args.slice(1), spec.options);
  if (!q) return undefined;
  const positionals = [...q._];
  const query = spec.query ? positionals.shift() : undefined;
  if (positionals.length === 0) return undefined;
  const { _, ...options } = q;
  return { command, args: { ...(options as Omit<ReportArgs, 'input'>), ...(query !== undefined ? { query } : {}), input: positionals } };
}

/**
 * Builds the yargs parser (exported for tests). `run` receives each report and its arguments:
 * the reports themselves by default, a recorder in the tests that compare with quickArgs.
 */
export async function parser(args: readonly string[], run: (command: Command, a: ReportArgs) => Promise<void> = (c, a) => REPORTS[c](a)) {
  const { default: yargs } = await import('yargs');
  let y = yargs(args as string[])
    .scriptName('vltrace-query')
    .usage('$0 <report> <input>...\n\nAnswers from vltrace recordings (.bin) and Parquet datasets; SQL over them with DuckDB.');
  for (const [name, spec] of Object.entries(COMMANDS) as [Command, (typeof COMMANDS)[Command]][]) {
    y = y.command(
      spec.query ? `${name} <query> <input...>` : `${name} <input...>`,
      spec.describe,
      (c: Argv) => {
        if (spec.query) c = c.positional('query', { type: 'string', demandOption: true, describe: 'SQL, e.g. "SELECT syscall, count(*) FROM syscalls GROUP BY 1"' });
        return c
          .positional('input', { type: 'string', array: true, demandOption: true, describe: '.bin recording, Parquet file or directory of Parquet files (hive partitions)' })
          .options(spec.options);
      },
      (a) => run(name, a as unknown as ReportArgs),
    );
  }
  return y
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
    const quick = quickArgs(args);
    if (quick) await REPORTS[quick.command](quick.args);
    else await (await parser(args)).parseAsync();
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
