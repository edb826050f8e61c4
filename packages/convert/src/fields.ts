/**
 * The schema's values of a batch row, written as bytes (shared by the csv and jsonl sinks):
 * exact 64-bit decimals from the halves, wall-clock timestamps, names pre-encoded once. Each
 * field method writes the value and returns true, or writes nothing and returns false (null).
 */
import { Buffer } from 'node:buffer';
import { errnoName, nameLookup, StrFlags, type TraceHeader } from '@vltrace/format';
import { key, putInt, putInt64, putKey, putLatin1, putUtf8, type Key } from './byte-out.js';
import { textOf } from './bytes.js';
import { halves, WallClock, type Halves } from './int64.js';
import { inSet, MAX_ERRNO, ROW_STATUS_NAMES, rowsOf, STR_FLAG, type Rows } from './schema.js';

const TWO32 = 4294967296;
// the schema's null rules (schema.ts) of the columns written here
const TS_ENTER = rowsOf('ts_enter');
const TS_EXIT = rowsOf('ts_exit');
const DURATION = rowsOf('duration_ns');
const RET = rowsOf('ret');
const ERRNO = rowsOf('errno');
/** rows with all three of ts_enter, ts_exit and duration_ns */
const TIMES = TS_ENTER & TS_EXIT & DURATION;

/** A batch's 64-bit columns viewed as halves, ready for row formatting. */
export interface PreparedRows {
  readonly b: Rows;
  readonly tsE: Halves;
  readonly tsX: Halves;
  readonly ret: Halves;
  readonly args: readonly Halves[];
}

export function prepare(b: Rows): PreparedRows {
  // a loop, not map(): the row writers read `args[a]`, and map() gives arrays of two element
  // kinds depending on how V8 runs it (see packed() in @vltrace/format's batch.ts)
  const args: Halves[] = [];
  for (let a = 0; a < b.args.length; a++) args.push(halves(b.args[a]!));
  return { b, tsE: halves(b.tsEnter), tsX: halves(b.tsExit), ret: halves(b.ret), args };
}

/** Syscall names by number, cached. */
export function syscallNames(header: TraceHeader): (nr: number) => string {
  const lookup = nameLookup(header);
  const cache: string[] = [];
  return (nr) => (nr >= 0 && nr < 4096 ? (cache[nr] ??= lookup(nr)) : lookup(nr));
}

/** A per-value cache of encoded bytes (names, comms), by small integer key. */
export class EncodedNames {
  private readonly cache: Key[] = [];
  constructor(private readonly encode: (key: number) => string) {}

  get(k: number): Key {
    if (k >= 0 && k < 65536) return (this.cache[k] ??= key(this.encode(k), 'utf8'));
    return key(this.encode(k), 'utf8');
  }
}

/**
 * A row's thread fields (pid, tid and comm, as a format writes them) as one constant per
 * thread: most rows are of a thread seen just before, and one key copied costs less than two
 * numbers formatted and a name. A small cache by tid (direct-mapped, checked against the pid
 * and the comm, which exec changes).
 */
export class ThreadKeys {
  private readonly tids = new Int32Array(256).fill(-1);
  private readonly pids = new Int32Array(256);
  private readonly comms = new Int32Array(256);
  private readonly keys: Key[] = [];

  constructor(private readonly build: (pid: number, tid: number, comm: number) => Uint8Array) {}

  get(pid: number, tid: number, comm: number): Key {
    const s = tid & 255;
    if (this.tids[s] === tid && this.pids[s] === pid && this.comms[s] === comm) return this.keys[s]!;
    const k = key(this.build(pid, tid, comm));
    this.tids[s] = tid;
    this.pids[s] = pid;
    this.comms[s] = comm;
    this.keys[s] = k;
    return k;
  }
}

/** Writes the values of the schema's columns for one row at a time. */
export class RowWriter {
  readonly wall: WallClock;
  readonly name: (nr: number) => string;

  /**
   * @param quote how a text value is quoted (the format's rule)
   * @param plain bytes that may be copied into a quoted value as they are
   * @param nullText how the format writes a null
   */
  constructor(
    header: TraceHeader,
    private readonly quote: (s: string) => string,
    private readonly plain: (c: number) => boolean,
    private readonly nullText: string,
  ) {
    this.wall = new WallClock(header.meta.clock);
    this.name = syscallNames(header);
  }

  /** Pre-encoded, quoted errno names */
  errnos = new EncodedNames((e) => {
    const name = errnoName(e);
    return name === undefined ? this.nullText : this.quote(name);
  });
  /** Pre-encoded, quoted status names */
  statuses = new EncodedNames((s) => this.quote(ROW_STATUS_NAMES[s] ?? String(s)));

  // Each writer puts the value at p and returns the new position; it returns p unchanged for
  // a null (every non-null value is at least one byte). dv views b's memory: numbers are
  // written in 32-bit words and may scribble up to 3 bytes past their end (see byte-out.ts).

  tsEnter(b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number): number {
    return inSet(TS_ENTER, r.b.status[i]!) ? this.wall.put(b, dv, p, r.tsE, r.b.tsEnter, i) : p;
  }

  tsExit(b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number): number {
    return inSet(TS_EXIT, r.b.status[i]!) ? this.wall.put(b, dv, p, r.tsX, r.b.tsExit, i) : p;
  }

  duration(b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number): number {
    if (!inSet(DURATION, r.b.status[i]!)) return p;
    const d = (r.tsX.hi[2 * i + 1]! - r.tsE.hi[2 * i + 1]!) * TWO32 + (r.tsX.lo[2 * i]! - r.tsE.lo[2 * i]!);
    return Number.isSafeInteger(d) ? putInt(b, dv, p, d) : putLatin1(b, p, (r.b.tsExit[i]! - r.b.tsEnter[i]!).toString());
  }

  /**
   * A call with both times (the common row): `ts_enter` sepE `ts_exit` sepX `duration_ns`, each
   * time converted once. Returns -1 (nothing written) for any other row, or a time the fast path
   * does not take: the caller then writes the three fields one by one.
   */
  times(b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number, sepE: Key, sepX: Key): number {
    if (!inSet(TIMES, r.b.status[i]!)) return -1;
    const e = this.wall.safeMono(r.tsE, i);
    const x = this.wall.safeMono(r.tsX, i);
    if (e < 0 || x < 0) return -1;
    p = putKey(b, dv, this.wall.putSafe(b, dv, p, e), sepE);
    p = putKey(b, dv, this.wall.putSafe(b, dv, p, x), sepX);
    return putInt(b, dv, p, x - e);
  }

  arg(b: Buffer, dv: DataView, p: number, r: PreparedRows, a: number, i: number): number {
    // rows that are not syscalls' have nargs 0 (lostRows, signalRows): the rule's statuses need no test here
    if (a >= r.b.nargs[i]!) return p;
    const h = r.args[a]!;
    return putInt64(b, dv, p, h.lo[2 * i]!, h.hi[2 * i + 1]!);
  }

  ret(b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number): number {
    if (!inSet(RET, r.b.status[i]!)) return p;
    return putInt64(b, dv, p, r.ret.lo[2 * i]!, r.ret.hi[2 * i + 1]!);
  }

  /** errno of the row, or 0 */
  errno(r: PreparedRows, i: number): number {
    if (!inSet(ERRNO, r.b.status[i]!)) return 0;
    const lo = r.ret.lo[2 * i]!;
    return r.ret.hi[2 * i + 1] === -1 && lo >= TWO32 - MAX_ERRNO ? TWO32 - lo : 0;
  }

  /** Worst-case bytes the strings of row i take once quoted or escaped. */
  stringRoom(r: PreparedRows, i: number): number {
    let n = 0;
    for (let a = 0; a < r.b.strings.length; a++) {
      const c = r.b.strings[a]!;
      if (c.flags[i] !== 0) n += 12 * (c.offsets[i + 1]! - c.offsets[i]!) + 2;
    }
    return n;
  }

  /**
   * Puts string argument a of row i (quoted by the format's rule) at p. Returns the new
   * position; `this.flags` receives its str_flags nibble. Call only when the string is present.
   */
  str(b: Buffer, p: number, r: PreparedRows, a: number, i: number): number {
    const c = r.b.strings[a]!;
    const f = c.flags[i]!;
    let flags = (f & StrFlags.TRUNCATED ? STR_FLAG.TRUNCATED : 0) | (f & StrFlags.READ_ERROR ? STR_FLAG.READ_ERROR : 0);
    const s = c.offsets[i]!;
    const e = c.offsets[i + 1]!;
    const d = c.data;
    // printable ASCII without the format's special characters goes in as it is: copied while
    // checked, in one pass; the first other byte sends the string to textOf (the caller
    // reserved stringRoom, so the copy has room whatever it meets)
    const plain = this.plain;
    let q = p + 1;
    let k = s;
    while (k < e && plain(d[k]!)) b[q++] = d[k++]!;
    if (k === e && e > s) {
      b[p] = 34;
      b[q++] = 34;
      this.flags = flags;
      return q;
    }
    const t = textOf(d, s, e);
    if (t.escaped) flags |= STR_FLAG.ESCAPED;
    this.flags = flags;
    return putUtf8(b, p, this.quote(t.text));
  }

  /** str_flags nibble of the last str() */
  flags = 0;
}
