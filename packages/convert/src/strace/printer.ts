/**
 * StracePrinter: trace items in, strace's lines out. Keeps what the lines need across batches:
 * the fd tracker (fed by the decoders' effects and by fork/exec/exit events), the previous
 * line's time for -r, and whether pid prefixes are on.
 */
import {
  nameLookup, SyscallStatus, toWallClockNs, type SyscallBatch, type TraceEvent, type TraceHeader, type TraceItem,
} from '@vltrace/format';
import { Buffer } from 'node:buffer';
import { escapePath, signame } from './args.js';
import { Call, type StraceConfig } from './call.js';
import type { Decoder } from './decoder.js';
import { retDec } from './decoder.js';
import { decoderFor } from './decoders/index.js';
import { FdTracker } from './fds.js';
import { callTime, Clock, errorResult, exitLine, pidPrefix, withResult, type TimestampStyle } from './format-line.js';
import { signalLine } from './siginfo.js';
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

  constructor(opts: StracePrinterOptions) {
    const meta = opts.header.meta;
    this.name = nameLookup(opts.header);
    // the traced command starts in the recorder's directory; attached processes: unknown
    const cwd = meta.command && typeof meta.cwd === 'string' ? Buffer.from(meta.cwd, 'utf8').toString('latin1') : undefined;
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
  }

  /** The lines of one item (each ending in a newline), or '' when it prints nothing. */
  item(item: TraceItem): string {
    let out = '';
    this.each(item, (line) => {
      out += line;
    });
    return out;
  }

  /** Hands the lines of an item to `put`, one line (with its newline) at a time: no big string is built. */
  each(item: TraceItem, put: (line: string) => void): void {
    if (item.type !== 'syscalls') {
      const s = this.event(item);
      if (s) put(s);
      return;
    }
    const b = item.batch;
    for (let i = 0; i < b.length; i++) {
      const s = this.row(b, i);
      if (s) put(s);
    }
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

  private row(b: SyscallBatch, i: number): string {
    const status = b.status[i]!;
    const name = this.name(b.nr[i]!);
    const c = this.call.at(b, i, name);
    const d = decoderFor(name, b.nargs[i]!);
    if (status === SyscallStatus.NO_ENTRY) {
      // the child's return from fork: strace never shows it
      if (FORK_CALLS.has(name) && c.ret === 0n) return '';
      const head = `${this.lead(c.tid, b.tsExit[i]!)}<... ${name} resumed>)`;
      return withResult(head, this.result(c, d)) + '\n';
    }
    const early = d.effectFirst === true && status === SyscallStatus.COMPLETE;
    if (early) d.effect?.(c);
    let head = `${this.lead(c.tid, b.tsEnter[i]!)}${name}(${this.args(c, d)}`;
    if (status === SyscallStatus.UNFINISHED) {
      if (!d.noReturn) head += ' <unfinished ...>';
      return withResult(head + ')', '?') + '\n';
    }
    if (!early) d.effect?.(c);
    let line = withResult(head + ')', this.result(c, d));
    if (this.syscallTimes) line += callTime(b.tsExit[i]! - b.tsEnter[i]!);
    return line + '\n';
  }

  /** An fd of process pid as an argument prints it (with -y, its path when known). */
  private fd(pid: number, n: number): string {
    const p = this.decodeFds && n >= 0 ? this.fds.path(pid, n) : undefined;
    return p === undefined ? String(n) : `${n}<${escapePath(p)}>`;
  }

  private args(c: Call, d: Decoder): string {
    const ps = d.args ?? [];
    let s = '';
    for (let k = 0; k < ps.length; k++) {
      const a = ps[k]!(c, k);
      if (a === undefined) continue;
      s += s ? ', ' + a : a;
    }
    return s;
  }

  private result(c: Call, d: Decoder): string {
    if (c.failed) return errorResult(c.errno);
    return (d.ret ?? retDec)(c);
  }

  /** The line of a process or trace event, if strace (or vltrace) prints one. */
  event(e: TraceEvent): string {
    switch (e.type) {
      case 'fork':
        if (!e.thread) this.fds.fork(e.pid, e.childPid);
        return '';
      case 'exec':
        this.fds.exec(e.pid);
        return e.oldTid !== e.tid ? `${this.lead(e.oldTid, e.ts)}+++ superseded by execve in pid ${e.tid} +++\n` : '';
      case 'proc_exit':
        if (e.groupDead) this.fds.exit(e.pid);
        return `${this.lead(e.tid, e.ts)}${exitLine(e.exitCode, signame)}\n`;
      case 'signal':
        return `${this.lead(e.tid, e.ts)}${signalLine(e.signo, e.errno, e.code, e.fields, { style: this.style, fd: (n) => this.fd(e.pid, n) })}\n`;
      case 'proc_info':
        return '';
      case 'lost':
        return `${this.time(e.ts)}--- vltrace: ${e.count} packets lost on CPU ${e.cpu} ---\n`;
      case 'trailer': {
        let s = '';
        if (e.lost > 0n) s += `--- vltrace: ${e.lost} of ${e.events} packets lost in all ---\n`;
        if (e.writeError) s += '--- vltrace: recording stopped early by a write error ---\n';
        return s;
      }
    }
  }
}
