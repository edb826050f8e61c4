/**
 * StracePrinter: trace items in, strace's lines out. Keeps what the lines need across batches:
 * the fd tracker (fed by the decoders' effects and by fork/exec/exit events), the previous
 * line's time for -r, whether pid prefixes are on, and the calls that have entered and not
 * returned yet.
 *
 * Lines come out in the order strace writes them (timeline.ts): a call prints whole where it
 * enters unless another thread's line comes before it returns; then its entry ends with
 * `<unfinished ...>` and it resumes (`<... wait4 resumed>`) where it returns.
 */
import {
  isRestartErrno, nameLookup, SyscallStatus, toWallClockNs, type SyscallBatch, type TraceEvent, type TraceHeader,
  type TraceItem,
} from '@vltrace/format';
import { Buffer } from 'node:buffer';
import { signame, withName } from './args.js';
import { Call, words, type StraceConfig, type Words } from './call.js';
import { printArgs, printResult, type Decoder } from './decoder.js';
import { decoderFor } from './decoders/index.js';
import { callEffect } from './fd-records.js';
import { FdTracker } from './fds.js';
import { commandCwd } from '../start-cwd.js';
import { callTime, Clock, exitLine, pidPrefix, withResult, type TimestampStyle } from './format-line.js';
import { signalLine } from './siginfo.js';
import { Timeline, type Running } from './timeline.js';
import type { XlatStyle } from './xlat.js';

/** Options of the strace output. */
export interface StracePrinterOptions {
  readonly header: TraceHeader;
  readonly timestamps?: TimestampStyle;
  /** -T */
  readonly syscallTimes?: boolean;
  /** -y */
  readonly decodeFds?: boolean;
  /** -s (default 32) */
  readonly stringLimit?: number;
  /** -f pid prefixes; default: on when the recording followed forks or traced several pids, else from the second pid seen */
  readonly followForks?: boolean;
  /** -X (default abbrev) */
  readonly style?: XlatStyle;
}

const FORK_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork']);

/** strace's mark of a line a call's entry ends with when another line comes before its exit. */
const UNFINISHED = ' <unfinished ...>';
/** ... and of a call still running when tracing stopped (strace -p detaching). */
const DETACHED = ' <detached ...>';

/** The times of a batch as 32-bit words, to order rows without a BigInt per row. */
interface Times {
  readonly b: SyscallBatch;
  readonly enter: Words;
  readonly exit: Words;
}

/** A call entered and not printed to its end yet. */
interface Call1 extends Running {
  readonly name: string;
  readonly d: Decoder;
  /**
   * the row of the whole call; none while only its ENTERED row came (a call that may run for
   * minutes holds no batch in memory meanwhile)
   */
  b: SyscallBatch | undefined;
  i: number;
  /** the line's start: pid prefix and timestamp */
  readonly lead: string;
  /** arguments of the entry half */
  readonly entryArgs: string;
  /** printers from this index on print at exit */
  readonly split: number;
  /** the comma before the exit half is printed at exit (clone) */
  readonly exitComma: boolean;
}

export class StracePrinter {
  private readonly name: (nr: number) => string;
  private readonly call: Call;
  private readonly fds: FdTracker;
  private readonly clock: Clock;
  private readonly syscallTimes: boolean;
  private readonly style: XlatStyle;
  private readonly decodeFds: boolean;
  private prefix: boolean;
  private readonly lazyPrefix: boolean;
  private firstTid = -1;
  private prevTs: bigint | undefined;
  /** wall clock = monotonic + this (the header's clock pair) */
  private readonly wallOffset: bigint;
  private readonly timeline: Timeline<Call1>;
  /** where lines go while an item is printed */
  private put: (line: string) => void = () => undefined;
  private times: Times | undefined;

  constructor(opts: StracePrinterOptions) {
    const meta = opts.header.meta;
    this.name = nameLookup(opts.header);
    const start = commandCwd(meta);
    const cwd = start === undefined ? undefined : Buffer.from(start, 'utf8').toString('latin1');
    this.fds = new FdTracker(cwd);
    const cfg: StraceConfig = { style: opts.style ?? 'abbrev', stringLimit: opts.stringLimit ?? 32, decodeFds: opts.decodeFds ?? false };
    this.call = new Call(cfg, this.fds);
    this.clock = new Clock(opts.timestamps ?? 'none');
    this.wallOffset = toWallClockNs(meta, 0n);
    this.syscallTimes = opts.syscallTimes ?? false;
    this.style = cfg.style;
    this.decodeFds = cfg.decodeFds;
    const several = meta.followForks || meta.systemWide || (meta.pids?.length ?? 0) > 1;
    this.prefix = opts.followForks ?? several;
    this.lazyPrefix = opts.followForks === undefined && !several;
    this.timeline = new Timeline<Call1>({
      interrupt: (p) => this.put(this.entryHalf(p) + UNFINISHED + '\n'),
      returned: (p, whole) => this.returned(p, whole),
      died: (p, whole, ts) => this.put(this.died(p, whole, ts)),
      detached: (p) => this.put(this.entryHalf(p) + DETACHED + '\n'),
    });
  }

  /**
   * The lines ready after an item (each ending in a newline), or ''. A call's line may wait
   * for later items (until it is known whether another line comes before it returns): end()
   * gives the rest.
   */
  item(item: TraceItem): string {
    let out = '';
    this.each(item, (line) => {
      out += line;
    });
    return out;
  }

  /**
   * Hands the lines ready after an item to `put`, one line (with its newline) at a time.
   * `selected`: the rows of a batch to print (indices in order; undefined: all), or whether an
   * event prints. What is not printed still tells the -y tracker what it does (a descriptor
   * opened by a process left out, then inherited by one printed), as strace -y, which asks
   * /proc, knows it.
   */
  each(item: TraceItem, put: (line: string) => void, selected?: Int32Array | boolean): void {
    this.put = put;
    if (item.type !== 'syscalls') {
      if (selected === false) this.fds.event(item);
      else this.event(item);
      return;
    }
    const b = item.batch;
    if (!(selected instanceof Int32Array)) {
      for (let i = 0; i < b.length; i++) this.row(b, i);
      return;
    }
    let k = 0;
    for (let i = 0; i < b.length; i++) {
      if (k < selected.length && selected[k] === i) {
        k++;
        this.row(b, i);
      } else if (this.decodeFds) this.trackRow(b, i);
    }
  }

  /** A call that does not print: only what it does to the -y tracker, once it returned. */
  private trackRow(b: SyscallBatch, i: number): void {
    const status = b.status[i]!;
    if (status !== SyscallStatus.COMPLETE && status !== SyscallStatus.NO_ENTRY) return;
    const name = this.name(b.nr[i]!);
    this.effect(decoderFor(name, b.nargs[i]!), this.call.at(b, i, name));
  }

  /** The end of the trace: the lines still held (calls still running print as strace detaching). */
  end(put: (line: string) => void): void {
    this.put = put;
    this.timeline.end();
  }

  private lead(tid: number, ts: bigint): string {
    if (this.lazyPrefix && !this.prefix) {
      if (this.firstTid < 0) this.firstTid = tid;
      else if (tid !== this.firstTid) this.prefix = true;
    }
    return (this.prefix ? pidPrefix(tid) : '') + this.time(ts);
  }

  /** The timestamp field of a line at `ts` (-r: since the previous line). */
  private time(ts: bigint): string {
    if (this.clock.style === 'none') return '';
    const delta = this.prevTs === undefined ? 0n : ts - this.prevTs;
    this.prevTs = ts;
    return this.clock.format(ts + this.wallOffset, delta);
  }

  private timesOf(b: SyscallBatch): Times {
    if (this.times?.b !== b) this.times = { b, enter: words(b.tsEnter), exit: words(b.tsExit) };
    return this.times;
  }

  private row(b: SyscallBatch, i: number): void {
    const status = b.status[i]!;
    const name = this.name(b.nr[i]!);
    const c = this.call.at(b, i, name);
    const d = decoderFor(name, b.nargs[i]!);
    const tl = this.timeline;
    if (status === SyscallStatus.NO_ENTRY) {
      // the child's return from fork: strace never shows it
      if (FORK_CALLS.has(name) && c.ret === 0n) return;
      // its entry came before the recording (or was lost): the end of a call alone
      const ts = b.tsExit[i]!;
      tl.line(ts, c.tid);
      this.call.at(b, i, name);
      this.put(withResult(`${this.lead(c.tid, ts)}<... ${name} resumed>)`, printResult(c, d)) + '\n');
      return;
    }
    const tsEnter = b.tsEnter[i]!;
    if (status !== SyscallStatus.ENTERED) {
      // the whole of a call delivered first as ENTERED
      const p = tl.running(c.tid);
      if (p !== undefined && p.tsEnter === tsEnter) {
        p.b = b;
        p.i = i;
        if (status === SyscallStatus.COMPLETE) tl.exit(p, b.tsExit[i]!, this.restarts(c));
        return;
      }
    }
    tl.line(tsEnter, c.tid);
    // the lines it printed used the shared Call: back to this row
    this.call.at(b, i, name);
    if (status === SyscallStatus.COMPLETE && tl.idle() && this.returnsFirst(b, i) && !this.restarts(c)) {
      // nothing can come between its entry and its exit: the whole line now
      if (d.effectFirst) this.effect(d, c);
      this.put(this.whole(c, d, this.lead(c.tid, tsEnter), printArgs(c, d, 0, d.args?.length ?? 0)));
      return;
    }
    const n = d.args?.length ?? 0;
    const split = Math.min(d.exitFrom ?? n, n);
    const p: Call1 = {
      tid: c.tid, tsEnter, tsExit: 0n, returns: false, restart: false, name, d, b: status === SyscallStatus.ENTERED ? undefined : b, i,
      lead: this.lead(c.tid, tsEnter),
      entryArgs: printArgs(c, d, 0, split),
      split,
      exitComma: split < n && d.exitComma === true,
    };
    tl.enter(p);
    if (status === SyscallStatus.COMPLETE) tl.exit(p, b.tsExit[i]!, this.restarts(c));
  }

  /** An fd of process pid as an argument prints it (with -y, its path when known). */
  private fd(pid: number, n: number): string {
    const p = this.decodeFds && n >= 0 ? this.fds.name(pid, n) : undefined;
    return p === undefined ? String(n) : withName(String(n), p);
  }

  /**
   * What a returned call does to the -y tracker: its decoder's effect (a new descriptor, a
   * close, a chdir), then the files the recorder read behind its descriptors, which name them
   * as /proc does.
   */
  private effect(d: Decoder, c: Call): void {
    callEffect(d, c, this.decodeFds);
  }

  /** Row i returns before the next row of its batch starts (the rows after it are later still). */
  private returnsFirst(b: SyscallBatch, i: number): boolean {
    if (i + 1 >= b.length) return false;
    const t = this.timesOf(b);
    const next = b.status[i + 1] === SyscallStatus.NO_ENTRY ? t.exit : t.enter;
    const hi = next.hi[2 * i + 3]!;
    const xhi = t.exit.hi[2 * i + 1]!;
    return hi > xhi || (hi === xhi && next.lo[2 * i + 2]! > t.exit.lo[2 * i]!);
  }

  /** The call returned a restart code: interrupted, maybe by a signal that kills its thread. */
  private restarts(c: Call): boolean {
    return c.failed && isRestartErrno(c.errno);
  }

  /** A returned call's line: `lead` and its arguments, `) = result`. */
  private whole(c: Call, d: Decoder, lead: string, args: string): string {
    if (!d.effectFirst) this.effect(d, c);
    let line = withResult(`${lead}${c.name}(${args})`, printResult(c, d));
    if (this.syscallTimes) line += callTime(c.b.tsExit[c.i]! - c.b.tsEnter[c.i]!);
    return line + '\n';
  }

  /** The entry half of a call's line, up to where `<unfinished ...>` goes. */
  private entryHalf(p: Call1): string {
    const more = !p.exitComma && p.split < (p.d.args?.length ?? 0);
    return `${p.lead}${p.name}(${more && p.entryArgs ? p.entryArgs + ', ' : p.entryArgs}`;
  }

  /** The exit half's arguments, with their comma (clone's is printed here). */
  private exitArgs(p: Call1, c: Call): string {
    const s = printArgs(c, p.d, p.split, p.d.args?.length ?? 0);
    return s && p.exitComma && p.entryArgs ? ', ' + s : s;
  }

  /** A call returned: its whole line, or its resumed half when its entry was interrupted. */
  private returned(p: Call1, whole: boolean): void {
    const c = this.call.at(p.b!, p.i, p.name); // it returned: its whole row came
    // the descriptors it creates are among its exit arguments (pipe2's, with -y)
    if (p.d.effectFirst) this.effect(p.d, c);
    if (whole) {
      const rest = printArgs(c, p.d, p.split, p.d.args?.length ?? 0);
      this.put(this.whole(c, p.d, p.lead, p.entryArgs && rest ? `${p.entryArgs}, ${rest}` : p.entryArgs + rest));
      return;
    }
    if (!p.d.effectFirst) this.effect(p.d, c);
    let line = withResult(`${this.lead(p.tid, p.tsExit)}<... ${p.name} resumed>${this.exitArgs(p, c)})`, printResult(c, p.d));
    if (this.syscallTimes) line += callTime(p.tsExit - p.tsEnter);
    this.put(line + '\n');
  }

  /**
   * A call its thread died in (killed, or another thread's exit_group), printed as strace does
   * when the tracee exits inside it: `= ?`, with `<unfinished ...>` where the exit half was to go.
   */
  private died(p: Call1, whole: boolean, ts: bigint): string {
    const n = p.d.args?.length ?? 0;
    const exitHalf = p.b === undefined ? p.split < n : printArgs(this.call.at(p.b, p.i, p.name), p.d, p.split, n) !== '';
    const head = whole ? this.entryHalf(p) : `${this.lead(p.tid, ts)}<... ${p.name} resumed>`;
    return withResult(head + (exitHalf ? UNFINISHED : '') + ')', '?') + '\n';
  }

  /** The line of a process or trace event, if strace (or vltrace) prints one. */
  private event(e: TraceEvent): void {
    const tl = this.timeline;
    this.fds.event(e);
    switch (e.type) {
      case 'exec':
        if (e.oldTid !== e.tid) {
          tl.line(e.ts, e.oldTid);
          this.put(`${this.lead(e.oldTid, e.ts)}+++ superseded by execve in pid ${e.tid} +++\n`);
        }
        return;
      case 'proc_exit':
        tl.death(e.ts, e.tid);
        this.put(`${this.lead(e.tid, e.ts)}${exitLine(e.exitCode, signame)}\n`);
        return;
      case 'signal': {
        // a line of its thread (so a call it returned from with a restart code was not its death)
        const print = () => this.put(`${this.lead(e.tid, e.ts)}${signalLine(e.signo, e.errno, e.code, e.fields, { style: this.style, fd: (n) => this.fd(e.pid, n) })}\n`);
        // an ignored signal has the time it was sent: strace shows it once the call it came in returns
        if (e.ignored) tl.lineAfterCall(e.ts, e.tid, print);
        else {
          tl.line(e.ts, e.tid);
          print();
        }
        return;
      }
      case 'lost':
        tl.line(e.ts, -1);
        this.put(`${this.time(e.ts)}--- vltrace: ${e.count} packets lost on CPU ${e.cpu} ---\n`);
        return;
      case 'trailer': {
        let s = '';
        if (e.lost > 0n) s += `--- vltrace: ${e.lost} of ${e.events} packets lost in all ---\n`;
        if (e.writeError) s += '--- vltrace: recording stopped early by a write error ---\n';
        if (s) {
          // the last item: calls still running end first
          tl.end();
          this.put(s);
        }
      }
    }
  }
}
