/**
 * The main-thread side of the decoding thread (src/decode-thread.ts): a Source whose items
 * arrive from the worker. Errors come back as the same classes (FormatError, UsageError) so
 * convert() treats them exactly as in-thread ones.
 */
import type { FormatWarning, OpenTraceOptions, SyscallBatch, TraceHeader, TraceItem, TraceStats } from '@vltrace/format';
import { InputError, UsageError } from './errors.js';
import type { FilterOptions } from './filter.js';
import type { Source } from './source.js';
import { startWorker } from './worker-argv.js';
import { DECODE_THREAD } from './worker-paths.js';

/** What the worker is started with. */
export interface SourceWorkerData {
  inputs: readonly string[];
  filter: FilterOptions;
  reader: OpenTraceOptions;
  /** items the worker may post before the main thread consumed one */
  credits: number;
}

/** An error, as data across threads. */
export type WorkerError =
  | { kind: 'format'; message: string; file: string; offset: number; expected: string; found?: string }
  | { kind: 'input'; message: string; file: string; code: string }
  | { kind: 'usage' | 'other'; message: string; stack?: string };

export type FromSourceWorker =
  | { type: 'open'; header: TraceHeader; totalBytes: number }
  | { type: 'item'; item: TraceItem; bytesRead: number }
  | { type: 'end'; stats: TraceStats[]; warnings: FormatWarning[]; bytesRead: number }
  | { type: 'error'; error: WorkerError; stats?: TraceStats[]; warnings?: FormatWarning[] };

export type ToSourceWorker =
  | { type: 'credit'; n: number }
  /** a batch's shared columns, back from the writer, which is done with it (Source.recycle) */
  | { type: 'recycle'; buffers: SharedArrayBuffer[] };

/** The error as its class (FormatError imported when one comes: this module is on the start path and stays light). */
async function revive(e: WorkerError): Promise<Error> {
  if (e.kind === 'format') return new (await import('@vltrace/format')).FormatError(e.file, e.offset, e.expected, e.found);
  if (e.kind === 'input') return new InputError(e.file, e.code);
  if (e.kind === 'usage') return new UsageError(e.message);
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * Batches the decoding thread may run ahead of the writer: one being formatted, one ready, one
 * being decoded. Four measured no faster and held ~20 MiB more at the peak (jsonl of 1M
 * syscalls: 303 against 282 MiB, 5 alternating rounds).
 */
const CREDITS = 2;

/** Like openSource(), with the decoding in a worker thread. */
export async function openSourceInWorker(inputs: readonly string[], filter: FilterOptions, reader: OpenTraceOptions = {}): Promise<Source> {
  const worker = startWorker(DECODE_THREAD, {
    // quickStart: the writer starts on the first rows while the rest is decoded
    workerData: { inputs, filter: pickFilter(filter), reader: { quickStart: true, ...reader }, credits: CREDITS } satisfies SourceWorkerData,
  });
  const queue: FromSourceWorker[] = [];
  let wake: (() => void) | undefined;
  let crashed: Error | undefined;
  worker.on('message', (m: FromSourceWorker) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  });
  worker.on('error', (e) => {
    crashed = e;
    wake?.();
  });
  const next = async (): Promise<FromSourceWorker> => {
    while (queue.length === 0) {
      if (crashed) throw crashed;
      await new Promise<void>((r) => (wake = r));
    }
    return queue.shift()!;
  };
  const first = await next();
  if (first.type !== 'open') {
    await worker.terminate();
    throw first.type === 'error' ? await revive(first.error) : new Error(`source worker: unexpected ${first.type}`);
  }
  // convert() imports the decoder's library meanwhile (this module stays light): by now it is there
  const { batchBuffers } = await import('@vltrace/format');
  let bytesRead = 0;
  let stats: TraceStats[] = [];
  let warnings: FormatWarning[] = [];
  /** the thread has sent everything: nothing to recycle for */
  let ended = false;
  return {
    header: first.header,
    traces: [],
    totalBytes: first.totalBytes,
    bytesRead: () => bytesRead,
    stats: () => stats,
    warnings: () => warnings,
    close: () => worker.terminate().then(() => undefined),
    recycle(batch: SyscallBatch | Iterable<ArrayBufferLike>) {
      // only the shared columns go back (posted, not moved: moving a buffer out of this thread
      // would detach it, see ColumnPool); the batch's own buffers are left to the GC
      const shared = ('pid' in batch ? batchBuffers(batch) : [...batch]).filter((b): b is SharedArrayBuffer => b instanceof SharedArrayBuffer);
      if (shared.length > 0 && !ended) worker.postMessage({ type: 'recycle', buffers: shared } satisfies ToSourceWorker);
    },
    async *items() {
      try {
        for (;;) {
          const m = await next();
          if (m.type === 'item') {
            bytesRead = m.bytesRead;
            worker.postMessage({ type: 'credit', n: 1 } satisfies ToSourceWorker);
            yield m.item;
          } else if (m.type === 'end') {
            ended = true;
            ({ stats, warnings, bytesRead } = m);
            return;
          } else if (m.type === 'error') {
            stats = m.stats ?? stats;
            warnings = m.warnings ?? warnings;
            throw await revive(m.error);
          }
        }
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** Only the filter fields cross the thread boundary (options may hold functions and streams). */
function pickFilter(f: FilterOptions): FilterOptions {
  const { failed, trace, pids, tids, since, until } = f;
  return Object.fromEntries(Object.entries({ failed, trace, pids, tids, since, until }).filter(([, v]) => v !== undefined));
}
