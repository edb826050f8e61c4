/**
 * A Parquet encoder thread. Two jobs, both fed with Arrow IPC streams by the parquet sink:
 * - `chunk`: encode one row group's worth of rows as a whole Parquet file in memory and send
 *   it back (several of these threads run in parallel; parquet-splice.ts joins the parts);
 * - `batch`: stream record batches into parquet-wasm's streaming writer for a file of a
 *   partitioned dataset (one writer per file), written here.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import * as pq from 'parquet-wasm/node';

/** Settings the sink passes as workerData. */
export interface ParquetWorkerData {
  compression: 'zstd' | 'snappy' | 'none';
  rowGroupSize: number;
  createdBy: string;
}

/** Messages main → worker. */
export type ToWorker =
  | { type: 'chunk'; seq: number; ipc: Uint8Array }
  | { type: 'batch'; file: string; ipc: Uint8Array }
  | { type: 'end' };
/** Messages worker → main. */
export type FromWorker =
  | { type: 'part'; seq: number; bytes: Uint8Array }
  | { type: 'taken' }
  | { type: 'done' }
  | { type: 'error'; message: string };

const data = workerData as ParquetWorkerData;
const port = parentPort!;

function properties(): pq.WriterProperties {
  const codec = { zstd: pq.Compression.ZSTD, snappy: pq.Compression.SNAPPY, none: pq.Compression.UNCOMPRESSED }[data.compression];
  return new pq.WriterPropertiesBuilder()
    .setCompression(codec)
    .setMaxRowGroupSize(data.rowGroupSize)
    .setCreatedBy(data.createdBy)
    .build();
}

/** One file of a dataset: a pull-based stream of record batches into transformParquetStream. */
class FileWriter {
  private queue: pq.RecordBatch[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    const input = new ReadableStream<pq.RecordBatch>({
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
      const out = await pq.transformParquetStream(input, properties());
      await out.pipeTo(Writable.toWeb(createWriteStream(file)));
    })();
  }

  push(rb: pq.RecordBatch): void {
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

port.on('message', (msg: ToWorker) => {
  if (failed) return;
  try {
    if (msg.type === 'chunk') {
      const table = pq.Table.fromIPCStream(msg.ipc);
      const bytes = pq.writeParquet(table, properties());
      port.postMessage({ type: 'part', seq: msg.seq, bytes } satisfies FromWorker, [bytes.buffer as ArrayBuffer]);
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
