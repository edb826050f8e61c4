/**
 * parquet: the schema of SCHEMA.md written by parquet-wasm (arrow-rs), ZSTD by default.
 *
 * One file: the main thread gathers a row group's worth of rows, turns it into Arrow IPC (in a
 * buffer that goes back and forth between the threads, see IpcBuilder) and hands it to one of
 * several encoder threads (src/parquet-worker.ts), which encode it as a
 * small Parquet file; the parts come back in any order and are spliced, in order, into the
 * output (src/parquet-splice.ts). Decoding, Arrow building and encoding all overlap.
 *
 * A dataset (partitionBy): rows are split by key into a hive-style directory tree
 * (`pid=1234/date=2026-11-26/part-0.parquet`, every file with the full schema), each file
 * streamed by parquet-wasm's streaming writer in one encoder thread.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { AsyncByteQueue, type RecordBatch, RecordBatchStreamWriter, type Schema, Table, tableToIPC } from '../arrow-lib.js';
import { ArrowRows, arrowSchema } from '../arrow-rows.js';
import { syscallNames } from '../fields.js';
import { derivedMode, ensureOwnDir } from '@vltrace/format/files';
import { ParquetSplicer } from '../parquet-splice.js';
import { DEFAULT_FILE_MODE, sinkFile } from '../sink-file.js';
import { partitionRows } from '../partition.js';
import { emptyRows, rowsSink, type Rows } from '../schema.js';
import { rowRange, selectRows } from '../select.js';
import type { Sink, SinkOptions } from '../sink.js';
import type { FromWorker, ParquetWorkerData, ToWorker } from '../parquet-worker.js';
import { startWorker } from '../worker-argv.js';
import { PARQUET_WORKER } from '../worker-paths.js';

export const DEFAULT_ROW_GROUP_SIZE = 65536;
/**
 * Input bytes per row assumed when guessing from the input's size whether it holds more than
 * one row group: more than most syscalls take (72 bytes without strings, ~100–250 with),
 * so the guess errs on the side of one group (no early thread).
 */
const MAX_ROW_BYTES = 256;

/** An encoder thread with a promise-based view of its messages. */
class Encoder {
  readonly worker: Worker;
  busy = 0;
  error: Error | undefined;

  constructor(data: ParquetWorkerData, onMessage: (m: FromWorker, e: Encoder) => void, onError: (e: Error) => void) {
    this.worker = startWorker(PARQUET_WORKER, { workerData: data });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') onError(new Error(`parquet: ${m.message}`));
      else onMessage(m, this);
    });
    this.worker.on('error', onError);
  }

  post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }
}

/** The IPC writer's output, as the chunks it writes (views of the batch's arrays, not copies). */
class ChunkQueue extends AsyncByteQueue {
  chunks: Uint8Array[] = [];
  bytes = 0;

  override write(value: Uint8Array): void {
    this.chunks.push(value);
    this.bytes += value.byteLength;
  }

  /** Moves the chunks written so far out. */
  take(): Uint8Array[] {
    const c = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    return c;
  }
}

/**
 * One row group as an Arrow IPC stream, written straight into one SharedArrayBuffer that goes to
 * the encoder thread (shared, no copy) and comes back with the encoded part to carry the next
 * group (src/parquet-worker.ts). Instead of tableToIPC, which allocates a fresh buffer per group
 * and joins the chunks into it: with one buffer going round, the main thread does not allocate
 * and page-fault ~10 MB per 64K rows, and the encoder thread (which allocates little itself, so
 * rarely collects garbage) no longer keeps dead 10 MB buffers around until a GC: peak RSS on
 * 1M rows went from 275–290 to 215–225 MiB, and the main thread saves a copy's page faults
 * (measured side by side when it was introduced; see the git history of BENCHMARKS.md). The chunks are copied one by one, never joined by apache-arrow's
 * joinUint8Arrays (see arrow-rows.ts on what that does to a buffer written twice).
 */
class IpcBuilder {
  private readonly queue = new ChunkQueue();
  private readonly writer = new RecordBatchStreamWriter();
  private buf: SharedArrayBuffer;
  private used = 0;

  constructor(schema: Schema, buf: SharedArrayBuffer | undefined) {
    this.buf = buf ?? new SharedArrayBuffer(0);
    this.writer.reset(this.queue, schema);
  }

  /** Appends one record batch (its arrays may be reused once this returns). */
  write(rb: RecordBatch): void {
    this.writer.write(rb);
    this.copyOut();
  }

  /** The whole stream: a view of the start of the buffer. */
  finish(): Uint8Array {
    this.writer.finish();
    this.copyOut();
    return new Uint8Array(this.buf, 0, this.used);
  }

  private copyOut(): void {
    const need = this.used + this.queue.bytes;
    if (need > this.buf.byteLength) {
      // room for a group of the same size again, plus slack for longer strings
      const next = new SharedArrayBuffer(Math.max(need + (need >> 3), 2 * this.used));
      new Uint8Array(next).set(new Uint8Array(this.buf, 0, this.used));
      this.buf = next;
    }
    const dst = new Uint8Array(this.buf);
    for (const c of this.queue.take()) {
      dst.set(c, this.used);
      this.used += c.byteLength;
    }
  }
}

/**
 * Rows [start, end) of b as their own batch: views of its columns (a reader's batch, cut where a
 * row group ends), or a copy for a batch with lost or signal columns (which rowRange leaves out).
 */
function sliceRows(b: Rows, start: number, end: number): Rows {
  if (start === 0 && end === b.length) return b;
  if (!b.lost && !b.cpu && !b.signal) return rowRange(b, start, end);
  const idx = new Int32Array(end - start);
  for (let k = 0; k < idx.length; k++) idx[k] = start + k;
  return selectRows(b, idx, idx.length);
}

/** Pending rows: a batch, or what is left of one once a row group took its first rows. */
interface Piece {
  readonly rows: Rows;
  /** the batch the rows are of (views of it, or itself): given back once its last rows are taken */
  readonly batch: Rows;
}

/**
 * A Parquet sink writing to a file descriptor (left open) or a path (see sink-file.ts); with
 * partitionBy, into the directory `out`, which must be this user's (created if missing).
 */
export function createParquetSink(out: string | number, options: SinkOptions): Sink {
  const data: ParquetWorkerData = {
    compression: options.compression ?? 'zstd',
    rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
    createdBy: 'vltrace-convert (parquet-wasm)',
    // readers that see only Parquet's key-value metadata (DuckDB's parquet_kv_metadata, vltrace-query) find the keys there
    keyValueMetadata: arrowSchema(options.header).metadata,
  };
  if (!options.partitionBy?.length) return fileSink(out, options, data);
  if (typeof out !== 'string') throw new TypeError('a partitioned Parquet dataset is written to a directory path, not a file descriptor');
  return datasetSink(out, options, data);
}

/** One Parquet file, row groups encoded in parallel and spliced in order. */
function fileSink(out: string | number, options: SinkOptions, data: ParquetWorkerData): Sink {
  // each record batch is copied into the group's IPC before the next is made (IpcBuilder.write)
  const rows = new ArrowRows(options.header, { deltaDictionaries: false, reuseArrays: true });
  // one encoder by default: each extra one adds 50–60 MB of RSS (its own isolate and wasm
  // instance; 2 encoders peak at 275–285 MiB, 1 at 215–225) and ~0.25 s of CPU per run (its own
  // wasm compile), and only pays off with idle cores: on 2 cores the main thread (decoding +
  // Arrow) and the encoder are about even and 2 encoders were no faster (BENCHMARKS.md)
  const nWorkers = Math.max(1, Math.min(options.workers ?? 1, availableParallelism()));
  const file = sinkFile(out, options.mode);
  const splicer = new ParquetSplicer(file.fd);
  const parts = new Map<number, Uint8Array>();
  let nextPart = 0;
  let seq = 0;
  let inFlight = 0;
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const encoders: Encoder[] = [];
  /** IPC buffers back from the encoders, for the next row groups */
  const buffers: SharedArrayBuffer[] = [];
  const onError = (e: Error) => {
    error ??= e;
    wakeUp();
  };
  const onMessage = (m: FromWorker, enc: Encoder) => {
    if (m.type !== 'part') return;
    enc.busy--;
    inFlight--;
    if (m.ipc) buffers.push(m.ipc);
    parts.set(m.seq, m.bytes);
    try {
      while (parts.has(nextPart)) {
        splicer.add(parts.get(nextPart)!);
        parts.delete(nextPart++);
      }
    } catch (e) {
      onError(e as Error);
    }
    wakeUp();
  };
  // started with the first row group that is not also the last: a file of one row group (a small
  // recording's query cache, say) is encoded here instead (see close()) — or at once when the
  // input is large enough to hold several groups whatever its rows: the thread boots and
  // compiles the wasm while this one decodes the first group (1M syscalls: the first group
  // encoded ~40 ms sooner, the file ~0.97 of the time, 11 rounds alternating)
  const startEncoders = () => {
    for (let k = encoders.length; k < nWorkers; k++) encoders.push(new Encoder(data, onMessage, onError));
  };
  if ((options.inputBytes ?? 0) >= 2 * data.rowGroupSize * MAX_ROW_BYTES) startEncoders();

  let pending: Piece[] = [];
  let pendingRows = 0;

  /** The first `n` pending rows as one row group, in Arrow IPC. */
  const take = (n: number): Uint8Array => {
    const group: Rows[] = [];
    /** batches whose last rows are in the group */
    const used: Rows[] = [];
    let got = 0;
    while (got < n && pending.length > 0) {
      const { rows: b, batch } = pending[0]!;
      const k = Math.min(b.length, n - got);
      group.push(sliceRows(b, 0, k));
      if (k === b.length) {
        pending.shift();
        used.push(batch);
      } else {
        pending[0] = { rows: sliceRows(b, k, b.length), batch };
      }
      got += k;
    }
    pendingRows -= got;
    if (group.length === 0) group.push(emptyRows());
    // one comm dictionary for the whole row group: the latest covers every earlier index
    rows.comms(group[group.length - 1]!.comms);
    const ipc = new IpcBuilder(rows.schema, buffers.pop());
    for (const b of group) ipc.write(rows.recordBatch(b));
    // the rows are copied into the IPC stream: the reader may have the batches' memory back
    if (options.recycle) for (const b of used) options.recycle(b);
    return ipc.finish();
  };

  /** Sends the first `n` pending rows as one row group to an encoder thread. */
  const dispatch = (n: number) => {
    startEncoders();
    const bytes = take(n);
    const enc = encoders.reduce((a, b) => (b.busy < a.busy ? b : a));
    enc.busy++;
    inFlight++;
    // shared, not moved: moving a buffer out detaches it, and a thread that has detached one
    // runs its typed-array code with extra checks from then on (see @vltrace/format's pool.ts)
    enc.post({ type: 'chunk', seq: seq++, ipc: bytes });
  };

  const waitFor = async (cond: () => boolean) => {
    while (!cond() && !error) await new Promise<void>((r) => (wake = r));
    if (error) throw error;
  };

  const write = async (b: Rows) => {
    if (error) throw error;
    if (b.length === 0) return;
    pending.push({ rows: b, batch: b });
    pendingRows += b.length;
    while (pendingRows >= data.rowGroupSize) {
      dispatch(data.rowGroupSize);
      await waitFor(() => inFlight <= nWorkers);
    }
  };

  return rowsSink(write, {
    async close() {
      try {
        if (seq === 0 && claimMainThreadEncoder()) {
          // the whole file is one row group, and the first of this process: encoded on this
          // thread, which saves starting an encoder thread (its isolate and its own compile of
          // the wasm, ~0.3 s of CPU) for one group (see claimMainThreadEncoder)
          splicer.add(await encodeHere(take(pendingRows), data));
          seq++;
        } else if (pendingRows > 0 || seq === 0) {
          dispatch(pendingRows);
        }
        await waitFor(() => inFlight === 0);
        splicer.close();
        file.done();
      } catch (e) {
        file.abort();
        throw e;
      } finally {
        pending = [];
        await Promise.all(encoders.map((e) => e.worker.terminate()));
      }
    },
  });
}

let mainThreadEncoder = false;
/**
 * Whether this thread may encode a file itself: once per process. parquet-wasm writes the
 * key-value metadata in the order of a Rust hash map whose seed advances with every map its wasm
 * instance makes, so a file's bytes depend on what the instance encoded before; an encoder
 * thread's instance is fresh for each file, and so is this thread's for its first one only.
 */
function claimMainThreadEncoder(): boolean {
  if (mainThreadEncoder) return false;
  mainThreadEncoder = true;
  return true;
}

/** One row group's IPC encoded as a Parquet file on this thread, as a fresh encoder thread does it. */
async function encodeHere(ipc: Uint8Array, data: ParquetWorkerData): Promise<Uint8Array> {
  const { pq, parquetProperties } = await import('../parquet-worker.js');
  return pq.writeParquet(pq.Table.fromIPCStream(ipc), parquetProperties(data));
}

/** A hive-partitioned dataset: one streamed file per partition, in one encoder thread. */
function datasetSink(path: string, options: SinkOptions, sinkData: ParquetWorkerData): Sink {
  // files and directories no more readable than asked; a directory someone else could write
  // to (or a symlink to one) is refused: they could plant entries in the dataset
  const fileMode = options.mode ?? DEFAULT_FILE_MODE;
  const dirMode = derivedMode(fileMode, true);
  ensureOwnDir(path, dirMode);
  const data: ParquetWorkerData = { ...sinkData, fileMode, dirMode };
  const rows = new ArrowRows(options.header, { deltaDictionaries: false });
  const names = syscallNames(options.header);
  const keys = options.partitionBy!;
  let inFlight = 0;
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  let finished: ((e?: Error) => void) | undefined;
  const wakeUp = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const enc = new Encoder(data, (m) => {
    if (m.type === 'taken') {
      inFlight--;
      wakeUp();
    } else if (m.type === 'done') finished?.();
  }, (e) => {
    error ??= e;
    wakeUp();
    finished?.(e);
  });

  const write = async (b: Rows) => {
    if (error) throw error;
    for (const [dir, part] of partitionRows(b, keys, rows.wallClock, names)) {
      const ipc = tableToIPC(new Table(rows.recordBatch(part)), 'stream');
      enc.post({ type: 'batch', file: join(path, dir, 'part-0.parquet'), ipc }, [ipc.buffer as ArrayBuffer]);
      inFlight++;
    }
    while (inFlight >= 4 && !error) await new Promise<void>((r) => (wake = r));
    if (error) throw error;
  };

  return rowsSink(write, {
    async close() {
      try {
        if (error) throw error;
        const done = new Promise<void>((resolve, reject) => (finished = (e) => (e ? reject(e) : resolve())));
        enc.post({ type: 'end' });
        await done;
      } finally {
        await enc.worker.terminate();
      }
    },
  });
}
