/**
 * The sink contract every output format follows, and the registry that creates one by name.
 * Text formats write to a stream; binary formats (arrow, arrows, parquet, perfetto) write to a file
 * descriptor or a file path (a directory for a partitioned Parquet dataset). A sink gets every item of the converted
 * stream in time order — syscall batches (`Rows`), lost-event reports, process events, the
 * trailer — and flushes everything in close().
 */
import type { SyscallBatch, TraceHeader, TraceItem } from '@vltrace/format';
import type { FilterOptions } from './filter.js';

/** One output format. */
export interface Sink {
  /** Takes the next item; a returned promise asks the caller to wait (backpressure). */
  write(item: TraceItem): void | Promise<void>;
  /** Flushes and finishes the output (the file is complete once this resolves). */
  close(): Promise<void>;
}

/** Output formats, in the order --help lists them. */
export const FORMATS = ['text', 'hex', 'strace', 'csv', 'jsonl', 'arrow', 'arrows', 'parquet', 'perfetto'] as const;
export type Format = (typeof FORMATS)[number];

/** Formats written to a file path rather than a stream. */
export const BINARY_FORMATS: ReadonlySet<Format> = new Set(['arrow', 'arrows', 'parquet', 'perfetto']);

/**
 * Formats that take ENTERED rows (the reader's `entered` option): a call still running after the
 * reorder window arrives first as its entry, then whole when it ends. strace prints a blocking
 * call where it starts (`wait4(-1,  <unfinished ...>`).
 */
export const ENTERED_FORMATS: ReadonlySet<Format> = new Set(['strace']);

/**
 * Formats whose output shows the reader's batch boundaries (arrow: one record batch per batch;
 * parquet: the encoder's bytes change with the record batches a row group is made of): the decoding thread
 * must cut the batches the one-thread path cuts (no `quickStart`), so that both write the same
 * bytes.
 */
export const BATCHED_FORMATS: ReadonlySet<Format> = new Set(['arrow', 'arrows', 'parquet']);

/**
 * Formats whose sink gives batches back to the reader (SinkOptions.recycle). With the decoding
 * thread, their batches' columns are shared with it rather than moved (the reader's
 * sharedColumns), to go back; for the others that would only cost: shared memory the thread
 * never gets back is allocated anew for every batch and freed late (arrow: peak RSS 227 against
 * 167 MiB, 0.89 against 0.73 s).
 */
export const RECYCLING_FORMATS: ReadonlySet<Format> = new Set(['text', 'hex', 'csv', 'jsonl', 'parquet']);

/** File extension of each format's output. */
export const EXTENSIONS: Record<Format, string> = {
  text: '.txt', hex: '.hex', strace: '.strace', csv: '.csv', jsonl: '.jsonl', arrow: '.arrow', arrows: '.arrows', parquet: '.parquet', perfetto: '.pftrace',
};

export type ParquetCompression = 'zstd' | 'snappy' | 'none';
/** Keys a Parquet dataset can be partitioned by (hive style: key=value directories). */
export const PARTITION_KEYS = ['pid', 'syscall', 'date', 'hour', 'comm', 'status'] as const;
export type PartitionKey = (typeof PARTITION_KEYS)[number];

/** Options of createSink. Each format reads the ones that concern it. */
export interface SinkOptions {
  /** header of the (first) input: syscall names, clock, metadata */
  header: TraceHeader;
  /** -t: 1 = -t, 2 = -tt, 3 = -ttt (strace); text and hex print a relative timestamp column when ≥ 1 */
  timestamps?: number;
  /** -r (strace): relative timestamp of each line */
  relativeTimestamps?: boolean;
  /** -T (strace): time spent in each call */
  syscallTimes?: boolean;
  /** -y (strace): print paths of fd arguments */
  decodeFds?: boolean;
  /**
   * strace with -y: the filters, applied by the sink when it prints instead of by the source,
   * so that the fd tracker sees the calls and processes left out (convert() sets it)
   */
  printFilter?: FilterOptions;
  /** -f (strace): a pid prefix on every line (default: when the recording has several processes) */
  followForks?: boolean;
  /** -K: field separator of the text and hex formats (its first character; default ' ') */
  separator?: string;
  /** -s: string width when printing (strace, hex); strings are cut with "..." beyond it */
  stringWidth?: number;
  /** parquet: codec (default zstd) */
  compression?: ParquetCompression;
  /** parquet: rows per row group (default 65536) */
  rowGroupSize?: number;
  /** parquet: write a hive-partitioned dataset into a directory */
  partitionBy?: readonly PartitionKey[];
  /** parquet: encoder threads for a single file (default 1; row groups are encoded in parallel and spliced) */
  workers?: number;
  /**
   * bytes of input whose every row will come (no filter): a hint for what to start early —
   * parquet starts its encoder thread with the sink when that many bytes surely hold several
   * row groups (convert() sets it)
   */
  inputBytes?: number;
  /**
   * takes back a syscall batch the sink got once it no longer needs the batch's memory (it
   * must not touch the batch afterwards): the reader writes later batches there instead of in
   * fresh memory (convert() sets it). csv, jsonl and hex give each batch back as soon as it is
   * formatted, text once no exit of it waits to be printed, parquet once its rows are in an
   * encoder's input; strace (which keeps calls for later) and arrow (whose output chunks are
   * views of the batch) give nothing back
   */
  recycle?: (batch: SyscallBatch) => void;
  /**
   * mode of the files a sink creates itself (a path given as `out`, the files of a dataset;
   * its directories get derivedMode(mode, true)); default 0o666, the umask applies
   */
  mode?: number;
}

/** Where a sink writes: a stream (text formats), or a file descriptor or path (binary formats). */
export type SinkOutput = NodeJS.WritableStream | string | number;

type SinkFactory = (out: SinkOutput, options: SinkOptions) => Sink | Promise<Sink>;

// Each format lives in its own module, imported when it is used (parquet-wasm is 5 MB of wasm,
// apache-arrow many modules).
const MODULES = {
  text: () => import('./sinks/text.js'),
  hex: () => import('./sinks/hex.js'),
  strace: () => import('./sinks/strace.js'),
  csv: () => import('./sinks/csv.js'),
  jsonl: () => import('./sinks/jsonl.js'),
  arrow: () => import('./sinks/arrow.js'),
  parquet: () => import('./sinks/parquet.js'),
  perfetto: () => import('./sinks/perfetto.js'),
};

const FACTORIES: Record<Format, SinkFactory> = {
  text: (out, o) => MODULES.text().then((m) => m.createTextSink(stream(out), o)),
  hex: (out, o) => MODULES.hex().then((m) => m.createHexSink(stream(out), o)),
  strace: (out, o) => MODULES.strace().then((m) => m.createStraceSink(stream(out), o)),
  csv: (out, o) => MODULES.csv().then((m) => m.createCsvSink(stream(out), o)),
  jsonl: (out, o) => MODULES.jsonl().then((m) => m.createJsonlSink(stream(out), o)),
  arrow: (out, o) => MODULES.arrow().then((m) => m.createArrowSink(path(out), o, 'file')),
  arrows: (out, o) => MODULES.arrow().then((m) => m.createArrowSink(path(out), o, 'stream')),
  parquet: (out, o) => MODULES.parquet().then((m) => m.createParquetSink(path(out), o)),
  perfetto: (out, o) => MODULES.perfetto().then((m) => m.createPerfettoSink(path(out), o)),
};

/**
 * Starts importing a format's module now (convert() does while the decoding thread starts and
 * reads the header, which createSink needs); errors surface in createSink.
 */
export function preloadSink(format: Format): void {
  const load = MODULES[format === 'arrows' ? 'arrow' : format];
  if (load) load().catch(() => undefined);
}

function stream(out: SinkOutput): NodeJS.WritableStream {
  if (typeof out === 'string' || typeof out === 'number') throw new TypeError('this format writes to a stream, not a file');
  return out;
}

function path(out: SinkOutput): string | number {
  if (typeof out !== 'string' && typeof out !== 'number') throw new TypeError('this format writes to a file descriptor or path, not a stream');
  return out;
}

/**
 * Creates the sink of a format. Text formats take a writable stream; arrow, arrows, parquet and perfetto
 * take a file descriptor (written, not closed: it is the caller's) or a path, which they create
 * safely (@vltrace/format/files) and rename into place when closed; with partitionBy, parquet
 * takes the path of a directory of this user, which it creates if missing.
 */
export async function createSink(format: Format, out: SinkOutput, options: SinkOptions): Promise<Sink> {
  const factory = FACTORIES[format];
  if (!factory) throw new Error(`unknown output format '${String(format)}' (one of ${FORMATS.join(', ')})`);
  return factory(out, options);
}
