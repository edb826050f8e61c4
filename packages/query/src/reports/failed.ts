/**
 * `failed`: the calls that returned an error, grouped by syscall and errno, with the errno's
 * message, how many processes saw it, the first paths involved and one example call, decoded as
 * strace prints it.
 */
import { callRows } from '../db.js';
import { errnoMessage } from '@vltrace/format';
import { callOf, callStruct } from '../call.js';
import type { Table } from '../output.js';
import { withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';
import { filterSql } from '../filters.js';

/** The path of a failing call, as these reports show it: its first string argument. */
export const FAILED_PATH_SQL = 'coalesce(str0, str1, str2, str3, str4, str5)';

export interface FailedOptions extends FilterOptions, SessionOptions {
  /** example paths kept per group (default 3) */
  examples?: number;
}

/** One syscall/errno pair. */
export interface FailedRow {
  syscall: string;
  errno: number;
  errnoName: string;
  message: string;
  count: number;
  pids: number;
  /** distinct string arguments (paths…) of the failing calls, the first ones in sort order */
  paths: string[];
  /** distinct string arguments in all */
  distinctPaths: number;
  /** the first failing call (whole, when one was recorded whole), as strace prints it */
  example: string;
  examplePid: number;
}

/** Failures by syscall and errno, most frequent first. */
export function failed(input: Session | string | readonly string[], opts: FailedOptions = {}): Promise<FailedRow[]> {
  const k = Math.max(0, opts.examples ?? 3);
  return withSession(input, opts, async (s) => {
    const call = await callStruct(s);
    const { rows } = await s.query(`
      WITH f AS (
        SELECT *, ${FAILED_PATH_SQL} AS path, coalesce(ts_enter, ts_exit) AS ts
        FROM syscalls WHERE errno IS NOT NULL AND ${callRows()} AND ${filterSql(opts)})
      SELECT syscall, errno, any_value(errno_name) AS errno_name, count(*) AS count, count(DISTINCT pid) AS pids,
             -- sorted before slicing: list(DISTINCT) comes in hash order, which varies run to run
             list_slice(list_sort(list(DISTINCT path) FILTER (path IS NOT NULL)), 1, ${k}) AS paths,
             count(DISTINCT path) AS distinct_paths,
             -- the first call recorded whole (a no-entry row has no arguments), else the first one
             arg_min(${call}, (status <> 'complete', ts)) AS example
      FROM f GROUP BY syscall, errno ORDER BY count DESC, syscall, errno`);
    return rows.map((r) => {
      const ex = r['example'] as Record<string, unknown>;
      const errno = Number(r['errno']);
      return {
        syscall: String(r['syscall']),
        errno,
        errnoName: (r['errno_name'] as string | null) ?? `E${errno}`,
        message: errnoMessage(errno),
        count: Number(r['count']),
        pids: Number(r['pids']),
        paths: ((r['paths'] as string[] | null) ?? []).slice().sort(),
        distinctPaths: Number(r['distinct_paths']),
        example: callOf(ex),
        examplePid: Number(ex['pid']),
      };
    });
  });
}

export function failedTable(rows: readonly FailedRow[]): Table {
  return {
    columns: [
      { key: 'count', title: 'calls', align: 'right' },
      { key: 'syscall', title: 'syscall' },
      { key: 'errnoName', title: 'errno' },
      { key: 'pids', title: 'procs', align: 'right' },
      {
        key: 'paths', title: 'paths (examples)',
        text: (v, r) => {
          const p = (v as string[]).join(' ');
          const more = Number(r['distinctPaths']) - (v as string[]).length;
          return more > 0 ? `${p} (+${more} more)` : p;
        },
      },
      { key: 'example', title: 'first call' },
    ],
    rows: rows as unknown as Table['rows'],
    dataKeys: ['syscall', 'errno', 'errnoName', 'message', 'count', 'pids', 'paths', 'distinctPaths', 'example', 'examplePid'],
  };
}
