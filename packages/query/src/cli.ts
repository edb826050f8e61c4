/**
 * vltrace-query's command line: the reports and their options as one table (COMMANDS), read by
 * @vltrace/format/cli (the parser the three CLIs share; no third-party parser, whose import
 * would cost about what a small report takes). Each report calls its typed function and prints
 * the rows; errors become exit codes here and nowhere else (0 ok, 1 usage — including bad SQL —,
 * 2 bad input; a stack trace only for a bug).
 */
import { ArgsError, completionScript, parseCommandLine, renderHelp, say, sayInternal, sayUsage, STANDARD_OPTIONS, versionLine, wrap, type OptionSpec, type OptionTable } from '@vltrace/format/cli';
import { EXIT, QueryError } from './errors.js';
import { OUTPUT_FORMATS, renderTable, type OutputFormat, type Table } from './output.js';
import type { Session, SessionOptions } from './session.js';

const PROG = 'vltrace-query';
const HELP = { help: STANDARD_OPTIONS.help };

/** Options every report takes. */
const COMMON = {
  format: { type: 'string', value: 'FMT', group: 'Output:', choices: OUTPUT_FORMATS, default: 'table', describe: 'output format' },
  'cache-dir': { type: 'string', value: 'DIR', group: 'Output:', describe: "where converted .bin recordings are kept, a directory of this user's that nobody else can write to (default: .vltrace-cache/ beside each, else ~/.cache/vltrace)" },
  refresh: { type: 'boolean', group: 'Output:', describe: 'convert .bin recordings again even if the cache is current' },
} as const satisfies OptionTable;

/** The row filters of most reports. */
const FILTERS = {
  pid: { short: 'p', type: 'number', list: true, value: 'PID', group: 'Filters:', describe: 'only these processes (comma-separated or repeated: -p 1,2 -p 3)' },
  expr: { short: 'e', type: 'string', value: 'EXPR', group: 'Filters:', describe: "only these syscalls (strace's -e trace= syntax: names, %file, %process…)" },
} as const satisfies OptionTable;

/**
 * Every report: its positionals (all take `<input...>`; sql takes its query first), summary line
 * and options. The one table the parser, --help and completion read.
 */
export const COMMANDS = {
  summary: {
    query: false,
    describe: 'strace -c: % time, seconds, usecs/call, calls, errors per syscall (time is wall-clock)',
    options: {
      ...COMMON, ...FILTERS,
      sort: { short: 'S', type: 'string', value: 'KEY', group: 'Report:', default: 'time', describe: 'sort by time, calls, errors, name, avg-time, min-time, max-time or nothing' },
      'wall-clock': { short: 'w', type: 'boolean', group: 'Report:', describe: 'wall-clock durations (the only kind vltrace records: entry to exit, like strace -c -w)' },
      'per-pid': { type: 'boolean', group: 'Report:', describe: 'one summary per process' },
    },
  },
  failed: {
    query: false,
    describe: 'failed calls by syscall and errno, with the message, example paths and the first call as strace prints it',
    options: { ...COMMON, ...FILTERS, examples: { type: 'number', value: 'N', group: 'Report:', default: 3, describe: 'example paths per row' } },
  },
  slow: {
    query: false,
    describe: 'the longest syscalls as strace prints them, with pid and time',
    options: { ...COMMON, ...FILTERS, top: { short: 'n', type: 'number', value: 'N', group: 'Report:', default: 20, describe: 'how many' } },
  },
  files: {
    query: false,
    describe: 'every path touched (by name or through an fd), with calls, results and processes',
    options: { ...COMMON, ...FILTERS, 'paths-only': { type: 'boolean', group: 'Report:', describe: 'only calls naming a path (no fd resolution)' } },
  },
  procs: {
    query: false,
    describe: 'the process tree: fork/exec, exit status, lifetime, syscall counts',
    options: { ...COMMON, pid: { short: 'p', type: 'number', list: true, value: 'PID', group: 'Filters:', describe: 'only these processes and their descendants (comma-separated or repeated)' } },
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
      output: { short: 'o', type: 'string', value: 'FILE', group: 'Output:', describe: 'the HTML file ("-": stdout; default: the first input\'s name with .html beside it, run.bin → run.html)' },
    },
  },
  sql: {
    query: true,
    describe: 'run a DuckDB query over the views `syscalls` and `processes`',
    options: { ...COMMON },
  },
} as const satisfies Record<string, { query: boolean; describe: string; options: Readonly<Record<string, OptionSpec>> }>;

export type Command = keyof typeof COMMANDS;

/** The arguments of a report, by the options' long names. */
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

/** A report's options, with --help. */
const optionsOf = (c: Command): OptionTable => ({ ...COMMANDS[c].options, ...HELP });

/** The usage line of a report. */
const usageOf = (name: Command) => `${name} [options] ${COMMANDS[name].query ? 'QUERY ' : ''}INPUT...`;

/** --help without a report: the reports, and how to get each one's options. */
export function helpText(width = Math.min(100, process.stdout.columns || 80)): string {
  const out = [
    `Usage: ${PROG} REPORT [options] INPUT...`,
    '',
    ...wrap('Answers from vltrace recordings (.bin), Parquet files and directories of Parquet files (hive partitions); SQL over them with DuckDB. A .bin recording is converted once and kept in a cache.', width),
    '',
    'Reports:',
  ];
  for (const name of Object.keys(COMMANDS) as Command[]) out.push(`  ${PROG} ${usageOf(name)}`, ...wrap(COMMANDS[name].describe, width, '      '));
  out.push(
    '', 'Other:',
    ...([['-h, --help', `this help; ${PROG} REPORT --help: the report's options`], ['-V, --version', 'the version'], ['    --completion', 'a bash completion script']] as const)
      .map(([o, d]) => `  ${o.padEnd(18)}${d}`),
    '', 'Examples:',
    `  ${PROG} summary run.bin`, '      strace -c of a recording',
    `  ${PROG} failed run.bin --format markdown`, '      what failed, as a Markdown table',
    `  ${PROG} sql "SELECT comm, count(*) FROM syscalls GROUP BY ALL ORDER BY 2 DESC" fleet/`, '      SQL over a hive-partitioned Parquet dataset',
    '', ...wrap('Exit status: 0 done, 1 usage error (bad SQL included), 2 an input that is missing or not a recording or Parquet file.', width),
  );
  return out.join('\n') + '\n';
}

/** What the command line asks for: a report and its arguments, or help, version or completion. */
export type Request = { command: Command; args: ReportArgs } | { show: 'help' | 'version' | 'completion'; command?: Command };

/** The command line read with the report's options; throws ArgsError. */
export function parseRequest(argv: readonly string[]): Request {
  const first = argv[0];
  if (first === undefined) throw new ArgsError('name a report: summary, failed, slow, files, procs, lost, report or sql');
  if (first === '-h' || first === '--help') return { show: 'help' };
  if (first === '-V' || first === '--version') return { show: 'version' };
  if (first === '--completion') return { show: 'completion' };
  if (!Object.hasOwn(COMMANDS, first)) {
    const near = (Object.keys(COMMANDS) as Command[]).find((c) => editDistance(c, first) <= 2);
    throw new ArgsError(first.startsWith('-') ? `name a report before the options ('${first}')` : `unknown report '${first}'${near ? ` (did you mean ${near}?)` : ''}`);
  }
  const command = first as Command;
  const spec = COMMANDS[command];
  const { values, positionals } = parseCommandLine(argv.slice(1), optionsOf(command));
  if (values['help']) return { show: 'help', command };
  const rest = [...positionals];
  const query = spec.query ? rest.shift() : undefined;
  if (spec.query && query === undefined) throw new ArgsError(`${command}: give the query, then the inputs`);
  if (rest.length === 0) throw new ArgsError(`${command}: give at least one input (a .bin recording, a Parquet file or a directory of them)`);
  const { help: _, ...options } = values;
  return { command, args: { ...(options as unknown as Omit<ReportArgs, 'input'>), ...(query !== undefined ? { query } : {}), input: rest } };
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Runs the CLI; sets process.exitCode. */
export async function main(args: readonly string[]): Promise<void> {
  try {
    const req = parseRequest(args);
    if ('show' in req) {
      const reportHelp = (c: Command) => renderHelp(PROG, optionsOf(c), { usage: [usageOf(c)], description: COMMANDS[c].describe });
      process.stdout.write(req.show === 'help' ? (req.command ? reportHelp(req.command) : helpText())
        : req.show === 'version' ? versionLine(PROG, new URL('../../package.json', import.meta.url))
          : completionScript({ prog: PROG, commands: Object.fromEntries((Object.keys(COMMANDS) as Command[]).map((c) => [c, optionsOf(c)])) }));
      return;
    }
    await REPORTS[req.command](req.args);
  } catch (e) {
    if (e instanceof ArgsError) {
      sayUsage(PROG, e.message);
      process.exitCode = EXIT.USAGE;
      return;
    }
    if (e instanceof QueryError) {
      // DuckDB's messages (bad SQL) are whole already; the command line's get the hint
      if (e.exitCode === EXIT.USAGE && !(e.message.includes('Error:') || e.message.includes('\n'))) sayUsage(PROG, e.message);
      else say(PROG, e.message);
      process.exitCode = e.exitCode;
      return;
    }
    sayInternal(PROG, e);
    process.exitCode = 70;
  }
}
