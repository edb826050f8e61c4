/**
 * The one table schema of vltrace-convert, shared by csv, jsonl, arrow and parquet (and by the
 * SQL view of vltrace-query): one row per syscall, plus one row per lost-events report so gaps
 * stay visible in the data, and one per signal a thread received. SCHEMA.md documents it;
 * test/schema.test.ts checks the two agree.
 */
import { SIGINFO_FIELDS, SyscallStatus, type LostEvent, type SignalEvent, type SyscallBatch, type TraceItem } from '@vltrace/format';
import { signame } from './strace/args.js';
import { siginfoValues } from './strace/siginfo.js';
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

/** One column of the schema. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly doc: string;
}

const col = (name: string, type: ColumnType, doc: string): Column => ({ name, type, doc });

/** The columns, in order. */
export const COLUMNS: readonly Column[] = [
  col('ts_enter', 'timestamp', 'wall-clock ns since the epoch (UTC) at syscall entry; null for no-entry rows; first lost time for lost rows'),
  col('ts_exit', 'timestamp', 'wall-clock ns at syscall exit; null for unfinished rows; last lost time for lost rows'),
  col('duration_ns', 'int64', 'ts_exit − ts_enter when both are known, else null'),
  col('pid', 'int32', 'process id (tgid); null for lost rows'),
  col('tid', 'int32', 'thread id; null for lost rows'),
  col('comm', 'dict', 'task name (comm) at the time of the call; null when unknown'),
  col('syscall', 'dict', 'syscall name (the recording\'s table, then the built-in x86_64 table); null for lost rows'),
  col('nr', 'int32', 'syscall number; null for lost rows'),
  ...[0, 1, 2, 3, 4, 5].map((a) => col(`arg${a}`, 'int64', `raw argument ${a} (64-bit register value as signed int64); null when the entry did not record it`)),
  ...[0, 1, 2, 3, 4, 5].map((a) => col(`str${a}`, 'utf8', `string argument ${a} (path, name…) when captured; see str_flags`)),
  col('str_flags', 'int32', 'per string argument a, nibble a: 0x1 truncated, 0x2 read error, 0x4 escaped (not UTF-8)'),
  col('ret', 'int64', 'raw return value; null for unfinished and lost rows'),
  col('errno', 'int32', 'error number when ret is −4095..−1, else null'),
  col('errno_name', 'dict', 'name of errno (ENOENT…); null when errno is null or unknown'),
  col('status', 'dict', 'complete, unfinished (no exit), no-entry (no entry) or lost'),
  col('lost', 'int64', 'lost rows: packets the recorder could not write; null otherwise'),
  col('cpu', 'int32', 'lost rows: the CPU whose buffer overflowed; null otherwise'),
  col('signo', 'int32', 'signal rows: the signal number; null otherwise'),
  col('signal', 'dict', 'signal rows: the signal\'s name (SIGCHLD, SIGRT_2…); null otherwise'),
  col('si_code', 'int32', 'signal rows: si_code (SI_USER 0, SI_KERNEL 128, SI_TKILL −6, CLD_EXITED 1…); null otherwise'),
  col('si_pid', 'int32', 'signal rows: the sender\'s pid, when the siginfo has one (sent by a process, or SIGCHLD: the child); null otherwise'),
  col('si_status', 'int32', 'SIGCHLD rows: the child\'s exit code (CLD_EXITED) or signal; null otherwise'),
  col('siginfo', 'utf8', 'signal rows: the siginfo as strace prints it ({si_signo=SIGCHLD, si_code=CLD_EXITED, …}); null otherwise'),
  col('data', 'binary', 'the memory the recorder read behind pointer arguments (structs, buffers…): the row\'s data chunks as recorded, each a 4-byte header (argument, flags, length) and its bytes; null when none'),
];

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
  return s === RowStatus.SIGNAL || s === RowStatus.IGNORED_SIGNAL;
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
 * A sink from what a format does with rows (csv, jsonl, arrow, parquet): syscall batches, lost
 * events and signals become rows; everything else in the stream has no row. A signal row's
 * comm is an index into the comm dictionary of the batches before it (null when not there).
 */
export function rowsSink(rows: (b: Rows) => void | Promise<void>, out: { close(): Promise<void> }): { write(item: TraceItem): void | Promise<void>; close(): Promise<void> } {
  let comms: readonly string[] = [];
  return {
    write(item: TraceItem) {
      if (item.type === 'syscalls') {
        comms = item.batch.comms;
        return rows(item.batch);
      }
      if (item.type === 'lost') return rows(lostRows(item, []));
      if (item.type === 'signal') return rows(signalRows(item, comms));
    },
    close: () => out.close(),
  };
}
