/**
 * DuckDB plumbing: one in-memory database per command, with the views every report reads —
 * `syscalls` (the rows of @vltrace/convert's schema, straight from Parquet), `processes` (one
 * row per process lifetime with its syscall counts) — and a query helper that turns DuckDB
 * values into plain ones (exact bigints, timestamps as text).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Cell } from './output.js';
import { UsageError, duckMessage } from './errors.js';
import { privateTempDir } from './private-temp.js';
import { processesSql } from './processes.js';

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
  /** one per input: its Parquet files of syscall rows (convert's schema) */
  readonly groups: readonly { readonly input: string; readonly syscalls: readonly string[] }[];
  /** hive partition keys present in every path (host=…/date=…), empty when none */
  readonly hiveKeys: readonly string[];
  /** the keys that tell rows of different recordings apart: hive keys that are not columns, and `source` with several inputs */
  readonly partKeys: readonly string[];
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
    // what DuckDB spills when short of memory is rows of recordings: in this process's private
    // directory, not in `.tmp/` under whatever directory the command runs in
    await conn.run(`SET temp_directory = ${sqlString(join(privateTempDir(), 'duckdb'))}`);
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

    // the keys that tell processes apart: partition keys that are not columns (a dataset split by pid is still one recording)
    const keyCols = src.partKeys.map((k) => `${sqlIdent(k)}, `).join('');
    await this.exec(`CREATE OR REPLACE VIEW processes AS ${processesSql(keyCols)}`);
  }

  /** Releases the database. */
  close(): void {
    this.conn.closeSync();
    if (this.owner) this.instance.closeSync();
  }
}
