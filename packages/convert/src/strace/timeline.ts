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

/** A call the timeline tracks: its thread, and its entry and exit times (ns). */
export interface Running {
  readonly tid: number;
  readonly tsEnter: bigint;
  /** when it returned (0 until known) */
  tsExit: bigint;
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

interface State<C> {
  readonly c: C;
  /** its return is known (in `returns` or `held`) */
  returns: boolean;
  /** the exit is a restart code: wait for the thread's fate */
  restart: boolean;
}

export class Timeline<C extends Running> {
  /** the call whose entry line is printed up to its arguments, waiting for the rest */
  private open: C | undefined;
  /** calls entered and not printed to their end, by thread */
  private readonly calls = new Map<number, State<C>>();
  /** returns to print, by time */
  private readonly returns: State<C>[] = [];
  /** returns with a restart code, waiting for their thread's next line or death */
  private readonly held: State<C>[] = [];

  constructor(private readonly out: TimelineOutput<C>) {}

  /** The call thread tid is in (entered, not printed to its end), if any. */
  running(tid: number): C | undefined {
    return this.calls.get(tid)?.c;
  }

  /** Nothing is open or waiting: a call that returns before anything else prints whole now. */
  idle(): boolean {
    return this.open === undefined && this.calls.size === 0;
  }

  /**
   * A line of thread `tid` (-1: of no thread) at `ts` is about to print: the returns before
   * it print, then an open line of another call is interrupted.
   */
  line(ts: bigint, tid: number): void {
    this.settle(ts, tid, false);
    const s = tid >= 0 ? this.calls.get(tid) : undefined;
    // the thread's earlier call whose exit was not recorded (lost): its line just ends
    if (s !== undefined && !s.returns) {
      this.calls.delete(tid);
      if (this.open === s.c) {
        this.open = undefined;
        this.out.interrupt(s.c);
      }
    }
    this.interrupt();
  }

  /** Thread `tid` exits at `ts`: a call it is in died with it. */
  death(ts: bigint, tid: number): void {
    this.settle(ts, tid, true, ts);
    const s = this.calls.get(tid);
    if (s !== undefined) this.finish(s, 'died', ts);
    this.interrupt();
  }

  /** c's entry line starts (after line() for its time and thread). */
  enter(c: C): void {
    this.open = c;
    this.calls.set(c.tid, { c, returns: false, restart: false });
  }

  /** c (entered) returns at `ts`; `restart`: with a restart code (see KILL_WAIT_NS). */
  exit(c: C, ts: bigint, restart: boolean): void {
    const s = this.calls.get(c.tid);
    if (s === undefined || s.c !== c) return;
    c.tsExit = ts;
    s.returns = true;
    s.restart = restart;
    const r = this.returns;
    let k = r.length;
    while (k > 0 && r[k - 1]!.c.tsExit > ts) k--;
    r.splice(k, 0, s);
  }

  /** End of the recording: every return prints; calls still running print as detached. */
  end(): void {
    for (const s of this.held.splice(0)) this.finish(s, 'returned');
    for (const s of this.returns.splice(0)) this.finish(s, 'returned');
    for (const s of this.calls.values()) {
      if (this.open === s.c) {
        this.open = undefined;
        this.out.detached(s.c);
      }
    }
    this.calls.clear();
  }

  /** Prints the returns before `ts`; `tid` prints next (dying at `death`, if given). */
  private settle(ts: bigint, tid: number, dying: boolean, death = 0n): void {
    const fate = (s: State<C>) => (dying ? this.finish(s, 'died', death) : this.finish(s, 'returned'));
    if (this.held.length > 0) {
      const held = this.held.splice(0);
      for (const s of held) {
        if (s.c.tid === tid) fate(s);
        else if (ts - s.c.tsExit > KILL_WAIT_NS) this.finish(s, 'returned');
        else this.held.push(s);
      }
    }
    const r = this.returns;
    while (r.length > 0 && r[0]!.c.tsExit <= ts) {
      const s = r.shift()!;
      if (!s.restart) this.finish(s, 'returned');
      else if (s.c.tid === tid) fate(s);
      else this.held.push(s);
    }
  }

  private finish(s: State<C>, how: 'returned' | 'died', ts = 0n): void {
    if (this.calls.get(s.c.tid) === s) this.calls.delete(s.c.tid);
    const whole = this.open === s.c;
    if (whole) this.open = undefined;
    else this.interrupt();
    if (how === 'died') this.out.died(s.c, whole, ts);
    else this.out.returned(s.c, whole);
  }

  /** Ends the open line with `<unfinished ...>`: another line comes. */
  private interrupt(): void {
    const c = this.open;
    if (c === undefined) return;
    this.open = undefined;
    this.out.interrupt(c);
  }
}
