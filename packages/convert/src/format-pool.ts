/**
 * Formatting on several cores (csv, jsonl): the main thread decodes and cuts the stream into
 * jobs (a batch of rows and the events among them), each formatted by a format thread
 * (format-thread.ts) or, when every thread already has work queued, by the main thread itself;
 * the bytes are written in job order, so the output is byte for byte the one-thread output.
 * Formatting these two formats costs 2–3× decoding, so it is the part worth spreading.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { TraceItem } from '@vltrace/format';
import { createFormatter, type Formatter, type PooledFormat } from './formatter.js';
import { lostRows, signalRows } from './schema.js';
import type { Sink, SinkOptions } from './sink.js';
import { CSV_HEADER_LINE } from './sinks/csv.js';
import { itemBuffers } from './transfer.js';
import { workerExecArgv } from './worker-argv.js';

export interface FormatWorkerData {
  format: PooledFormat;
  options: SinkOptions;
}

export type ToFormatWorker = { type: 'job'; id: number; items: TraceItem[] };
export type FromFormatWorker = { type: 'ready' } | { type: 'done'; id: number; chunks: Uint8Array[] };

/** a job is sent once it holds this many rows (the reader's batches are up to 64K rows) */
const JOB_ROWS = 8192;
/** jobs a thread may hold (one formatting, one waiting): it never waits for the main thread */
const QUEUE = Number(process.env["VLT_POOL_QUEUE"] ?? 100);
/** jobs formatted but not yet written, at most, before write() asks the caller to wait */
const AHEAD = Number(process.env['VLT_POOL_AHEAD'] ?? 3);

const DEBUG = process.env['VLT_POOL_DEBUG'] === '1';
const dbg = { local: 0, localMs: 0, remote: 0, drain: 0, ahead: 0 };

interface Thread {
  worker: Worker;
  ready: boolean;
  queued: number;
}

/**
 * A sink for `format` that spreads the formatting over `threads` format threads and the main
 * thread. The options must be plain data (they are sent to the threads).
 */
export async function createPooledSink(format: PooledFormat, out: NodeJS.WritableStream, options: SinkOptions, threads: number): Promise<Sink> {
  const local: Formatter = await createFormatter(format, options);
  let failed: Error | undefined;
  out.on('error', (e: Error) => (failed ??= e));
  const pool: Thread[] = [];
  const { printFilter: _p, ...plain } = options;
  for (let k = 0; k < threads; k++) {
    const worker = new Worker(new URL('./format-thread.js', import.meta.url), {
      execArgv: workerExecArgv(),
      workerData: { format, options: plain } satisfies FormatWorkerData,
    });
    const t: Thread = { worker, ready: false, queued: 0 };
    worker.on('message', (m: FromFormatWorker) => {
      if (m.type === 'ready') {
        t.ready = true;
        return;
      }
      t.queued--;
      finished(m.id, m.chunks);
    });
    worker.on('error', (e) => {
      failed ??= e;
      wakeAll();
    });
    // a format thread never exits by itself: its end before close() is a crash
    worker.on('exit', (code) => {
      if (!closing) {
        failed ??= new Error(`format thread exited (code ${code})`);
        wakeAll();
      }
    });
    pool.push(t);
  }
  let closing = false;
  let next = 0; // the next job to write
  let sent = 0; // jobs handed out
  const done = new Map<number, readonly Uint8Array[]>();
  let needDrain = false;
  let waiters: (() => void)[] = [];
  const wakeAll = () => {
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  };

  let job: TraceItem[] = [];
  let jobRows = 0;
  // events become rows here, against the stream's comm names as the one-thread sink sees them
  let comms: readonly string[] = [];

  if (format === 'csv') write([Buffer.from(CSV_HEADER_LINE, 'latin1')]);

  function write(chunks: readonly Uint8Array[]): void {
    for (const c of chunks) if (!out.write(c)) needDrain = true;
  }

  function finished(id: number, chunks: readonly Uint8Array[]): void {
    done.set(id, chunks);
    while (done.has(next)) {
      const c = done.get(next)!;
      done.delete(next);
      next++;
      if (!failed) write(c);
    }
    if (needDrain) {
      needDrain = false;
      // a stream that needs draining is waited for before more is written
      draining++;
      once(out as NodeJS.EventEmitter, 'drain').then(() => (draining--, wakeAll()), () => (draining--, wakeAll()));
    }
    wakeAll();
  }
  let draining = 0;

  function dispatch(): void {
    if (job.length === 0) return;
    const items = job;
    job = [];
    jobRows = 0;
    const id = sent++;
    // the least busy thread that has room; the main thread formats the job when none has
    let best: Thread | undefined;
    for (const t of pool) if (t.ready && t.queued < QUEUE && (!best || t.queued < best.queued)) best = t;
    if (best) {
      best.queued++;
      if (DEBUG) dbg.remote++;
      const transfer = items.flatMap(itemBuffers);
      best.worker.postMessage({ type: 'job', id, items } satisfies ToFormatWorker, transfer);
    } else {
      const t0 = performance.now();
      finished(id, local.format(items));
      if (DEBUG) { dbg.local++; dbg.localMs += performance.now() - t0; }
    }
  }

  const busy = () => !failed && (sent - next > AHEAD || draining > 0);
  async function room(): Promise<void> {
    const t0 = performance.now();
    const why = draining > 0 ? 'drain' : 'ahead';
    while (busy()) await new Promise<void>((r) => waiters.push(r));
    if (DEBUG) (dbg[why] += performance.now() - t0);
    if (failed) throw failed;
  }

  return {
    write(item: TraceItem) {
      if (failed) throw failed;
      if (item.type === 'syscalls') {
        comms = item.batch.comms;
        job.push(item);
        jobRows += item.batch.length;
      } else if (item.type === 'lost') {
        job.push({ type: 'syscalls', batch: lostRows(item, []) });
        jobRows++;
      } else if (item.type === 'signal') {
        job.push({ type: 'syscalls', batch: signalRows(item, comms) });
        jobRows++;
      } else {
        return;
      }
      if (jobRows >= JOB_ROWS) dispatch();
      if (busy()) return room();
    },
    async close() {
      dispatch();
      try {
        while (!failed && next < sent) await new Promise<void>((r) => waiters.push(r));
        if (failed) throw failed;
        while (draining > 0 && !failed) await new Promise<void>((r) => waiters.push(r));
        if (failed) throw failed;
      } finally {
        if (DEBUG) console.error(dbg);
        closing = true;
        await Promise.all(pool.map((t) => t.worker.terminate()));
      }
    },
  };
}
