/**
 * `sql`: any DuckDB statement over the views — `syscalls` (@vltrace/convert's schema,
 * packages/convert/SCHEMA.md) and `processes` (one row per process lifetime, see README).
 * A bad statement is a UsageError carrying DuckDB's message.
 */
import type { QueryResult } from '../db.js';
import { UsageError } from '../errors.js';
import type { Table } from '../output.js';
import { withSession, type Session, type SessionOptions } from '../session.js';

/** Runs one SQL statement over the inputs' views. */
export function sql(input: Session | string | readonly string[], statement: string, opts: SessionOptions = {}): Promise<QueryResult> {
  if (statement.trim() === '') throw new UsageError('sql: the query is empty');
  return withSession(input, opts, (s) => s.query(statement));
}

const NUMERIC = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';

export function sqlTable(res: QueryResult): Table {
  return {
    columns: res.columns.map((c) => ({
      key: c,
      title: c,
      align: res.rows.length > 0 && res.rows.every((r) => r[c] === null || NUMERIC(r[c])) ? ('right' as const) : ('left' as const),
    })),
    rows: res.rows,
  };
}
