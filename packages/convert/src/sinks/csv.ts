/**
 * csv: the schema (SCHEMA.md) as RFC 4180 CSV: a header row, `\n` line ends, text values always
 * in double quotes (a `"` inside doubled), numbers bare, and a null as an empty field — so an
 * empty string (`""`) and a null stay distinct. 64-bit values are exact decimals; timestamps are
 * wall-clock ns since the epoch.
 */
import { MAX_ARGS } from '@vltrace/format';
import { ByteOut, key, putInt, putKey, putLatin1, putUtf8 } from '../byte-out.js';
import { EncodedNames, prepare, RowWriter, ThreadKeys, type PreparedRows } from '../fields.js';
import { TEXT_COLUMNS, TEXT_COLUMN_NAMES, HAS_PID, HAS_STATUS, inSet, ROW_STATUS_NAMES, ROWS, rowsOf, rowsSink, signalName, type Rows } from '../schema.js';
import type { Sink, SinkOptions } from '../sink.js';

/** A text value as a quoted CSV field. */
export function csvQuote(s: string): string {
  return '"' + s.replace(/"/g, '""') + '"';
}

const COMMA = 44;
const NL = 10;
const SEP = key(',');
const NO_BYTES = new Uint8Array(0);
const COMMA_BYTE = new Uint8Array([COMMA]);
/** printable ASCII other than `"` goes into a quoted field as it is */
const plain = (c: number) => c >= 0x20 && c < 0x7f && c !== 0x22;
/** after the first n arguments of a row without strings: the empty arguments and strings, str_flags 0, and ret's comma */
const NO_STRINGS = [0, 1, 2, 3, 4, 5, 6].map((n) => key(','.repeat(MAX_ARGS - n + 1) + ','.repeat(MAX_ARGS) + '0,'));
// the schema's null rules (schema.ts) of the columns whose nulls are decided here
const THREAD = rowsOf('pid');
const CALL = rowsOf('nr');
const LOST = rowsOf('lost');
const SIGNAL = rowsOf('signo');
/** the signal columns (signo … siginfo) of a row that is not a signal's, each with the comma before it */
const NO_SIGNAL = ','.repeat(TEXT_COLUMNS.filter((c) => c.rows === ROWS.signals).length);
/** the end of a row (not lost) without errno, by status: errno, errno_name, status, lost, cpu, the signal columns */
const NO_ERRNO_END = ROW_STATUS_NAMES.map((s) => key(`,,,${csvQuote(s)},,${NO_SIGNAL}\n`));
const NO_LOST = key(`,,${NO_SIGNAL}\n`);
const SIGNAL_END = key(`${NO_SIGNAL}\n`);
/** bytes a row takes at most, strings and names aside */
const ROW = 1024;

export function createCsvSink(stream: NodeJS.WritableStream, options: SinkOptions): Sink {
  const o = new ByteOut(stream);
  const f = new RowWriter(options.header, csvQuote, plain, '');
  let comms: readonly string[] = [];
  const commNames = new EncodedNames((c) => csvQuote(comms[c]!));
  // `syscall,nr` is written as one cached constant, and so is `pid,tid,comm,`
  const callFields = new EncodedNames((nr) => `${csvQuote(f.name(nr))},${nr}`);
  const threads = new ThreadKeys((pid, tid, c) => Buffer.concat([Buffer.from(`${pid},${tid},`, 'latin1'), c >= 0 ? commNames.get(c).bytes : NO_BYTES, COMMA_BYTE]));
  o.latin1(TEXT_COLUMN_NAMES.join(',') + '\n');

  /** ts_enter, ts_exit and duration_ns, each with its comma */
  const times = (b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number) => {
    const q = f.times(b, dv, p, r, i, SEP, SEP);
    if (q >= 0) {
      b[q] = COMMA;
      return q + 1;
    }
    p = f.tsEnter(b, dv, p, r, i);
    b[p++] = COMMA;
    p = f.tsExit(b, dv, p, r, i);
    b[p++] = COMMA;
    p = f.duration(b, dv, p, r, i);
    b[p++] = COMMA;
    return p;
  };

  const rows = (batch: Rows) => {
    const r = prepare(batch);
    comms = batch.comms;
    const { status, pid, tid, nr, comm, strings } = batch;
    const { nargs } = batch;
    // each by index: array destructuring runs the iterator protocol, which V8 deoptimised this
    // whole function over (a "wrong map" at the destructuring) soon after optimising it
    const s0 = strings[0]!.flags, s1 = strings[1]!.flags, s2 = strings[2]!.flags;
    const s3 = strings[3]!.flags, s4 = strings[4]!.flags, s5 = strings[5]!.flags;
    for (let i = 0; i < batch.length; i++) {
      const st = status[i]!;
      if (batch.signal && inSet(SIGNAL, st)) {
        signalRow(batch, r, i);
        continue;
      }
      if (inSet(CALL, st) && (s0![i]! | s1![i]! | s2![i]! | s3![i]! | s4![i]! | s5![i]!) === 0) {
        // the common row: no string argument, so the fields from the last argument to ret are
        // one constant, and so is everything after ret when there is no errno
        const who = threads.get(pid[i]!, tid[i]!, comm[i]!);
        const call = callFields.get(nr[i]!);
        const b = o.row(ROW + who.length + call.length);
        const dv = o.dv;
        let p = times(b, dv, o.pos, r, i);
        p = putKey(b, dv, p, who);
        p = putKey(b, dv, p, call);
        const na = Math.min(nargs[i]!, MAX_ARGS);
        for (let a = 0; a < na; a++) {
          b[p++] = COMMA;
          p = f.arg(b, dv, p, r, a, i);
        }
        p = putKey(b, dv, p, NO_STRINGS[na]!);
        p = f.ret(b, dv, p, r, i);
        const errno = f.errno(r, i);
        if (errno > 0) {
          b[p++] = COMMA;
          p = putInt(b, dv, p, errno);
          b[p++] = COMMA;
          p = putKey(b, dv, p, f.errnos.get(errno));
          b[p++] = COMMA;
          p = putKey(b, dv, p, f.statuses.get(st));
          p = putKey(b, dv, p, NO_LOST);
        } else {
          p = putKey(b, dv, p, NO_ERRNO_END[st]!);
        }
        o.pos = p;
        continue;
      }
      otherRow(batch, r, i, st);
    }
    return o.flush();
  };

  /**
   * Any other row (string arguments, a call without entry or exit, lost events): every field
   * tested. Kept out of rows(): the common path's loop is then small enough for V8 to optimise
   * soon (the whole of it took ~50 ms of compiling before).
   */
  const otherRow = (batch: Rows, r: PreparedRows, i: number, st: number) => {
    const { pid, tid, nr, comm, strings } = batch;
    const thread = inSet(THREAD, st);
    const commName = comm[i]! >= 0 ? commNames.get(comm[i]!) : undefined;
    const call = inSet(CALL, st) ? callFields.get(nr[i]!) : undefined;
    const b = o.row(ROW + f.stringRoom(r, i) + (commName?.length ?? 0) + (call?.length ?? 0));
    const dv = o.dv;
    let p = times(b, dv, o.pos, r, i);
    if (thread) p = putInt(b, dv, p, pid[i]!);
    b[p++] = COMMA;
    if (thread) p = putInt(b, dv, p, tid[i]!);
    b[p++] = COMMA;
    if (commName) p = putKey(b, dv, p, commName);
    b[p++] = COMMA;
    if (call) p = putKey(b, dv, p, call);
    else b[p++] = COMMA; // not a syscall: empty syscall and nr
    b[p++] = COMMA;
    for (let a = 0; a < MAX_ARGS; a++) {
      p = f.arg(b, dv, p, r, a, i);
      b[p++] = COMMA;
    }
    let strFlags = 0;
    for (let a = 0; a < MAX_ARGS; a++) {
      if (strings[a]!.flags[i] !== 0) {
        p = f.str(b, p, r, a, i);
        strFlags |= f.flags << (4 * a);
      }
      b[p++] = COMMA;
    }
    p = putInt(b, dv, p, strFlags);
    b[p++] = COMMA;
    p = f.ret(b, dv, p, r, i);
    b[p++] = COMMA;
    const errno = f.errno(r, i);
    if (errno > 0) {
      p = putInt(b, dv, p, errno);
      b[p++] = COMMA;
      p = putKey(b, dv, p, f.errnos.get(errno));
    } else {
      b[p++] = COMMA;
    }
    b[p++] = COMMA;
    p = putKey(b, dv, p, f.statuses.get(st));
    b[p++] = COMMA;
    if (inSet(LOST, st) && batch.lost && batch.cpu) {
      p = putLatin1(b, p, batch.lost[i]!.toString());
      b[p++] = COMMA;
      p = putInt(b, dv, p, batch.cpu[i]!);
    } else {
      b[p++] = COMMA;
    }
    p = putKey(b, dv, p, SIGNAL_END);
    o.pos = p;
  };

  /** A signal's row: its time, thread and comm, the signal columns; every syscall column null. */
  const signalRow = (batch: Rows, r: PreparedRows, i: number) => {
    const sig = batch.signal!;
    const commName = batch.comm[i]! >= 0 ? commNames.get(batch.comm[i]!) : undefined;
    const name = signalName(sig.signo[i]!);
    const text = [name === undefined ? '' : csvQuote(name), csvQuote(sig.info[i]!)];
    const b = o.row(ROW + (commName?.length ?? 0) + 4 * (text[0]!.length + text[1]!.length));
    const dv = o.dv;
    let p = f.wall.put(b, dv, o.pos, r.tsE, batch.tsEnter, i);
    p = putLatin1(b, p, ',,,'); // ts_exit, duration_ns
    p = putInt(b, dv, p, batch.pid[i]!);
    b[p++] = COMMA;
    p = putInt(b, dv, p, batch.tid[i]!);
    b[p++] = COMMA;
    if (commName) p = putKey(b, dv, p, commName);
    // syscall, nr, the arguments and strings, str_flags, ret, errno, errno_name
    p = putLatin1(b, p, ',,,' + ','.repeat(2 * MAX_ARGS) + '0,,,,');
    p = putKey(b, dv, p, f.statuses.get(batch.status[i]!));
    p = putLatin1(b, p, ',,,'); // lost, cpu
    p = putInt(b, dv, p, sig.signo[i]!);
    b[p++] = COMMA;
    p = putUtf8(b, p, text[0]!);
    b[p++] = COMMA;
    p = putInt(b, dv, p, sig.code[i]!);
    b[p++] = COMMA;
    if (sig.has[i]! & HAS_PID) p = putInt(b, dv, p, sig.pid[i]!);
    b[p++] = COMMA;
    if (sig.has[i]! & HAS_STATUS) p = putInt(b, dv, p, sig.status[i]!);
    b[p++] = COMMA;
    p = putUtf8(b, p, text[1]!);
    b[p++] = NL;
    o.pos = p;
  };

  return rowsSink(rows, o, options.recycle);
}
