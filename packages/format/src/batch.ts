/**
 * SyscallBatch: complete syscalls as columns of typed arrays, the unit every sink consumes.
 * 64-bit values (timestamps, arguments, return values) are exact BigInt64Array columns.
 */
import { Buffer } from 'node:buffer';
import { CHUNK_FLAGS, CHUNK_LAYOUT, MAX_ARGS } from './layout.js';

/** How a syscall ended up in the trace. */
export const SyscallStatus = {
  /** entry and exit were both recorded */
  COMPLETE: 0,
  /** the exit never came: the process exited or was killed, the syscall does not return (exit_group), or the trace ended */
  UNFINISHED: 1,
  /** an exit whose entry was not recorded (lost, or the syscall began before tracing did) */
  NO_ENTRY: 2,
  /**
   * a call still running when the reorder window passed its entry: its entry alone (exit
   * values 0), delivered in entry order; the whole call follows when it ends, as a COMPLETE or
   * UNFINISHED row with the same tid and entry time. Only readers that ask for it (the `entered`
   * option) deliver such rows, for outputs that show a blocking call where it starts, as strace
   * does. (3 is vltrace-convert's `lost` row status.)
   */
  ENTERED: 4,
} as const;
export type SyscallStatusCode = (typeof SyscallStatus)[keyof typeof SyscallStatus];
export const STATUS_NAMES = ['complete', 'unfinished', 'no-entry'] as const;

/** Per-row flags of a string argument. */
export const StrFlags = {
  /** the argument was captured as a string */
  PRESENT: 1,
  /** cut at the capture limit */
  TRUNCATED: 2,
  /** reading it from user memory failed (what was read before is kept) */
  READ_ERROR: 4,
} as const;

/** One string argument position across the rows of a batch (Arrow's Utf8 layout). */
export interface StringColumn {
  /** row i's bytes are data[offsets[i] .. offsets[i+1]] */
  readonly offsets: Int32Array;
  readonly data: Uint8Array;
  /** StrFlags per row; 0 when the argument is not a string in that row */
  readonly flags: Uint8Array;
}

/**
 * A batch of syscalls, ordered by entry time. Missing entry or exit values are 0 (see status).
 * A column may be a view of a larger buffer (the reader hands its own columns over): read its
 * bytes through byteOffset and byteLength, not the whole `.buffer`.
 */
export interface SyscallBatch {
  readonly length: number;
  readonly pid: Int32Array;
  readonly tid: Int32Array;
  readonly nr: Int32Array;
  /** CLOCK_MONOTONIC ns at entry (0 for no-entry rows) */
  readonly tsEnter: BigInt64Array;
  /** CLOCK_MONOTONIC ns at exit (0 for unfinished rows) */
  readonly tsExit: BigInt64Array;
  /** raw arguments, one column per argument index 0-5 */
  readonly args: readonly BigInt64Array[];
  /** number of raw arguments the entry recorded (0 for no-entry rows) */
  readonly nargs: Uint8Array;
  /** raw return value; -4095..-1 is -errno */
  readonly ret: BigInt64Array;
  /** SyscallStatus per row */
  readonly status: Uint8Array;
  /** string arguments, one column per argument index 0-5 */
  readonly strings: readonly StringColumn[];
  /**
   * memory the arguments point to, read at entry or exit (format minor 1): per row, its data
   * chunks as the DATA packets held them (chunk header, then bytes), in arrival order; flags
   * PRESENT when the row has any. Read them with batchData().
   */
  readonly data: StringColumn;
  /** index into `comms` of the task's comm at the time of the call, -1 when unknown */
  readonly comm: Int32Array;
  /** comm dictionary shared by all batches of a trace (it only grows) */
  readonly comms: readonly string[];
}

/**
 * n values of f in an array whose elements V8 keeps "packed": Array.from() and map() make
 * "holey" ones, or either (map() inlined into optimised code makes holey arrays, the builtin
 * packed ones), and a loop that reads such arrays of both kinds is deoptimised when the second
 * kind appears ("wrong map"). The per-argument column lists go through here.
 */
export function packed<T>(n: number, f: (i: number) => T): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) a.push(f(i));
  return a;
}

/** Allocates an empty batch of n rows. */
export function allocBatch(n: number, stringBytes: readonly number[], comms: readonly string[], dataBytes = 0): SyscallBatch {
  const big = () => new BigInt64Array(n);
  return {
    length: n,
    pid: new Int32Array(n),
    tid: new Int32Array(n),
    nr: new Int32Array(n),
    tsEnter: big(),
    tsExit: big(),
    args: packed(MAX_ARGS, big),
    nargs: new Uint8Array(n),
    ret: big(),
    status: new Uint8Array(n),
    strings: allocStrings(n, stringBytes),
    data: allocStringColumn(n, dataBytes),
    comm: new Int32Array(n),
    comms,
  };
}

/**
 * Every distinct buffer under a batch's columns: what a post to another thread moves (the
 * ArrayBuffers) or shares (SharedArrayBuffers), and what Trace.recycle takes back.
 */
export function batchBuffers(b: SyscallBatch): ArrayBufferLike[] {
  const set = new Set<ArrayBufferLike>();
  const extra = b as SyscallBatch & { lost?: ArrayBufferView; cpu?: ArrayBufferView };
  for (const a of [b.pid, b.tid, b.nr, b.tsEnter, b.tsExit, b.nargs, b.ret, b.status, b.comm, extra.lost, extra.cpu]) if (a) set.add(a.buffer);
  for (const a of b.args) set.add(a.buffer);
  for (const s of [...b.strings, b.data]) for (const a of [s.offsets, s.data, s.flags]) set.add(a.buffer);
  return [...set];
}

/** Empty string columns of n rows, one per argument, holding stringBytes[a] bytes each. */
export function allocStrings(n: number, stringBytes: readonly number[]): StringColumn[] {
  return packed(MAX_ARGS, (a) => allocStringColumn(n, stringBytes[a] ?? 0));
}

/** An empty string column of n rows holding `bytes` bytes. */
export function allocStringColumn(n: number, bytes: number): StringColumn {
  return { offsets: new Int32Array(n + 1), data: new Uint8Array(bytes), flags: new Uint8Array(n) };
}

const utf8 = new TextDecoder('utf-8');

/** The string argument `arg` of row `i`, decoded as UTF-8 (undefined when not a string). */
export function batchString(b: SyscallBatch, arg: number, i: number): string | undefined {
  const col = b.strings[arg]!;
  if ((col.flags[i]! & StrFlags.PRESENT) === 0) return undefined;
  return utf8.decode(col.data.subarray(col.offsets[i]!, col.offsets[i + 1]!));
}

/** The raw bytes of string argument `arg` of row `i` (a view, not a copy). */
export function batchStringBytes(b: SyscallBatch, arg: number, i: number): Uint8Array | undefined {
  const col = b.strings[arg]!;
  if ((col.flags[i]! & StrFlags.PRESENT) === 0) return undefined;
  return col.data.subarray(col.offsets[i]!, col.offsets[i + 1]!);
}

/** One data chunk of a row: the bytes read behind an argument, and how the read went. */
export interface DataChunk {
  /** a view into the batch, not a copy */
  readonly bytes: Uint8Array;
  /** cut at the capture limit: the memory held more */
  readonly truncated: boolean;
  /** reading the memory failed (the bytes are what was read before) */
  readonly readError: boolean;
}

const CHUNK_HDR = CHUNK_LAYOUT.sizeof;
const EXIT = CHUNK_FLAGS.EXIT.bit;

/**
 * The data read behind argument `arg` of row `i` at entry (`exit` false) or at exit, or
 * undefined when none was. Chunks of one argument and phase split over packets (flag CONT)
 * are joined.
 */
export function batchData(b: SyscallBatch, arg: number, i: number, exit: boolean): DataChunk | undefined {
  const col = b.data;
  if (col.flags[i] === 0) return undefined;
  const d = col.data;
  const end = col.offsets[i + 1]!;
  const want = exit ? EXIT : 0;
  let parts: Uint8Array[] | undefined;
  let truncated = false;
  let readError = false;
  for (let p = col.offsets[i]!; p + CHUNK_HDR <= end;) {
    const a = d[p]!;
    const flags = d[p + 1]!;
    const len = d[p + 2]! | (d[p + 3]! << 8);
    const bytes = d.subarray(p + CHUNK_HDR, Math.min(end, p + CHUNK_HDR + len));
    p += CHUNK_HDR + len;
    if (a !== arg || (flags & EXIT) !== want) continue;
    // a chunk that does not continue another starts the capture afresh
    if ((flags & CHUNK_FLAGS.CONT.bit) === 0) parts = [];
    (parts ??= []).push(bytes);
    truncated = (flags & CHUNK_FLAGS.TRUNCATED.bit) !== 0;
    readError ||= (flags & CHUNK_FLAGS.READ_ERROR.bit) !== 0;
  }
  if (!parts) return undefined;
  const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return { bytes, truncated, readError };
}
