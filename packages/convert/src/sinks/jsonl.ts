/**
 * jsonl: one JSON object per row of the schema (SCHEMA.md), every column present, null where
 * the value is absent. 64-bit integers (timestamps, arguments, ret, lost) are written as plain
 * JSON numbers with their exact decimal digits — never rounded — so readers that keep integers
 * exact (DuckDB read_json, jq ≥ 1.7, Python, Go with UseNumber) get them exactly; JavaScript's
 * JSON.parse rounds values above 2^53, so JS readers should parse with a BigInt-aware parser.
 */
import { Buffer } from 'node:buffer';
import { MAX_ARGS } from '@vltrace/format';
import { ByteOut, key, putInt, putKey, putLatin1, putUtf8, type Key } from '../byte-out.js';
import { EncodedNames, prepare, RowWriter, ThreadKeys, type PreparedRows } from '../fields.js';
import { HAS_PID, HAS_STATUS, inSet, ROW_STATUS_NAMES, ROWS, rowsOf, rowsSink, signalName, TEXT_COLUMNS, LINE_SLICE, type Rows } from '../schema.js';
import type { Sink, SinkOptions } from '../sink.js';

// the schema's null rules (schema.ts) of the columns whose nulls are decided here
const THREAD = rowsOf('pid');
const CALL = rowsOf('nr');
const LOST = rowsOf('lost');
const SIGNAL = rowsOf('signo');
/** the signal columns (signo … siginfo) of a row that is not a signal's */
const NO_SIGNAL = TEXT_COLUMNS.filter((c) => c.rows === ROWS.signals).map((c) => `,"${c.name}":null`).join('');
const K = {
  tsEnter: key('{"ts_enter":'), tsExit: key(',"ts_exit":'), dur: key(',"duration_ns":'), pid: key(',"pid":'),
  tid: key(',"tid":'),
  args: [0, 1, 2, 3, 4, 5].map((a) => key(`,"arg${a}":`)), strs: [0, 1, 2, 3, 4, 5].map((a) => key(`,"str${a}":`)),
  strFlags: key(',"str_flags":'), ret: key(',"ret":'), errno: key(',"errno":'), errnoName: key(',"errno_name":'),
  status: key(',"status":'), lost: key(',"lost":'), cpu: key(',"cpu":'),
  noLost: key(',"lost":null,"cpu":null' + NO_SIGNAL + '}\n'), noErrno: key(',"errno":null,"errno_name":null'),
  noThread: key(',"pid":null,"tid":null'), noCall: key(',"syscall":null,"nr":null'), end: key(NO_SIGNAL + '}\n'),
};
const NULL = key('null');
const CLOSE = key('}\n');
const POSITIONS = [0, 1, 2, 3, 4, 5];
/** after the first n arguments of a row: the null ones */
const nullArgs = (n: number) => POSITIONS.slice(n).map((a) => `,"arg${a}":null`).join('');
const NULL_ARGS = [0, 1, 2, 3, 4, 5, 6].map((n) => key(nullArgs(n)));
/** a null string argument, by position */
const NULL_STRS = POSITIONS.map((a) => key(`,"str${a}":null`));
/** after the first n arguments of a row without strings: the null arguments and strings, str_flags 0, and the ret key */
const NO_STRINGS = [0, 1, 2, 3, 4, 5, 6].map((n) => key(nullArgs(n) + POSITIONS.map((a) => `,"str${a}":null`).join('') + ',"str_flags":0,"ret":'));
/** the end of a row without errno (not lost), by status */
const NO_ERRNO_END = ROW_STATUS_NAMES.map((s) => key(`,"errno":null,"errno_name":null,"status":${JSON.stringify(s)},"lost":null,"cpu":null${NO_SIGNAL}}\n`));
/** a signal row's syscall columns, all null, from syscall to errno_name */
const SIGNAL_NO_CALL = key(',"syscall":null,"nr":null' + nullArgs(0) + POSITIONS.map((a) => `,"str${a}":null`).join('') + ',"str_flags":0,"ret":null,"errno":null,"errno_name":null');
/** printable ASCII other than `"` and `\` goes into a JSON string as it is */
const plain = (c: number) => c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c;
/** bytes a row takes at most, strings and names aside */
const ROW = 1024;

export function createJsonlSink(stream: NodeJS.WritableStream, options: SinkOptions): Sink {
  const o = new ByteOut(stream);
  const f = new RowWriter(options.header, (s) => JSON.stringify(s), plain, 'null');
  let comms: readonly string[] = [];
  // `,"comm":…` and `,"syscall":…,"nr":…` are written as one cached constant each
  const commFields = new EncodedNames((c) => `,"comm":${JSON.stringify(comms[c]!)}`);
  const callFields = new EncodedNames((nr) => `,"syscall":${JSON.stringify(f.name(nr))},"nr":${nr}`);
  const NO_COMM = key(',"comm":null');
  // `,"pid":…,"tid":…,"comm":…` of a syscall row as one constant per thread
  const threads = new ThreadKeys((pid, tid, c) =>
    Buffer.concat([K.pid.bytes, Buffer.from(String(pid), 'latin1'), K.tid.bytes, Buffer.from(String(tid), 'latin1'), (c >= 0 ? commFields.get(c) : NO_COMM).bytes]));
  /** the value written from p to q, or null when nothing was */
  const orNull = (b: Buffer, dv: DataView, p: number, q: number) => (q === p ? putKey(b, dv, p, NULL) : q);
  /** `,"errno":…,"errno_name":…` of a failed call */
  const errnoFields = (b: Buffer, dv: DataView, p: number, errno: number) => {
    p = putKey(b, dv, p, K.errno);
    p = putInt(b, dv, p, errno);
    p = putKey(b, dv, p, K.errnoName);
    return putKey(b, dv, p, f.errnos.get(errno));
  };
  /** `{"ts_enter":…,"ts_exit":…,"duration_ns":…` */
  const times = (b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number) => {
    p = putKey(b, dv, p, K.tsEnter);
    const q = f.times(b, dv, p, r, i, K.tsExit, K.dur);
    if (q >= 0) return q;
    p = orNull(b, dv, p, f.tsEnter(b, dv, p, r, i));
    p = putKey(b, dv, p, K.tsExit);
    p = orNull(b, dv, p, f.tsExit(b, dv, p, r, i));
    p = putKey(b, dv, p, K.dur);
    return orNull(b, dv, p, f.duration(b, dv, p, r, i));
  };

  /** The common row: a syscall without string arguments (the caller reserved its room). */
  const plainRow = (b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number, who: Key, call: Key): number => {
    const { status, nargs } = r.b;
    const st = status[i]!;
    p = times(b, dv, p, r, i);
    p = putKey(b, dv, p, who);
    p = putKey(b, dv, p, call);
    const na = Math.min(nargs[i]!, MAX_ARGS);
    for (let a = 0; a < na; a++) {
      p = putKey(b, dv, p, K.args[a]!);
      p = f.arg(b, dv, p, r, a, i);
    }
    // the keys and nulls from the last argument to ret are one constant
    p = putKey(b, dv, p, NO_STRINGS[na]!);
    p = orNull(b, dv, p, f.ret(b, dv, p, r, i));
    const errno = f.errno(r, i);
    if (errno === 0) return putKey(b, dv, p, NO_ERRNO_END[st]!);
    p = errnoFields(b, dv, p, errno);
    p = putKey(b, dv, p, K.status);
    p = putKey(b, dv, p, f.statuses.get(st));
    return putKey(b, dv, p, K.noLost);
  };

  /** Any other row: with string arguments, or a lost-events row (call is then `,"syscall":null,"nr":null`). */
  const fullRow = (b: Buffer, dv: DataView, p: number, r: PreparedRows, i: number, commField: Key, call: Key): number => {
    const batch = r.b;
    const st = batch.status[i]!;
    p = times(b, dv, p, r, i);
    if (!inSet(THREAD, st)) {
      p = putKey(b, dv, p, K.noThread);
    } else {
      p = putKey(b, dv, p, K.pid);
      p = putInt(b, dv, p, batch.pid[i]!);
      p = putKey(b, dv, p, K.tid);
      p = putInt(b, dv, p, batch.tid[i]!);
    }
    p = putKey(b, dv, p, commField);
    p = putKey(b, dv, p, call);
    const na = Math.min(batch.nargs[i]!, MAX_ARGS);
    for (let a = 0; a < na; a++) {
      p = putKey(b, dv, p, K.args[a]!);
      p = f.arg(b, dv, p, r, a, i);
    }
    p = putKey(b, dv, p, NULL_ARGS[na]!);
    let strFlags = 0;
    for (let a = 0; a < MAX_ARGS; a++) {
      if (batch.strings[a]!.flags[i] !== 0) {
        p = putKey(b, dv, p, K.strs[a]!);
        p = f.str(b, p, r, a, i);
        strFlags |= f.flags << (4 * a);
      } else {
        p = putKey(b, dv, p, NULL_STRS[a]!);
      }
    }
    p = putKey(b, dv, p, K.strFlags);
    p = putInt(b, dv, p, strFlags);
    p = putKey(b, dv, p, K.ret);
    p = orNull(b, dv, p, f.ret(b, dv, p, r, i));
    const errno = f.errno(r, i);
    p = errno > 0 ? errnoFields(b, dv, p, errno) : putKey(b, dv, p, K.noErrno);
    p = putKey(b, dv, p, K.status);
    p = putKey(b, dv, p, f.statuses.get(st));
    if (inSet(LOST, st) && batch.lost && batch.cpu) {
      p = putKey(b, dv, p, K.lost);
      p = putLatin1(b, p, batch.lost[i]!.toString());
      p = putKey(b, dv, p, K.cpu);
      p = putInt(b, dv, p, batch.cpu[i]!);
      return putKey(b, dv, p, K.end);
    }
    return putKey(b, dv, p, K.noLost);
  };

  /** A signal's row: its time, thread and comm, the signal columns; every syscall column null. */
  const signalRow = (batch: Rows, r: PreparedRows, i: number, commField: Key) => {
    const sig = batch.signal!;
    const name = signalName(sig.signo[i]!);
    const text = [name === undefined ? 'null' : JSON.stringify(name), JSON.stringify(sig.info[i]!)];
    const b = o.row(ROW + commField.length + 4 * (text[0]!.length + text[1]!.length));
    const dv = o.dv;
    let p = putKey(b, dv, o.pos, K.tsEnter);
    p = f.wall.put(b, dv, p, r.tsE, batch.tsEnter, i);
    p = putLatin1(b, p, ',"ts_exit":null,"duration_ns":null');
    p = putKey(b, dv, p, K.pid);
    p = putInt(b, dv, p, batch.pid[i]!);
    p = putKey(b, dv, p, K.tid);
    p = putInt(b, dv, p, batch.tid[i]!);
    p = putKey(b, dv, p, commField);
    p = putKey(b, dv, p, SIGNAL_NO_CALL);
    p = putKey(b, dv, p, K.status);
    p = putKey(b, dv, p, f.statuses.get(batch.status[i]!));
    p = putLatin1(b, p, ',"lost":null,"cpu":null,"signo":');
    p = putInt(b, dv, p, sig.signo[i]!);
    p = putLatin1(b, p, ',"signal":');
    p = putUtf8(b, p, text[0]!);
    p = putLatin1(b, p, ',"si_code":');
    p = putInt(b, dv, p, sig.code[i]!);
    p = putLatin1(b, p, ',"si_pid":');
    p = sig.has[i]! & HAS_PID ? putInt(b, dv, p, sig.pid[i]!) : putKey(b, dv, p, NULL);
    p = putLatin1(b, p, ',"si_status":');
    p = sig.has[i]! & HAS_STATUS ? putInt(b, dv, p, sig.status[i]!) : putKey(b, dv, p, NULL);
    p = putLatin1(b, p, ',"siginfo":');
    p = putUtf8(b, p, text[1]!);
    return putKey(b, dv, p, CLOSE);
  };

  const rows = (batch: Rows) => {
    const r = prepare(batch);
    comms = batch.comms;
    const { status, pid, tid, nr, comm, strings } = batch;
    // each by index: array destructuring runs the iterator protocol, which V8 deoptimised this
    // whole function over (a "wrong map" at the destructuring) soon after optimising it
    const s0 = strings[0]!.flags, s1 = strings[1]!.flags, s2 = strings[2]!.flags;
    const s3 = strings[3]!.flags, s4 = strings[4]!.flags, s5 = strings[5]!.flags;
    for (let i = 0; i < batch.length; i++) {
      const st = status[i]!;
      const c = comm[i]!;
      const commField = c >= 0 ? commFields.get(c) : NO_COMM;
      if (batch.signal && inSet(SIGNAL, st)) {
        o.pos = signalRow(batch, r, i, commField);
        continue;
      }
      if (inSet(CALL, st) && (s0![i]! | s1![i]! | s2![i]! | s3![i]! | s4![i]! | s5![i]!) === 0) {
        const call = callFields.get(nr[i]!);
        const who = threads.get(pid[i]!, tid[i]!, c);
        const b = o.row(ROW + who.length + call.length);
        o.pos = plainRow(b, o.dv, o.pos, r, i, who, call);
      } else {
        const call = inSet(CALL, st) ? callFields.get(nr[i]!) : K.noCall;
        const b = o.row(ROW + f.stringRoom(r, i) + commField.length + call.length);
        o.pos = fullRow(b, o.dv, o.pos, r, i, commField, call);
      }
    }
    return o.flush();
  };

  return rowsSink(rows, o, options.recycle, LINE_SLICE);
}
