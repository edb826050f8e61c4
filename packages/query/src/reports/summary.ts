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
import { textOrder } from '../order.js';
import { Session, withSession, type SessionOptions } from '../session.js';
import { resolvedFilterSql, resolvePids, type FilterOptions, type ResolvedFilters } from '../filter-sql.js';
import { inputKind } from '../inputs.js';
import type { SummaryGroup } from '../direct.js';

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
export async function summary(input: Session | string | readonly string[], opts: SummaryOptions = {}): Promise<SummaryResult> {
  const sort = SORT_KEYS[opts.sort ?? 'time'];
  if (!sort) throw new UsageError(`-S ${opts.sort}: unknown sort key (one of ${SUMMARY_SORT_KEYS.join(', ')})`);
  // -e needs the syscall tables; without it nothing of @vltrace/format is loaded for a Parquet input
  const f: ResolvedFilters = opts.expr ? (await import('../filters.js')).resolveFilters(opts) : { pids: resolvePids(opts) };
  // recordings without a current cache: straight from their batches (direct.ts), no conversion
  const bins = input instanceof Session ? undefined : await uncachedRecordings(typeof input === 'string' ? [input] : input, opts);
  const groups = bins
    ? await (await import('../direct.js')).summarizeRecordings(bins, { perPid: opts.perPid, ...f })
    : await withSession(input, { ...opts, syscallsOnly: true }, (s) => summaryGroups(s, opts, f));
  return finish(groups, opts, sort);
}

/** The inputs when every one is a recording (not Parquet) whose cache is not current; else undefined. */
async function uncachedRecordings(list: readonly string[], opts: SummaryOptions): Promise<string[] | undefined> {
  if (list.length === 0) return undefined;
  for (const file of list) {
    // anything else (Parquet, a directory, a missing or empty file) goes the usual way, errors included
    const kind = await inputKind(file);
    if (kind !== 'recording') return undefined;
    const { cachedRecording } = await import('../recording.js');
    if (await cachedRecording(file, opts)) return undefined;
  }
  return [...list];
}

/** -S nothing (or none): strace's unsorted order, which is the syscall numbers' */
function unsorted(opts: SummaryOptions): boolean {
  return opts.sort === 'nothing' || opts.sort === 'none';
}

/** The summary's groups from the syscalls view: one row per (pid,) syscall and status, merged here. */
async function summaryGroups(s: Session, opts: SummaryOptions, f: ResolvedFilters): Promise<SummaryGroup[]> {
  const pid = opts.perPid ? 'pid' : 'NULL::INTEGER';
  // grouping by status too, instead of one FILTER per aggregate, is 2-4x faster on 10M rows.
  // No `WHERE status IN (…call rows…)`: the groups of other rows (lost events, signals) are
  // skipped below, and the filter cost a third of the query on 10M rows
  const where = resolvedFilterSql(f);
  // the number only for -S nothing (its order): another aggregate costs every summary
  const nr = unsorted(opts) ? 'min(nr)' : 'NULL::INTEGER';
  const { rows } = await s.query(`
    SELECT ${pid} AS pid, syscall, ${nr} AS nr, status, count(*) AS n, count(errno) AS errors,
           coalesce(sum(duration_ns), 0)::BIGINT AS total_ns, min(duration_ns) AS min_ns, max(duration_ns) AS max_ns
    FROM syscalls${where === 'true' ? '' : `
    WHERE ${where}`}
    GROUP BY ALL`);
  const groups = new Map<string, SummaryGroup>();
  for (const r of rows) {
    const status = r['status'];
    if (status !== 'complete' && status !== 'unfinished' && status !== 'no-entry') continue;
    const key = `${r['pid'] ?? ''}/${r['syscall']}`;
    let g = groups.get(key);
    if (!g) {
      g = { pid: r['pid'] === null ? null : Number(r['pid']), syscall: String(r['syscall']), nr: r['nr'] === null ? NaN : Number(r['nr']), calls: 0, errors: 0, totalNs: 0n, minNs: 0, maxNs: 0, unfinished: 0, noEntry: 0 };
      groups.set(key, g);
    }
    const n = Number(r['n']);
    switch (status) {
      case 'complete':
        g.calls = n;
        g.errors = Number(r['errors']);
        g.totalNs = BigInt(r['total_ns'] as number | bigint);
        g.minNs = Number(r['min_ns'] ?? 0);
        g.maxNs = Number(r['max_ns'] ?? 0);
        break;
      case 'unfinished':
        g.unfinished = n;
        break;
      case 'no-entry':
        g.noEntry = n;
        break;
    }
  }
  return [...groups.values()];
}

function finish(rows: SummaryGroup[], opts: SummaryOptions, sort: { field: keyof SummaryRow; desc: boolean }): SummaryResult {
  const totalNs = rows.reduce((acc, r) => acc + Number(r.totalNs), 0);
  const make = (r: SummaryGroup): SummaryRow => {
    const ns = Number(r.totalNs);
    const calls = r.calls;
    return {
      pid: r.pid,
      syscall: r.syscall,
      percent: totalNs > 0 ? (ns / totalNs) * 100 : 0,
      seconds: ns / 1e9,
      usecsPerCall: calls > 0 ? Math.trunc(ns / 1000 / calls) : 0,
      calls,
      errors: r.errors,
      minUs: r.minNs / 1000,
      maxUs: r.maxNs / 1000,
      unfinished: r.unfinished,
      noEntry: r.noEntry,
    };
  };
  if (unsorted(opts)) {
    // strace -S nothing: the syscall table's order, by number (per process with -C/--per-pid)
    rows = [...rows].sort((a, b) => (opts.perPid ? a.pid! - b.pid! : 0) || a.nr - b.nr || textOrder(a.syscall, b.syscall));
  }
  const out = rows.map(make).filter((r) => r.calls > 0 || r.unfinished > 0 || r.noEntry > 0);
  const { field, desc } = sort;
  if (!unsorted(opts)) {
    out.sort((a, b) => {
      if (opts.perPid && a.pid !== b.pid) return a.pid! - b.pid!;
      const x = a[field]!;
      const y = b[field]!;
      const c = typeof x === 'string' ? textOrder(x, y as string) : (x as number) - (y as number);
      return (desc ? -c : c) || textOrder(a.syscall, b.syscall);
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
