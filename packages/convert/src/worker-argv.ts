/**
 * Starting a worker thread of ours with the process's Node options. A worker inherits them when
 * none are given, and that is what we do, except that Node refuses `--input-type` in a worker
 * started from a file: a program run as `node --input-type=module -e …` (an embedding script,
 * a test's child) could otherwise not write Parquet or decode in a thread. Those options are
 * then passed explicitly, without it; Node refuses V8 options (`--max-old-space-size`…) in an
 * explicit list, so with one of those beside `--input-type` the worker gets none (V8's options
 * are the whole process's anyway). Passing them explicitly every time made `node
 * --max-old-space-size=8192 vltrace-convert …` fail with an internal error.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorker(file: URL, options: WorkerOptions): Worker {
  const argv = process.execArgv;
  if (!argv.some((a) => a.startsWith('--input-type'))) return new Worker(file, options);
  try {
    return new Worker(file, { ...options, execArgv: argv.filter((a) => !a.startsWith('--input-type')) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(file, { ...options, execArgv: [] });
  }
}
