/**
 * Rows → Arrow RecordBatch in the schema of SCHEMA.md, built with makeData from the batch's
 * typed arrays: zero-copy where the column already has Arrow's layout (pid, tid, nr, args, ret,
 * valid UTF-8 strings, comm and status indices), one typed-array pass where a value is derived
 * (wall-clock timestamps, duration, errno, str_flags, validity bitmaps). Shared by the arrow,
 * arrows and parquet sinks.
 */
import {
  Data, Dictionary, Field, Int32, Int64, Int8, makeData, makeVector, RecordBatch, Schema, Struct, TimestampNanosecond, Utf8,
  Vector,
} from 'apache-arrow';
import { ERRNO, MAX_ARGS, StrFlags, SyscallStatus, syscallNameSpan, type TraceHeader } from '@vltrace/format';
import { escapeBytes, isAscii, isValidUtf8 } from './bytes.js';
import { syscallNames } from './fields.js';
import { halves, WallClock } from './int64.js';
import { COLUMNS, ROW_STATUS_NAMES, RowStatus, SCHEMA_VERSION, STR_FLAG, type Rows } from './schema.js';

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
const DICT = { comm: 0, syscall: 1, errno: 2, status: 3 } as const;

/** The Arrow schema of SCHEMA.md, with the recording's clock in its metadata. */
export function arrowSchema(header?: TraceHeader): Schema {
  const fields = COLUMNS.map((c) => {
    switch (c.name) {
      case 'comm':
      case 'syscall':
      case 'errno_name':
        return new Field(c.name, new Dictionary(new Utf8(), new Int32(), DICT[c.name === 'errno_name' ? 'errno' : c.name]), true);
      case 'status':
        return new Field(c.name, new Dictionary(new Utf8(), new Int8(), DICT.status), false);
      default:
        return new Field(c.name, c.type === 'timestamp' ? new TimestampNanosecond() : c.type === 'int64' ? new Int64() : c.type === 'int32' ? new Int32() : new Utf8(), true);
    }
  });
  const meta = new Map<string, string>([['vltrace.schema', SCHEMA_VERSION]]);
  if (header) {
    meta.set('vltrace.clock.monotonic_ns', header.meta.clock.monotonicNs);
    meta.set('vltrace.clock.realtime_ns', header.meta.clock.realtimeNs);
    meta.set('vltrace.hostname', header.meta.hostname);
  }
  return new Schema(fields, meta);
}

/** Set bits among the first n of a bitmap. */
function popcount(bits: Uint8Array, n: number): number {
  let c = 0;
  for (let k = 0; k < bits.length; k++) {
    let v = bits[k]!;
    v = v - ((v >> 1) & 0x55);
    v = (v & 0x33) + ((v >> 2) & 0x33);
    c += (v + (v >> 4)) & 0x0f;
  }
  return Math.min(c, n);
}

/** Clears the bits past row n of the last byte. */
function clearTail(bits: Uint8Array, n: number): void {
  if (n & 7) bits[bits.length - 1]! &= (1 << (n & 7)) - 1;
}

/** A validity bitmap filled by `fill` (which returns the null count); undefined when no nulls. */
function validityOf(n: number, fill: (bits: Uint8Array) => number): [Uint8Array | undefined, number] {
  const bits = new Uint8Array((n + 7) >> 3);
  const nulls = fill(bits);
  return nulls === 0 ? [undefined, 0] : [bits, nulls];
}

/** Validity bitmap of n rows from a predicate; returns [bitmap, nullCount]. */
function validity(n: number, valid: (i: number) => boolean): [Uint8Array | undefined, number] {
  const bits = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid(i)) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? [undefined, 0] : [bits, nulls];
}

/** Converts batches of one recording (or merged stream) to Arrow record batches. */
export class ArrowRows {
  readonly schema: Schema;
  readonly wallClock: WallClock;
  private readonly syscallDict: Vector<Utf8>;
  private readonly syscallCount: number;
  private readonly errnoIndex = new Int32Array(4096).fill(-1);
  private readonly errnoDict: Vector<Utf8>;
  private readonly statusDict = makeVector(utf8Data(ROW_STATUS_NAMES));
  private commChunks: Data<Utf8>[] = [];
  private commCount = 0;
  private commDict: Vector<Utf8> = makeVector(utf8Data([]));
  private readonly types: Field[];

  /**
   * @param opts.deltaDictionaries grow the comm dictionary by delta chunks (IPC files and
   *   streams); false rebuilds it whole, for consumers that take each batch alone (parquet)
   */
  constructor(header: TraceHeader, private readonly opts: { deltaDictionaries?: boolean } = {}) {
    this.schema = arrowSchema(header);
    this.types = this.schema.fields;
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

  private field(name: string): Field {
    return this.types.find((f) => f.name === name)!;
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
    const f = (name: string) => this.field(name).type;
    const ENTRY_ONLY = SyscallStatus.UNFINISHED;
    const EXIT_ONLY = SyscallStatus.NO_ENTRY;

    // One pass over the status column: the validity bitmaps every column derives from (plain
    // loops, no predicate per row). Each column gets its own copy of a bitmap: the IPC writer
    // mis-sizes a message whose columns share a buffer.
    const entryBits = new Uint8Array(nbytes);
    const exitBits = new Uint8Array(nbytes);
    const retBits = new Uint8Array(nbytes);
    const lostBits = new Uint8Array(nbytes);
    let noEntry = 0;
    let noExit = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const s = st[i]!;
      const bit = 1 << (i & 7);
      const k = i >> 3;
      if (s === EXIT_ONLY) noEntry++;
      else entryBits[k]! |= bit;
      if (s === ENTRY_ONLY) noExit++;
      else if (s === RowStatus.LOST) {
        exitBits[k]! |= bit;
        lostBits[k]! |= bit;
        lost++;
      } else {
        exitBits[k]! |= bit;
        retBits[k]! |= bit;
      }
    }
    const nullsRet = n - popcount(retBits, n);
    const bitmap = (bits: Uint8Array, nulls: number): [Uint8Array | undefined, number] => [nulls === 0 ? undefined : bits.slice(), nulls];
    const notLost = (): [Uint8Array | undefined, number] => {
      if (lost === 0) return [undefined, 0];
      const bits = new Uint8Array(nbytes);
      for (let k = 0; k < nbytes; k++) bits[k] = ~lostBits[k]! & 0xff;
      clearTail(bits, n);
      return [bits, lost];
    };

    // timestamps: monotonic → wall clock, one 64-bit add on the 32-bit halves per row
    const wc = this.wallClock;
    const wallTs = (src: BigInt64Array, bits: Uint8Array, nulls: number, skip: number) => {
      const out = new BigInt64Array(n);
      const s = new Uint32Array(src.buffer, src.byteOffset, 2 * n);
      const d = new Uint32Array(out.buffer);
      const offLo = wc.offsetLo;
      const offHi = wc.offsetHi;
      for (let i = 0; i < n; i++) {
        if (st[i] === skip) continue;
        const lo = s[2 * i]! + offLo;
        d[2 * i] = lo; // mod 2^32
        d[2 * i + 1] = s[2 * i + 1]! + offHi + (lo >= TWO32 ? 1 : 0);
      }
      const [nullBitmap, nullCount] = bitmap(bits, nulls);
      return makeData({ type: f('ts_enter') as TimestampNanosecond, length: n, nullCount, nullBitmap, data: out });
    };
    children.push(wallTs(b.tsEnter, entryBits, noEntry, EXIT_ONLY), wallTs(b.tsExit, exitBits, noExit, ENTRY_ONLY));

    // duration = exit − enter (halves: exact below 2^53 ns; BigInt beyond)
    {
      const dur = new BigInt64Array(n);
      const e = new Uint32Array(b.tsEnter.buffer, b.tsEnter.byteOffset, 2 * n);
      const eh = new Int32Array(b.tsEnter.buffer, b.tsEnter.byteOffset, 2 * n);
      const x = new Uint32Array(b.tsExit.buffer, b.tsExit.byteOffset, 2 * n);
      const xh = new Int32Array(b.tsExit.buffer, b.tsExit.byteOffset, 2 * n);
      const d = new Int32Array(dur.buffer);
      const bits = new Uint8Array(nbytes);
      let nulls = 0;
      for (let i = 0; i < n; i++) {
        const s = st[i]!;
        if (s === ENTRY_ONLY || s === EXIT_ONLY) {
          nulls++;
          continue;
        }
        bits[i >> 3]! |= 1 << (i & 7);
        const v = (xh[2 * i + 1]! - eh[2 * i + 1]!) * TWO32 + (x[2 * i]! - e[2 * i]!);
        if (v >= 0 && v < TWO32) {
          d[2 * i] = v | 0;
        } else if (Number.isSafeInteger(v)) {
          d[2 * i] = v | 0; // low word, mod 2^32
          d[2 * i + 1] = Math.floor(v / TWO32);
        } else {
          dur[i] = b.tsExit[i]! - b.tsEnter[i]!;
        }
      }
      children.push(makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap: nulls === 0 ? undefined : bits, data: dur }));
    }

    const i32 = (data: Int32Array, [nullBitmap, nullCount]: [Uint8Array | undefined, number]) => makeData({ type: new Int32(), length: n, nullCount, nullBitmap, data });
    children.push(i32(b.pid, notLost()), i32(b.tid, notLost()));

    // comm: indices into the trace's growing comm dictionary, −1 = null
    {
      const [nullBitmap, nullCount] = validityOf(n, (bits) => {
        let nulls = 0;
        const c = b.comm;
        for (let i = 0; i < n; i++) {
          if (c[i]! >= 0) bits[i >> 3]! |= 1 << (i & 7);
          else nulls++;
        }
        return nulls;
      });
      children.push(makeData({ type: f('comm') as Dictionary<Utf8, Int32>, length: n, nullCount, nullBitmap, data: b.comm, dictionary: this.comms(b.comms) }));
    }
    // syscall: index = nr
    {
      const max = this.syscallCount;
      const nr = b.nr;
      const idx = new Int32Array(n);
      const [nullBitmap, nullCount] = validityOf(n, (bits) => {
        let nulls = 0;
        for (let i = 0; i < n; i++) {
          const v = nr[i]!;
          if (v >= 0 && v < max && st[i] !== RowStatus.LOST) {
            bits[i >> 3]! |= 1 << (i & 7);
            idx[i] = v;
          } else {
            nulls++;
          }
        }
        return nulls;
      });
      children.push(makeData({ type: f('syscall') as Dictionary<Utf8, Int32>, length: n, nullCount, nullBitmap, data: idx, dictionary: this.syscallDict }));
    }
    children.push(i32(b.nr, notLost()));

    for (let a = 0; a < MAX_ARGS; a++) {
      const na = b.nargs;
      const [nullBitmap, nullCount] = validityOf(n, (bits) => {
        let nulls = 0;
        for (let i = 0; i < n; i++) {
          if (a < na[i]!) bits[i >> 3]! |= 1 << (i & 7);
          else nulls++;
        }
        return nulls;
      });
      children.push(makeData({ type: new Int64(), length: n, nullCount, nullBitmap, data: b.args[a]! }));
    }

    const strFlags = new Int32Array(n);
    for (let a = 0; a < MAX_ARGS; a++) children.push(this.strings(b, a, strFlags));
    children.push(i32(strFlags, [undefined, 0]));

    // ret and errno
    {
      children.push(makeData({ type: new Int64(), length: n, nullCount: nullsRet, nullBitmap: nullsRet === 0 ? undefined : retBits, data: b.ret }));
      const lo32 = new Uint32Array(b.ret.buffer, b.ret.byteOffset, 2 * n);
      const hi32 = new Int32Array(b.ret.buffer, b.ret.byteOffset, 2 * n);
      const errno = new Int32Array(n);
      const errIdx = new Int32Array(n);
      const eBits = new Uint8Array(nbytes);
      const nBits = new Uint8Array(nbytes);
      let errs = 0;
      let named = 0;
      const index = this.errnoIndex;
      for (let i = 0; i < n; i++) {
        const lo = lo32[2 * i]!;
        if (hi32[2 * i + 1] === -1 && lo >= TWO32 - 4095 && (retBits[i >> 3]! & (1 << (i & 7))) !== 0) {
          const e = TWO32 - lo;
          errno[i] = e;
          eBits[i >> 3]! |= 1 << (i & 7);
          errs++;
          const k = index[e]!;
          errIdx[i] = k;
          if (k >= 0) {
            nBits[i >> 3]! |= 1 << (i & 7);
            named++;
          }
        } else {
          errIdx[i] = -1;
        }
      }
      children.push(makeData({ type: new Int32(), length: n, nullCount: n - errs, nullBitmap: errs === n ? undefined : eBits, data: errno }));
      children.push(makeData({ type: f('errno_name') as Dictionary<Utf8, Int32>, length: n, nullCount: n - named, nullBitmap: named === n ? undefined : nBits, data: errIdx, dictionary: this.errnoDict }));
    }

    children.push(makeData({
      type: f('status') as Dictionary<Utf8, Int8>, length: n, nullCount: 0,
      data: new Int8Array(st.buffer, st.byteOffset, n), dictionary: this.statusDict,
    }));

    // lost rows
    const lostOnly = (): [Uint8Array, number] => [lost === 0 ? new Uint8Array(nbytes) : lostBits.slice(), n - lost];
    {
      const [nullBitmap, nullCount] = lostOnly();
      children.push(makeData({ type: new Int64(), length: n, nullCount, nullBitmap: nullCount === 0 ? undefined : nullBitmap, data: b.lost ?? new BigInt64Array(n) }));
    }
    {
      const [nullBitmap, nullCount] = lostOnly();
      children.push(makeData({ type: new Int32(), length: n, nullCount, nullBitmap: nullCount === 0 ? undefined : nullBitmap, data: b.cpu ?? new Int32Array(n) }));
    }

    const struct = makeData({ type: new Struct(this.types), length: n, nullCount: 0, children });
    return new RecordBatch(this.schema, struct);
  }

  /** String column a: zero-copy when every value is valid UTF-8, else rebuilt with escapes. */
  private strings(b: Rows, a: number, strFlags: Int32Array): Data<Utf8> {
    const n = b.length;
    const c = b.strings[a]!;
    let escape = false;
    let any = false;
    for (let i = 0; i < n; i++) {
      const f = c.flags[i]!;
      if (f === 0) continue;
      any = true;
      const bits = (f & StrFlags.TRUNCATED ? STR_FLAG.TRUNCATED : 0) | (f & StrFlags.READ_ERROR ? STR_FLAG.READ_ERROR : 0);
      if (bits) strFlags[i]! |= bits << (4 * a);
    }
    if (!any) {
      const zeros = new Uint8Array((n + 7) >> 3);
      return makeData({ type: new Utf8(), length: n, nullCount: n, nullBitmap: zeros, valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) });
    }
    const end = c.offsets[n]!;
    if (!isAscii(c.data, c.offsets[0]!, end)) {
      for (let i = 0; i < n && !escape; i++) {
        if (c.flags[i] !== 0 && !isValidUtf8(c.data, c.offsets[i]!, c.offsets[i + 1]!)) escape = true;
      }
    }
    const [nullBitmap, nullCount] = validity(n, (i) => (c.flags[i]! & StrFlags.PRESENT) !== 0);
    if (!escape) return makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, valueOffsets: c.offsets, data: c.data });
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
    return makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, valueOffsets: offsets, data });
  }
}
