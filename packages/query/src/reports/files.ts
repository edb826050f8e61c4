/**
 * `files`: every path the program touched — through a path argument (open, stat, access,
 * execve, unlink, rename…: both names of a rename count) or through an fd (read, write, fstat,
 * close…: the fd resolved to the path it was opened with, see fds.ts) — with the calls per
 * syscall, the results, and which processes. Paths are shown as the program passed them;
 * relative paths under a directory fd (`openat(dirfd, "x")`) are joined to that directory's
 * path; relative paths under AT_FDCWD stay relative (the cwd is not tracked).
 */
import { SYSCALLS_X86_64 } from '@vltrace/format';
import { sqlString, callRows } from '../db.js';
import { fdIntervals, loadFdIntervals } from '../fds.js';
import type { Table } from '../output.js';
import { filterSql, withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';

export interface FilesOptions extends FilterOptions, SessionOptions {
  /** only paths named in a path argument (no fd resolution) */
  pathsOnly?: boolean;
}

export interface FileRow {
  path: string;
  /** all calls on the path: by name plus through fds */
  calls: number;
  /** calls naming the path in an argument */
  byName: number;
  /** calls through an fd opened on the path */
  byFd: number;
  errors: number;
  /** calls per syscall, most first: `openat:3 read:10` */
  syscalls: string;
  /** results of the calls naming the path: `ok:2 ENOENT:1` */
  results: string;
  pids: number[];
  first: string | null;
}

/** Syscalls by the index of each path argument, and whether a dirfd argument precedes it. */
function pathArgs(): { idx: number; names: string[]; atNames: string[] }[] {
  const out = [0, 1, 2, 3, 4, 5].map((idx) => ({ idx, names: [] as string[], atNames: [] as string[] }));
  for (const d of SYSCALLS_X86_64) {
    d.args.forEach(([, , kind], i) => {
      if (kind !== 'path') return;
      out[i]!.names.push(d.name);
      if (i > 0 && d.args[i - 1]![2] === 'dirfd') out[i]!.atNames.push(d.name);
    });
  }
  return out.filter((x) => x.names.length > 0);
}

/** Syscalls whose first argument is an fd (read, write, fstat, close…). */
function fdArg0Syscalls(): string[] {
  return SYSCALLS_X86_64.filter((d) => d.args[0]?.[2] === 'fd').map((d) => d.name);
}

const list = (names: readonly string[]) => (names.length > 0 ? names.map(sqlString).join(', ') : "''");

/** Every path touched, most-used first. */
export function files(input: Session | string | readonly string[], opts: FilesOptions = {}): Promise<FileRow[]> {
  return withSession(input, opts, async (s) => {
    await loadFdIntervals(s, opts.pathsOnly ? [] : await fdIntervals(s));
    const where = filterSql(opts, 's');
    const part = s.partExpr('s');
    const byName = pathArgs()
      .map(({ idx, names, atNames }) => {
        const dirfd = idx > 0 && atNames.length > 0
          ? `CASE WHEN s.syscall IN (${list(atNames)}) AND NOT starts_with(s.str${idx}, '/') AND i32(s.arg${idx - 1}) <> -100 THEN i32(s.arg${idx - 1}) END`
          : 'NULL::INTEGER';
        return `SELECT ${part} AS part, s.pid, s.syscall, s.errno_name, coalesce(s.ts_enter, s.ts_exit) AS ts, s.str${idx} AS rel, ${dirfd} AS dirfd,
                       s.ret, s.str${idx} = '' AND ((s.str_flags >> ${4 * idx}) & 2) <> 0 AS unreadable
                FROM syscalls s WHERE s.syscall IN (${list(names)}) AND s.str${idx} IS NOT NULL AND ${callRows('s.')} AND ${where}`;
      })
      .join('\nUNION ALL\n');
    const { rows } = await s.query(`
      WITH named AS (${byName}),
      resolved AS (
        SELECT n.part, n.pid, n.syscall, n.errno_name, n.ts, 'name' AS via,
               -- a name the recorder could not read: for a successful exec, the exec event's filename
               CASE WHEN n.unreadable THEN coalesce(
                      (SELECT any_value(p.execs[1]) FROM processes_recorded p
                       WHERE n.syscall IN ('execve', 'execveat') AND n.ret = 0 AND p.pid = n.pid AND ${s.partExpr('p')} = n.part AND len(p.execs) = 1),
                      '<unreadable>')
                    WHEN n.dirfd IS NULL OR d.path IS NULL THEN n.rel
                    WHEN n.rel = '' THEN d.path
                    WHEN ends_with(d.path, '/') THEN d.path || n.rel ELSE d.path || '/' || n.rel END AS path
        -- the interval of (pid, fd) that began last before the call (ASOF), if it had not ended
        FROM named n ASOF LEFT JOIN fd_paths d
          ON d.part = n.part AND d.pid = n.pid AND d.fd = n.dirfd AND epoch_ns(n.ts) >= d.from_ns
      ),
      via_fd AS (
        SELECT u.part, u.pid, u.syscall, u.errno_name, u.ts, 'fd' AS via, d.path
        FROM (SELECT ${part} AS part, s.pid, s.syscall, s.errno_name, coalesce(s.ts_enter, s.ts_exit) AS ts, i32(s.arg0) AS fd
              FROM syscalls s WHERE s.syscall IN (${list(fdArg0Syscalls())}) AND ${callRows('s.')} AND ${where}) u
        ASOF JOIN fd_paths d ON d.part = u.part AND d.pid = u.pid AND d.fd = u.fd AND epoch_ns(u.ts) >= d.from_ns
        WHERE d.to_ns IS NULL OR epoch_ns(u.ts) <= d.to_ns
      ),
      calls AS (SELECT * FROM resolved UNION ALL SELECT * FROM via_fd),
      per_syscall AS (SELECT path, syscall, count(*) AS n FROM calls GROUP BY ALL),
      per_result AS (SELECT path, coalesce(errno_name, 'ok') AS result, count(*) AS n FROM calls WHERE via = 'name' GROUP BY ALL),
      agg AS (
        SELECT path, count(*) AS calls, count(*) FILTER (via = 'name') AS by_name, count(*) FILTER (via = 'fd') AS by_fd,
               count(errno_name) AS errors, list(DISTINCT pid ORDER BY pid) AS pids, ts_text(min(ts)) AS first
        FROM calls GROUP BY path)
      SELECT agg.*,
        (SELECT string_agg(syscall || ':' || n, ' ' ORDER BY n DESC, syscall) FROM per_syscall p WHERE p.path = agg.path) AS syscalls,
        (SELECT string_agg(result || ':' || n, ' ' ORDER BY result <> 'ok', n DESC, result) FROM per_result r WHERE r.path = agg.path) AS results
      FROM agg ORDER BY calls DESC, path`);
    return rows.map((r) => ({
      path: String(r['path']),
      calls: Number(r['calls']),
      byName: Number(r['by_name']),
      byFd: Number(r['by_fd']),
      errors: Number(r['errors']),
      syscalls: String(r['syscalls'] ?? ''),
      results: String(r['results'] ?? ''),
      pids: ((r['pids'] as number[] | null) ?? []).map(Number),
      first: (r['first'] as string | null) ?? null,
    }));
  });
}

/** At most 4 pids, then how many in all. */
function shortList(pids: readonly number[]): string {
  return pids.length <= 4 ? pids.join(',') : `${pids.slice(0, 3).join(',')},… (${pids.length})`;
}

export function filesTable(rows: readonly FileRow[]): Table {
  return {
    columns: [
      { key: 'calls', title: 'calls', align: 'right' },
      { key: 'byFd', title: 'via fd', align: 'right' },
      { key: 'errors', title: 'errors', align: 'right' },
      { key: 'results', title: 'results' },
      { key: 'pids', title: 'pids', text: (v) => shortList(v as number[]) },
      { key: 'syscalls', title: 'syscalls' },
      { key: 'path', title: 'path' },
    ],
    rows: rows as unknown as Table['rows'],
    dataKeys: ['path', 'calls', 'byName', 'byFd', 'errors', 'syscalls', 'results', 'pids', 'first'],
  };
}
