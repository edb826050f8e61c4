/**
 * Row selection over columns: builds a smaller batch holding the chosen rows of a batch
 * (filters) or of several batches (merging inputs). No object per row: every column is
 * gathered with typed-array loops.
 */
import { MAX_ARGS, type StringColumn } from '@vltrace/format';
import type { Rows, SignalColumns } from './schema.js';

/**
 * Rows [from, to) of a batch of syscalls as a batch of views of its columns (no copy): the
 * string offsets stay offsets into the whole batch's bytes. For a batch without lost or signal
 * rows (a reader's).
 */
export function rowRange(b: Rows, from: number, to: number): Rows {
  const str = (c: StringColumn): StringColumn => ({ offsets: c.offsets.subarray(from, to + 1), data: c.data, flags: c.flags.subarray(from, to) });
  const args: BigInt64Array[] = [];
  for (let a = 0; a < b.args.length; a++) args.push(b.args[a]!.subarray(from, to));
  const strings: StringColumn[] = [];
  for (let a = 0; a < b.strings.length; a++) strings.push(str(b.strings[a]!));
  // the properties in allocBatch's order (one shape for every batch the sinks see)
  return {
    length: to - from,
    pid: b.pid.subarray(from, to),
    tid: b.tid.subarray(from, to),
    nr: b.nr.subarray(from, to),
    tsEnter: b.tsEnter.subarray(from, to),
    tsExit: b.tsExit.subarray(from, to),
    args,
    nargs: b.nargs.subarray(from, to),
    ret: b.ret.subarray(from, to),
    status: b.status.subarray(from, to),
    strings,
    data: str(b.data),
    comm: b.comm.subarray(from, to),
    comms: b.comms,
  };
}

/** The rows idx[0..n) of `b`, in that order, as a new batch. */
export function selectRows(b: Rows, idx: Int32Array, n: number): Rows {
  const i32 = (src: Int32Array) => {
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) out[k] = src[idx[k]!]!;
    return out;
  };
  const u8 = (src: Uint8Array) => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = src[idx[k]!]!;
    return out;
  };
  const i64 = (src: BigInt64Array) => {
    const out = new BigInt64Array(n);
    const s = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
    const d = new Int32Array(out.buffer);
    for (let k = 0; k < n; k++) {
      const r = idx[k]! * 2;
      d[2 * k] = s[r]!;
      d[2 * k + 1] = s[r + 1]!;
    }
    return out;
  };
  const str = (c: StringColumn): StringColumn => {
    const offsets = new Int32Array(n + 1);
    let bytes = 0;
    for (let k = 0; k < n; k++) bytes += c.offsets[idx[k]! + 1]! - c.offsets[idx[k]!]!;
    const data = new Uint8Array(bytes);
    let p = 0;
    if (bytes > 0) {
      for (let k = 0; k < n; k++) {
        const s = c.offsets[idx[k]!]!;
        const e = c.offsets[idx[k]! + 1]!;
        if (e > s) data.set(c.data.subarray(s, e), p);
        p += e - s;
        offsets[k + 1] = p;
      }
    }
    return { offsets, data, flags: u8(c.flags) };
  };
  const rows: Rows = {
    length: n,
    pid: i32(b.pid), tid: i32(b.tid), nr: i32(b.nr),
    tsEnter: i64(b.tsEnter), tsExit: i64(b.tsExit),
    args: b.args.map(i64), nargs: u8(b.nargs), ret: i64(b.ret), status: u8(b.status),
    strings: b.strings.map(str), data: str(b.data), comm: i32(b.comm), comms: b.comms,
    ...(b.lost ? { lost: i64(b.lost) } : {}),
    ...(b.cpu ? { cpu: i32(b.cpu) } : {}),
    ...(b.signal ? { signal: selectSignals(b.signal, idx, n) } : {}),
  };
  return rows;
}

/** The signal columns of rows idx[0..n). */
function selectSignals(s: SignalColumns, idx: Int32Array, n: number): SignalColumns {
  const pick = <T extends Int32Array | Uint8Array>(src: T, out: T) => {
    for (let k = 0; k < n; k++) out[k] = src[idx[k]!]!;
    return out;
  };
  return {
    signo: pick(s.signo, new Int32Array(n)), code: pick(s.code, new Int32Array(n)), pid: pick(s.pid, new Int32Array(n)),
    status: pick(s.status, new Int32Array(n)), has: pick(s.has, new Uint8Array(n)),
    info: Array.from({ length: n }, (_, k) => s.info[idx[k]!] ?? ''),
  };
}

/** Row i of several source batches, collected into one new batch (used by the merge). */
export class RowCollector {
  private refs: { b: Rows; i: number; comm: number }[] = [];

  get length(): number {
    return this.refs.length;
  }

  /** Adds row i of b; `comm` is the row's comm index in the output dictionary. */
  add(b: Rows, i: number, comm: number): void {
    this.refs.push({ b, i, comm });
  }

  /** The collected rows as one batch (and starts over). */
  take(comms: readonly string[]): Rows {
    const refs = this.refs;
    this.refs = [];
    const n = refs.length;
    const out = {
      length: n, pid: new Int32Array(n), tid: new Int32Array(n), nr: new Int32Array(n),
      tsEnter: new BigInt64Array(n), tsExit: new BigInt64Array(n),
      args: Array.from({ length: MAX_ARGS }, () => new BigInt64Array(n)),
      nargs: new Uint8Array(n), ret: new BigInt64Array(n), status: new Uint8Array(n),
      comm: new Int32Array(n), comms,
    };
    const lost = refs.some((r) => r.b.lost) ? new BigInt64Array(n) : undefined;
    const cpu = lost ? new Int32Array(n) : undefined;
    for (let k = 0; k < n; k++) {
      const { b, i, comm } = refs[k]!;
      out.pid[k] = b.pid[i]!;
      out.tid[k] = b.tid[i]!;
      out.nr[k] = b.nr[i]!;
      out.tsEnter[k] = b.tsEnter[i]!;
      out.tsExit[k] = b.tsExit[i]!;
      for (let a = 0; a < MAX_ARGS; a++) out.args[a]![k] = b.args[a]![i]!;
      out.nargs[k] = b.nargs[i]!;
      out.ret[k] = b.ret[i]!;
      out.status[k] = b.status[i]!;
      out.comm[k] = comm;
      if (lost && b.lost) lost[k] = b.lost[i]!;
      if (cpu && b.cpu) cpu[k] = b.cpu[i]!;
    }
    const column = (col: (b: Rows) => StringColumn): StringColumn => {
      const offsets = new Int32Array(n + 1);
      const flags = new Uint8Array(n);
      let bytes = 0;
      for (const { b, i } of refs) bytes += col(b).offsets[i + 1]! - col(b).offsets[i]!;
      const data = new Uint8Array(bytes);
      let p = 0;
      for (let k = 0; k < n; k++) {
        const { b, i } = refs[k]!;
        const c = col(b);
        const s = c.offsets[i]!;
        const e = c.offsets[i + 1]!;
        if (e > s) data.set(c.data.subarray(s, e), p);
        p += e - s;
        offsets[k + 1] = p;
        flags[k] = c.flags[i]!;
      }
      return { offsets, data, flags };
    };
    const strings = Array.from({ length: MAX_ARGS }, (_, a) => column((b) => b.strings[a]!));
    return { ...out, strings, data: column((b) => b.data), ...(lost ? { lost, cpu } : {}) } as Rows;
  }
}
