/**
 * The Node options a worker thread of ours starts with: the process's, less `--input-type`.
 * A worker inherits process.execArgv, and Node refuses `--input-type` for a worker started
 * from a file; a program run as `node --input-type=module -e …` (an embedding script, a test's
 * child) could otherwise not write Parquet or decode in a thread.
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => !a.startsWith('--input-type'));
}
