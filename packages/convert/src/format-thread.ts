/**
 * A format thread: formats runs of rows (csv, jsonl) the main thread sends it and sends back
 * the bytes (format-pool.ts writes them in order). The batches come transferred, and the
 * output chunks go back transferred: no copy either way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFormatter } from './formatter.js';
import type { FormatWorkerData, FromFormatWorker, ToFormatWorker } from './format-pool.js';

const port = parentPort!;
const data = workerData as FormatWorkerData;
const formatter = await createFormatter(data.format, data.options);

port.on('message', (m: ToFormatWorker) => {
  const chunks = formatter.format(m.items);
  const transfer = new Set<ArrayBuffer>();
  // only the output buffers of our own (a small chunk may sit in Node's shared pool: copied)
  for (const c of chunks) if (c.buffer instanceof ArrayBuffer && c.buffer.byteLength > Buffer.poolSize) transfer.add(c.buffer);
  port.postMessage({ type: 'done', id: m.id, chunks } satisfies FromFormatWorker, [...transfer]);
});
port.postMessage({ type: 'ready' } satisfies FromFormatWorker);
