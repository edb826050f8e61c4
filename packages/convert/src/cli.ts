/**
 * vltrace-convert: yargs wiring only. Every option is in OPTIONS; the handler normalises them
 * and calls convert(). Errors reach the user as one sentence: usage mistakes exit 1, bad input
 * 2 (with where the partial output went) and so does an output that cannot be written, bugs
 * print their stack.
 *
 * Importing yargs costs 70–110 ms, more than converting a small recording: plain command lines
 * are read by quickArgs() (quick-args.ts: node:util's parseArgs over the same OPTIONS table)
 * and yargs is imported only for --help and anything quickArgs leaves (errors, negations,
 * repeated options, values that look like options), which it then parses, validates and
 * explains. Both give the same arguments (test/cli.test.ts).
 */
import { stat } from 'node:fs/promises';
import type { Options } from 'yargs';
import { FormatError } from '@vltrace/format';
import { OutputPathError } from '@vltrace/format/files';
import { convert, ConvertError, type ConvertOptions, type ConvertProgress } from './convert.js';
import { EXIT, InputError, inputError, UsageError } from './errors.js';
import { quickParse } from './quick-args.js';
import { FORMATS, PARTITION_KEYS, type Format, type PartitionKey } from './sink.js';

const PROG = 'vltrace-convert';

/** Every option of the command, with its help text: the one table --help is built from. */
export const OPTIONS = {
  to: { type: 'string', choices: FORMATS, default: 'text', group: 'Output:', describe: 'output format' },
  output: { alias: 'o', type: 'string', group: 'Output:', describe: 'output file ("-" = stdout). Text formats default to stdout; arrow, arrows and parquet to the first input\'s name with the format\'s extension (run.bin → run.parquet)' },
  timestamp: { alias: 't', type: 'count', group: 'Output:', describe: 'print timestamps: text and hex add a time column; strace: -t time of day, -tt with µs, -ttt epoch seconds' },
  'relative-timestamps': { alias: 'r', type: 'boolean', group: 'Output:', describe: 'strace: print the time since the previous line' },
  'syscall-times': { alias: 'T', type: 'boolean', group: 'Output:', describe: 'strace: print the time spent in each call' },
  'decode-fds': { alias: 'y', type: 'boolean', group: 'Output:', describe: 'strace: print the paths of file descriptor arguments' },
  'follow-forks': { alias: 'f', type: 'boolean', group: 'Output:', describe: 'strace: start every line with its pid, as strace -f does (default: when the recording followed forks or has several processes)' },
  'hex-separator': { alias: 'K', type: 'string', group: 'Output:', describe: 'field separator of the text and hex formats (its first character; default a space)' },
  'string-limit': { alias: 's', type: 'number', group: 'Output:', describe: 'strace and hex: print at most this many bytes of each string ("..." marks the cut)' },
  compression: { type: 'string', choices: ['zstd', 'snappy', 'none'], default: 'zstd', group: 'Parquet:', describe: 'Parquet codec' },
  'row-group-size': { type: 'number', default: 65536, group: 'Parquet:', describe: 'Parquet rows per row group' },
  'parquet-threads': { type: 'number', default: 1, group: 'Parquet:', describe: 'encoder threads; row groups are encoded in parallel and spliced into one file (each adds ~100 MB of memory)' },
  'partition-by': { type: 'string', group: 'Parquet:', describe: `write a hive-partitioned dataset (a directory) by these keys, comma-separated: ${PARTITION_KEYS.join(', ')}` },
  failed: { alias: 'X', type: 'boolean', group: 'Filters:', describe: 'only syscalls that failed (returned -errno)' },
  expr: { alias: 'e', type: 'string', group: 'Filters:', describe: 'syscall set as strace -e trace= takes it: names, numbers, %file/%net/… classes, /regex, ! to negate (trace= prefix optional)' },
  pid: { alias: 'p', type: 'string', group: 'Filters:', describe: 'only these process ids (comma-separated or repeated)' },
  tid: { type: 'string', group: 'Filters:', describe: 'only these thread ids (comma-separated or repeated)' },
  since: { type: 'string', group: 'Filters:', describe: 'only calls from this time: +1.5s, 250ms, 100us, 42ns after the start of the recording, or a wall-clock ISO time (2026-11-26T10:00:00.5Z)' },
  until: { type: 'string', group: 'Filters:', describe: 'only calls before this time (same forms as --since)' },
  progress: { type: 'boolean', group: 'Other:', describe: 'progress bar on stderr (default: when stderr is a terminal)' },
} as const satisfies Record<string, Options>;

/** "1,2" "3" → [1, 2, 3] */
function idList(v: unknown, what: string): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).filter((x) => x !== '');
  return parts.map((x) => {
    if (!/^\d+$/.test(x)) throw new UsageError(`invalid ${what} '${x}': expected a number`);
    return Number(x);
  });
}

function partitionKeys(v: string | undefined): PartitionKey[] | undefined {
  if (v === undefined) return undefined;
  const keys = v.split(',').filter((k) => k !== '');
  for (const k of keys) {
    if (!(PARTITION_KEYS as readonly string[]).includes(k)) throw new UsageError(`invalid --partition-by key '${k}' (one of ${PARTITION_KEYS.join(', ')})`);
  }
  return keys as PartitionKey[];
}

/** A progress bar on stderr (cli-progress), only when it is a terminal. */
async function progressBar(enabled: boolean | undefined): Promise<{ update(p: ConvertProgress): void; stop(): void } | undefined> {
  if (!(enabled ?? process.stderr.isTTY)) return undefined;
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = new SingleBar({
    stream: process.stderr,
    format: ' {bar} {percentage}% | {mb}/{totalMb} MB | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 50,
  }, Presets.shades_classic);
  const t0 = performance.now();
  let started = false;
  return {
    update(p) {
      if (!started) {
        bar.start(p.totalBytes, 0, { mb: '0', totalMb: (p.totalBytes / 1e6).toFixed(0), rows: 0, rate: 0 });
        started = true;
      }
      const s = (performance.now() - t0) / 1000;
      bar.update(p.bytesRead, { mb: (p.bytesRead / 1e6).toFixed(0), rows: p.rows, rate: s > 0 ? Math.round(p.rows / s) : 0 });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function say(msg: string): void {
  process.stderr.write(`${PROG}: ${msg}\n`);
}

/** What main() reads of the parsed command line (yargs' names). */
export interface ConvertArgs {
  _: (string | number)[];
  help?: boolean;
  to: string;
  output?: string;
  timestamp: number;
  'relative-timestamps'?: boolean;
  'syscall-times'?: boolean;
  'decode-fds'?: boolean;
  'follow-forks'?: boolean;
  'hex-separator'?: string;
  'string-limit'?: number;
  compression: string;
  'row-group-size': number;
  'parquet-threads': number;
  'partition-by'?: string;
  failed?: boolean;
  expr?: string;
  pid?: string | string[];
  tid?: string | string[];
  since?: string;
  until?: string;
  progress?: boolean;
}

/** -p, --tid (and -t, a count) may be given more than once */
const REPEATABLE: ReadonlySet<string> = new Set(['pid', 'tid']);

/**
 * The arguments of a plain command line as yargs gives them, without importing yargs; undefined
 * for --help and anything else yargs should parse and explain (see quick-args.ts).
 */
export function quickArgs(argv: readonly string[]): ConvertArgs | undefined {
  return quickParse(argv, OPTIONS, REPEATABLE) as ConvertArgs | undefined;
}

/** The yargs parser of the OPTIONS table: --help, and every command line quickArgs leaves. */
export async function yargsArgs(argv: readonly string[], onUsage: () => void): Promise<ConvertArgs> {
  const { default: yargs } = await import('yargs');
  const parser = yargs([...argv])
    .scriptName(PROG)
    .usage(`$0 <in.bin>... [--to FORMAT] [-o out] [filters]\n\nConvert vltrace recordings to ${FORMATS.join(', ')}.\nSeveral inputs are merged in time order. Columns of csv, jsonl, arrow and parquet: SCHEMA.md.`)
    .options(OPTIONS)
    .example('$0 run.bin', 'vltrace text on stdout')
    .example('$0 run.bin --to strace -tt -T', 'strace-style lines with times')
    .example('$0 run.bin --to parquet -X -e %file', 'failed file syscalls → run.parquet')
    .example('$0 a.bin b.bin --to parquet --partition-by pid,date -o ds', 'a hive-partitioned dataset in ds/')
    .epilogue('Exit status: 0 done (a recording cut short converts up to its last whole packet, with a warning), 1 usage error, 2 bad input (what was converted before the error is kept as NAME.partial.EXT) or an output that cannot be written.')
    .strictOptions()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      onUsage();
      throw err ?? new UsageError(msg);
    });
  return (await parser.parseAsync()) as unknown as ConvertArgs;
}

/** The arguments of a command line: quickArgs, else yargs. */
export function convertArgs(argv: readonly string[], onUsage: () => void = () => undefined): Promise<ConvertArgs> {
  const quick = quickArgs(argv);
  return quick ? Promise.resolve(quick) : yargsArgs(argv, onUsage);
}

/** Runs the command with these arguments; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let usage = false;
  let bar: Awaited<ReturnType<typeof progressBar>>;
  try {
    const args = await convertArgs(argv, () => (usage = true));
    if (args.help) return EXIT.OK;
    const inputs = args._.map(String);
    if (inputs.length === 0) throw new UsageError('no input recording given (try --help)');
    for (const f of inputs) {
      const st = await stat(f).catch((e: unknown) => e as Error);
      if (st instanceof Error) throw inputError(f, st);
      if (!st.isFile()) {
        say(`cannot read '${f}': not a file`);
        return EXIT.BAD_INPUT;
      }
    }
    const opts: ConvertOptions = {
      inputs,
      to: args.to as Format,
      ...(args.output !== undefined ? { output: args.output } : {}),
      timestamps: args.timestamp,
      relativeTimestamps: args['relative-timestamps'] === true,
      syscallTimes: args['syscall-times'] === true,
      decodeFds: args['decode-fds'] === true,
      ...(args['follow-forks'] === true ? { followForks: true } : {}),
      ...(args['hex-separator'] !== undefined ? { separator: args['hex-separator'] } : {}),
      ...(args['string-limit'] !== undefined ? { stringWidth: args['string-limit'] } : {}),
      compression: args.compression as 'zstd' | 'snappy' | 'none',
      rowGroupSize: args['row-group-size'],
      workers: args['parquet-threads'],
      ...(args['partition-by'] !== undefined ? { partitionBy: partitionKeys(args['partition-by']) } : {}),
      failed: args.failed === true,
      ...(args.expr !== undefined ? { trace: args.expr } : {}),
      ...(args.pid !== undefined ? { pids: idList(args.pid, 'pid') } : {}),
      ...(args.tid !== undefined ? { tids: idList(args.tid, 'tid') } : {}),
      ...(args.since !== undefined ? { since: args.since } : {}),
      ...(args.until !== undefined ? { until: args.until } : {}),
    };
    if (opts.stringWidth !== undefined && !(opts.stringWidth >= 0)) throw new UsageError('-s/--string-limit must be a number ≥ 0');
    if (!(opts.rowGroupSize! >= 1)) throw new UsageError('--row-group-size must be a number ≥ 1');
    if (!(opts.workers! >= 1)) throw new UsageError('--parquet-threads must be a number ≥ 1');
    if (opts.partitionBy && opts.to !== 'parquet') throw new UsageError('--partition-by applies to --to parquet only');
    bar = await progressBar(args.progress);
    const res = await convert({ ...opts, ...(bar ? { onProgress: (p: ConvertProgress) => bar!.update(p) } : {}) });
    bar?.stop();
    for (const w of res.warnings) say(`warning: ${w.file}: offset ${w.offset}: ${w.message}`);
    const lost = res.stats.reduce((s, st) => s + st.lostPackets, 0n);
    if (lost > 0n) say(`note: the recorder lost ${lost} packets; the output has rows with status 'lost' where they were`);
    if (res.output) say(`wrote ${res.rows} rows to ${res.output}`);
    return EXIT.OK;
  } catch (e) {
    bar?.stop();
    if (e instanceof UsageError || usage) {
      say(`${(e as Error).message}${usage ? ' (try --help)' : ''}`);
      return EXIT.USAGE;
    }
    if (e instanceof ConvertError) {
      say(e.message);
      say(e.partial ? `the ${e.rows} rows converted before the error are in ${e.partial}`
        : e.streamed && e.rows > 0 ? `the ${e.rows} rows converted before the error were written`
          : 'nothing was converted before the error; no output written');
      return EXIT.BAD_INPUT;
    }
    if (e instanceof FormatError || e instanceof InputError) {
      say(e.message);
      return EXIT.BAD_INPUT;
    }
    if (e instanceof OutputPathError) {
      say(e.message);
      return EXIT.CANNOT_WRITE;
    }
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.OK; // stdout closed early (| head)
    process.stderr.write(`${PROG}: internal error, please report it:\n${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}
