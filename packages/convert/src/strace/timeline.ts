/**
 * The order of strace's lines under -f. strace prints a call's entry when the thread enters it
 * and leaves the line open; if the same call returns next, the line is finished whole
 * (`read(3, "…", 832) = 832`). If any other line comes first (another thread's call, exit, signal),
 * the open line is ended with `<unfinished ...>` and the call is printed again where it returns:
 *   1234  wait4(-1,  <unfinished ...>
 *   1235  exit_group(0)                     = ?
 *   1234  <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 1235
 * The Timeline replays that from the recording: the printer tells it each line's time and
 * thread as rows and events arrive (in entry-time order), and each call's return time; the
 * Timeline says when a call's line ends and how (whole, resumed, died, detached). Returns are
 * held until the time of the next line is known.
 *
 * Special ends, as strace shows them:
 * - a thread that dies inside a call (killed, or another thread's exit_group) never returns to
 *   user space: strace prints `= ?`. The recording may still have an exit, with a restart code
 *   (-ERESTARTSYS: the wait was broken by the fatal signal), just before the thread's exit. Such
 *   a return waits for the thread's next line: its death makes it `= ?`;
 * - a call still running when the recording ends (an attached process, `vltrace-record -p`)
 *   prints as strace detaching: ` <detached ...>` when its line is open, nothing more otherwise.
 */

/** A call the timeline tracks: its thread, its entry and exit times (ns), and the Timeline's marks. */
export interface Running {
  readonly tid: number;
  readonly tsEnter: bigint;
  /** when it returned (0 until known) */
  tsExit: bigint;
  /** the Timeline's: its return is known (queued or held) */
  returns: boolean;
  /** the Timeline's: it returned with a restart code (see KILL_WAIT_NS) */
  restart: boolean;
  /** the Timeline's: lines of its thread that print once its line ends (see lineAfterCall) */
  after?: (() => void)[];
}

/** How lines end; `whole`: the call's entry line is still open (nothing came between). */
export interface TimelineOutput<C extends Running> {
  /** another line comes while c's entry line is open: end it with `<unfinished ...>` */
  interrupt(c: C): void;
  /** c returned: its whole line, or its `<... resumed>` half */
  returned(c: C, whole: boolean): void;
  /** c's thread died inside it, at `ts` */
  died(c: C, whole: boolean, ts: bigint): void;
  /** c is still running at the end of the recording, its line open */
  detached(c: C): void;
}

/**
 * How long a return with a restart code waits for its thread's death before it prints as a
 * plain return (ns). A thread killed in a call exits microseconds after the call's exit; under
 * strace, after strace has handled its exit stop, which on a loaded machine takes milliseconds.
 */
export const KILL_WAIT_NS = 100_000_000n;

export class Timeline<C extends Running> {
  /** the call whose entry line is printed up to its arguments, waiting for the rest */
  private open: C | undefined;
  /** calls entered and not printed to their end, by thread (a slot per thread, kept: no Map churn per call) */
  private readonly calls = new Map<number, { c: C | undefined }>();
  /** calls in `calls` */
  private count = 0;
  /** returns to print, by time */
  private readonly returns: C[] = [];
  /** returns with a restart code, waiting for their thread's next line or death */
  private held: C[] = [];

  constructor(private readonly out: TimelineOutput<C>) {}

  /** The call thread tid is in (entered, not printed to its end), if any. */
  running(tid: number): C | undefined {
    return this.count > 0 ? this.calls.get(tid)?.c : undefined;
  }

  /** Nothing is open or waiting: a call that returns before anything else prints whole now. */
  idle(): boolean {
    return this.open === undefined && this.count === 0;
  }

  /**
   * A line of thread `tid` (-1: of no thread) at `ts` is about to print: the returns before
   * it print, then an open line of another call is interrupted.
   */
  line(ts: bigint, tid: number): void {
    this.settle(ts, tid, false, 0n);
    const c = tid >= 0 ? this.running(tid) : undefined;
    // the thread's earlier call whose exit was not recorded (lost): its line just ends
    if (c !== undefined && !c.returns) this.forget(c);
    this.interrupt();
  }

  /**
   * A line of thread `tid` at `ts` that strace prints only once the call the thread is in has
   * returned: a signal sent to it while it waits (the recording has the time it was sent,
   * strace shows it where the thread dequeues it). `print` runs then, or now (after line())
   * when the thread is in no call at `ts`.
   */
  lineAfterCall(ts: bigint, tid: number, print: () => void): void {
    const c = this.running(tid);
    if (c !== undefined && (!c.returns || c.tsExit > ts)) {
      (c.after ??= []).push(print);
      return;
    }
    this.line(ts, tid);
    print();
  }

  /** Thread `tid` exits at `ts`: a call it is in died with it. */
  death(ts: bigint, tid: number): void {
    this.settle(ts, tid, true, ts);
    const c = this.running(tid);
    if (c !== undefined) this.finish(c, true, ts);
    this.interrupt();
  }

  /** c's entry line starts (after line() for its time and thread). */
  enter(c: C): void {
    this.open = c;
    const slot = this.calls.get(c.tid);
    if (slot === undefined) this.calls.set(c.tid, { c });
    else if (slot.c === undefined) slot.c = c;
    else {
      slot.c = c;
      return;
    }
    this.count++;
  }

  /** c (entered) returns at `ts`; `restart`: with a restart code (see KILL_WAIT_NS). */
  exit(c: C, ts: bigint, restart: boolean): void {
    if (this.running(c.tid) !== c) return;
    c.tsExit = ts;
    c.returns = true;
    c.restart = restart;
    const r = this.returns;
    let k = r.length;
    while (k > 0 && r[k - 1]!.tsExit > ts) k--;
    if (k === r.length) r.push(c);
    else r.splice(k, 0, c);
  }

  /** End of the recording: every return prints; calls still running print as detached. */
  end(): void {
    for (const c of this.held.splice(0)) this.finish(c, false, 0n);
    for (const c of this.returns.splice(0)) this.finish(c, false, 0n);
    for (const slot of this.calls.values()) {
      const c = slot.c;
      if (c === undefined) continue;
      if (this.open === c) {
        this.open = undefined;
        this.out.detached(c);
      }
      slot.c = undefined;
      this.flushAfter(c);
    }
    this.count = 0;
  }

  /** Prints the returns before `ts`; `tid` prints next (dying at `death`). */
  private settle(ts: bigint, tid: number, dying: boolean, death: bigint): void {
    if (this.held.length > 0) this.settleHeld(ts, tid, dying, death);
    const r = this.returns;
    while (r.length > 0 && r[0]!.tsExit <= ts) {
      const c = r.shift()!;
      if (!c.restart) this.finish(c, false, 0n);
      else if (c.tid === tid) this.finish(c, dying, death);
      else this.held.push(c);
    }
  }

  /** Held returns end with their thread's next line (its death: `= ?`) or after KILL_WAIT_NS. */
  private settleHeld(ts: bigint, tid: number, dying: boolean, death: bigint): void {
    const held = this.held;
    this.held = [];
    for (const c of held) {
      if (c.tid === tid) this.finish(c, dying, death);
      else if (ts - c.tsExit > KILL_WAIT_NS) this.finish(c, false, 0n);
      else this.held.push(c);
    }
  }

  /** c's line ends: it returned, or (`died`) its thread died in it at `ts`. */
  private finish(c: C, died: boolean, ts: bigint): void {
    this.forget(c);
    const whole = this.open === c;
    if (whole) this.open = undefined;
    else this.interrupt();
    if (died) this.out.died(c, whole, ts);
    else this.out.returned(c, whole);
    this.flushAfter(c);
  }

  /** The lines that waited for c's end. */
  private flushAfter(c: C): void {
    const after = c.after;
    if (after === undefined) return;
    c.after = undefined;
    for (const print of after) print();
  }

  /** c is no longer its thread's running call. */
  private forget(c: C): void {
    const slot = this.calls.get(c.tid);
    if (slot?.c !== c) return;
    slot.c = undefined;
    this.count--;
  }

  /** Ends the open line with `<unfinished ...>`: another line comes. */
  private interrupt(): void {
    const c = this.open;
    if (c === undefined) return;
    this.open = undefined;
    this.out.interrupt(c);
  }
}
