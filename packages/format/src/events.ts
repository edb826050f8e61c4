/** What a trace delivers besides syscall batches, in stream (time) order. */
import type { SyscallBatch } from './batch.js';

/** Packets lost on one CPU between two times. */
export interface LostEvent {
  readonly type: 'lost';
  readonly ts: bigint;
  readonly cpu: number;
  readonly count: bigint;
  readonly firstTs: bigint;
  readonly lastTs: bigint;
  /** byte offset of the packet in the file */
  readonly offset: number;
}

/** A task was created. pid/tid are the parent's. */
export interface ForkEvent {
  readonly type: 'fork';
  readonly ts: bigint;
  readonly pid: number;
  readonly tid: number;
  readonly childPid: number;
  readonly childTid: number;
  readonly thread: boolean;
  readonly comm: string;
}

/** A task executed a program. */
export interface ExecEvent {
  readonly type: 'exec';
  readonly ts: bigint;
  readonly pid: number;
  readonly tid: number;
  readonly oldTid: number;
  readonly comm: string;
  readonly filename: string;
}

/** A task exited. `exitCode` is encoded as wait(2) does: status << 8 | signal. */
export interface ProcExitEvent {
  readonly type: 'proc_exit';
  readonly ts: bigint;
  readonly pid: number;
  readonly tid: number;
  readonly exitCode: number;
  readonly groupDead: boolean;
  readonly comm: string;
}

/** A task that was already running when recording started. */
export interface ProcInfoEvent {
  readonly type: 'proc_info';
  readonly ts: bigint;
  readonly pid: number;
  readonly tid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly exe: string;
}

/**
 * A descriptor a process held when recording started (read from /proc by the recorder), or
 * its working directory (fd FD_CWD): what a strace -y printer names it.
 */
export interface FdInfoEvent {
  readonly type: 'fd_info';
  readonly ts: bigint;
  readonly pid: number;
  readonly tid: number;
  readonly fd: number;
  readonly cloexec: boolean;
  /** unlinked (/proc showed it with ` (deleted)`, which `path` leaves out) */
  readonly deleted: boolean;
  readonly ino: bigint;
  /** st_mode */
  readonly mode: number;
  /** the bytes /proc/PID/fd/FD reads */
  readonly path: Uint8Array;
}

/** The recorder's totals, written when it stopped cleanly. */
export interface TrailerEvent {
  readonly type: 'trailer';
  readonly ts: bigint;
  readonly events: bigint;
  readonly written: bigint;
  readonly lost: bigint;
  readonly lostPerCpu: readonly bigint[];
  readonly interrupted: boolean;
  readonly writeError: boolean;
}

/**
 * A signal delivered to a thread, or sent to it and discarded because it was ignored (strace
 * shows both: a traced process is stopped for ignored signals too).
 */
export interface SignalEvent {
  readonly type: 'signal';
  readonly ts: bigint;
  readonly pid: number;
  readonly tid: number;
  readonly signo: number;
  readonly errno: number;
  readonly code: number;
  /** discarded when sent (ignored with no handler); ts is when it was sent */
  readonly ignored: boolean;
  /** the rest of the siginfo (the kernel's union __sifields, SIGINFO_FIELDS bytes) */
  readonly fields: Uint8Array;
  /** the thread's name, when the reader knows it (from earlier process events) */
  readonly comm?: string;
}

export type ProcessEvent = ForkEvent | ExecEvent | ProcExitEvent | ProcInfoEvent | FdInfoEvent;
export type TraceEvent = LostEvent | ProcessEvent | SignalEvent | TrailerEvent;

/** One item of a trace's stream: a batch of syscalls or an event between batches. */
export type TraceItem = { readonly type: 'syscalls'; readonly batch: SyscallBatch } | TraceEvent;

/** Counters a reader keeps: nothing is lost silently. */
export interface TraceStats {
  /** packets decoded */
  packets: number;
  /** syscall rows delivered, by status */
  complete: number;
  unfinished: number;
  noEntry: number;
  /** packets the recorder reported lost (sum of lost events) */
  lostPackets: bigint;
  lostEvents: number;
  /** string arguments cut at the capture limit, and those with a read error */
  truncatedStrings: number;
  readErrors: number;
  /** continuation packets whose entry was not found (dropped) */
  orphanContinuations: number;
  /** data packets whose syscall was not found (dropped) */
  orphanData: number;
  /** data chunks cut short (a buffer longer than the capture limit) or unreadable */
  truncatedData: number;
  dataReadErrors: number;
  /** signals delivered (or discarded as ignored) */
  signals: number;
  /** syscalls delivered after later ones because they outlasted the reorder window */
  lateRows: number;
  /** packet kinds this reader does not know (from a newer minor version), skipped */
  unknownPackets: number;
  /** bytes of the file read */
  bytes: number;
}

export function newStats(): TraceStats {
  return {
    packets: 0, complete: 0, unfinished: 0, noEntry: 0, lostPackets: 0n, lostEvents: 0,
    truncatedStrings: 0, readErrors: 0, orphanContinuations: 0, orphanData: 0, truncatedData: 0, dataReadErrors: 0, signals: 0, lateRows: 0, unknownPackets: 0, bytes: 0,
  };
}
