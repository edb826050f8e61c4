/**
 * convert(): recordings → filters → one sink. Reads the inputs' items (merged in time order when
 * there are several), applies the shared filters, and pumps the batches into the format's sink,
 * honouring its backpressure. Files are written under a temporary name and renamed when
 * complete (output.ts: never through a planted symlink, never more readable than the inputs);
 * bad input part-way leaves `<name>.partial<ext>` (or nothing, if nothing converted).
 */
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { FormatWarning, OpenTraceOptions, SyscallBatch, TraceStats } from '@vltrace/format';
import { ConvertError, InputError } from './errors.js';
import type { Filter, FilterOptions } from './filter.js';
import { outputPathError } from '@vltrace/format/files';
import { defaultOutputPath, outputMode, partialPath, pendingOutput, type OutputKind, type PendingOutput } from './output.js';
import { BATCHED_FORMATS, BINARY_FORMATS, createSink, ENTERED_FORMATS, preloadSink, RECYCLING_FORMATS, type Format, type SinkOptions } from './sink.js';
import type { Source } from './source.js';
import { openSourceInWorker } from './threaded-source.js';

export { ConvertError };

/** Progress of a running conversion. */
export interface ConvertProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
}

export interface ConvertOptions extends FilterOptions, Omit<SinkOptions, 'header' | 'mode' | 'recycle'> {
  /** the recordings (several are merged in time order) */
  inputs: readonly string[];
  /** output format */
  to: Format;
  /**
   * output path. Text formats default to `stdout` (or '-'); arrow, arrows, parquet and perfetto default to
   * the first input's name with the format's extension (run.bin → run.parquet), beside it
   */
  output?: string;
  /** where text formats go without `output` (default process.stdout) */
  stdout?: NodeJS.WritableStream;
  /** called after each batch */
  onProgress?: (p: ConvertProgress) => void;
  /** reader options (reorder window, batch size) */
  reader?: OpenTraceOptions;
  /**
   * decode in a worker thread while the main thread writes (default: for inputs of 8 MiB and
   * more when a core is idle — the 1-minute load average below the CPUs less one — except for
   * parquet, whose encoding already runs in its own thread and which is the format closest to
   * the memory budget). `false` does everything in the calling thread; the output is the same
   * bytes either way
   */
  threads?: boolean;
}

export interface ConvertResult {
  /** rows written (syscalls, lost-event and signal rows) */
  readonly rows: number;
  /** the output file or directory, undefined for a stream */
  readonly output: string | undefined;
  readonly stats: TraceStats[];
  readonly warnings: FormatWarning[];
}

/**
 * Below this much input the decoding thread is not worth starting: its start-up (a V8 isolate,
 * its own imports: 45–50 ms to the recording open on a quiet machine, 2026-12-05) and its cold
 * code are more than it saves. At 100k syscalls (10.7 MB) the two ways took the same time
 * (text 0.22 s with the thread, 0.21 without; jsonl 0.27 / 0.28, 11 alternating rounds).
 */
const WORKER_MIN_BYTES = 8 << 20;

/**
 * Whether a core is idle for the decoding thread. On a busy machine the two threads mostly wait
 * for each other's turn on a CPU: the 1M bench file at load 2.7–6 on 2 CPUs (5 alternating
 * rounds) converted in 1.33 s in one thread against 2.60 s with the decoding thread (text), 2.38
 * vs 2.61 (csv), 3.07 vs 3.59 (jsonl), 1.30 vs 2.02 (arrow), with less CPU time in each.
 *
 * A core is free when the other tasks runnable right now (Linux: /proc/loadavg's running count,
 * less this thread) leave one, and the last minute was not oversubscribed (1-minute load below
 * the CPUs plus one: conversions of this process's two threads run back to back bring it near
 * 2, not past 3 on 2 CPUs; a neighbour between bursts, a `make -j` say, does). The load average
 * alone lags by a minute: after a build, or the previous conversion, it stays above CPUs − 1 on
 * an idle machine, and every conversion of that minute ran in one thread. Without
 * /proc/loadavg: the 1-minute load below the CPUs less one.
 */
export function coreIsFree(cpus = availableParallelism(), load = loadavg()[0]!, runnable: number | null = runnableNow()): boolean {
  if (runnable === null) return load < cpus - 1;
  return runnable - 1 < cpus - 1 && load < cpus + 1;
}

/**
 * Tasks runnable on the machine now, this thread included (Linux), else null: the least of a few
 * looks over ~2 ms, since this process's own helper threads (V8 compiling what was just
 * imported, the garbage collector) are often runnable at any single instant.
 */
function runnableNow(): number | null {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let least = Infinity;
  try {
    for (let k = 0; k < 5; k++) {
      if (k > 0) Atomics.wait(pause, 0, 0, 0.5);
      // "0.52 0.58 0.59 2/511 12345": the fourth field is running/total
      const n = Number(readFileSync('/proc/loadavg', 'latin1').split(' ')[3]?.split('/')[0]);
      if (!(Number.isInteger(n) && n >= 1)) return null;
      least = Math.min(least, n);
    }
    return least;
  } catch {
    return null;
  }
}

function inputBytes(inputs: readonly string[]): number {
  let n = 0;
  for (const f of inputs) {
    try {
      n += statSync(f).size;
    } catch {
      // a missing input is reported by the reader, with its name
    }
  }
  return n;
}

/** Errors of the output itself (no space left, an I/O error): reported as OutputPathError. */
const WRITE_SYSCALLS: ReadonlySet<string> = new Set(['write', 'writev', 'open', 'close', 'fsync', 'rename', 'mkdir', 'unlink']);

function isWriteError(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  return typeof err?.code === 'string' && err.syscall !== undefined && WRITE_SYSCALLS.has(err.syscall);
}

/** The filter options of convert's options (undefined when none is given). */
function filterOf(o: FilterOptions): FilterOptions | undefined {
  const { failed, trace, pids, tids, since, until } = o;
  const f: FilterOptions = { failed, trace, pids, tids, since, until };
  const given = Object.entries(f).filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0));
  return given.length ? Object.fromEntries(given) as FilterOptions : undefined;
}

/**
 * Rows of a batch that are calls (an ENTERED row, status `entered`, is counted when its call
 * arrives whole); `only`: the rows selected.
 */
function callsIn(b: SyscallBatch, entered: number, only?: Int32Array): number {
  let n = 0;
  if (only) {
    for (const i of only) if (b.status[i] !== entered) n++;
    return n;
  }
  for (let i = 0; i < b.length; i++) if (b.status[i] !== entered) n++;
  return n;
}

/** Converts recordings into one output; see ConvertOptions. */
export async function convert(opts: ConvertOptions): Promise<ConvertResult> {
  const threads = opts.threads ?? (opts.to !== 'parquet' && inputBytes(opts.inputs) >= WORKER_MIN_BYTES && coreIsFree());
  preloadSink(opts.to);
  const binary = BINARY_FORMATS.has(opts.to);
  const toStream = !binary && (opts.output === undefined || opts.output === '-');
  // converted data is never more readable than the recordings it comes from
  const mode = outputMode(opts.inputs);
  const kind: OutputKind = !binary ? 'stream' : opts.to === 'parquet' && opts.partitionBy?.length ? 'directory' : 'fd';
  // the output is created first: a name that cannot be written is reported before any decoding
  const pending: PendingOutput | undefined = toStream ? undefined : pendingOutput(opts.output ?? defaultOutputPath(opts.inputs[0]!, opts.to), kind, mode);
  // the strace format prints a long call's entry half at its time: it asks for ENTERED rows
  const reader: OpenTraceOptions = ENTERED_FORMATS.has(opts.to) ? { entered: true, ...opts.reader } : (opts.reader ?? {});
  // strace -y of one recording filters where it prints: its fd tracker must see every call
  // (the parent that opened a descriptor its printed child inherits, the open before the reads)
  const printFilter = opts.to === 'strace' && opts.decodeFds === true && opts.inputs.length === 1 ? filterOf(opts) : undefined;
  const sourceFilter: FilterOptions = printFilter ? {} : opts;
  // the decoding thread hands over small batches first (quickStart) unless the format writes
  // one record batch per batch: then it cuts them as the one-thread path does
  const opening = threads
    ? openSourceInWorker(opts.inputs, sourceFilter, {
      ...(BATCHED_FORMATS.has(opts.to) ? { quickStart: false } : {}),
      ...(RECYCLING_FORMATS.has(opts.to) ? { sharedColumns: true } : {}),
      ...reader,
    })
    : import('./source.js').then((m) => m.openSource(opts.inputs, sourceFilter, reader));
  // the decoder's library (and with it most of what the sink needs) is imported here, not with
  // this module: a decoding thread starts first and boots while this thread reads it (a
  // command-line conversion with the thread ~20 ms sooner)
  const lib = import('@vltrace/format');
  let source: Source;
  try {
    source = await opening;
  } catch (e) {
    await pending?.discard();
    throw e;
  }
  const { FormatError, SyscallStatus } = await lib;
  const { inputs: _i, to: _t, output: _o, stdout: _s, onProgress, reader: _r, threads: _th, ...rest } = opts;
  const unfiltered = filterOf(opts) === undefined;
  const sinkOptions: SinkOptions = {
    ...rest, mode, header: source.header, ...(printFilter ? { printFilter } : {}), ...(unfiltered ? { inputBytes: source.totalBytes } : {}),
    recycle: (b) => source.recycle(b),
  };
  const out = pending ? (pending.stream ?? pending.fd ?? pending.tmp) : (opts.stdout ?? process.stdout);
  let rows = 0;
  let sink;
  // rows written: with the filter applied by the sink, those it selects (a bad filter is
  // reported here, as the source reports it otherwise)
  let counted: Filter | undefined;
  try {
    counted = printFilter ? (await import('./filter.js')).compileFilter(printFilter, source.header) : undefined;
  } catch (e) {
    await pending?.discard();
    await source.close();
    throw e;
  }
  try {
    sink = await createSink(opts.to, out, sinkOptions);
  } catch (e) {
    await pending?.discard();
    await source.close();
    throw pending && isWriteError(e) ? outputPathError(pending.final, e) : e;
  }
  try {
    for await (const item of source.items()) {
      if (item.type === 'syscalls') rows += reader.entered ? callsIn(item.batch, SyscallStatus.ENTERED, counted?.indices(item.batch)) : item.batch.length;
      else if ((item.type === 'lost' || item.type === 'signal') && (counted?.event(item) ?? true)) rows++;
      const w = sink.write(item);
      if (w) await w;
      onProgress?.({ bytesRead: source.bytesRead(), totalBytes: source.totalBytes, rows });
    }
    await sink.close();
    await pending?.commit();
  } catch (e) {
    if (!(e instanceof FormatError || e instanceof InputError)) {
      await sink.close().catch(() => undefined);
      await pending?.discard();
      throw pending && isWriteError(e) ? outputPathError(pending.final, e) : e;
    }
    // bad input part-way: keep what was converted, under a name that says it is partial
    let partial: string | undefined;
    try {
      await sink.close();
      if (pending?.special) {
        // a device or FIFO: the rows went where it leads, nothing to rename
        await pending.commit();
        if (rows > 0) partial = pending.final;
      } else if (pending && rows > 0) {
        partial = partialPath(pending.final);
        await pending.commit(partial);
      } else {
        await pending?.discard();
      }
    } catch {
      await pending?.discard();
      partial = undefined;
    }
    throw new ConvertError(e, partial, rows, toStream);
  }
  return { rows, output: pending?.final, stats: source.stats(), warnings: source.warnings() };
}
