/**
 * The decoding thread: opens the inputs, filters and merges them (src/source.ts) and posts each
 * item to the main thread, transferring the batch's buffers (no copy). The main thread formats
 * and writes while this one decodes the next batches. Credits from the main thread bound how
 * far ahead it runs (memory stays bounded).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FormatError, type TraceItem } from '@vltrace/format';
import { InputError, UsageError } from './errors.js';
import { openSource } from './source.js';
import type { SourceWorkerData, WorkerError, FromSourceWorker, ToSourceWorker } from './threaded-source.js';

const port = parentPort!;
const data = workerData as SourceWorkerData;
let credits = data.credits;
let wake: (() => void) | undefined;
port.on('message', (m: ToSourceWorker) => {
  if (m.type === 'credit') {
    credits += m.n;
    wake?.();
    wake = undefined;
  }
});

function describe(e: unknown): WorkerError {
  if (e instanceof FormatError) return { kind: 'format', message: e.message, file: e.file, offset: e.offset, expected: e.expected, ...(e.found !== undefined ? { found: e.found } : {}) };
  if (e instanceof InputError) return { kind: 'input', message: e.message, file: e.file, code: e.code };
  if (e instanceof UsageError) return { kind: 'usage', message: e.message };
  const err = e as Error;
  return { kind: 'other', message: err?.message ?? String(e), ...(err?.stack ? { stack: err.stack } : {}) };
}

/** Every distinct buffer of a batch, for the transfer list. */
function buffers(item: TraceItem): ArrayBuffer[] {
  if (item.type !== 'syscalls') return [];
  const b = item.batch as TraceItem & { type: 'syscalls' } extends { batch: infer B } ? B & { lost?: BigInt64Array; cpu?: Int32Array } : never;
  const set = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer) set.add(a.buffer);
  };
  [b.pid, b.tid, b.nr, b.tsEnter, b.tsExit, b.nargs, b.ret, b.status, b.comm, b.lost, b.cpu].forEach(add);
  b.args.forEach(add);
  for (const s of [...b.strings, b.data]) [s.offsets, s.data, s.flags].forEach(add);
  return [...set];
}

async function run(): Promise<void> {
  let source;
  try {
    source = await openSource(data.inputs, data.filter, data.reader);
  } catch (e) {
    port.postMessage({ type: 'error', error: describe(e) } satisfies FromSourceWorker);
    return;
  }
  port.postMessage({ type: 'open', header: source.header, totalBytes: source.totalBytes } satisfies FromSourceWorker);
  try {
    for await (const item of source.items()) {
      while (credits <= 0) await new Promise<void>((r) => (wake = r));
      credits--;
      port.postMessage({ type: 'item', item, bytesRead: source.bytesRead() } satisfies FromSourceWorker, buffers(item));
    }
    port.postMessage({ type: 'end', stats: source.stats(), warnings: source.warnings(), bytesRead: source.bytesRead() } satisfies FromSourceWorker);
  } catch (e) {
    port.postMessage({ type: 'error', error: describe(e), stats: source.stats(), warnings: source.warnings() } satisfies FromSourceWorker);
  }
}

await run();
