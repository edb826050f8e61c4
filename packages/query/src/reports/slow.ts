/** `slow`: the N longest syscalls (wall-clock, entry to exit), as strace prints them, with pid and time. */
import { callOf, callSelect } from '../call.js';
import { fixed, type Table } from '../output.js';
import { withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';
import { filterSql } from '../filters.js';

export interface SlowOptions extends FilterOptions, SessionOptions {
  /** how many (default 20) */
  top?: number;
}

export interface SlowRow {
  /** wall-clock time of entry, UTC (`2026-11-26 11:03:04.123456789`) */
  time: string;
  /** seconds since the first row of the inputs */
  offset: number;
  durationUs: number;
  durationNs: number | bigint;
  pid: number;
  tid: number;
  comm: string | null;
  syscall: string;
  /** the call as strace prints it, with its result */
  call: string;
}

/** The `top` longest complete syscalls, longest first. */
export function slow(input: Session | string | readonly string[], opts: SlowOptions = {}): Promise<SlowRow[]> {
  const top = Math.max(1, Math.trunc(opts.top ?? 20));
  return withSession(input, opts, async (s) => {
    const where = `duration_ns IS NOT NULL AND status = 'complete' AND ${filterSql(opts)}`;
    // the top-th longest duration first, from two columns: the full rows (strings and all) are
    // then read only where duration_ns >= it, a filter DuckDB applies inside the Parquet scan.
    // Every row of the top has such a duration, so the answer is the same.
    const { rows: th } = await s.query(`SELECT duration_ns FROM syscalls WHERE ${where} ORDER BY duration_ns DESC LIMIT 1 OFFSET ${top - 1}`);
    const min = th.length > 0 && th[0]!['duration_ns'] !== null ? `duration_ns >= ${String(th[0]!['duration_ns'])} AND ` : '';
    const cols = await callSelect(s);
    const { rows } = await s.query(`
      WITH t0 AS (SELECT min(coalesce(ts_enter, ts_exit)) AS t0 FROM syscalls)
      SELECT ts_text(ts_enter) AS time, (epoch_ns(ts_enter) - epoch_ns(t0)) / 1e9 AS offset_s, duration_ns,
             comm, ${cols}
      FROM syscalls, t0
      WHERE ${min}${where}
      ORDER BY duration_ns DESC, ts_enter, tid LIMIT ${top}`);
    return rows.map((r) => ({
      time: String(r['time']),
      offset: Number(r['offset_s']),
      durationUs: Number(r['duration_ns']) / 1000,
      durationNs: r['duration_ns'] as number | bigint,
      pid: Number(r['pid']),
      tid: Number(r['tid']),
      comm: (r['comm'] as string | null) ?? null,
      syscall: String(r['syscall']),
      call: callOf(r),
    }));
  });
}

export function slowTable(rows: readonly SlowRow[]): Table {
  return {
    columns: [
      { key: 'durationUs', title: 'usecs', align: 'right', text: fixed(3) },
      { key: 'offset', title: '+seconds', align: 'right', text: fixed(6) },
      { key: 'pid', title: 'pid', align: 'right' },
      { key: 'tid', title: 'tid', align: 'right' },
      { key: 'comm', title: 'comm' },
      { key: 'call', title: 'call' },
    ],
    rows: rows as unknown as Table['rows'],
    dataKeys: ['time', 'offset', 'durationNs', 'durationUs', 'pid', 'tid', 'comm', 'syscall', 'call'],
  };
}
