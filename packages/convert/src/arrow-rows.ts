/**
 * Rows → Arrow RecordBatch in the schema of SCHEMA.md, built with makeData from the batch's
 * typed arrays: zero-copy where the column already has Arrow's layout (pid, tid, nr, args, ret,
 * valid UTF-8 strings, comm and status indices), one typed-array pass where a value is derived
 * (wall-clock timestamps, duration, errno, str_flags, validity bitmaps). Shared by the arrow,
 * arrows and parquet sinks.
 */
import {
  Binary, Data, type DataType, Dictionary, Field, Int32, Int64, Int8, makeData, makeVector, RecordBatch, Schema, Struct, TimestampNanosecond, Utf8,
  Vector,
} from './arrow-lib.js';
import { ERRNO, MAX_ARGS, StrFlags, syscallNameSpan, type StringColumn, type TraceHeader } from '@vltrace/format';
import { escapeBytes, isAscii, isValidUtf8 } from './bytes.js';
import { syscallNames } from './fields.js';
import { commandCwd, CWD_META_KEY } from './start-cwd.js';
import { WallClock } from './int64.js';
import {
  COLUMNS, HAS_PID, HAS_STATUS, MAX_ERRNO, ROW_STATUS_NAMES, ROWS, rowsOf, SCHEMA_VERSION, SIGNAL_NAMES, STR_FLAG, type ColumnType, type Rows, type StatusSet,
} from './schema.js';

const TWO32 = 4294967296;
const utf8 = new TextEncoder();

/** A Utf8 Data of the given strings (for dictionaries). */
function utf8Data(values: readonly string[]): Data<Utf8> {
  const parts = values.map((v) => utf8.encode(v));
  const offsets = new Int32Array(parts.length + 1);
  let n = 0;
  parts.forEach((p, i) => (offsets[i + 1] = n += p.length));
  const data = new Uint8Array(n);
  parts.forEach((p, i) => data.set(p, offsets[i]!));
  return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data });
}

// dictionary ids are fixed so the schema is the same in every file
const DICT = { comm: 0, syscall: 1, errno: 2, status: 3, signal: 4 } as const;

/** The Arrow type of each logical type (the dictionary columns are set one by one, below). */
const PLAIN_TYPES: Readonly<Record<ColumnType, () => DataType>> = {
  timestamp: () => new TimestampNanosecond(), int64: () => new Int64(), int32: () => new Int32(), utf8: () => new Utf8(), binary: () => new Binary(),
  dict: () => new Utf8(),
};

/** The Arrow schema of SCHEMA.md, with the recording's clock, host and start directory in its metadata. */
export function arrowSchema(header?: TraceHeader): Schema {
  const fields = COLUMNS.map((c) => {
    switch (c.name) {
      case 'comm':
      case 'syscall':
      case 'errno_name':
      case 'signal':
        return new Field(c.name, new Dictionary(new Utf8(), new Int32(), DICT[c.name === 'errno_name' ? 'errno' : c.name]), true);
      case 'status':
        return new Field(c.name, new Dictionary(new Utf8(), new Int8(), DICT.status), false);
      default:
        return new Field(c.name, PLAIN_TYPES[c.type](), true);
    }
  });
  const meta = new Map<string, string>([['vltrace.schema', SCHEMA_VERSION]]);
  if (header) {
    meta.set('vltrace.clock.monotonic_ns', header.meta.clock.monotonicNs);
    meta.set('vltrace.clock.realtime_ns', header.meta.clock.realtimeNs);
    meta.set('vltrace.hostname', header.meta.hostname);
    const cwd = commandCwd(header.meta);
    if (cwd !== undefined) meta.set(CWD_META_KEY, cwd);
  }
  return new Schema(fields, meta);
}

// The per-row loops below are small top-level functions with one shape of arguments each, so
// that V8 optimizes each on its first batch (on-stack replacement inside its one loop) and keeps
// it. As closures or inline loops of one big recordBatch they ran in the interpreter on the
// first batches and recordBatch was re-optimized (and deoptimized) a dozen times per run. They
// read constants from module scope and return at most one number (counts come from popcount of
// the bitmaps): code before and after the loop has no type feedback when the loop is compiled
// on-stack, and property accesses there deoptimized each function on its second call.
// Where each column can have a value: the schema's null rules (schema.ts), read once.
const TS_ENTER = rowsOf('ts_enter');
const TS_EXIT = rowsOf('ts_exit');
const DURATION = rowsOf('duration_ns');
const THREAD = rowsOf('pid');
const COMM = rowsOf('comm');
const CALL = rowsOf('nr');
const SYSCALL = rowsOf('syscall');
const ARGS = rowsOf('arg0');
const STRINGS = rowsOf('str0');
const RET = rowsOf('ret');
const LOST_ROWS = rowsOf('lost');
const SIGNAL_ROWS = rowsOf('signo');
const DATA = rowsOf('data');
/**
 * The rows whose ts_exit value is computed: its rows and the signal rows, whose 0 becomes the
 * clock offset under their null, as the files have always held (values under nulls are no part
 * of the schema; this keeps the outputs byte-identical).
 */
const TS_EXIT_VALUES = TS_EXIT | ROWS.signals;
const PRESENT = StrFlags.PRESENT;
const TRUNCATED = StrFlags.TRUNCATED;
const READ_ERROR = StrFlags.READ_ERROR;
const FLAG_TRUNCATED = STR_FLAG.TRUNCATED;
const FLAG_READ_ERROR = STR_FLAG.READ_ERROR;

/** The statuses a batch holds (one pass: most batches hold only syscalls' statuses). */
function statusesIn(st: Uint8Array, n: number): StatusSet {
  let m = 0;
  for (let i = 0; i < n; i++) m |= 1 << st[i]!;
  return m;
}

/** Bits of the rows whose status is in `set`; returns their count. */
function statusBits(st: Uint8Array, n: number, set: StatusSet, bits: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (((set >>> st[i]!) & 1) !== 0) {
      bits[i >> 3]! |= 1 << (i & 7);
      c++;
    }
  }
  return c;
}

/** Set bits of a bitmap (bits past the row count are never set here). */
function popcount(bits: Uint8Array): number {
  let c = 0;
  for (let k = 0; k < bits.length; k++) {
    let v = bits[k]!;
    v = v - ((v >> 1) & 0x55);
    v = (v & 0x33) + ((v >> 2) & 0x33);
    c += (v + (v >> 4)) & 0x0f;
  }
  return c;
}

/**
 * Monotonic → wall clock, one 64-bit add per row; rows whose status is `skip` stay 0. Plain
 * BigInt arithmetic on BigInt64Array elements: optimized V8 code does it in 64-bit registers
 * without a BigInt per value (measured 1.5× as fast as adding the 32-bit halves, also on the
 * first, cold call); the store wraps mod 2^64 like the int64 it is.
 */
function wallClockInto(src: BigInt64Array, out: BigInt64Array, st: Uint8Array, n: number, set: StatusSet, offset: bigint): void {
  for (let i = 0; i < n; i++) {
    if (((set >>> st[i]!) & 1) !== 0) out[i] = src[i]! + offset;
  }
}

/** duration = exit − enter on the rows of `bits` (64-bit, as wallClockInto). */
function durationInto(enter: BigInt64Array, exit: BigInt64Array, n: number, dur: BigInt64Array, bits: Uint8Array): void {
  for (let i = 0; i < n; i++) {
    if ((bits[i >> 3]! & (1 << (i & 7))) !== 0) dur[i] = exit[i]! - enter[i]!;
  }
}

/** Bits of the rows whose value is ≥ 0; returns the null count. */
function nonNegativeBits(v: Int32Array, n: number, bits: Uint8Array): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (v[i]! >= 0) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls;
}

/** Bits of the rows whose nargs exceed a (argument a was recorded); returns the null count. */
function argBits(nargs: Uint8Array, a: number, n: number, bits: Uint8Array): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (a < nargs[i]!) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls;
}

/** Bits of the rows whose nr has a name (0 ≤ nr < max); returns the null count. */
function syscallBits(nr: Int32Array, n: number, max: number, bits: Uint8Array): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = nr[i]!;
    if (v >= 0 && v < max) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls;
}

/** The dictionary indices of syscall into idx (zeroed): nr where valid (per bits, or `all`), 0 elsewhere. */
function syscallIndices(nr: Int32Array, n: number, bits: Uint8Array, all: boolean, idx: Int32Array): Int32Array {
  if (all) idx.set(nr.subarray(0, n));
  else for (let i = 0; i < n; i++) if ((bits[i >> 3]! & (1 << (i & 7))) !== 0) idx[i] = nr[i]!;
  return idx;
}

/** recordBatch's arrays of n rows by slot: new, or with reuse the last ones of that size, zeroed. */
class Scratch {
  private readonly i64s: (BigInt64Array | undefined)[] = [];
  private readonly i32s: (Int32Array | undefined)[] = [];
  constructor(private readonly reuse: boolean) {}

  i64(slot: number, n: number): BigInt64Array {
    const a = this.i64s[slot];
    if (a === undefined || a.length !== n) return this.keep(this.i64s, slot, new BigInt64Array(n));
    new Int32Array(a.buffer, a.byteOffset, 2 * n).fill(0);
    return a;
  }

  i32(slot: number, n: number): Int32Array {
    const a = this.i32s[slot];
    if (a === undefined || a.length !== n) return this.keep(this.i32s, slot, new Int32Array(n));
    a.fill(0);
    return a;
  }

  private keep<T>(list: (T | undefined)[], slot: number, a: T): T {
    if (this.reuse) list[slot] = a;
    return a;
  }
}

/**
 * One pass over a string column's flags: its str_flags nibble (truncated, read error) into
 * strFlags, its validity (PRESENT) into bits. Returns the null count, or −1 when every flag is 0
 * (no row captured this argument).
 */
function stringFlags(flags: Uint8Array, a: number, n: number, strFlags: Int32Array, bits: Uint8Array): number {
  const shift = 4 * a;
  let nulls = 0;
  let any = false;
  for (let i = 0; i < n; i++) {
    const f = flags[i]!;
    if (f === 0) {
      nulls++;
      continue;
    }
    any = true;
    if ((f & PRESENT) !== 0) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
    const fl = ((f & TRUNCATED) !== 0 ? FLAG_TRUNCATED : 0) | ((f & READ_ERROR) !== 0 ? FLAG_READ_ERROR : 0);
    if (fl !== 0) strFlags[i]! |= fl << shift;
  }
  return any ? nulls : -1;
}

/**
 * errno and errno_name from ret (−4095..−1 on rows with a return value): fills errno, errIdx
 * (−1 where no name) and their bitmaps.
 */
function errnoInto(lo32: Uint32Array, hi32: Int32Array, retBits: Uint8Array, index: Int32Array, n: number, errno: Int32Array, errIdx: Int32Array, eBits: Uint8Array, nBits: Uint8Array): void {
  for (let i = 0; i < n; i++) {
    const lo = lo32[2 * i]!;
    if (hi32[2 * i + 1] === -1 && lo >= TWO32 - MAX_ERRNO && (retBits[i >> 3]! & (1 << (i & 7))) !== 0) {
      const e = TWO32 - lo;
      errno[i] = e;
      eBits[i >> 3]! |= 1 << (i & 7);
      const k = index[e]!;
      errIdx[i] = k;
      if (k >= 0) nBits[i >> 3]! |= 1 << (i & 7);
    } else {
      errIdx[i] = -1;
    }
  }
}

/** Bits of the rows whose flags are not 0 (a data column's rows with data); returns the null count. */
function presentBits(flags: Uint8Array, n: number, bits: Uint8Array): number {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (flags[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls;
}

/** Whether some value of a string column (per its flags) is not valid UTF-8. */
function needsEscape(c: StringColumn, n: number): boolean {
  const start = c.offsets[0]!;
  const end = c.offsets[n]!;
  // all ASCII (nearly always): every value is valid UTF-8
  if (isAscii(c.data, start, end)) return false;
  for (let i = 0; i < n; i++) {
    if (c.flags[i] !== 0 && !isValidUtf8(c.data, c.offsets[i]!, c.offsets[i + 1]!)) return true;
  }
  return false;
}

/**
 * Arrays that stay all zeros (never written to), for the columns that are all null in a batch:
 * allocated once for the largest batch yet, smaller batches get views of their start (one-row
 * batches of lost events come between full ones).
 */
interface Zeros {
  n: number;
  /** validity of the all-null lost and cpu columns (one each: see recordBatch) */
  lostBits: Uint8Array;
  cpuBits: Uint8Array;
  lost: BigInt64Array;
  cpu: Int32Array;
  /** per string argument: validity and offsets of an all-null column */
  strBits: Uint8Array[];
  strOffsets: Int32Array[];
  /** the all-null signal columns: validity and values of each (signo, signal, si_code, si_pid, si_status), siginfo's offsets */
  sigBits: Uint8Array[];
  sigData: Int32Array[];
  sigOffsets: Int32Array;
  /** validity and offsets of an all-null data column */
  dataBits: Uint8Array;
  dataOffsets: Int32Array;
}

function zeros(n: number): Zeros {
  const nbytes = (n + 7) >> 3;
  return {
    n,
    lostBits: new Uint8Array(nbytes),
    cpuBits: new Uint8Array(nbytes),
    lost: new BigInt64Array(n),
    cpu: new Int32Array(n),
    strBits: Array.from({ length: MAX_ARGS }, () => new Uint8Array(nbytes)),
    strOffsets: Array.from({ length: MAX_ARGS }, () => new Int32Array(n + 1)),
    sigBits: Array.from({ length: SIGNAL_COLUMNS }, () => new Uint8Array(nbytes)),
    sigData: Array.from({ length: SIGNAL_COLUMNS - 1 }, () => new Int32Array(n)),
    sigOffsets: new Int32Array(n + 1),
    dataBits: new Uint8Array(nbytes),
    dataOffsets: new Int32Array(n + 1),
  };
}

/** signo, signal, si_code, si_pid, si_status, siginfo */
const SIGNAL_COLUMNS = 6;


const EMPTY_BYTES = new Uint8Array(0);

/** Narrows a value's validity (bits, nulls) to the rows whose status is in a set; returns the nulls. */
type Within = (set: StatusSet, bits: Uint8Array, nulls: number) => number;

export class ArrowRows {
  readonly schema: Schema;
  readonly wallClock: WallClock;
  private readonly syscallDict: Vector<Utf8>;
  private readonly syscallCount: number;
  private readonly errnoIndex = new Int32Array(4096).fill(-1);
  private readonly errnoDict: Vector<Utf8>;
  private readonly statusDict = makeVector(utf8Data(ROW_STATUS_NAMES));
  private readonly signalDict = makeVector(utf8Data(SIGNAL_NAMES));
  private commChunks: Data<Utf8>[] = [];
  private commCount = 0;
  private commDict: Vector<Utf8> = makeVector(utf8Data([]));
  private readonly types: Field[];
  // the column types of the schema, looked up once
  private readonly structType: Struct;
  private readonly tsType: TimestampNanosecond;
  private readonly int32: Int32;
  private readonly int64: Int64;
  private readonly utf8Type: Utf8;
  private readonly binaryType: Binary;
  private readonly commType: Dictionary<Utf8, Int32>;
  private readonly syscallType: Dictionary<Utf8, Int32>;
  private readonly errnoType: Dictionary<Utf8, Int32>;
  private readonly statusType: Dictionary<Utf8, Int8>;
  private readonly signalType: Dictionary<Utf8, Int32>;
  private zeros: Zeros | undefined;
  private readonly scratch: Scratch;

  /**
   * @param opts.deltaDictionaries grow the comm dictionary by delta chunks (IPC files and
   *   streams); false rebuilds it whole, for consumers that take each batch alone (parquet)
   * @param opts.reuseArrays the arrays recordBatch makes (times, duration, indices, flags,
   *   errno: ~44 bytes per row) are the previous batch's again when it had as many rows: for a
   *   caller done with each record batch before asking for the next (parquet copies it into the
   *   row group's IPC at once). Fresh ones are page-faulted in as they are written, which on
   *   this kind of VM costs more than writing them
   */
  constructor(header: TraceHeader, private readonly opts: { deltaDictionaries?: boolean; reuseArrays?: boolean } = {}) {
    this.scratch = new Scratch(opts.reuseArrays ?? false);
    this.schema = arrowSchema(header);
    this.types = this.schema.fields;
    this.structType = new Struct(this.types);
    this.tsType = this.field('ts_enter');
    this.int32 = this.field('pid');
    this.int64 = this.field('duration_ns');
    this.utf8Type = this.field('str0');
    this.binaryType = this.field('data');
    this.commType = this.field('comm');
    this.syscallType = this.field('syscall');
    this.errnoType = this.field('errno_name');
    this.statusType = this.field('status');
    this.signalType = this.field('signal');
    this.wallClock = new WallClock(header.meta.clock);
    // syscall dictionary: index = nr, for every nr the tables know
    const name = syscallNames(header);
    this.syscallCount = syscallNameSpan(header);
    this.syscallDict = makeVector(utf8Data(Array.from({ length: this.syscallCount }, (_, nr) => name(nr))));
    const names: string[] = [];
    for (const [num, errName] of ERRNO) {
      if (num < 4096 && this.errnoIndex[num] === -1) {
        this.errnoIndex[num] = names.length;
        names.push(errName);
      }
    }
    this.errnoDict = makeVector(utf8Data(names));
  }

  private field<T extends DataType>(name: string): T {
    return this.types.find((f) => f.name === name)!.type as T;
  }

  /** The comm dictionary, grown (by a delta chunk) to cover every comm seen so far. */
  comms(all: readonly string[]): Vector<Utf8> {
    if (all.length > this.commCount) {
      if (this.opts.deltaDictionaries === false) this.commChunks = [utf8Data(all)];
      else this.commChunks.push(utf8Data(all.slice(this.commCount)));
      this.commCount = all.length;
      this.commDict = new Vector(this.commChunks);
    }
    return this.commDict;
  }

  /** One Arrow record batch holding the rows of b. */
  recordBatch(b: Rows): RecordBatch {
    const n = b.length;
    const st = b.status;
    const nbytes = (n + 7) >> 3;
    const children: Data[] = [];
    const z = this.zerosOf(n);
    const int32 = this.int32;
    const int64 = this.int64;

    // The validity of each column from its null rule (schema.ts): the rows whose status is in
    // its set, and its own condition on the value where it has one. No array may back two
    // columns of a batch: tableToIPC joins the writer's chunks with apache-arrow's
    // joinUint8Arrays, which merges consecutive chunks of one ArrayBuffer whose ranges overlap
    // (meant for partial reads of a stream), so a buffer written twice in a row (e.g. the
    // syscall indices and nr, both b.nr) comes out once and the message is short.
    // A set that holds every status of the batch (the common case) needs no pass over the rows.
    const held = statusesIn(st, n);
    /** bits of the rows whose status is in `set`, and how many of them are not */
    const rowsIn = (set: StatusSet): [Uint8Array, number] => {
      const bits = new Uint8Array(nbytes);
      if ((held & ~set) === 0) {
        bits.fill(0xff);
        if (n & 7) bits[nbytes - 1] = (1 << (n & 7)) - 1;
        return [bits, 0];
      }
      return [bits, n - statusBits(st, n, set, bits)];
    };
    const validity = ([bits, nulls]: [Uint8Array, number]): [Uint8Array | undefined, number] => [nulls === 0 ? undefined : bits, nulls];
    /** a value's validity (bits, nulls) narrowed to the rows whose status is in `set` */
    const within: Within = (set, bits, nulls) => {
      if ((held & ~set) === 0) return nulls;
      const [rows] = rowsIn(set);
      for (let k = 0; k < nbytes; k++) bits[k]! &= rows[k]!;
      return n - popcount(bits);
    };

    // timestamps: monotonic → wall clock
    const wc = this.wallClock;
    const scratch = this.scratch;
    const wallTs = (src: BigInt64Array, set: StatusSet, values: StatusSet, slot: number) => {
      const out = scratch.i64(slot, n);
      wallClockInto(src, out, st, n, values, wc.offset);
      const [nullBitmap, nullCount] = validity(rowsIn(set));
      return makeData({ type: this.tsType, length: n, nullCount, nullBitmap, data: out });
    };
    children.push(wallTs(b.tsEnter, TS_ENTER, TS_ENTER, 0), wallTs(b.tsExit, TS_EXIT, TS_EXIT_VALUES, 1));

    {
      const dur = scratch.i64(2, n);
      const [bits, nulls] = rowsIn(DURATION);
      durationInto(b.tsEnter, b.tsExit, n, dur, bits);
      children.push(makeData({ type: int64, length: n, nullCount: nulls, nullBitmap: nulls === 0 ? undefined : bits, data: dur }));
    }

    const i32 = (data: Int32Array, [nullBitmap, nullCount]: [Uint8Array | undefined, number]) => makeData({ type: int32, length: n, nullCount, nullBitmap, data });
    children.push(i32(b.pid, validity(rowsIn(THREAD))), i32(b.tid, validity(rowsIn(THREAD))));

    // comm: indices into the trace's growing comm dictionary, −1 = null
    {
      const bits = new Uint8Array(nbytes);
      const nulls = within(COMM, bits, nonNegativeBits(b.comm, n, bits));
      children.push(makeData({ type: this.commType, length: n, nullCount: nulls, nullBitmap: nulls === 0 ? undefined : bits, data: b.comm, dictionary: this.comms(b.comms) }));
    }
    // syscall: index = nr (a copy even when every row has a name: see below)
    {
      const bits = new Uint8Array(nbytes);
      const nulls = within(SYSCALL, bits, syscallBits(b.nr, n, this.syscallCount, bits));
      const idx = syscallIndices(b.nr, n, bits, nulls === 0, scratch.i32(0, n));
      children.push(makeData({ type: this.syscallType, length: n, nullCount: nulls, nullBitmap: nulls === 0 ? undefined : bits, data: idx, dictionary: this.syscallDict }));
    }
    children.push(i32(b.nr, validity(rowsIn(CALL))));

    for (let a = 0; a < MAX_ARGS; a++) {
      const bits = new Uint8Array(nbytes);
      const nulls = within(ARGS, bits, argBits(b.nargs, a, n, bits));
      children.push(makeData({ type: int64, length: n, nullCount: nulls, nullBitmap: nulls === 0 ? undefined : bits, data: b.args[a]! }));
    }

    const strFlags = scratch.i32(1, n);
    for (let a = 0; a < MAX_ARGS; a++) children.push(this.strings(b, a, strFlags, z, within));
    children.push(i32(strFlags, [undefined, 0]));

    // ret and errno (errno's rows are ret's, the value in −MAX_ERRNO..−1)
    {
      const [retBits, nullsRet] = rowsIn(RET);
      children.push(makeData({ type: int64, length: n, nullCount: nullsRet, nullBitmap: nullsRet === 0 ? undefined : retBits, data: b.ret }));
      const errno = scratch.i32(2, n);
      const errIdx = scratch.i32(3, n);
      const eBits = new Uint8Array(nbytes);
      const nBits = new Uint8Array(nbytes);
      const r = b.ret;
      errnoInto(new Uint32Array(r.buffer, r.byteOffset, 2 * n), new Int32Array(r.buffer, r.byteOffset, 2 * n), retBits, this.errnoIndex, n, errno, errIdx, eBits, nBits);
      const errs = popcount(eBits);
      const named = popcount(nBits);
      children.push(makeData({ type: int32, length: n, nullCount: n - errs, nullBitmap: errs === n ? undefined : eBits, data: errno }));
      children.push(makeData({ type: this.errnoType, length: n, nullCount: n - named, nullBitmap: named === n ? undefined : nBits, data: errIdx, dictionary: this.errnoDict }));
    }

    children.push(makeData({
      type: this.statusType, length: n, nullCount: 0,
      data: new Int8Array(st.buffer, st.byteOffset, n), dictionary: this.statusDict,
    }));

    // lost rows (none in most batches: then shared all-null columns)
    const [lostBits, notLost] = rowsIn(LOST_ROWS);
    const lost = n - notLost;
    {
      const nullBitmap = notLost === 0 ? undefined : lost === 0 ? z.lostBits : lostBits;
      children.push(makeData({ type: int64, length: n, nullCount: notLost, nullBitmap, data: b.lost ?? z.lost }));
    }
    {
      const nullBitmap = notLost === 0 ? undefined : lost === 0 ? z.cpuBits : lostBits.slice();
      children.push(makeData({ type: int32, length: n, nullCount: notLost, nullBitmap, data: b.cpu ?? z.cpu }));
    }

    const [sigBits, notSignals] = rowsIn(SIGNAL_ROWS);
    children.push(...this.signalColumns(b, sigBits, n - notSignals, z));
    children.push(this.data(b, z, within));

    const struct = makeData({ type: this.structType, length: n, nullCount: 0, children });
    return new RecordBatch(this.schema, struct);
  }

  /** signo, signal, si_code, si_pid, si_status and siginfo: all null, or from b.signal on the signal rows. */
  private signalColumns(b: Rows, sigBits: Uint8Array, signals: number, z: Zeros): Data[] {
    const n = b.length;
    const int32 = this.int32;
    const sig = b.signal;
    if (signals === 0 || !sig) {
      const [signo, name, code, pid, status] = z.sigData as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
      const bits = z.sigBits;
      const none = (type: DataType, k: number, data: Int32Array) => makeData({ type: type as Int32, length: n, nullCount: n, nullBitmap: bits[k]!, data });
      return [
        none(int32, 0, signo), makeData({ type: this.signalType, length: n, nullCount: n, nullBitmap: bits[1]!, data: name, dictionary: this.signalDict }),
        none(int32, 2, code), none(int32, 3, pid), none(int32, 4, status),
        makeData({ type: this.utf8Type, length: n, nullCount: n, nullBitmap: bits[5]!, valueOffsets: z.sigOffsets, data: EMPTY_BYTES }),
      ];
    }
    const nbytes = (n + 7) >> 3;
    const nulls = n - signals;
    const valid = () => (nulls === 0 ? undefined : sigBits.slice());
    // names: index = signo where the dictionary has it
    const idx = new Int32Array(n);
    const nameBits = new Uint8Array(nbytes);
    const pidBits = new Uint8Array(nbytes);
    const statusBits = new Uint8Array(nbytes);
    const offsets = new Int32Array(n + 1);
    const texts: Uint8Array[] = [];
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const on = (sigBits[i >> 3]! & (1 << (i & 7))) !== 0;
      const bit = 1 << (i & 7);
      if (on) {
        const s = sig.signo[i]!;
        if (s > 0 && s < SIGNAL_NAMES.length) {
          idx[i] = s;
          nameBits[i >> 3]! |= bit;
        }
        if (sig.has[i]! & HAS_PID) pidBits[i >> 3]! |= bit;
        if (sig.has[i]! & HAS_STATUS) statusBits[i >> 3]! |= bit;
        const t = utf8.encode(sig.info[i]!);
        texts.push(t);
        bytes += t.length;
      } else texts.push(EMPTY_BYTES);
      offsets[i + 1] = bytes;
    }
    const data = new Uint8Array(bytes);
    texts.forEach((t, i) => data.set(t, offsets[i]!));
    const counted = (bits: Uint8Array): [Uint8Array | undefined, number] => {
      const c = popcount(bits);
      return c === n ? [undefined, 0] : [bits, n - c];
    };
    const col = (values: Int32Array, [nullBitmap, nullCount]: [Uint8Array | undefined, number]) => makeData({ type: int32, length: n, nullCount, nullBitmap, data: values.slice() });
    const [nb, nn] = counted(nameBits);
    return [
      col(sig.signo, [valid(), nulls]),
      makeData({ type: this.signalType, length: n, nullCount: nn, nullBitmap: nb, data: idx, dictionary: this.signalDict }),
      col(sig.code, [valid(), nulls]), col(sig.pid, counted(pidBits)), col(sig.status, counted(statusBits)),
      makeData({ type: this.utf8Type, length: n, nullCount: nulls, nullBitmap: valid(), valueOffsets: offsets, data }),
    ];
  }

  /** data: the batch's data column as it is (zero-copy), null where a row has none. */
  private data(b: Rows, z: Zeros, within: Within): Data<Binary> {
    const n = b.length;
    const c = b.data;
    const bits = new Uint8Array((n + 7) >> 3);
    const nullCount = within(DATA, bits, presentBits(c.flags, n, bits));
    if (nullCount === n) return makeData({ type: this.binaryType, length: n, nullCount: n, nullBitmap: z.dataBits, valueOffsets: z.dataOffsets, data: EMPTY_BYTES });
    return makeData({ type: this.binaryType, length: n, nullCount, nullBitmap: nullCount === 0 ? undefined : bits, valueOffsets: c.offsets, data: c.data });
  }

  /** The shared all-zero arrays, for batches of n rows. */
  private zerosOf(n: number): Zeros {
    if (this.zeros === undefined || this.zeros.n < n) this.zeros = zeros(n);
    const z = this.zeros;
    if (z.n === n) return z;
    const nbytes = (n + 7) >> 3;
    return {
      n,
      lostBits: z.lostBits.subarray(0, nbytes),
      cpuBits: z.cpuBits.subarray(0, nbytes),
      lost: z.lost.subarray(0, n),
      cpu: z.cpu.subarray(0, n),
      strBits: z.strBits.map((b) => b.subarray(0, nbytes)),
      strOffsets: z.strOffsets.map((o) => o.subarray(0, n + 1)),
      sigBits: z.sigBits.map((b) => b.subarray(0, nbytes)),
      sigData: z.sigData.map((d) => d.subarray(0, n)),
      sigOffsets: z.sigOffsets.subarray(0, n + 1),
      dataBits: z.dataBits.subarray(0, nbytes),
      dataOffsets: z.dataOffsets.subarray(0, n + 1),
    };
  }

  /** String column a: zero-copy when every value is valid UTF-8, else rebuilt with escapes. */
  private strings(b: Rows, a: number, strFlags: Int32Array, z: Zeros, within: Within): Data<Utf8> {
    const n = b.length;
    const c = b.strings[a]!;
    const bits = new Uint8Array((n + 7) >> 3);
    const found = stringFlags(c.flags, a, n, strFlags, bits);
    const nullCount = found < 0 ? found : within(STRINGS, bits, found);
    if (nullCount < 0) {
      return makeData({ type: this.utf8Type, length: n, nullCount: n, nullBitmap: z.strBits[a]!, valueOffsets: z.strOffsets[a]!, data: EMPTY_BYTES });
    }
    const nullBitmap = nullCount === 0 ? undefined : bits;
    if (!needsEscape(c, n)) return makeData({ type: this.utf8Type, length: n, nullCount, nullBitmap, valueOffsets: c.offsets, data: c.data });
    // some values are not UTF-8: the escaping rule of SCHEMA.md, flagged in str_flags
    const parts: Uint8Array[] = [];
    const offsets = new Int32Array(n + 1);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const s = c.offsets[i]!;
      const e = c.offsets[i + 1]!;
      let bytes = c.data.subarray(s, e);
      if (c.flags[i] !== 0 && !isValidUtf8(c.data, s, e)) {
        bytes = utf8.encode(escapeBytes(c.data, s, e));
        strFlags[i]! |= STR_FLAG.ESCAPED << (4 * a);
      }
      parts.push(bytes);
      pos += bytes.length;
      offsets[i + 1] = pos;
    }
    const data = new Uint8Array(pos);
    parts.forEach((p, i) => data.set(p, offsets[i]!));
    return makeData({ type: this.utf8Type, length: n, nullCount, nullBitmap, valueOffsets: offsets, data });
  }
}
