/**
 * DuckDB plumbing: one in-memory database per command, with the views every report reads —
 * `syscalls` (the rows of @vltrace/convert's schema, straight from Parquet), `processes` (one
 * row per process lifetime with its syscall counts) — and a query helper that turns DuckDB
 * values into plain ones (exact bigints, timestamps as text).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckBindings, openPlain, readPlain, type DuckResult, type PlainDb } from './duck-plain.js';
import type { Cell } from './output.js';
import { UsageError, duckMessage } from './errors.js';
import { privateTempDir } from './private-temp.js';

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
  /**
   * the keys that tell rows of different recordings apart: hive keys that are not columns, and
   * `source` with several inputs (undefined in a session of the syscalls view only)
   */
  readonly partKeys?: readonly string[];
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
 * from ESM has Node lex its ~120 files for their exports first (0.1–0.3 s of every run). Only
 * results of types duck-plain.ts does not read (timestamps, lists…) and appenders need it: a
 * summary never loads it.
 */
export function duckApi(): DuckApi {
  return (api ??= createRequire(import.meta.url)('@duckdb/node-api') as DuckApi);
}

/** A BigInt when it does not fit a double exactly, a number otherwise. */
function intCell(s: string): number | bigint {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

/** A result read by node-api, its values made plain (exact bigints, timestamps as text…). */
export async function readWithNodeApi(result: DuckResult): Promise<QueryResult> {
  const { DuckDBResultReader, DuckDBMaterializedResult, DuckDBTypeId: T } = duckApi();
  const reader = new DuckDBResultReader(new DuckDBMaterializedResult(result));
  await reader.readAll();
  const columns = reader.columnNames();
  const types = columns.map((_, i) => reader.columnTypeId(i));
  const ints = new Set<number>([T.BIGINT, T.UBIGINT, T.HUGEINT, T.UHUGEINT, T.BIGNUM]);
  const rows = reader.getRowsJson().map((r) => {
    const o: Record<string, Cell> = {};
    r.forEach((v, i) => {
      const t = types[i]!;
      o[columns[i]!] =
        v === null ? null
        : ints.has(t) && typeof v === 'string' ? intCell(v)
        : t === T.DECIMAL && typeof v === 'string' ? Number(v)
        : (v as Cell);
    });
    return o;
  });
  return { columns, rows };
}

/** A DuckDB connection with the trace views. */
export class TraceDb {
  private api: DuckDBConnection | undefined;

  private constructor(
    private readonly plain: PlainDb,
    private readonly owner = true,
  ) {}

  /** node-api's connection over the same native one (made on first use: appenders need it). */
  get conn(): DuckDBConnection {
    return (this.api ??= new (duckApi().DuckDBConnection)(this.plain.connection));
  }

  /** A second connection to the same database (statements on it run concurrently with this one's). */
  async connect(): Promise<TraceDb> {
    return new TraceDb({ db: this.plain.db, connection: await duckBindings().connect(this.plain.db) }, false);
  }

  /**
   * An empty in-memory database (views come with attach()). `fileCache: false` for a session
   * that reads its files once (a summary: one query): DuckDB's external file cache copies what
   * it reads into its buffer pool for the next query, ~20% of the CPU of a summary's one query
   * over 10M rows (cold: 0.33 against 0.40 CPU s, in-process, 6 alternating runs).
   */
  static async create(opts: { fileCache?: boolean } = {}): Promise<TraceDb> {
    const db = new TraceDb(await openPlain());
    if (opts.fileCache === false) await db.exec('SET enable_external_file_cache = false');
    // Parquet footers are read once per process, not once per view and query
    await db.exec('SET parquet_metadata_cache = true');
    // what DuckDB spills when short of memory is rows of recordings: in this process's private
    // directory, not in `.tmp/` under whatever directory the command runs in
    await db.exec(`SET temp_directory = ${sqlString(join(privateTempDir(), 'duckdb'))}`);
    return db;
  }

  /** Runs a statement and returns its rows as plain values. SQL errors carry DuckDB's message. */
  async query(sql: string): Promise<QueryResult> {
    let result;
    try {
      result = await duckBindings().query(this.plain.connection, sql);
    } catch (e) {
      throw new UsageError(duckMessage(e));
    }
    // plain columns (numbers, text): read here; anything else by node-api, as it always was
    const plain = await readPlain(result);
    if (plain) return plain;
    return readWithNodeApi(result);
  }

  /** Runs statements whose result is not needed; errors are bugs of ours, not usage errors. */
  async exec(sql: string): Promise<void> {
    await duckBindings().query(this.plain.connection, sql);
  }

  /** Creates the `syscalls` and (unless told not to) `processes` views over the sources. */
  async attach(src: Sources, opts: { processes?: boolean } = {}): Promise<void> {
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

    if (opts.processes === false) return;
    // the keys that tell processes apart: partition keys that are not columns (a dataset split by pid is still one recording)
    if (!src.partKeys) throw new Error('the processes view needs the partition keys');
    const { processesSql } = await import('./processes.js');
    const keyCols = src.partKeys.map((k) => `${sqlIdent(k)}, `).join('');
    await this.exec(`CREATE OR REPLACE VIEW processes AS ${processesSql(keyCols)}`);
  }

  /** Releases the database. */
  close(): void {
    const d = duckBindings();
    if (this.api) this.api.closeSync();
    else d.disconnect_sync(this.plain.connection);
    if (this.owner) d.close_sync(this.plain.db);
  }
}
