/**
 * vltrace-convert's command line: every option is in OPTIONS, read by @vltrace/format/cli (the
 * parser the three CLIs share: no third-party parser, whose import would cost more than a small
 * conversion); main() normalises them and calls convert(). Errors reach the user as one
 * sentence: usage mistakes exit 1, bad input 2 (with where the partial output went) and so does
 * an output that cannot be written, bugs print their stack.
 */
import { stat } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { ArgsError, completionScript, parseCommandLine, renderHelp, say, sayInternal, sayUsage, STANDARD_OPTIONS, versionLine, type OptionSpec } from '@vltrace/format/cli';
import { OutputPathError } from '@vltrace/format/files';
import type { ConvertOptions, ConvertProgress } from './convert.js';
import { ConvertError, EXIT, InputError, inputError, UsageError } from './errors.js';
import { BINARY_FORMATS, FORMATS, PARTITION_KEYS, type Format, type PartitionKey } from './sink.js';

const PROG = 'vltrace-convert';

/** Every option of the command, with its help text: the one table --help is built from. */
export const OPTIONS = {
  to: { type: 'string', value: 'FORMAT', choices: FORMATS, default: 'text', group: 'Output:', describe: 'output format' },
  output: { short: 'o', type: 'string', value: 'FILE', group: 'Output:', describe: 'output file. Text formats (text, hex, strace, csv, jsonl) default to stdout, also written as "-"; arrow, arrows, parquet and perfetto to the first input\'s name with the format\'s extension (run.bin → run.parquet)' },
  timestamp: { short: 't', type: 'count', group: 'Output:', describe: 'print timestamps: text and hex add a time column; strace: -t time of day, -tt with µs, -ttt epoch seconds' },
  'relative-timestamps': { short: 'r', type: 'boolean', group: 'Output:', describe: 'strace: print the time since the previous line' },
  'syscall-times': { short: 'T', type: 'boolean', group: 'Output:', describe: 'strace: print the time spent in each call' },
  'decode-fds': { short: 'y', type: 'boolean', group: 'Output:', describe: 'strace and perfetto: print the paths of file descriptor arguments' },
  'follow-forks': { short: 'f', type: 'count', group: 'Output:', describe: 'strace: start every line with its pid, as strace -f does (default: when the recording followed forks or has several processes). -ff (strace\'s one file per process) is refused: -p PID converts one process' },
  'hex-separator': { short: 'K', type: 'string', value: 'SEP', group: 'Output:', describe: 'field separator of the text and hex formats (its first character; default a space)' },
  'string-limit': { short: 's', type: 'number', value: 'N', group: 'Output:', describe: 'strace, perfetto and hex: print at most this many bytes of each string ("..." marks the cut)' },
  compression: { type: 'string', value: 'CODEC', choices: ['zstd', 'snappy', 'none'], default: 'zstd', group: 'Parquet:', describe: 'Parquet codec' },
  'row-group-size': { type: 'number', value: 'N', default: 65536, group: 'Parquet:', describe: 'Parquet rows per row group' },
  'parquet-threads': { type: 'number', value: 'N', default: 1, group: 'Parquet:', describe: 'encoder threads; row groups are encoded in parallel and spliced into one file (each adds ~100 MB of memory)' },
  'partition-by': { type: 'string', value: 'KEYS', group: 'Parquet:', describe: `write a hive-partitioned dataset (a directory) by these keys, comma-separated: ${PARTITION_KEYS.join(', ')}` },
  failed: { short: 'X', type: 'boolean', group: 'Filters:', describe: 'only syscalls that failed (returned -errno)' },
  expr: { short: 'e', type: 'string', value: 'EXPR', group: 'Filters:', describe: 'syscall set as strace -e trace= takes it: names, numbers, %file/%net/… classes, /regex, ! to negate (trace= prefix optional)' },
  pid: { short: 'p', type: 'number', list: true, value: 'PID', group: 'Filters:', describe: 'only these process ids (comma-separated or repeated)' },
  tid: { type: 'number', list: true, value: 'TID', group: 'Filters:', describe: 'only these thread ids (comma-separated or repeated)' },
  since: { type: 'string', value: 'TIME', group: 'Filters:', describe: 'only calls from this time: +1.5s, 250ms, 100us, 42ns after the start of the recording, or a wall-clock ISO time (2026-11-26T10:00:00.5Z)' },
  until: { type: 'string', value: 'TIME', group: 'Filters:', describe: 'only calls before this time (same forms as --since)' },
  threads: { type: 'boolean', negatable: true, group: 'Other:', describe: 'decode in a second thread while this one formats (default: from 8 MiB of input when a CPU is idle, except parquet, whose encoder has its own thread); --no-threads does everything in one thread (the same bytes out)' },
  progress: { type: 'boolean', negatable: true, group: 'Other:', describe: 'progress bar on stderr (default: when stderr is a terminal)' },
  ...STANDARD_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

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

/** What main() reads of the parsed command line (the options' long names). */
export interface ConvertArgs {
  _: string[];
  help?: boolean;
  version?: boolean;
  completion?: boolean;
  to: string;
  output?: string;
  timestamp: number;
  'relative-timestamps'?: boolean;
  'syscall-times'?: boolean;
  'decode-fds'?: boolean;
  'follow-forks': number;
  'hex-separator'?: string;
  'string-limit'?: number;
  compression: string;
  'row-group-size': number;
  'parquet-threads': number;
  'partition-by'?: string;
  failed?: boolean;
  expr?: string;
  pid?: number[];
  tid?: number[];
  since?: string;
  until?: string;
  threads?: boolean;
  progress?: boolean;
}

/** The arguments of a command line; throws ArgsError. */
export function convertArgs(argv: readonly string[]): ConvertArgs {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  return { ...values, _: [...positionals] } as unknown as ConvertArgs;
}

/** --help */
export function helpText(): string {
  return renderHelp(PROG, OPTIONS, {
    usage: ['[options] RECORDING... [--to FORMAT] [-o OUTPUT]'],
    description: `Convert vltrace recordings to ${FORMATS.join(', ')}. Several recordings are merged in time order. ` +
      'The columns of csv, jsonl, arrow and parquet are described in SCHEMA.md.',
    examples: [
      ['run.bin', 'vltrace text on stdout'],
      ['run.bin --to strace -tt -T', 'strace lines with times of day and durations'],
      ['run.bin --to parquet -X -e %file', 'failed file calls into run.parquet'],
      ['a.bin b.bin --to parquet --partition-by pid,date -o ds', 'a hive-partitioned dataset in ds/'],
    ],
    epilogue: ['Exit status: 0 done (a recording cut short converts up to its last whole packet, with a warning), 1 usage error, ' +
      '2 bad input (what was converted before the error is kept as NAME.partial.EXT) or an output that cannot be written.'],
  });
}

/** Other files people hand to vltrace-convert, by their first bytes. */
const NOT_RECORDINGS: readonly [magic: string, what: string, hint: string][] = [
  ['PAR1', 'a Parquet file', "vltrace-query reads Parquet: vltrace-query sql 'SELECT ...' FILE"],
  ['ARROW1', 'an Arrow IPC file', 'vltrace-convert reads vltrace recordings (.bin) only'],
];

/** An InputError when `file` starts like Parquet or Arrow, not like a recording. */
async function notARecording(file: string): Promise<InputError | undefined> {
  const fh = await open(file, 'r');
  const head = Buffer.alloc(8);
  try {
    await fh.read(head, 0, 8, 0);
  } finally {
    await fh.close();
  }
  for (const [magic, what, hint] of NOT_RECORDINGS) {
    if (head.toString('latin1', 0, magic.length) === magic) return new InputError(file, 'EFTYPE', `${file} is ${what}, not a vltrace recording (${hint})`);
  }
  return undefined;
}

/** A FormatError (bad input) — @vltrace/format's index is imported by then, when it can be one. */
async function isFormatError(e: Error): Promise<boolean> {
  return e.name === 'FormatError' && e instanceof (await import('@vltrace/format')).FormatError;
}

/** Runs the command and sets the exit status. */
export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await run(argv);
}

/** Runs the command with these arguments; returns the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  let bar: Awaited<ReturnType<typeof progressBar>>;
  try {
    const args = convertArgs(argv);
    if (args.help || args.version || args.completion) {
      process.stdout.write(args.help ? helpText() : args.version ? versionLine(PROG, new URL('../../package.json', import.meta.url))
        : completionScript({ prog: PROG, commands: { '': OPTIONS } }));
      return EXIT.OK;
    }
    if (args['follow-forks'] > 1) {
      throw new UsageError('-ff (one output file per process) is not supported: -f prefixes every line with its pid, and -p PID converts one process');
    }
    const inputs = args._;
    if (inputs.length === 0) throw new UsageError('no input recording given');
    for (const f of inputs) {
      const st = await stat(f).catch((e: unknown) => e as Error);
      if (st instanceof Error) throw inputError(f, st);
      if (!st.isFile()) {
        say(PROG, `cannot read '${f}': not a file`);
        return EXIT.BAD_INPUT;
      }
      const other = await notARecording(f).catch((e: unknown) => inputError(f, e));
      if (other) throw other;
    }
    const opts: ConvertOptions = {
      inputs,
      to: args.to as Format,
      ...(args.output !== undefined ? { output: args.output } : {}),
      timestamps: args.timestamp,
      relativeTimestamps: args['relative-timestamps'] === true,
      syscallTimes: args['syscall-times'] === true,
      decodeFds: args['decode-fds'] === true,
      ...(args['follow-forks'] === 1 ? { followForks: true } : {}),
      ...(args['hex-separator'] !== undefined ? { separator: args['hex-separator'] } : {}),
      ...(args['string-limit'] !== undefined ? { stringWidth: args['string-limit'] } : {}),
      compression: args.compression as 'zstd' | 'snappy' | 'none',
      rowGroupSize: args['row-group-size'],
      workers: args['parquet-threads'],
      ...(args['partition-by'] !== undefined ? { partitionBy: partitionKeys(args['partition-by']) } : {}),
      failed: args.failed === true,
      ...(args.expr !== undefined ? { trace: args.expr } : {}),
      ...(args.pid !== undefined ? { pids: args.pid } : {}),
      ...(args.tid !== undefined ? { tids: args.tid } : {}),
      ...(args.since !== undefined ? { since: args.since } : {}),
      ...(args.until !== undefined ? { until: args.until } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
    };
    if (opts.stringWidth !== undefined && !(opts.stringWidth >= 0)) throw new UsageError('-s/--string-limit must be a number ≥ 0');
    if (!(opts.rowGroupSize! >= 1)) throw new UsageError('--row-group-size must be a number ≥ 1');
    if (!(opts.workers! >= 1)) throw new UsageError('--parquet-threads must be a number ≥ 1');
    if (opts.partitionBy && opts.to !== 'parquet') throw new UsageError('--partition-by applies to --to parquet only');
    // a binary format is a file (renamed into place when complete, kept as .partial when the input is bad)
    if (opts.output === '-' && BINARY_FORMATS.has(opts.to)) throw new UsageError(`--to ${opts.to} writes a file: give -o FILE, not -`);
    // the converter (the decoder, the sinks) is imported only now: --help and usage errors start
    // without it (~40 ms of module loading)
    const { convert } = await import('./convert.js');
    bar = await progressBar(args.progress);
    const res = await convert({ ...opts, ...(bar ? { onProgress: (p: ConvertProgress) => bar!.update(p) } : {}) });
    bar?.stop();
    for (const w of res.warnings) say(PROG, `warning: ${w.file}: offset ${w.offset}: ${w.message}`);
    const lost = res.stats.reduce((s, st) => s + st.lostPackets, 0n);
    if (lost > 0n) say(PROG, `note: the recorder lost ${lost} packets; the output has rows with status 'lost' where they were`);
    if (res.output) say(PROG, `wrote ${res.rows} rows to ${res.output}`);
    return EXIT.OK;
  } catch (e) {
    bar?.stop();
    if (e instanceof UsageError || e instanceof ArgsError) {
      sayUsage(PROG, e.message);
      return EXIT.USAGE;
    }
    if (e instanceof ConvertError) {
      say(PROG, e.message);
      say(PROG, e.partial ? `the ${e.rows} rows converted before the error are in ${e.partial}`
        : e.streamed && e.rows > 0 ? `the ${e.rows} rows converted before the error were written`
          : 'nothing was converted before the error; no output written');
      return EXIT.BAD_INPUT;
    }
    if (e instanceof InputError || (e instanceof Error && await isFormatError(e))) {
      say(PROG, e.message);
      return EXIT.BAD_INPUT;
    }
    if (e instanceof OutputPathError) {
      say(PROG, e.message);
      return EXIT.CANNOT_WRITE;
    }
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.OK; // stdout closed early (| head)
    sayInternal(PROG, e);
    return 70;
  }
}
