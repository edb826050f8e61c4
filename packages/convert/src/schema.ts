/**
 * The one table schema of vltrace-convert, shared by csv, jsonl, arrow and parquet (and by the
 * SQL view of vltrace-query): one row per syscall, plus one row per lost-events report so gaps
 * stay visible in the data, and one per signal a thread received. SCHEMA.md documents it;
 * test/schema.test.ts checks the two agree.
 */
import { SIGINFO_FIELDS, SyscallStatus, type LostEvent, type SignalEvent, type SyscallBatch, type TraceItem } from '@vltrace/format';
import { signame } from './strace/args.js';
import { siginfoValues } from './strace/siginfo.js';
import { rowRange } from './select.js';
import { SIGRTMAX } from './strace/tables/signal.js';

/** Schema version, stored in Arrow/Parquet metadata as `vltrace.schema`. 2: signal rows, the `data` column. */
export const SCHEMA_VERSION = '2';

/**
 * Row status: the reader's three syscall statuses, `lost` for lost-events rows, `signal` for a
 * signal delivered to a thread and `ignored-signal` for one discarded when sent (ignored).
 * The statuses from LOST on are rows of events, not syscalls.
 */
export const RowStatus = { ...SyscallStatus, LOST: 3, SIGNAL: 4, IGNORED_SIGNAL: 5 } as const;
export const ROW_STATUS_NAMES = ['complete', 'unfinished', 'no-entry', 'lost', 'signal', 'ignored-signal'] as const;

/** Bits of `str_flags`: nibble a (bits 4a..4a+3) holds the flags of string argument a. */
export const STR_FLAG = {
  /** cut at the capture limit */
  TRUNCATED: 0x1,
  /** reading it from user memory failed (the bytes before the failure are kept) */
  READ_ERROR: 0x2,
  /** not valid UTF-8: stored with the escaping rule (`\xNN` per invalid byte, `\\` per backslash) */
  ESCAPED: 0x4,
} as const;

/**
 * Logical column types; each sink maps them (SCHEMA.md has the table). `binary` columns are
 * bytes with no text form: in Arrow and Parquet only, not in csv and jsonl (TEXT_COLUMNS).
 */
export type ColumnType = 'timestamp' | 'int64' | 'int32' | 'dict' | 'utf8' | 'binary';

/** A set of row statuses, as a bit mask: bit s is RowStatus s. */
export type StatusSet = number;

/** The set of the given statuses. */
export const statusSet = (...statuses: readonly number[]): StatusSet => statuses.reduce((m, s) => m | (1 << s), 0);

/** Whether status s is in a set (a shift and a mask: as cheap as one comparison in a row loop). */
export const inSet = (set: StatusSet, s: number): boolean => ((set >>> s) & 1) !== 0;

const { COMPLETE, UNFINISHED, NO_ENTRY, LOST, SIGNAL, IGNORED_SIGNAL } = RowStatus;

/** The row kinds the null rules are made of. */
export const ROWS = {
  all: statusSet(COMPLETE, UNFINISHED, NO_ENTRY, LOST, SIGNAL, IGNORED_SIGNAL),
  /** syscalls */
  calls: statusSet(COMPLETE, UNFINISHED, NO_ENTRY),
  signals: statusSet(SIGNAL, IGNORED_SIGNAL),
  lost: statusSet(LOST),
} as const;

/** A syscall failed when its return value is −MAX_ERRNO…−1: the errno is −ret. */
export const MAX_ERRNO = 4095;

/** One column of the schema. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /**
   * The null rule, part one: the row statuses in which the column can have a value. It is null
   * in every other row, whatever the batch holds there (every writer derives its nulls from this).
   */
  readonly rows: StatusSet;
  /** The null rule, part two: what else makes it null in those rows ('' when nothing: never null there). */
  readonly alsoNull: string;
  readonly doc: string;
}

const col = (name: string, type: ColumnType, rows: StatusSet, alsoNull: string, doc: string): Column => ({ name, type, rows, alsoNull, doc });
const { all, calls, signals, lost } = ROWS;

/** The columns, in order. */
export const COLUMNS: readonly Column[] = [
  col('ts_enter', 'timestamp', all & ~statusSet(NO_ENTRY), '', 'wall-clock ns since the epoch (UTC) at syscall entry; first lost time for lost rows; a signal row\'s time'),
  col('ts_exit', 'timestamp', statusSet(COMPLETE, NO_ENTRY, LOST), '', 'wall-clock ns at syscall exit; last lost time for lost rows'),
  col('duration_ns', 'int64', statusSet(COMPLETE, LOST), '', 'ts_exit − ts_enter when both are known'),
  col('pid', 'int32', all & ~lost, '', 'process id (tgid); signal rows: the receiving thread\'s process'),
  col('tid', 'int32', all & ~lost, '', 'thread id; signal rows: the receiving thread'),
  col('comm', 'dict', all & ~lost, 'the name is not known', 'task name (comm) at the time of the call'),
  col('syscall', 'dict', calls, 'the number has no name in the tables', 'syscall name (the recording\'s table, then the built-in x86_64 table)'),
  col('nr', 'int32', calls, '', 'syscall number'),
  ...[0, 1, 2, 3, 4, 5].map((a) => col(`arg${a}`, 'int64', calls, 'the entry did not record it', `raw argument ${a} (64-bit register value as signed int64)`)),
  ...[0, 1, 2, 3, 4, 5].map((a) => col(`str${a}`, 'utf8', calls, 'not captured', `string argument ${a} (path, name…) when captured; see str_flags`)),
  col('str_flags', 'int32', all, '', 'per string argument a, nibble a: 0x1 truncated, 0x2 read error, 0x4 escaped (not UTF-8); 0 when none'),
  col('ret', 'int64', statusSet(COMPLETE, NO_ENTRY), '', 'raw return value'),
  col('errno', 'int32', statusSet(COMPLETE, NO_ENTRY), `ret is not in −${MAX_ERRNO}..−1`, 'error number (−ret)'),
  col('errno_name', 'dict', statusSet(COMPLETE, NO_ENTRY), 'errno is null or has no name', 'name of errno (ENOENT…)'),
  col('status', 'dict', all, '', 'complete, unfinished (no exit), no-entry (no entry), lost, signal or ignored-signal'),
  col('lost', 'int64', lost, '', 'packets the recorder could not write'),
  col('cpu', 'int32', lost, '', 'the CPU whose buffer overflowed'),
  col('signo', 'int32', signals, '', 'the signal number'),
  col('signal', 'dict', signals, 'the number has no name', 'the signal\'s name (SIGCHLD, SIGRT_2…)'),
  col('si_code', 'int32', signals, '', 'si_code (SI_USER 0, SI_KERNEL 128, SI_TKILL −6, CLD_EXITED 1…)'),
  col('si_pid', 'int32', signals, 'the siginfo has no sender', 'the sender\'s pid (sent by a process, or SIGCHLD: the child)'),
  col('si_status', 'int32', signals, 'not a SIGCHLD from the kernel', 'the child\'s exit code (CLD_EXITED) or signal'),
  col('siginfo', 'utf8', signals, '', 'the siginfo as strace prints it ({si_signo=SIGCHLD, si_code=CLD_EXITED, …})'),
  col('data', 'binary', calls, 'nothing was read', 'the memory the recorder read behind pointer arguments (structs, buffers…): the row\'s data chunks as recorded, each a 4-byte header (argument, flags, length) and its bytes'),
];

/** A column by name (for the writers' module constants: a typo fails at load, not as a wrong null). */
export function column(name: string): Column {
  const c = COLUMNS.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name} in the schema`);
  return c;
}

/** The statuses in which a column can have a value (Column.rows). */
export const rowsOf = (name: string): StatusSet => column(name).rows;

/** Column names, in order. */
export const COLUMN_NAMES: readonly string[] = COLUMNS.map((c) => c.name);

/** The columns of the text formats (csv, jsonl): every column but the binary ones. */
export const TEXT_COLUMNS: readonly Column[] = COLUMNS.filter((c) => c.type !== 'binary');
export const TEXT_COLUMN_NAMES: readonly string[] = TEXT_COLUMNS.map((c) => c.name);

/** The columns of signal rows (valid where the row's status is SIGNAL or IGNORED_SIGNAL). */
export interface SignalColumns {
  readonly signo: Int32Array;
  readonly code: Int32Array;
  /** si_pid and si_status, valid where `has` holds HAS_PID / HAS_STATUS */
  readonly pid: Int32Array;
  readonly status: Int32Array;
  readonly has: Uint8Array;
  /** strace's text of the siginfo */
  readonly info: readonly string[];
}
export const HAS_PID = 0x1;
export const HAS_STATUS = 0x2;

/** A batch of rows: a SyscallBatch, plus the lost-row or signal-row columns when it holds such rows. */
export interface Rows extends SyscallBatch {
  /** packets lost, for rows whose status is RowStatus.LOST */
  readonly lost?: BigInt64Array;
  readonly cpu?: Int32Array;
  /** for rows whose status is RowStatus.SIGNAL or IGNORED_SIGNAL */
  readonly signal?: SignalColumns;
}

/** The `signal` column's names: index = signal number, 1 to SIGRTMAX (0 is never used). */
export const SIGNAL_NAMES: readonly string[] = Array.from({ length: SIGRTMAX + 1 }, (_, sig) => signame(sig));

/** The `signal` column of a signal number: its name, or undefined (null) past the kernel's 64. */
export function signalName(signo: number): string | undefined {
  return signo > 0 && signo < SIGNAL_NAMES.length ? SIGNAL_NAMES[signo] : undefined;
}

/** Whether a row status is a signal's. */
export function isSignalStatus(s: number): boolean {
  return inSet(ROWS.signals, s);
}

/** A one-row batch for a lost-events report. */
export function lostRows(ev: LostEvent, comms: readonly string[]): Rows {
  const big = (v = 0n) => BigInt64Array.of(v);
  const str = () => ({ offsets: new Int32Array(2), data: new Uint8Array(0), flags: new Uint8Array(1) });
  return {
    length: 1,
    pid: new Int32Array(1), tid: new Int32Array(1), nr: new Int32Array(1),
    tsEnter: big(ev.firstTs), tsExit: big(ev.lastTs),
    args: [big(), big(), big(), big(), big(), big()],
    nargs: new Uint8Array(1), ret: big(), status: Uint8Array.of(RowStatus.LOST),
    strings: [str(), str(), str(), str(), str(), str()], data: str(),
    comm: Int32Array.of(-1), comms,
    lost: big(ev.count), cpu: Int32Array.of(ev.cpu),
  };
}

/** A one-row batch for a signal (ts_enter is its time; pid, tid and comm its thread's). */
export function signalRows(ev: SignalEvent, comms: readonly string[]): Rows {
  const big = (v = 0n) => BigInt64Array.of(v);
  const str = () => ({ offsets: new Int32Array(2), data: new Uint8Array(0), flags: new Uint8Array(1) });
  const fields = ev.fields.length >= SIGINFO_FIELDS ? ev.fields : new Uint8Array(SIGINFO_FIELDS);
  const v = siginfoValues(ev.signo, ev.errno, ev.code, fields);
  // an index into the stream's comm dictionary (the sinks cache names by index): null when not there
  const comm = ev.comm !== undefined ? comms.indexOf(ev.comm) : -1;
  return {
    length: 1,
    pid: Int32Array.of(ev.pid), tid: Int32Array.of(ev.tid), nr: new Int32Array(1),
    tsEnter: big(ev.ts), tsExit: big(),
    args: [big(), big(), big(), big(), big(), big()],
    nargs: new Uint8Array(1), ret: big(), status: Uint8Array.of(ev.ignored ? RowStatus.IGNORED_SIGNAL : RowStatus.SIGNAL),
    strings: [str(), str(), str(), str(), str(), str()], data: str(),
    comm: Int32Array.of(comm), comms,
    signal: {
      signo: Int32Array.of(ev.signo), code: Int32Array.of(ev.code),
      pid: Int32Array.of(v.pid ?? 0), status: Int32Array.of(v.status ?? 0),
      has: Uint8Array.of((v.pid !== undefined ? HAS_PID : 0) | (v.status !== undefined ? HAS_STATUS : 0)),
      info: [v.text],
    },
  };
}

/** A batch of no rows (for outputs that must exist even when nothing was selected). */
export function emptyRows(): Rows {
  const one = lostRows({ type: 'lost', ts: 0n, cpu: 0, count: 0n, firstTs: 0n, lastTs: 0n, offset: 0 }, []);
  const z = <T extends { subarray(s: number, e: number): T }>(a: T) => a.subarray(0, 0);
  return {
    ...one, length: 0, pid: z(one.pid), tid: z(one.tid), nr: z(one.nr), tsEnter: z(one.tsEnter), tsExit: z(one.tsExit),
    args: one.args.map(z), nargs: z(one.nargs), ret: z(one.ret), status: z(one.status), comm: z(one.comm),
    strings: one.strings.map((c) => ({ offsets: c.offsets.subarray(0, 1), data: c.data, flags: z(c.flags) })),
    lost: z(one.lost!), cpu: z(one.cpu!),
  };
}

/**
 * Rows jsonl writes before waiting for its output to drain (rowsSink's `slice`). A reader's
 * batch is 65,536 rows, ~16 MiB of jsonl, written in 1 MiB chunks none of whose writes completes
 * before the batch's end: more than the output's pool of written chunks holds (byte-out.ts), so
 * fresh chunks every batch. A quarter of a batch keeps ~4 chunks in flight: jsonl 0.67 of the
 * time with the decoding thread, 0.77 without (7 rounds alternating). csv's batches (~7 MiB)
 * fit the pool: slicing them only added waits (0.9–1.1 of the time), as for hex.
 */
export const LINE_SLICE = 16384;

/**
 * A sink from what a format does with rows (csv, jsonl, arrow, parquet): syscall batches, lost
 * events and signals become rows; everything else in the stream has no row. A signal row's
 * comm is an index into the comm dictionary of the batches before it (null when not there).
 * `recycle`: for a format whose rows() is done with a batch when it returns (the line formats),
 * each syscall batch is handed to it then (SinkOptions.recycle). `slice`: rows() gets a longer
 * batch in ranges of that many rows (views, rowRange), each one's output drained before the next.
 */
export function rowsSink(
  rows: (b: Rows) => void | Promise<void>,
  out: { close(): Promise<void> },
  recycle?: (b: SyscallBatch) => void,
  slice = 0,
): { write(item: TraceItem): void | Promise<void>; close(): Promise<void> } {
  let comms: readonly string[] = [];
  /** rows() over the batch in slices, waiting for each slice's output to drain */
  const sliced = async (b: SyscallBatch) => {
    for (let from = 0; from < b.length; from += slice) {
      const w = rows(rowRange(b, from, Math.min(b.length, from + slice)));
      if (w) await w;
    }
    recycle?.(b);
  };
  return {
    write(item: TraceItem) {
      if (item.type === 'syscalls') {
        const b = item.batch;
        comms = b.comms;
        if (slice > 0 && b.length > slice) return sliced(b);
        const done = rows(b);
        // rows() has used the batch up by the time it returns (its promise waits for the
        // output), so the reader may have the batch's memory back
        recycle?.(b);
        return done;
      }
      if (item.type === 'lost') return rows(lostRows(item, []));
      if (item.type === 'signal') return rows(signalRows(item, comms));
    },
    close: () => out.close(),
  };
}
