/**
 * One syscall as strace prints it, from the values of a row of the table schema (SCHEMA.md):
 * `openat(AT_FDCWD, "/etc/x", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)`.
 * For readers of the tables (vltrace-query's `failed` and `slow`), which have rows, not a
 * stream: the row becomes a one-row SyscallBatch and goes through the same Call and decoders
 * as `--to strace`, so a call reads the same in both. Without the stream there is no fd
 * tracker state: descriptors print as numbers (strace without -y), and no alignment, pid or
 * time is added.
 */
import { Buffer } from 'node:buffer';
import { SyscallStatus, StrFlags, allocBatch, syscallByName, type SyscallBatch, type TraceEvent, type TraceHeader } from '@vltrace/format';
import { unescapeBytes } from '../bytes.js';
import { STR_FLAG } from '../schema.js';
import { Call, type StraceConfig } from './call.js';
import { printArgs, printResult, type Decoder } from './decoder.js';
import { decoderFor } from './decoders/index.js';
import { learnFiles } from './fd-records.js';
import { FdTracker } from './fds.js';
import type { XlatStyle } from './xlat.js';

/** Constants readers of the table's signal rows need (SIGCHLD's si_code values). */
export { CLD } from './tables/siginfo.js';
export { SIG } from './tables/signal.js';

/** A 64-bit column's value as a reader of the table gets it. */
export type Int64Value = number | bigint | string;

/** The columns of a syscall row that its call's text is made of (SCHEMA.md's names in the comments). */
export interface CallColumns {
  /** `syscall` */
  readonly syscall: string;
  /** `nr` (default: the built-in table's number of `syscall`) */
  readonly nr?: number | null;
  /** `pid`, `tid` */
  readonly pid?: number | null;
  readonly tid?: number | null;
  /** `arg0` … `arg5`: null past the arguments the entry recorded */
  readonly args: readonly (Int64Value | null | undefined)[];
  /** `str0` … `str5` */
  readonly strs?: readonly (string | null | undefined)[];
  /** `str_flags` */
  readonly strFlags?: number | null;
  /** `data`: the row's data chunks as recorded (null: none) */
  readonly data?: Uint8Array | null;
  /** `ret` (null when the call did not return) */
  readonly ret: Int64Value | null | undefined;
  /** `status`: complete, unfinished or no-entry (default complete, or unfinished when ret is null) */
  readonly status?: string | null;
}

export interface CallTextOptions {
  /** -s: bytes of a string or buffer printed before `...` (default 32, as strace) */
  readonly stringLimit?: number;
  /** -X (default abbrev) */
  readonly style?: XlatStyle;
}

export const STATUS: Readonly<Record<string, number>> = {
  complete: SyscallStatus.COMPLETE, unfinished: SyscallStatus.UNFINISHED, 'no-entry': SyscallStatus.NO_ENTRY,
};

/** strace's mark where the exit half of a call that never returned would have gone. */
const UNFINISHED = ' <unfinished ...>';

const utf8 = new TextEncoder();

/** The row as a batch of one (what Call and the decoders read). */
export function oneRow(r: CallColumns, status: number): SyscallBatch {
  const bytes: Uint8Array[] = [];
  const flags: number[] = [];
  const fl = r.strFlags ?? 0;
  for (let a = 0; a < 6; a++) {
    const s = r.strs?.[a];
    const nib = (fl >> (4 * a)) & 0xf;
    bytes.push(s === null || s === undefined ? new Uint8Array(0) : nib & STR_FLAG.ESCAPED ? unescapeBytes(s) : utf8.encode(s));
    flags.push(
      (s === null || s === undefined ? 0 : StrFlags.PRESENT) |
        (nib & STR_FLAG.TRUNCATED ? StrFlags.TRUNCATED : 0) |
        (nib & STR_FLAG.READ_ERROR ? StrFlags.READ_ERROR : 0),
    );
  }
  const data = r.data ?? null;
  const b = allocBatch(1, bytes.map((x) => x.length), [], data?.length ?? 0);
  b.pid[0] = r.pid ?? 0;
  b.tid[0] = r.tid ?? r.pid ?? 0;
  b.nr[0] = r.nr ?? syscallByName(r.syscall)?.nr ?? -1;
  let nargs = 0;
  r.args.forEach((v, a) => {
    if (v === null || v === undefined || a >= 6) return;
    b.args[a]![0] = BigInt.asIntN(64, BigInt(v));
    nargs = a + 1;
  });
  b.nargs[0] = nargs;
  if (r.ret !== null && r.ret !== undefined) b.ret[0] = BigInt.asIntN(64, BigInt(r.ret));
  b.status[0] = status;
  bytes.forEach((x, a) => {
    const col = b.strings[a]!;
    col.data.set(x);
    col.offsets[1] = x.length;
    col.flags[0] = flags[a]!;
  });
  if (data) {
    b.data.data.set(data);
    b.data.offsets[1] = data.length;
    b.data.flags[0] = StrFlags.PRESENT;
  }
  return b;
}

/**
 * The call of a row as strace prints it, with its result: `= 3`, `= -1 ENOENT (No such file
 * or directory)`, `= ?` for a call that never returned (its exit half `<unfinished ...>`, as
 * strace shows a call its thread died in), `<... read resumed>) = 5` for one whose entry was
 * not recorded.
 */
export function callText(r: CallColumns, opts: CallTextOptions = {}): string {
  const status = r.status ? STATUS[r.status] : r.ret === null || r.ret === undefined ? SyscallStatus.UNFINISHED : SyscallStatus.COMPLETE;
  if (status === undefined) throw new Error(`callText: a row of status '${r.status}' is not a syscall`);
  const cfg: StraceConfig = { style: opts.style ?? 'abbrev', stringLimit: opts.stringLimit ?? 32, decodeFds: false };
  const b = oneRow(r, status);
  const name = r.syscall;
  return render(new Call(cfg, new FdTracker(undefined)).at(b, 0, name), decoderFor(name, b.nargs[0]!), status, name);
}

/** The text of the row `c` points at, by its status (callText's forms). */
function render(c: Call, d: Decoder, status: number, name: string): string {
  if (status === SyscallStatus.NO_ENTRY) return `<... ${name} resumed>) = ${printResult(c, d)}`;
  const n = d.args?.length ?? 0;
  if (status === SyscallStatus.COMPLETE) return `${name}(${printArgs(c, d, 0, n)}) = ${printResult(c, d)}`;
  // it never returned: what strace prints when the thread dies in the call
  const split = Math.min(d.exitFrom ?? n, n);
  const entry = printArgs(c, d, 0, split);
  const exitHalf = printArgs(c, d, split, n) !== '';
  const comma = split < n && d.exitComma !== true && entry !== '' ? ', ' : '';
  return `${name}(${entry}${comma}${exitHalf ? UNFINISHED : ''}) = ?`;
}

export interface CallRendererOptions extends CallTextOptions {
  /**
   * -y: descriptors print with the file behind them (`3</etc/passwd>`), followed through the
   * stream as the strace output does (the calls' effects, fork/exec/exit, inherited descriptors)
   */
  readonly decodeFds?: boolean;
}

/**
 * callText for the rows of a stream, in order: the same text, read straight from the batches
 * (one Call reused, nothing copied). With -y, an fd tracker follows the stream, so it must see
 * every row and every process event (event()) in order.
 */
export class CallRenderer {
  /** the row last rendered: its return value, errno… */
  readonly call: Call;
  private readonly fds: FdTracker;
  private readonly decodeFds: boolean;

  constructor(header: TraceHeader, opts: CallRendererOptions = {}) {
    const meta = header.meta;
    // the traced command starts in the recorder's directory; attached processes: unknown
    const cwd = meta.command && typeof meta.cwd === 'string' ? Buffer.from(meta.cwd, 'utf8').toString('latin1') : undefined;
    this.fds = new FdTracker(cwd);
    this.decodeFds = opts.decodeFds ?? false;
    const cfg: StraceConfig = { style: opts.style ?? 'abbrev', stringLimit: opts.stringLimit ?? 32, decodeFds: this.decodeFds };
    this.call = new Call(cfg, this.fds);
  }

  /**
   * Row i of b (complete, unfinished or no-entry), whose syscall is `name`, as callText prints
   * it; `call` then points at it. The text is ASCII (strace escapes every other byte).
   */
  text(b: SyscallBatch, i: number, name: string): string {
    const status = b.status[i]!;
    const c = this.call.at(b, i, name);
    const d = decoderFor(name, b.nargs[i]!);
    if (!this.decodeFds || status === SyscallStatus.UNFINISHED) return render(c, d, status, name);
    // what the call did to the descriptors: before its arguments print when it creates some of them
    if (d.effectFirst) this.effect(d, c);
    const s = render(c, d, status, name);
    if (!d.effectFirst) this.effect(d, c);
    return s;
  }

  /** What a process event does to the -y tracker. */
  event(e: TraceEvent): void {
    if (!this.decodeFds) return;
    this.fds.event(e);
  }

  private effect(d: Decoder, c: Call): void {
    d.effect?.(c);
    learnFiles(c);
  }
}
