/**
 * The process table of a recording, built from its process events (fork, exec, proc_exit,
 * proc_info) in stream order: one row per process lifetime. This is ordered-stream logic, so it
 * runs in TypeScript while the recording is converted and is stored beside the syscalls as a
 * small Parquet file (the `processes` view adds per-process syscall counts in SQL).
 */
import { toWallClockNs, type ProcessEvent, type TraceMeta } from '@vltrace/format';

/** One process lifetime. Times are wall-clock ns since the epoch, like the syscalls columns. */
export interface ProcessRow {
  pid: number;
  /** parent process id (null when unknown: the process was only seen making syscalls) */
  ppid: number | null;
  /** task name at the last event seen */
  comm: string;
  /** the program it runs: last exec filename, or the executable of a process already running */
  exe: string | null;
  /** every exec, in order */
  execs: string[];
  /** fork time, or when recording saw it running */
  startNs: bigint | null;
  /** time of the process's exit (the last thread) */
  endNs: bigint | null;
  /** exit status (exit(3) value) when it exited normally */
  exitCode: number | null;
  /** the signal that killed it */
  exitSignal: number | null;
  coreDumped: boolean;
  /** threads created in it (besides the main one) */
  threads: number;
  /** how the process came into the recording: 'fork' (created while recording), 'running' (proc_info), 'exec' (first seen at an exec) */
  origin: 'fork' | 'running' | 'exec';
}

/** Folds process events into ProcessRows. */
export class ProcessTracker {
  private readonly live = new Map<number, ProcessRow>();
  private readonly done: ProcessRow[] = [];

  constructor(private readonly meta: TraceMeta) {}

  private wall(ts: bigint): bigint {
    return toWallClockNs(this.meta, ts);
  }

  private start(pid: number, ppid: number | null, comm: string, exe: string | null, ts: bigint, origin: ProcessRow['origin']): ProcessRow {
    const old = this.live.get(pid);
    if (old) this.done.push(old); // pid reused: the old lifetime ends here
    const row: ProcessRow = {
      pid, ppid, comm, exe, execs: [], startNs: this.wall(ts), endNs: null, exitCode: null, exitSignal: null,
      coreDumped: false, threads: 0, origin,
    };
    this.live.set(pid, row);
    return row;
  }

  /** Takes the next process event. */
  add(ev: ProcessEvent): void {
    switch (ev.type) {
      case 'proc_info':
        if (!this.live.has(ev.pid)) this.start(ev.pid, ev.ppid, ev.comm, ev.exe || null, ev.ts, 'running');
        break;
      case 'fork': {
        const parent = this.live.get(ev.pid);
        if (ev.thread || ev.childPid === ev.pid) {
          if (parent) parent.threads++;
          break;
        }
        this.start(ev.childPid, ev.pid, ev.comm, parent?.exe ?? null, ev.ts, 'fork');
        break;
      }
      case 'exec': {
        const p = this.live.get(ev.pid) ?? this.start(ev.pid, null, ev.comm, null, ev.ts, 'exec');
        p.execs.push(ev.filename);
        p.exe = ev.filename;
        p.comm = ev.comm;
        break;
      }
      case 'proc_exit': {
        const p = this.live.get(ev.pid);
        if (!p || !ev.groupDead) break; // a thread ended, not the process
        p.endNs = this.wall(ev.ts);
        // kernel exit_code, as wait(2) encodes it: status << 8 | core 0x80 | signal
        const sig = ev.exitCode & 0x7f;
        if (sig === 0) p.exitCode = (ev.exitCode >> 8) & 0xff;
        else p.exitSignal = sig;
        p.coreDumped = (ev.exitCode & 0x80) !== 0;
        this.live.delete(ev.pid);
        this.done.push(p);
        break;
      }
    }
  }

  /** Every process seen, in order of appearance. */
  rows(): ProcessRow[] {
    return [...this.done, ...this.live.values()].sort((a, b) => cmp(a.startNs, b.startNs) || a.pid - b.pid);
  }
}

function cmp(a: bigint | null, b: bigint | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
