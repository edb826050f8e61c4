/**
 * `report`: what the HTML page (report-html.ts) shows, gathered in one session — the summary,
 * failed and procs reports as they are, plus three aggregates made for charts: time in syscalls
 * per process over time bins (the lanes), latency histograms of the busiest syscalls (log2
 * buckets), and failures by errno and path.
 *
 * Everything is aggregated in SQL and capped (REPORT_LIMITS), never one row per call, so the page
 * has the same bounded size for a recording of ten calls or of ten million.
 */
import { callRows, sqlString } from '../db.js';
import { withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';
import { filterSql } from '../filters.js';
import { summary, type SummaryResult } from './summary.js';
import { FAILED_PATH_SQL, failed, type FailedRow } from './failed.js';
import { procs, type ProcRow } from './procs.js';

/** The caps that bound the page's size whatever the recording's. */
export const REPORT_LIMITS = {
  /** time bins across the recording, per lane */
  timeBins: 200,
  /** process lanes; the others are merged into one last lane */
  lanes: 40,
  /** syscalls with a latency histogram (the first ones of the summary: most time) */
  latencySyscalls: 12,
  /** failure groups (syscall, errno), most frequent first */
  failedGroups: 100,
  /** example paths per failure group */
  failedExamples: 3,
  /** (errno, path) rows */
  failurePaths: 50,
  /** processes of the tree (in tree order: parents come before their children) */
  processes: 2000,
} as const;

export type ReportOptions = FilterOptions & SessionOptions;

/** One lane: a process (or the processes beyond the cap, merged). */
export interface Lane {
  /** hive partition or input, '' when there is one input */
  part: string;
  /** null for the merged lane */
  pid: number | null;
  /** the process's last comm (after its exec), or `N more processes` */
  comm: string;
  /** seconds in syscalls over the whole recording (summed over threads) */
  seconds: number;
  /** per time bin: seconds in syscalls over the bin's length — the mean number of threads in a syscall */
  busy: number[];
}

export interface Timeline {
  /** wall-clock time of the first call's entry (`YYYY-MM-DD HH:MM:SS.nnnnnnnnn`), null when no call returned */
  start: string | null;
  /** from the first entry to the last exit */
  spanSeconds: number;
  binSeconds: number;
  lanes: Lane[];
  /**
   * processes with calls in all; lanes has the REPORT_LIMITS.lanes with the most time in
   * syscalls, in the order of their first call, then one lane merging the others
   */
  processes: number;
}

/** Calls of one syscall by duration: bucket k counts calls of 2^k ≤ duration_ns < 2^(k+1) (0 ns in bucket 0). */
export interface LatencyHistogram {
  syscall: string;
  calls: number;
  /** counts of buckets firstBucket, firstBucket + 1, … (shared by every histogram of a report) */
  counts: number[];
}

export interface Latency {
  firstBucket: number;
  histograms: LatencyHistogram[];
}

/** Failed calls of one errno and path. */
export interface FailurePath {
  errno: number;
  errnoName: string;
  /** the call's first string argument; null when it has none (a call on an fd) */
  path: string | null;
  syscalls: string[];
  count: number;
  pids: number;
}

export interface ReportData {
  inputs: string[];
  summary: SummaryResult;
  timeline: Timeline;
  latency: Latency;
  failed: FailedRow[];
  /** failure groups beyond REPORT_LIMITS.failedGroups */
  failedMore: number;
  failurePaths: FailurePath[];
  failurePathsMore: number;
  procs: ProcRow[];
  procsMore: number;
  limits: typeof REPORT_LIMITS;
}

/** The data of the HTML report of the inputs. */
export function reportData(input: Session | string | readonly string[], opts: ReportOptions = {}): Promise<ReportData> {
  return withSession(input, opts, async (s) => {
    const filters: FilterOptions = { pid: opts.pid, expr: opts.expr };
    const sum = await summary(s, filters);
    const allFailed = await failed(s, { ...filters, examples: REPORT_LIMITS.failedExamples });
    const tree = await procs(s, { pid: opts.pid });
    const { rows: paths, more: pathsMore } = await failurePaths(s, filters);
    return {
      inputs: s.inputs.groups.map((g) => g.input),
      summary: sum,
      timeline: await timeline(s, filters),
      latency: await latency(s, filters, sum.rows.slice(0, REPORT_LIMITS.latencySyscalls).map((r) => r.syscall)),
      failed: allFailed.slice(0, REPORT_LIMITS.failedGroups),
      failedMore: Math.max(0, allFailed.length - REPORT_LIMITS.failedGroups),
      failurePaths: paths,
      failurePathsMore: pathsMore,
      procs: tree.slice(0, REPORT_LIMITS.processes),
      procsMore: Math.max(0, tree.length - REPORT_LIMITS.processes),
      limits: REPORT_LIMITS,
    };
  });
}

/** Complete calls (entry and exit recorded), the only ones with a duration. */
const complete = (f: FilterOptions) => `status = 'complete' AND ${filterSql(f)}`;

/** Time in syscalls per process and time bin; a call spanning bins is split at their edges. */
async function timeline(s: Session, f: FilterOptions): Promise<Timeline> {
  const bins = REPORT_LIMITS.timeBins;
  const { rows: [range] } = await s.query(`
    SELECT min(epoch_ns(ts_enter)) AS t0, max(epoch_ns(ts_exit)) AS t1, ts_text(min(ts_enter)) AS start
    FROM syscalls WHERE ${complete(f)}`);
  if (!range || range['t0'] === null) return { start: null, spanSeconds: 0, binSeconds: 0, lanes: [], processes: 0 };
  const t0 = BigInt(range['t0'] as number | bigint);
  const span = BigInt(range['t1'] as number | bigint) - t0;
  // the last exit (at t0 + span) falls in bin bins - 1
  const binNs = span / BigInt(bins) + 1n;
  const L = REPORT_LIMITS.lanes;
  const { rows } = await s.query(`
    WITH c AS (
      SELECT ${s.partExpr()} AS part, pid, comm, epoch_ns(ts_enter) - ${t0} AS a, epoch_ns(ts_exit) - ${t0} AS b
      FROM syscalls WHERE ${complete(f)}),
    -- per process and bin (small: processes × bins); most calls fall in one bin, the others are
    -- unnested over the bins they cross
    cells AS (
      SELECT part, pid, a // ${binNs} AS bin, sum(b - a) AS ns FROM c WHERE a // ${binNs} = b // ${binNs} GROUP BY ALL
      UNION ALL
      SELECT part, pid, bin, sum(least(b, (bin + 1) * ${binNs}) - greatest(a, bin * ${binNs})) AS ns
      FROM (SELECT part, pid, a, b, unnest(range(a // ${binNs}, b // ${binNs} + 1)) AS bin FROM c WHERE a // ${binNs} <> b // ${binNs})
      GROUP BY ALL),
    -- the L processes with the most time get lanes 1..L, the others share lane L + 1
    procs AS (
      SELECT part, pid, arg_max(comm, a) AS comm, min(a) AS first,
             least(row_number() OVER (ORDER BY sum(b - a) DESC, part, pid), ${L + 1}) AS lane
      FROM c GROUP BY part, pid),
    lanes AS (
      SELECT lane, any_value(part) AS part, any_value(pid) AS pid, any_value(comm) AS comm, count(*) AS n, min(first) AS first
      FROM procs GROUP BY lane)
    SELECT l.lane, l.part, l.pid, l.comm, l.n, l.first, x.bin, x.ns
    FROM (SELECT p.lane, cells.bin, sum(cells.ns) AS ns FROM cells JOIN procs p USING (part, pid) GROUP BY ALL) x JOIN lanes l USING (lane)
    -- the lanes in the order the processes made their first call, the merged one last
    ORDER BY l.lane > ${L}, l.first, l.lane, x.bin`);
  const lanes = new Map<number, Lane>();
  let processes = 0;
  const binSeconds = Number(binNs) / 1e9;
  for (const r of rows) {
    const id = Number(r['lane']);
    let lane = lanes.get(id);
    if (!lane) {
      const merged = id > L;
      const n = Number(r['n']);
      processes += n;
      lane = {
        part: merged ? '' : String(r['part'] ?? ''),
        pid: merged ? null : Number(r['pid']),
        comm: merged ? `${n} more processes` : String(r['comm'] ?? ''),
        seconds: 0,
        busy: new Array<number>(bins).fill(0),
      };
      lanes.set(id, lane);
    }
    lane.busy[Number(r['bin'])] = Number(r['ns']) / 1e9 / binSeconds;
    lane.seconds += Number(r['ns']) / 1e9;
  }
  return { start: String(range['start']), spanSeconds: Number(span) / 1e9, binSeconds, lanes: [...lanes.values()], processes };
}

/** log2 histograms of the durations of these syscalls' complete calls. */
async function latency(s: Session, f: FilterOptions, syscalls: readonly string[]): Promise<Latency> {
  if (syscalls.length === 0) return { firstBucket: 0, histograms: [] };
  const { rows } = await s.query(`
    SELECT syscall, CASE WHEN duration_ns < 1 THEN 0 ELSE floor(log2(duration_ns))::INTEGER END AS k, count(*) AS n
    FROM syscalls WHERE ${complete(f)} AND syscall IN (${syscalls.map(sqlString).join(', ')})
    GROUP BY ALL`);
  const ks = rows.map((r) => Number(r['k']));
  const first = Math.min(...ks);
  const width = Math.max(...ks) - first + 1;
  const histograms = syscalls.map((syscall) => ({ syscall, calls: 0, counts: new Array<number>(width).fill(0) }));
  const bySyscall = new Map(histograms.map((h) => [h.syscall, h]));
  for (const r of rows) {
    const h = bySyscall.get(String(r['syscall']))!;
    const n = Number(r['n']);
    h.counts[Number(r['k']) - first] = n;
    h.calls += n;
  }
  return { firstBucket: first, histograms };
}

/** Failed calls by errno and path, most frequent first, capped; and how many rows were left out. */
async function failurePaths(s: Session, f: FilterOptions): Promise<{ rows: FailurePath[]; more: number }> {
  const { rows } = await s.query(`
    SELECT errno, any_value(errno_name) AS errno_name, ${FAILED_PATH_SQL} AS path, list_sort(list(DISTINCT syscall)) AS syscalls,
           count(*) AS count, count(DISTINCT pid) AS pids, count(*) OVER () AS groups
    FROM syscalls WHERE errno IS NOT NULL AND ${callRows()} AND ${filterSql(f)}
    GROUP BY errno, path ORDER BY count DESC, errno, path NULLS LAST LIMIT ${REPORT_LIMITS.failurePaths}`);
  return {
    rows: rows.map((r) => ({
      errno: Number(r['errno']),
      errnoName: (r['errno_name'] as string | null) ?? `E${String(r['errno'])}`,
      path: r['path'] as string | null,
      syscalls: (r['syscalls'] as string[] | null) ?? [],
      count: Number(r['count']),
      pids: Number(r['pids']),
    })),
    more: rows.length > 0 ? Number(rows[0]!['groups']) - rows.length : 0,
  };
}
