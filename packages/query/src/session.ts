/**
 * A query session: the inputs resolved (recordings converted), a DuckDB database with the
 * `syscalls` and `processes` views over them, and the filters every report shares.
 */
import { resolveSyscallExpr } from '@vltrace/format';
import { TraceDb, sqlIdent, type QueryResult } from './db.js';
import { UsageError } from './errors.js';
import { resolveInputs, type ResolvedInputs } from './inputs.js';
import type { PrepareOptions } from './recording.js';

/** Filters shared by the reports. */
export interface FilterOptions {
  /** only these processes (tgids) */
  pid?: readonly number[];
  /** strace's `-e trace=` syntax: names, %classes, vltrace's kp-* sets */
  expr?: string;
}

export type SessionOptions = PrepareOptions;

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
    const db = await TraceDb.create();
    try {
      const resolved = await resolveInputs(list, db, opts);
      await db.attach(resolved);
      return new Session(db, resolved);
    } catch (e) {
      db.close();
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
    return keys.length > 0 ? `concat_ws('/', ${keys.map((k) => `${a}${sqlIdent(k)}`).join(', ')})` : "''";
  }

  close(): void {
    this.db.close();
  }
}

/** The shared filters checked and resolved: pids, and syscall numbers from `-e` (undefined: no filter). */
export function resolveFilters(f: FilterOptions): { pids?: readonly number[]; nrs?: ReadonlySet<number> } {
  const out: { pids?: readonly number[]; nrs?: ReadonlySet<number> } = {};
  if (f.pid && f.pid.length > 0) {
    for (const p of f.pid) if (!Number.isInteger(p)) throw new UsageError(`--pid: '${p}' is not a process id`);
    out.pids = f.pid;
  }
  if (f.expr) {
    try {
      out.nrs = resolveSyscallExpr(f.expr);
    } catch (e) {
      throw new UsageError(`-e ${f.expr}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/** SQL conditions (joined with AND, or 'true') for the shared filters over the syscalls view. */
export function filterSql(f: FilterOptions, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const { pids, nrs } = resolveFilters(f);
  const conds: string[] = [];
  if (pids) conds.push(`${a}pid IN (${pids.join(', ')})`);
  if (nrs) conds.push(nrs.size === 0 ? 'false' : `${a}nr IN (${[...nrs].sort((x, y) => x - y).join(', ')})`);
  return conds.length > 0 ? conds.join(' AND ') : 'true';
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
