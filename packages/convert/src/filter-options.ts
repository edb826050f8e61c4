/**
 * What the shared filters (filter.ts) are given, and whether any is: apart from filter.ts so that
 * a conversion without filters does not load it (with the syscall classes and the schema it
 * brings, ~20-30 ms of a decoding thread's start).
 */

/** What to keep. Every given criterion must hold. */
export interface FilterOptions {
  /** only syscalls that failed (ret in −4095..−1) */
  failed?: boolean;
  /** a syscall set as strace's `-e trace=` takes it: names, numbers, %classes, /regex, ! */
  trace?: string;
  /** only these processes */
  pids?: readonly number[];
  /** only these threads */
  tids?: readonly number[];
  /** keep calls at or after this time: `+1.5s`, `250ms`, `+100us`, `42ns` from the start of the recording, or a wall-clock ISO time */
  since?: string;
  /** keep calls before this time (same forms as since) */
  until?: string;
}

/** Whether any criterion is given (compileFilter makes no filter otherwise). */
export function hasFilter(f: FilterOptions): boolean {
  return f.trace !== undefined || (f.pids?.length ?? 0) > 0 || (f.tids?.length ?? 0) > 0 || f.since !== undefined || f.until !== undefined || f.failed === true;
}
