/**
 * The decoding thread: opens the inputs, filters and merges them (src/source.ts) and posts each
 * item to the main thread, transferring the batch's buffers (no copy). The main thread formats
 * and writes while this one decodes the next batches. Credits from the main thread bound how
 * far ahead it runs (memory stays bounded).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchBuffers, FormatError, type TraceItem } from '@vltrace/format';
import { InputError, UsageError } from './errors.js';
import { openSource, type Source } from './source.js';
import type { SourceWorkerData, WorkerError, FromSourceWorker, ToSourceWorker } from './threaded-source.js';

const port = parentPort!;
const data = workerData as SourceWorkerData;
let credits = data.credits;
let wake: (() => void) | undefined;
let source: Source | undefined;
port.on('message', (m: ToSourceWorker) => {
  if (m.type === 'credit') {
    credits += m.n;
    wake?.();
    wake = undefined;
  } else if (m.type === 'recycle') {
    source?.recycle(m.buffers);
  }
});

function describe(e: unknown): WorkerError {
  if (e instanceof FormatError) return { kind: 'format', message: e.message, file: e.file, offset: e.offset, expected: e.expected, ...(e.found !== undefined ? { found: e.found } : {}) };
  if (e instanceof InputError) return { kind: 'input', message: e.message, file: e.file, code: e.code };
  if (e instanceof UsageError) return { kind: 'usage', message: e.message };
  const err = e as Error;
  return { kind: 'other', message: err?.message ?? String(e), ...(err?.stack ? { stack: err.stack } : {}) };
}

/** A batch's buffers to move (its shared columns are shared, not moved: see the reader's sharedColumns). */
function buffers(item: TraceItem): ArrayBuffer[] {
  return item.type === 'syscalls' ? batchBuffers(item.batch).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer) : [];
}

async function run(): Promise<void> {
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
