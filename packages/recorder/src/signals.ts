/**
 * How a recording ends on a signal (SIGINT, SIGTERM, SIGHUP), the way strace and sudo end:
 *
 * 1. The first signal goes on to the command vltrace-record started, unless the command has it
 *    already: a terminal's Ctrl-C is sent by the kernel to the whole foreground process group,
 *    which holds the command (passing it on would make two, and a second Ctrl-C often means
 *    "now really"). The recording ends when the command does, or GRACE_MS after the signal
 *    whatever the command does (it ignores the signal, or takes its time to end): it is then
 *    left running, no longer traced, as strace leaves it. Processes of -p, followed children
 *    (daemons) and system-wide recordings are never signalled: the recording ends at once.
 * 2. A second signal ends the recording at once: the trailer is written if that takes less
 *    than LAST_WRITE_MS, otherwise the process ends by the signal (the kernel detaches the BPF
 *    programs with the process; the log keeps what was written, without a trailer).
 * 3. A third signal ends the process at once.
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { NativeAddon, SignalOrigin } from './native.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];
export type StopSignal = (typeof STOP_SIGNALS)[number];
/** How long the command has to end after the first signal before the recording ends anyway. */
export const GRACE_MS = 1500;
/** After a second signal: how long writing the end of the log may take. */
export const LAST_WRITE_MS = 500;
/** si_code of a signal the kernel sent (a terminal's Ctrl-C, Ctrl-\, hangup) */
const SI_KERNEL = 0x80;

const isStopSignal = (s: string): s is StopSignal => (STOP_SIGNALS as readonly string[]).includes(s);

/** The process group of a process (/proc/PID/stat), or undefined when it is gone. */
function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** The stop signals of one recording, from construction to dispose(). */
export class Interrupts {
  /** the first signal, when it came */
  signal?: StopSignal;
  /** resolves at the first signal */
  readonly first: Promise<StopSignal>;
  /** resolves at the second signal */
  readonly second: Promise<StopSignal>;
  private origin?: SignalOrigin;
  private count = 0;
  private lastWrite?: NodeJS.Timeout;
  private resolveFirst!: (s: StopSignal) => void;
  private resolveSecond!: (s: StopSignal) => void;

  constructor(private readonly addon?: NativeAddon) {
    this.first = new Promise((res) => (this.resolveFirst = res));
    this.second = new Promise((res) => (this.resolveSecond = res));
    for (const s of STOP_SIGNALS) {
      process.on(s, this.onSignal);
      // after process.on: Node's handler is in place, the sender's record goes in front of it
      addon?.watchSignal(constants.signals[s]);
    }
  }

  private readonly onSignal = (s: NodeJS.Signals): void => {
    if (!isStopSignal(s)) return;
    this.count++;
    if (this.count === 1) {
      this.signal = s;
      this.origin = this.addon?.signalOrigin(constants.signals[s]);
      this.resolveFirst(s);
    } else if (this.count === 2) {
      this.resolveSecond(s);
      this.lastWrite = setTimeout(() => this.die(s), LAST_WRITE_MS);
      this.lastWrite.unref();
    } else {
      this.die(s);
    }
  };

  /**
   * Passes the first signal on to the command (`pid`) unless it has it already: sent by the
   * kernel (a terminal) to our process group while the command is in it, or sent by the
   * command itself. True when it was sent.
   */
  forward(pid: number): boolean {
    const sig = this.signal;
    if (!sig) return false;
    const o = this.origin;
    if (o && o.count > 0) {
      if (o.code <= 0 && o.pid === pid) return false;
      if (o.code === SI_KERNEL && processGroup(pid) === processGroup(process.pid)) return false;
    }
    try {
      process.kill(pid, sig);
      return true;
    } catch {
      return false; // gone already
    }
  }

  /** Stops listening: signals get their default action again. */
  dispose(): void {
    for (const s of STOP_SIGNALS) process.off(s, this.onSignal);
    clearTimeout(this.lastWrite);
  }

  private die(s: StopSignal): never {
    process.stderr.write(`vltrace-record: ${s} again: ending now; the log keeps what was written\n`);
    this.dispose();
    return dieBy(s);
  }
}

/**
 * Ends this process by `sig`, as its default action would (a shell that sees a program die of
 * SIGINT stops the script or loop that ran it, as it would for the command itself). Where
 * someone else still listens for the signal, it exits with 128 + signal instead.
 */
export function dieBy(sig: StopSignal): never {
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  process.exit(128 + constants.signals[sig]);
}
