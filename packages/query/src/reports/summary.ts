/**
 * `summary`: strace -c over the syscalls view — per syscall the share of time, seconds,
 * microseconds per call, calls and errors.
 *
 * Time is wall-clock: vltrace records entry and exit timestamps, so a syscall's time is how long
 * it took from entry to exit, including time blocked or preempted — what `strace -c -w` shows,
 * not strace -c's default system CPU time. `-w` is accepted to say so explicitly.
 *
 * Like strace -c, a call is counted when it returned: rows without an exit (`unfinished`:
 * exit_group, calls cut by the process's death) or without an entry (`no-entry`: the child's
 * return from fork/clone, calls already running when recording started) are not counted as
 * calls; their numbers are in the rows (`unfinished`, `noEntry`) and in the `lost` report.
 */
import type { Table } from '../output.js';
import { fixed } from '../output.js';
import { UsageError } from '../errors.js';
import { filterSql, withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';

/** strace -S keys (and their aliases) → the row field sorted on. */
const SORT_KEYS: Record<string, { field: keyof SummaryRow; desc: boolean }> = {
  time: { field: 'seconds', desc: true },
  'total-time': { field: 'seconds', desc: true },
  'min-time': { field: 'minUs', desc: true },
  shortest: { field: 'minUs', desc: true },
  'max-time': { field: 'maxUs', desc: true },
  longest: { field: 'maxUs', desc: true },
  'avg-time': { field: 'usecsPerCall', desc: true },
  calls: { field: 'calls', desc: true },
  count: { field: 'calls', desc: true },
  errors: { field: 'errors', desc: true },
  error: { field: 'errors', desc: true },
  name: { field: 'syscall', desc: false },
  syscall: { field: 'syscall', desc: false },
  'syscall-name': { field: 'syscall', desc: false },
  nothing: { field: 'syscall', desc: false },
  none: { field: 'syscall', desc: false },
};
export const SUMMARY_SORT_KEYS = Object.keys(SORT_KEYS);

export interface SummaryOptions extends FilterOptions, SessionOptions {
  /** strace -S: time (default), calls, errors, name, avg-time, min-time, max-time, nothing */
  sort?: string;
  /** one group per process */
  perPid?: boolean;
  /** strace -w: wall-clock durations. The only kind vltrace has; accepted for clarity */
  wallClock?: boolean;
}

/** One line of the summary. */
export interface SummaryRow {
  /** set with perPid */
  pid: number | null;
  syscall: string;
  /** share of the total time (of all rows shown), 0-100 */
  percent: number;
  seconds: number;
  /** whole microseconds per call (truncated, as strace prints it) */
  usecsPerCall: number;
  calls: number;
  errors: number;
  minUs: number;
  maxUs: number;
  /** rows of this syscall without an exit, not counted in calls */
  unfinished: number;
  /** rows of this syscall without an entry, not counted in calls */
  noEntry: number;
}

export interface SummaryResult {
  rows: SummaryRow[];
  total: SummaryRow;
}

/** The strace -c table of the inputs. */
export function summary(input: Session | string | readonly string[], opts: SummaryOptions = {}): Promise<SummaryResult> {
  const sort = SORT_KEYS[opts.sort ?? 'time'];
  if (!sort) throw new UsageError(`-S ${opts.sort}: unknown sort key (one of ${SUMMARY_SORT_KEYS.join(', ')})`);
  return withSession(input, opts, async (s) => {
    const pid = opts.perPid ? 'pid' : 'NULL::INTEGER';
    const { rows } = await s.query(`
      SELECT ${pid} AS pid, syscall,
             count(*) FILTER (status = 'complete') AS calls,
             count(errno) FILTER (status = 'complete') AS errors,
             coalesce(sum(duration_ns) FILTER (status = 'complete'), 0)::BIGINT AS total_ns,
             coalesce(min(duration_ns) FILTER (status = 'complete'), 0) AS min_ns,
             coalesce(max(duration_ns) FILTER (status = 'complete'), 0) AS max_ns,
             count(*) FILTER (status = 'unfinished') AS unfinished,
             count(*) FILTER (status = 'no-entry') AS no_entry
      FROM syscalls
      WHERE status <> 'lost' AND ${filterSql(opts)}
      GROUP BY ALL`);
    const totalNs = rows.reduce((acc, r) => acc + Number(r['total_ns']), 0);
    const make = (r: Record<string, unknown>): SummaryRow => {
      const ns = Number(r['total_ns']);
      const calls = Number(r['calls']);
      return {
        pid: r['pid'] === null ? null : Number(r['pid']),
        syscall: String(r['syscall']),
        percent: totalNs > 0 ? (ns / totalNs) * 100 : 0,
        seconds: ns / 1e9,
        usecsPerCall: calls > 0 ? Math.trunc(ns / 1000 / calls) : 0,
        calls,
        errors: Number(r['errors']),
        minUs: Number(r['min_ns']) / 1000,
        maxUs: Number(r['max_ns']) / 1000,
        unfinished: Number(r['unfinished']),
        noEntry: Number(r['no_entry']),
      };
    };
    const out = rows.map(make).filter((r) => r.calls > 0 || r.unfinished > 0 || r.noEntry > 0);
    const { field, desc } = sort;
    if (opts.sort !== 'nothing' && opts.sort !== 'none') {
      out.sort((a, b) => {
        if (opts.perPid && a.pid !== b.pid) return a.pid! - b.pid!;
        const x = a[field]!;
        const y = b[field]!;
        const c = typeof x === 'string' ? x.localeCompare(y as string) : (x as number) - (y as number);
        return (desc ? -c : c) || a.syscall.localeCompare(b.syscall);
      });
    }
    const calls = out.reduce((a, r) => a + r.calls, 0);
    const total: SummaryRow = {
      pid: null, syscall: 'total', percent: 100, seconds: totalNs / 1e9,
      usecsPerCall: calls > 0 ? Math.trunc(totalNs / 1000 / calls) : 0, calls,
      errors: out.reduce((a, r) => a + r.errors, 0),
      minUs: Math.min(...out.map((r) => r.minUs), Infinity) === Infinity ? 0 : Math.min(...out.map((r) => r.minUs)),
      maxUs: Math.max(0, ...out.map((r) => r.maxUs)),
      unfinished: out.reduce((a, r) => a + r.unfinished, 0),
      noEntry: out.reduce((a, r) => a + r.noEntry, 0),
    };
    // rows that only have unfinished/no-entry calls are not strace -c lines
    return { rows: out.filter((r) => r.calls > 0), total };
  });
}

/** The summary as strace -c prints it. */
export function summaryTable(res: SummaryResult, perPid = false): Table {
  const blankZero = (v: unknown) => (v === 0 ? '' : String(v));
  return {
    columns: [
      ...(perPid ? [{ key: 'pid', title: 'pid', align: 'right' as const }] : []),
      { key: 'percent', title: '% time', align: 'right', text: fixed(2) },
      { key: 'seconds', title: 'seconds', align: 'right', text: fixed(6) },
      { key: 'usecsPerCall', title: 'usecs/call', align: 'right' },
      { key: 'calls', title: 'calls', align: 'right' },
      { key: 'errors', title: 'errors', align: 'right', text: blankZero },
      { key: 'syscall', title: 'syscall' },
    ],
    rows: res.rows as unknown as Table['rows'],
    footer: res.total as unknown as Table['footer'],
    dataKeys: [...(perPid ? ['pid'] : []), 'syscall', 'percent', 'seconds', 'usecsPerCall', 'calls', 'errors', 'minUs', 'maxUs', 'unfinished', 'noEntry'],
  };
}
