/**
 * How a recording ends on a signal (SIGINT, SIGTERM, SIGHUP), the way strace and sudo end:
 *
 * 1. The first signal goes on to the command vltrace-record started, unless the command has it
 *    already: a terminal's Ctrl-C is sent by the kernel to the whole foreground process group,
 *    which holds the command (passing it on would make two, and a second Ctrl-C often means
 *    "now really"), and a signal the command sent is not sent back. The recording ends when the
 *    command does, or GRACE_MS after the signal whatever the command does (it ignores the
 *    signal, or takes its time to end): it is then left running, no longer traced, as strace
 *    leaves it. Processes of -p, followed children (daemons) and system-wide recordings are
 *    never signalled: the recording ends at once.
 * 2. A second signal ends the recording at once: the trailer is written if that takes less
 *    than LAST_WRITE_MS, otherwise the process ends by the signal (the kernel detaches the BPF
 *    programs with the process; the log keeps what was written, without a trailer).
 * 3. A third signal ends the process at once.
 *
 * The signal handler itself (native/src/signals.c) passes the first signal on and ends the
 * process at the second and third: it alone knows who sent a signal, and it runs even while
 * the JS thread is blocked (a synchronous write to a full stdout pipe, -l text). JS learns of
 * each signal after it, to end the recording. Should the handler be missing, JS does it all,
 * passing every first signal on.
 */
import { constants } from 'node:os';
import type { NativeAddon } from './native.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];
export type StopSignal = (typeof STOP_SIGNALS)[number];
/** How long the command has to end after the first signal before the recording ends anyway. */
export const GRACE_MS = 1500;
/** After a second signal: how long writing the end of the log may take. */
export const LAST_WRITE_MS = 1000;
/** What the recorder says when a second or third signal ends it before it could finish. */
const ENDING_NOTE = 'vltrace-record: signalled again: ending now; the log keeps what was written so far\n';

const isStopSignal = (s: string): s is StopSignal => (STOP_SIGNALS as readonly string[]).includes(s);

/** The stop signals of one recording, from construction to dispose(). */
export class Interrupts {
  /** the first signal, when it came */
  signal?: StopSignal;
  /** resolves at the first signal */
  readonly first: Promise<StopSignal>;
  /** resolves at the second signal */
  readonly second: Promise<StopSignal>;
  private count = 0;
  /** the native handler passes signals on and ends the process (else JS does) */
  private readonly native: boolean;
  private lastWrite?: NodeJS.Timeout;
  private resolveFirst!: (s: StopSignal) => void;
  private resolveSecond!: (s: StopSignal) => void;

  /** `command`: the pid of the command started, to pass the first signal on to. */
  constructor(private readonly addon?: NativeAddon, private command = 0) {
    this.first = new Promise((res) => (this.resolveFirst = res));
    this.second = new Promise((res) => (this.resolveSecond = res));
    let watched = addon !== undefined;
    for (const s of STOP_SIGNALS) {
      process.on(s, this.onSignal);
      // after process.on: Node's handler is in place, ours goes in front of it
      watched = (addon?.watchSignal(constants.signals[s]) ?? false) && watched;
    }
    this.native = watched && addon!.armSignals(LAST_WRITE_MS, ENDING_NOTE);
    if (this.native) addon!.signalCommand(command);
  }

  /** What became of the first signal: the pid it went on to, 0 none, -1 the command had it. */
  passedOn(): number {
    if (this.native) return this.addon!.signalForwarded();
    return this.signal && this.command ? this.command : 0;
  }

  /** The command ended: nothing to pass a signal on to (its pid may be reused). */
  commandEnded(): void {
    this.command = 0;
    if (this.native) this.addon!.signalCommand(0);
  }

  private readonly onSignal = (s: NodeJS.Signals): void => {
    if (!isStopSignal(s)) return;
    this.count++;
    if (this.count === 1) {
      this.signal = s;
      if (!this.native && this.command) {
        try {
          process.kill(this.command, s);
        } catch {
          // gone already
        }
      }
      this.resolveFirst(s);
    } else if (this.count === 2) {
      this.resolveSecond(s);
      if (!this.native) {
        this.lastWrite = setTimeout(() => this.die(s), LAST_WRITE_MS);
        this.lastWrite.unref();
      }
    } else if (!this.native) {
      this.die(s);
    }
  };

  /** Stops listening: signals get their default action again. */
  dispose(): void {
    if (this.native) this.addon!.disarmSignals();
    for (const s of STOP_SIGNALS) process.off(s, this.onSignal);
    clearTimeout(this.lastWrite);
  }

  private die(s: StopSignal): never {
    process.stderr.write(ENDING_NOTE);
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
