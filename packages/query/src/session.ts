/**
 * A query session: the inputs resolved (recordings converted), a DuckDB database with the
 * `syscalls` and `processes` views over them, and the filters every report shares.
 */
import { TraceDb, sqlIdent, type QueryResult } from './db.js';
import { UsageError } from './errors.js';
import { resolveInputs, type ResolvedInputs } from './inputs.js';
import type { PrepareOptions } from './recording.js';

export type { FilterOptions } from './filter-sql.js';

export interface SessionOptions extends PrepareOptions {
  /**
   * The session serves queries of the `syscalls` view only: no `processes` view, no partition
   * keys (partExpr() refuses), no DuckDB file cache (its one query reads each file once). What
   * `summary` needs, without loading what the rest needs (the process table's SQL, the table
   * schema).
   */
  syscallsOnly?: boolean;
}

/** An open session; close() it when done. */
export class Session {
  private columns: Promise<ReadonlySet<string>> | undefined;

  private constructor(
    readonly db: TraceDb,
    readonly inputs: ResolvedInputs,
  ) {}

  /** Opens inputs (.bin recordings, Parquet files, Parquet directories) into a session. */
  static async open(inputs: string | readonly string[], opts: SessionOptions = {}): Promise<Session> {
    const list = typeof inputs === 'string' ? [inputs] : inputs;
    if (list.length === 0) throw new UsageError('no input given: pass a .bin recording, a Parquet file or a directory of Parquet files');
    // DuckDB starts (on its own thread) while the inputs are looked at
    const opening = TraceDb.create({ fileCache: !opts.syscallsOnly });
    opening.catch(() => {}); // its failure is handled below, once awaited
    try {
      const resolved = await resolveInputs(list, opening, opts);
      const db = await opening;
      await db.attach(resolved, opts.syscallsOnly ? { processes: false } : {});
      return new Session(db, resolved);
    } catch (e) {
      await opening.then((db) => db.close(), () => {});
      throw e;
    }
  }

  /** Runs SQL over the views. */
  query(sql: string): Promise<QueryResult> {
    return this.db.query(sql);
  }

  /** Whether the syscalls view has a column (Parquet of an older schema lacks the newer ones). */
  async hasColumn(name: string): Promise<boolean> {
    this.columns ??= this.db.query('SELECT column_name FROM (DESCRIBE syscalls)').then((r) => new Set(r.rows.map((x) => String(x['column_name']))));
    return (await this.columns).has(name);
  }

  /** An expression naming a row's partition (hive keys, and the input when there are several), '' otherwise. */
  partExpr(alias = ''): string {
    const a = alias ? `${alias}.` : '';
    const keys = this.inputs.partKeys;
    if (!keys) throw new Error('partExpr() of a session opened with syscallsOnly');
    return keys.length > 0 ? `concat_ws('/', ${keys.map((k) => `${a}${sqlIdent(k)}`).join(', ')})` : "''";
  }

  close(): void {
    this.db.close();
  }
}

/** Runs `fn` on a session: an open one as is, or one opened (and closed) for these inputs. */
export async function withSession<T>(input: Session | string | readonly string[], opts: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  if (input instanceof Session) return fn(input);
  const s = await Session.open(input, opts);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}
