/**
 * A Parquet encoder thread. Two jobs, both fed with Arrow IPC streams by the parquet sink:
 * - `chunk`: encode one row group's worth of rows as a whole Parquet file in memory and send
 *   it back (several of these threads run in parallel; parquet-splice.ts joins the parts);
 * - `batch`: stream record batches into parquet-wasm's streaming writer for a file of a
 *   partitioned dataset (one writer per file), written here.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { createFile } from '@vltrace/format/files';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type * as ParquetWasm from 'parquet-wasm/node';

/**
 * How much of parquet-wasm V8 recompiles with its optimising compiler. Liftoff, the baseline
 * compiler, compiles the whole module as it loads; a function is recompiled by TurboFan, in
 * background threads, once it has run about this much (in V8's units: bytes of code run). At
 * V8's default (1.8M) hundreds of functions qualify within the first row groups, and their
 * compiling took ~0.7 CPU-seconds per conversion of 1M syscalls, on the same two CPUs as the
 * decoding and the encoding. At 50M the hot loops still are recompiled, the rest is not: the 1M
 * conversion 0.86 of the time (6 rounds alternating), 3M the same as the default (no slower
 * once warm). Set before the module is compiled (the require below); the flag is the process's,
 * and an explicit --wasm-tiering-budget of the user's is left alone.
 */
const WASM_TIERING_BUDGET = 50_000_000;
if (!process.execArgv.some((a) => a.startsWith('--wasm-tiering-budget'))) setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);

/**
 * parquet-wasm's Node build is CommonJS: required, not imported. An ESM import of it first runs
 * Node's scan for CommonJS exports over its 100 KB of glue code, in every encoder thread: its
 * start took ~13 ms and ~25 ms of CPU more (5 runs each).
 */
export const pq = createRequire(import.meta.url)('parquet-wasm/node') as typeof ParquetWasm;

/**
 * Writer settings beyond the CLI's. The defaults are the measured best (BENCHMARKS.md, "Parquet
 * writer settings"; bench/parquet-encoder.bench.ts tries the alternatives side by side).
 */
export interface ParquetTuning {
  /** columns with dictionary pages; the others are not dictionary-encoded (default DICTIONARY_COLUMNS) */
  dictionary?: readonly string[];
  /** integer columns written DELTA_BINARY_PACKED instead of PLAIN (default DELTA_COLUMNS) */
  delta?: readonly string[];
  /** columns with column-chunk min/max/null-count statistics; none elsewhere (default STATS_COLUMNS) */
  statistics?: readonly string[];
  /** values handed to the column writers at a time; a data page ends only between two (default 8192) */
  writeBatchSize?: number;
}

/** Settings the sink passes as workerData. */
export interface ParquetWorkerData extends ParquetTuning {
  compression: 'zstd' | 'snappy' | 'none';
  rowGroupSize: number;
  createdBy: string;
  /** the Arrow schema's metadata, also written as the file's own key-value metadata (arrow-rs keeps it only inside `ARROW:schema`) */
  keyValueMetadata?: ReadonlyMap<string, string>;
  /** mode of a dataset's files (umask applies) */
  fileMode?: number;
  /** mode of a dataset's directories */
  dirMode?: number;
}

/** Messages main → worker. */
export type ToWorker =
  | { type: 'chunk'; seq: number; ipc: Uint8Array }
  | { type: 'batch'; file: string; ipc: Uint8Array }
  | { type: 'end' };
/** Messages worker → main. */
export type FromWorker =
  /** an encoded part, and the chunk's IPC buffer given back for reuse (when it was a whole one) */
  | { type: 'part'; seq: number; bytes: Uint8Array; ipc?: SharedArrayBuffer }
  | { type: 'taken' }
  | { type: 'done' }
  | { type: 'error'; message: string };

/**
 * The string columns with few distinct values: dictionary pages (SCHEMA.md: "dictionary-encoded
 * by Parquet"). Elsewhere a dictionary costs more than it saves: on timestamps, durations and
 * raw arguments the writer hashes every value, overflows the dictionary page and falls back;
 * on paths it made files no smaller. Dictionary on every column (parquet-wasm's default) made
 * the encoder 2.2× slower and the files 1.4–2× larger than these settings (with the rest below).
 */
export const DICTIONARY_COLUMNS = ['comm', 'syscall', 'errno_name', 'status', 'signal'];
/**
 * Every integer and timestamp column: DELTA_BINARY_PACKED (sorted timestamps become a few bits
 * per row; small ints and ids pack tightly) is cheaper to encode than PLAIN + ZSTD on 8 bytes a
 * value, and read by DuckDB, Arrow C++/pyarrow, arrow-rs, parquet-java and hyparquet.
 */
export const DELTA_COLUMNS = ['ts_enter', 'ts_exit', 'duration_ns', 'pid', 'tid', 'nr', 'arg0', 'arg1', 'arg2', 'arg3', 'arg4', 'arg5',
  'str_flags', 'ret', 'errno', 'lost', 'cpu', 'signo', 'si_code', 'si_pid', 'si_status'];
/**
 * Columns queries filter on, which keep row-group min/max (time ranges, processes, syscalls,
 * failures). Page-level statistics (the default) cost 20–30% of the encoding and the page
 * indexes they feed are dropped when row groups are spliced anyway.
 */
export const STATS_COLUMNS = ['ts_enter', 'ts_exit', 'pid', 'tid', 'nr', 'syscall', 'errno'];

/** The writer properties for these settings (fresh each time: writeParquet consumes them). */
export function parquetProperties(data: ParquetWorkerData): ParquetWasm.WriterProperties {
  const codec = { zstd: pq.Compression.ZSTD, snappy: pq.Compression.SNAPPY, none: pq.Compression.UNCOMPRESSED }[data.compression];
  let b = new pq.WriterPropertiesBuilder()
    .setCompression(codec)
    .setMaxRowGroupSize(data.rowGroupSize)
    .setCreatedBy(data.createdBy)
    .setWriteBatchSize(data.writeBatchSize ?? 8192)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(pq.EnabledStatistics.None);
  if (data.keyValueMetadata) b = b.setKeyValueMetadata(new Map(data.keyValueMetadata));
  for (const c of data.dictionary ?? DICTIONARY_COLUMNS) b = b.setColumnDictionaryEnabled(c, true);
  for (const c of data.delta ?? DELTA_COLUMNS) b = b.setColumnEncoding(c, pq.Encoding.DELTA_BINARY_PACKED);
  for (const c of data.statistics ?? STATS_COLUMNS) b = b.setColumnStatisticsEnabled(c, pq.EnabledStatistics.Chunk);
  return b.build();
}

// when imported by a benchmark (not as a worker) only the exports above are wanted
const port = parentPort!;
const data = workerData as ParquetWorkerData;

/**
 * One file of a dataset: a pull-based stream of record batches into transformParquetStream,
 * written under a temporary name (@vltrace/format/files) and renamed into place when complete.
 * Its directories are inside the dataset's, which belongs to this user and nobody else can
 * write to (the sink checks it).
 */
class FileWriter {
  private queue: ParquetWasm.RecordBatch[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true, mode: data.dirMode ?? 0o777 });
    const out = createFile(file, data.fileMode ?? 0o666);
    const input = new ReadableStream<ParquetWasm.RecordBatch>({
      pull: async (controller) => {
        while (this.queue.length === 0 && !this.ended) await new Promise<void>((r) => (this.wake = r));
        const rb = this.queue.shift();
        if (rb) {
          controller.enqueue(rb);
          port.postMessage({ type: 'taken' } satisfies FromWorker);
        } else {
          controller.close();
        }
      },
    }, { highWaterMark: 0 });
    this.done = (async () => {
      try {
        const parquet = await pq.transformParquetStream(input, parquetProperties(data));
        // the stream leaves the fd to out.commit() and out.discard()
        await parquet.pipeTo(Writable.toWeb(createWriteStream('', { fd: out.fd, autoClose: false })));
      } catch (e) {
        out.discard();
        throw e;
      }
      out.commit();
    })();
  }

  push(rb: ParquetWasm.RecordBatch): void {
    this.queue.push(rb);
    this.wake?.();
    this.wake = undefined;
  }

  end(): void {
    this.ended = true;
    this.wake?.();
    this.wake = undefined;
  }
}

const files = new Map<string, FileWriter>();
let failed = false;
const fail = (e: unknown) => {
  if (failed) return;
  failed = true;
  port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
};

if (!isMainThread) port.on('message', (msg: ToWorker) => {
  if (failed) return;
  try {
    if (msg.type === 'chunk') {
      const table = pq.Table.fromIPCStream(msg.ipc);
      const bytes = pq.writeParquet(table, parquetProperties(data));
      // the IPC is in wasm memory now: its buffer goes back to the sink for the next group
      const ipc = msg.ipc.buffer instanceof SharedArrayBuffer ? msg.ipc.buffer : undefined;
      port.postMessage({ type: 'part', seq: msg.seq, bytes, ...(ipc ? { ipc } : {}) } satisfies FromWorker, [bytes.buffer as ArrayBuffer]);
    } else if (msg.type === 'batch') {
      let w = files.get(msg.file);
      if (!w) {
        w = new FileWriter(msg.file);
        w.done.catch(fail);
        files.set(msg.file, w);
      }
      const table = pq.Table.fromIPCStream(msg.ipc);
      for (const rb of table.recordBatches()) w.push(rb);
      table.free();
    } else {
      for (const w of files.values()) w.end();
      Promise.all([...files.values()].map((w) => w.done)).then(
        () => port.postMessage({ type: 'done' } satisfies FromWorker),
        fail,
      );
    }
  } catch (e) {
    fail(e);
  }
});
