/**
 * DuckDB plumbing: one in-memory database per command, with the views every report reads —
 * `syscalls` (the rows of @vltrace/convert's schema, straight from Parquet), `processes` (one
 * row per process lifetime with its syscall counts) — and a query helper that turns DuckDB
 * values into plain ones (exact bigints, timestamps as text).
 */
import { createRequire } from 'node:module';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Cell } from './output.js';
import { UsageError, duckMessage } from './errors.js';

/** The rows that are syscalls, as SQL over the syscalls view: not lost-events nor signal rows. */
export function callRows(alias = ''): string {
  return `${alias}status IN ('complete', 'unfinished', 'no-entry')`;
}

/** Rows of a query, with their column names in order. */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: Record<string, Cell>[];
}

/** Where the data of a session comes from (see inputs.ts). */
export interface Sources {
  /** one per input: its Parquet files of syscall rows (convert's schema) and of process rows */
  readonly groups: readonly { readonly input: string; readonly syscalls: readonly string[]; readonly processes: readonly string[] }[];
  /** hive partition keys present in every path (host=…/date=…), empty when none */
  readonly hiveKeys: readonly string[];
}

/** SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

type DuckApi = typeof import('@duckdb/node-api');
let api: DuckApi | undefined;
/**
 * @duckdb/node-api, loaded on first use and through require(): it is CommonJS, and importing it
 * from ESM has Node lex its ~120 files for their exports first (0.1–0.3 s of every run). Reports
 * that need no DuckDB (summary straight from a recording) never load it.
 */
export function duckApi(): DuckApi {
  return (api ??= createRequire(import.meta.url)('@duckdb/node-api') as DuckApi);
}

let intTypes: Set<number> | undefined;
const INT_TYPES = () => {
  const { DuckDBTypeId: T } = duckApi();
  return (intTypes ??= new Set([T.BIGINT, T.UBIGINT, T.HUGEINT, T.UHUGEINT, T.BIGNUM]));
};

/** A BigInt when it does not fit a double exactly, a number otherwise. */
function intCell(s: string): number | bigint {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

/** A DuckDB connection with the trace views. */
export class TraceDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    private readonly owner = true,
  ) {}

  /** A second connection to the same database (statements on it run concurrently with this one's). */
  async connect(): Promise<TraceDb> {
    return new TraceDb(this.instance, await this.instance.connect(), false);
  }

  /** An empty in-memory database (views come with attach()). */
  static async create(): Promise<TraceDb> {
    const instance = await duckApi().DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    // Parquet footers are read once per process, not once per view and query
    await conn.run('SET parquet_metadata_cache = true');
    return new TraceDb(instance, conn);
  }

  /** Runs a statement and returns its rows as plain values. SQL errors carry DuckDB's message. */
  async query(sql: string): Promise<QueryResult> {
    let reader;
    try {
      reader = await this.conn.runAndReadAll(sql);
    } catch (e) {
      throw new UsageError(duckMessage(e));
    }
    const columns = reader.columnNames();
    const types = columns.map((_, i) => reader.columnTypeId(i));
    const ints = INT_TYPES();
    const DECIMAL = duckApi().DuckDBTypeId.DECIMAL;
    const rows = reader.getRowsJson().map((r) => {
      const o: Record<string, Cell> = {};
      r.forEach((v, i) => {
        const t = types[i]!;
        o[columns[i]!] =
          v === null ? null
          : ints.has(t) && typeof v === 'string' ? intCell(v)
          : t === DECIMAL && typeof v === 'string' ? Number(v)
          : (v as Cell);
      });
      return o;
    });
    return { columns, rows };
  }

  /** Runs statements whose result is not needed; errors are bugs of ours, not usage errors. */
  async exec(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  /** Creates the `syscalls` and `processes` views over the sources. */
  async attach(src: Sources): Promise<void> {
    const hive = src.hiveKeys.length > 0;
    // several inputs: a `source` column (the input as given) keeps their pids apart
    const multi = src.groups.length > 1;
    const keyNames = [...src.hiveKeys, ...(multi ? ['source'] : [])];
    // the low 32 bits of a 64-bit register value as a C int (fds, dirfds: the kernel reads an int)
    // a timestamp as text with all nine digits of ns (a cast to VARCHAR drops trailing zeros)
    await this.exec(`CREATE OR REPLACE MACRO ts_text(t) AS strftime(t, '%Y-%m-%d %H:%M:%S') || '.' || lpad((epoch_ns(t) % 1000000000)::VARCHAR, 9, '0')`);
    await this.exec(`CREATE OR REPLACE MACRO i32(a) AS CASE WHEN (a & 2147483648) <> 0 THEN (a & 4294967295) - 4294967296 ELSE a & 4294967295 END`);
    const list = (files: readonly string[]) => `[${files.map(sqlString).join(', ')}]`;
    const read = (files: readonly string[]) => `read_parquet(${list(files)}, hive_partitioning = ${hive}, union_by_name = true)`;
    const union = (pick: (g: Sources['groups'][number]) => readonly string[]) =>
      src.groups
        .filter((g) => pick(g).length > 0)
        .map((g) => `SELECT *${multi ? `, ${sqlString(g.input)} AS source` : ''} FROM ${read(pick(g))}`)
        .join(' UNION ALL BY NAME ');
    await this.exec(`CREATE OR REPLACE VIEW syscalls AS ${union((g) => g.syscalls)}`);
    const keys = keyNames.map(sqlIdent);
    const keyCols = keys.map((k) => `${k}, `).join('');
    // processes from the recordings' process events where there are some, else from the syscalls
    const recorded = union((g) => g.processes);
    const derivedFor = src.groups.filter((g) => g.processes.length === 0).map((g) => sqlString(g.input));
    const derived = derivedFor.length === 0 ? '' : multi
      ? `SELECT * FROM (${processesFromSyscalls(keyCols)}) WHERE source IN (${derivedFor.join(', ')})`
      : processesFromSyscalls(keyCols);
    await this.exec(`CREATE OR REPLACE VIEW processes_recorded AS ${[recorded, derived].filter((x) => x !== '').join(' UNION ALL BY NAME ')}`);
    const on = ['pid', ...keyNames].map((k) => `p.${sqlIdent(k)} = c.${sqlIdent(k)}`).join(' AND ');
    await this.exec(`CREATE OR REPLACE VIEW processes AS
      WITH c AS (
        SELECT ${keyCols}pid, count(*) AS syscalls, count(errno) AS errors, any_value(comm) AS comm,
               min(coalesce(ts_enter, ts_exit)) AS first_ts, max(coalesce(ts_exit, ts_enter)) AS last_ts
        FROM syscalls WHERE ${callRows()} GROUP BY ALL)
      SELECT ${keys.map((k) => `coalesce(p.${k}, c.${k}) AS ${k}, `).join('')}
             coalesce(p.pid, c.pid) AS pid, p.ppid, coalesce(p.comm, c.comm) AS comm, p.exe, p.execs,
             coalesce(p.start_ts, c.first_ts) AS start_ts, coalesce(p.end_ts, c.last_ts) AS end_ts,
             p.exit_code, p.exit_signal, p.core_dumped, coalesce(p.threads, 0) AS threads,
             coalesce(p.origin, 'syscalls') AS origin,
             coalesce(c.syscalls, 0) AS syscalls, coalesce(c.errors, 0) AS errors,
             (epoch_ns(coalesce(p.end_ts, c.last_ts)) - epoch_ns(coalesce(p.start_ts, c.first_ts))) / 1e9 AS lifetime_s
      FROM processes_recorded p FULL OUTER JOIN c ON ${on}`);
  }

  /** Releases the database. */
  close(): void {
    this.conn.closeSync();
    if (this.owner) this.instance.closeSync();
  }
}

/**
 * Processes as far as the syscalls alone tell (Parquet written without process events): a
 * child pid from the return value of fork/vfork/clone (not CLONE_THREAD), execs from successful
 * execve/execveat, the exit status from exit_group's argument. Deaths by signal stay unknown.
 */
function processesFromSyscalls(keyCols: string): string {
  return `
    WITH forks AS (
      SELECT ${keyCols}ret::INTEGER AS pid, pid AS ppid, coalesce(ts_exit, ts_enter) AS start_ts
      FROM syscalls
      WHERE syscall IN ('fork', 'vfork', 'clone', 'clone3') AND ret > 0
        AND NOT (syscall = 'clone' AND (arg0 & 65536) <> 0)  -- CLONE_THREAD: a thread, not a process
    ), execs AS (
      SELECT ${keyCols}pid, list(CASE WHEN syscall = 'execve' THEN str0 ELSE str1 END ORDER BY ts_enter) AS execs
      FROM syscalls WHERE syscall IN ('execve', 'execveat') AND ret = 0 GROUP BY ALL
    ), exits AS (
      SELECT ${keyCols}pid, max(ts_enter) AS end_ts, arg_max(arg0 & 255, ts_enter)::INTEGER AS exit_code
      FROM syscalls WHERE syscall = 'exit_group' GROUP BY ALL
    ), pids AS (
      SELECT DISTINCT ${keyCols}pid FROM syscalls WHERE ${callRows()}
    )
    SELECT ${keyCols.replace(/"([^"]+)"/g, 'pids."$1"')}pids.pid, forks.ppid, NULL::VARCHAR AS comm, execs.execs[-1] AS exe, execs.execs,
           forks.start_ts, exits.end_ts, exits.exit_code, NULL::INTEGER AS exit_signal, NULL::BOOLEAN AS core_dumped,
           NULL::INTEGER AS threads, CASE WHEN forks.pid IS NULL THEN NULL ELSE 'fork' END AS origin
    FROM pids LEFT JOIN forks USING (${keyCols}pid) LEFT JOIN execs USING (${keyCols}pid) LEFT JOIN exits USING (${keyCols}pid)`;
}
