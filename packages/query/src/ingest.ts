/**
 * `.bin` → Parquet in the schema of @vltrace/convert (packages/convert/SCHEMA.md), written by
 * DuckDB. The reader's SyscallBatch columns go into DuckDB as they are (typed-array copies into
 * data chunks: no per-value work except for string arguments), and DuckDB derives the schema's
 * columns in SQL (wall clock, duration, errno, names, nulls) while writing Parquet with its own
 * multi-threaded writer. Rows are written in slices: DuckDB writes slice k while JavaScript
 * decodes slice k+1. This is the fast path of the query cache (1M syscalls in about a second
 * here, where the wasm Parquet encoder needs several); test/ingest.test.ts checks that its files
 * hold exactly the rows and types of convert's Parquet sink.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type duckdbBindings from '@duckdb/node-bindings';
import type { DuckDBAppender, DuckDBType } from '@duckdb/node-api';
import { ERRNO, StrFlags, nameLookup, syscallNameSpan, type LostEvent, type SignalEvent, type SyscallBatch, type TraceHeader } from '@vltrace/format';
import {
  COLUMN_NAMES, HAS_PID, HAS_STATUS, ROW_STATUS_NAMES, SCHEMA_VERSION, STR_FLAG, escapeBytes, isSignalStatus, signalName, signalRows,
  type SignalColumns,
} from '@vltrace/convert';
import { duckApi, sqlString, type TraceDb } from './db.js';

// CommonJS packages, through require() (see duckApi() in db.ts)
const duckdb = createRequire(import.meta.url)('@duckdb/node-bindings') as typeof duckdbBindings;
const { DuckDBDataChunk, BIGINT, BLOB, INTEGER, UTINYINT, VARCHAR } = duckApi();

/** DuckDB's vector size: rows per data chunk. */
const VS = 2048;
/**
 * Rows per Parquet part (and per DuckDB write). The conversion's memory is mostly two slices
 * (one appended while the previous one is written) and the Parquet writer's row group: with
 * 2^15 rows a 5M-syscall recording converts in ~240 MB, with 2^18 it took ~520 MB (BENCHMARKS.md and its git history).
 */
const SLICE = 1 << 15;

/** The raw columns as they come from a SyscallBatch. */
const RAW: readonly [name: string, type: DuckDBType, bytes: number][] = [
  ['pid', INTEGER, 4], ['tid', INTEGER, 4], ['nr', INTEGER, 4], ['ts_enter', BIGINT, 8], ['ts_exit', BIGINT, 8],
  ['a0', BIGINT, 8], ['a1', BIGINT, 8], ['a2', BIGINT, 8], ['a3', BIGINT, 8], ['a4', BIGINT, 8], ['a5', BIGINT, 8],
  ['nargs', UTINYINT, 1], ['ret', BIGINT, 8], ['status', UTINYINT, 1], ['comm', INTEGER, 4], ['str_flags', INTEGER, 4],
  ['s0', VARCHAR, 0], ['s1', VARCHAR, 0], ['s2', VARCHAR, 0], ['s3', VARCHAR, 0], ['s4', VARCHAR, 0], ['s5', VARCHAR, 0],
  // signal rows (null in every other row)
  ['sig_signo', INTEGER, 4], ['sig_code', INTEGER, 4], ['sig_pid', INTEGER, 4], ['sig_status', INTEGER, 4],
  ['sig_name', VARCHAR, 0], ['sig_info', VARCHAR, 0],
  // the row's data chunks as the batch holds them (null when none)
  ['data', BLOB, 0],
];
/** the first signal column's index in RAW */
const SIG_COL = 22;
/** the data column's index in RAW */
const DATA_COL = 28;
const RAW_SQL = RAW.map(([n, t]) => `${n} ${t.toString()}`).join(', ');

/**
 * The schema's columns from the raw ones, in SCHEMA.md's order (status 0 complete, 1 unfinished,
 * 2 no-entry, 3 lost, 4 signal, 5 ignored-signal; lost rows carry first/last time in
 * ts_enter/ts_exit, count in `ret`'s place; signal rows their time in ts_enter, their values in
 * the sig_* columns).
 */
function schemaSelect(offset: bigint): string {
  const has = (s: string) => `(status <> ${s})`;
  const expr: Record<string, string> = {
    ts_enter: `CASE WHEN ${has('2')} THEN make_timestamp_ns(ts_enter + ${offset}) END`,
    ts_exit: `CASE WHEN status NOT IN (1, 4, 5) THEN make_timestamp_ns(ts_exit + ${offset}) END`,
    duration_ns: `CASE WHEN status IN (0, 3) THEN ts_exit - ts_enter END`,
    pid: 'CASE WHEN status <> 3 THEN pid END',
    tid: 'CASE WHEN status <> 3 THEN tid END',
    comm: 'c.comm',
    syscall: 'CASE WHEN status < 3 THEN n.name END',
    nr: 'CASE WHEN status < 3 THEN r.nr END',
    str_flags: 'str_flags',
    ret: 'CASE WHEN status IN (0, 2) THEN ret END',
    errno: 'CASE WHEN status IN (0, 2) AND ret BETWEEN -4095 AND -1 THEN (-ret)::INTEGER END',
    errno_name: 'e.name',
    status: `[${ROW_STATUS_NAMES.map(sqlString).join(', ')}][status + 1]`,
    lost: 'CASE WHEN status = 3 THEN ret END',
    cpu: 'CASE WHEN status = 3 THEN r.pid END',
    signo: 'sig_signo',
    signal: 'sig_name',
    si_code: 'sig_code',
    si_pid: 'sig_pid',
    si_status: 'sig_status',
    siginfo: 'sig_info',
    data: 'data',
  };
  for (let a = 0; a < 6; a++) {
    expr[`arg${a}`] = `CASE WHEN nargs > ${a} THEN a${a} END`;
    expr[`str${a}`] = `s${a}`;
  }
  const cols = COLUMN_NAMES.map((c) => {
    const e = expr[c];
    if (!e) throw new Error(`ingest: no expression for schema column ${c}`);
    return `${e} AS ${c}`;
  });
  return `SELECT ${cols.join(', ')} FROM vq_raw_SLICE r
    LEFT JOIN vq_names n ON n.nr = r.nr
    LEFT JOIN vq_errno e ON e.errno = CASE WHEN status IN (0, 2) AND ret BETWEEN -4095 AND -1 THEN -ret END
    LEFT JOIN vq_comms c ON c.idx = r.comm`;
}

const fatal = new TextDecoder('utf-8', { fatal: true });

/** Writes a recording's rows as Parquet parts in `dir`; returns the part files. */
export class ParquetIngest {
  private slice = 0;
  private rowsInSlice = 0;
  private appender: DuckDBAppender | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly parts: string[] = [];
  private comms: readonly string[] = [];
  private commsLoaded = 0;
  private readonly select: string;
  private readonly strFlags = new Int32Array(VS);
  private readonly validity = new Uint8Array(VS / 8);
  /**
   * One data chunk, reset for each append: chunks made anew hold native memory V8 does not
   * count, freed only when a collection happens to come.
   */
  private readonly chunk = DuckDBDataChunk.create(RAW.map(([, t]) => t));

  private constructor(
    private readonly db: TraceDb,
    private readonly writer: TraceDb,
    private readonly dir: string,
    private readonly header: TraceHeader,
    private readonly compression: string,
  ) {
    const offset = BigInt(header.meta.clock.realtimeNs) - BigInt(header.meta.clock.monotonicNs);
    this.select = schemaSelect(offset);
  }

  /** Prepares the lookup tables; `writer` is a second connection so that writing overlaps appending. */
  static async create(db: TraceDb, writer: TraceDb, dir: string, header: TraceHeader, compression = 'zstd'): Promise<ParquetIngest> {
    const name = nameLookup(header);
    const names = Array.from({ length: syscallNameSpan(header) }, (_, nr) => `(${nr}, ${sqlString(name(nr))})`);
    const seen = new Set<number>();
    const errnos = ERRNO.filter(([n]) => n < 4096 && !seen.has(n) && seen.add(n)).map(([n, e]) => `(${n}, ${sqlString(e)})`);
    await db.exec(`CREATE OR REPLACE TABLE vq_names (nr INTEGER, name VARCHAR); INSERT INTO vq_names VALUES ${names.join(', ')};
      CREATE OR REPLACE TABLE vq_errno (errno INTEGER, name VARCHAR); INSERT INTO vq_errno VALUES ${errnos.join(', ')};
      CREATE OR REPLACE TABLE vq_comms (idx INTEGER, comm VARCHAR)`);
    return new ParquetIngest(db, writer, dir, header, compression);
  }

  private async begin(): Promise<DuckDBAppender> {
    if (this.appender) return this.appender;
    await this.db.exec(`CREATE OR REPLACE TABLE vq_raw_${this.slice} (${RAW_SQL})`);
    this.appender = await this.db.conn.createAppender(`vq_raw_${this.slice}`);
    return this.appender;
  }

  /** Appends a batch of syscalls (or the one row of a signal, with its columns). */
  async add(b: SyscallBatch & { signal?: SignalColumns }): Promise<void> {
    this.comms = b.comms;
    for (let o = 0; o < b.length; ) {
      const app = await this.begin();
      const len = Math.min(VS, b.length - o, SLICE - this.rowsInSlice);
      this.appendChunk(app, b, o, len);
      o += len;
      this.rowsInSlice += len;
      if (this.rowsInSlice >= SLICE) await this.flushSlice();
    }
  }

  /** Appends a lost-events report as a row (status 3; count and CPU in ret and pid). */
  async addLost(ev: LostEvent): Promise<void> {
    const big = (v: bigint) => BigInt64Array.of(v);
    const str = () => ({ offsets: new Int32Array(2), data: new Uint8Array(0), flags: new Uint8Array(1) });
    await this.add({
      length: 1, pid: Int32Array.of(ev.cpu), tid: new Int32Array(1), nr: new Int32Array(1), tsEnter: big(ev.firstTs), tsExit: big(ev.lastTs),
      args: Array.from({ length: 6 }, () => big(0n)), nargs: new Uint8Array(1), ret: big(ev.count), status: Uint8Array.of(3),
      strings: Array.from({ length: 6 }, str), data: str(), comm: Int32Array.of(-1), comms: this.comms,
    });
  }

  /** Appends a signal as a row (status 4 or 5; its values in the sig_* columns). */
  async addSignal(ev: SignalEvent): Promise<void> {
    await this.add(signalRows(ev, this.comms));
  }

  private appendChunk(app: DuckDBAppender, b: SyscallBatch & { signal?: SignalColumns }, o: number, len: number): void {
    const chunk = this.chunk;
    chunk.reset();
    chunk.rowCount = len;
    const raw = (chunk as unknown as { chunk: duckdbBindings.DataChunk }).chunk;
    const vec = (i: number) => duckdb.data_chunk_get_vector(raw, i);
    const copy = (i: number, a: ArrayBufferView, bytes: number) =>
      duckdb.copy_data_to_vector(vec(i), 0, a.buffer as ArrayBuffer, a.byteOffset + o * bytes, len * bytes);
    copy(0, b.pid, 4);
    copy(1, b.tid, 4);
    copy(2, b.nr, 4);
    copy(3, b.tsEnter, 8);
    copy(4, b.tsExit, 8);
    for (let a = 0; a < 6; a++) copy(5 + a, b.args[a]!, 8);
    copy(11, b.nargs, 1);
    copy(12, b.ret, 8);
    copy(13, b.status, 1);
    copy(14, b.comm, 4);
    const flags = this.strFlags;
    flags.fill(0, 0, len);
    for (let a = 0; a < 6; a++) {
      const col = b.strings[a]!;
      const v = vec(16 + a);
      const valid = this.validity;
      valid.fill(0);
      let any = false;
      for (let i = 0; i < len; i++) {
        const f = col.flags[o + i]!;
        if ((f & StrFlags.PRESENT) === 0) continue;
        any = true;
        valid[i >> 3]! |= 1 << (i & 7);
        const s = col.offsets[o + i]!;
        const e = col.offsets[o + i + 1]!;
        let text: string;
        let bits = (f & StrFlags.TRUNCATED ? STR_FLAG.TRUNCATED : 0) | (f & StrFlags.READ_ERROR ? STR_FLAG.READ_ERROR : 0);
        try {
          text = fatal.decode(col.data.subarray(s, e));
        } catch {
          text = escapeBytes(col.data, s, e);
          bits |= STR_FLAG.ESCAPED;
        }
        flags[i]! |= bits << (4 * a);
        duckdb.vector_assign_string_element(v, i, text);
      }
      duckdb.vector_ensure_validity_writable(v);
      if (!any) valid.fill(0);
      duckdb.copy_data_to_vector_validity(v, 0, valid.buffer, 0, Math.ceil(len / 64) * 8);
    }
    duckdb.copy_data_to_vector(vec(15), 0, flags.buffer, 0, len * 4);
    this.signalColumns(b, o, len, vec);
    this.dataColumn(b, o, len, vec(DATA_COL));
    app.appendDataChunk(chunk);
  }

  /** The data column: each row's data chunks as they are, null for a row without. */
  private dataColumn(b: SyscallBatch, o: number, len: number, v: duckdbBindings.Vector): void {
    const col = b.data;
    const valid = this.validity;
    valid.fill(0);
    for (let i = 0; i < len; i++) {
      if (col.flags[o + i] === 0) continue;
      valid[i >> 3]! |= 1 << (i & 7);
      duckdb.vector_assign_string_element_len(v, i, col.data.subarray(col.offsets[o + i]!, col.offsets[o + i + 1]!));
    }
    duckdb.vector_ensure_validity_writable(v);
    duckdb.copy_data_to_vector_validity(v, 0, valid.buffer, 0, Math.ceil(len / 64) * 8);
  }

  /** The sig_* columns: null but on signal rows. */
  private signalColumns(b: SyscallBatch & { signal?: SignalColumns }, o: number, len: number, vec: (i: number) => duckdbBindings.Vector): void {
    const sig = b.signal;
    const masks = [0, 0, HAS_PID, HAS_STATUS, 0, 0];
    for (let k = 0; k < masks.length; k++) {
      const v = vec(SIG_COL + k);
      const valid = this.validity;
      valid.fill(0);
      if (sig) {
        for (let i = 0; i < len; i++) {
          const r = o + i;
          if (!isSignalStatus(b.status[r]!) || (masks[k]! !== 0 && (sig.has[r]! & masks[k]!) === 0)) continue;
          if (k === 4) {
            const name = signalName(sig.signo[r]!);
            if (name === undefined) continue;
            duckdb.vector_assign_string_element(v, i, name);
          } else if (k === 5) {
            duckdb.vector_assign_string_element(v, i, sig.info[r]!);
          }
          valid[i >> 3]! |= 1 << (i & 7);
        }
        if (k < 4) {
          const values = [sig.signo, sig.code, sig.pid, sig.status][k]!;
          duckdb.copy_data_to_vector(v, 0, values.buffer as ArrayBuffer, values.byteOffset + o * 4, len * 4);
        }
      }
      duckdb.vector_ensure_validity_writable(v);
      duckdb.copy_data_to_vector_validity(v, 0, valid.buffer, 0, Math.ceil(len / 64) * 8);
    }
  }

  /** Ends the current slice and starts writing it (the previous write is awaited first). */
  private async flushSlice(): Promise<void> {
    if (!this.appender) return;
    this.appender.closeSync();
    this.appender = undefined;
    const k = this.slice++;
    this.rowsInSlice = 0;
    await this.writing;
    if (this.comms.length > this.commsLoaded) {
      const add = this.comms.slice(this.commsLoaded).map((c, i) => `(${this.commsLoaded + i}, ${sqlString(c)})`);
      await this.db.exec(`INSERT INTO vq_comms VALUES ${add.join(', ')}`);
      this.commsLoaded = this.comms.length;
    }
    const file = join(this.dir, `part-${String(k).padStart(5, '0')}.parquet`);
    this.parts.push(file);
    const meta = `KV_METADATA {'vltrace.schema': ${sqlString(SCHEMA_VERSION)}, 'vltrace.clock.monotonic_ns': ${sqlString(this.header.meta.clock.monotonicNs)}, 'vltrace.clock.realtime_ns': ${sqlString(this.header.meta.clock.realtimeNs)}, 'vltrace.hostname': ${sqlString(this.header.meta.hostname)}}`;
    this.writing = this.writer.exec(
      `COPY (${this.select.replace('vq_raw_SLICE', `vq_raw_${k}`)}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION ${this.compression}, ${meta});
       DROP TABLE vq_raw_${k}`,
    );
  }

  /** Writes what is left; returns the Parquet parts in order. */
  async finish(): Promise<string[]> {
    if (this.parts.length === 0 && !this.appender) await this.begin(); // an empty recording still gets one (empty) part
    await this.flushSlice();
    await this.writing;
    return this.parts;
  }

  /** Stops without finishing (on error). */
  async abort(): Promise<void> {
    this.appender?.closeSync();
    this.appender = undefined;
    await this.writing.catch(() => undefined);
  }
}
