/**
 * `files`: every path the program touched — through a path argument (open, stat, access,
 * execve, unlink, rename…: both names of a rename count) or through an fd (read, write, fstat,
 * close…: the file the fd names, see fds.ts) — with the calls per syscall, the results, and
 * which processes. A path argument is shown as the program passed it when absolute; a
 * relative one is resolved against the directory fd or the process's working directory when
 * the call was made (fds.ts), and stays as given when that directory is unknown.
 */
import { AT_EMPTY_PATH, SYSCALLS_X86_64 } from '@vltrace/format';
import { callRows } from '../db.js';
import { fdIntervals, loadFdIntervals, pathArgs, sqlList as list } from '../fds.js';
import type { Table } from '../output.js';
import { withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';
import { filterSql } from '../filters.js';

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

/** Syscalls whose first argument is an fd (read, write, fstat, close…). */
function fdArg0Syscalls(): string[] {
  return SYSCALLS_X86_64.filter((d) => d.args[0]?.[2] === 'fd').map((d) => d.name);
}

/**
 * Calls whose path at `idx` may be empty to name the directory fd before it (AT_EMPTY_PATH in
 * their flags argument), with that argument's index: newfstatat(fd, "", …, AT_EMPTY_PATH) is a
 * call on fd, as strace -y shows it (`newfstatat(3</etc/hostname>, "", …)`).
 */
function emptyPathCalls(idx: number): { name: string; flags: number }[] {
  if (idx === 0) return [];
  return SYSCALLS_X86_64.flatMap((d) => {
    if (d.args[idx]?.[2] !== 'path' || d.args[idx - 1]?.[2] !== 'dirfd') return [];
    const flags = d.args.findIndex(([name, , kind], i) => i > idx && kind === 'flags' && (name === 'flag' || name === 'flags'));
    return flags < 0 ? [] : [{ name: d.name, flags }];
  });
}

/** SQL: the row's path argument `idx` is empty with AT_EMPTY_PATH set (false when the call takes no such flag). */
function emptyPathSql(idx: number): string {
  const calls = emptyPathCalls(idx);
  if (calls.length === 0) return 'false';
  return `(s.str${idx} = '' AND ((s.str_flags >> ${4 * idx}) & 2) = 0 AND CASE s.syscall ${calls.map((c) => `WHEN ${list([c.name])} THEN (s.arg${c.flags} & ${AT_EMPTY_PATH}) <> 0`).join(' ')} ELSE false END)`;
}

/** Every path touched, most-used first. */
export function files(input: Session | string | readonly string[], opts: FilesOptions = {}): Promise<FileRow[]> {
  return withSession(input, opts, async (s) => {
    await loadFdIntervals(s, opts.pathsOnly ? { intervals: [], resolved: [] } : await fdIntervals(s));
    const where = filterSql(opts, 's');
    const part = s.partExpr('s');
    const byName = pathArgs()
      .map(({ idx, names }) =>
        `SELECT ${part} AS part, s.pid, s.tid, ${idx} AS idx, s.syscall, s.errno_name, coalesce(s.ts_enter, s.ts_exit) AS ts, s.str${idx} AS given,
                s.str${idx} = '' AND ((s.str_flags >> ${4 * idx}) & 2) <> 0 AS unreadable,
                ${emptyPathSql(idx)} AS empty_path, ${idx > 0 ? `i32(s.arg${idx - 1})` : 'NULL::INTEGER'} AS dirfd
         FROM syscalls s WHERE s.syscall IN (${list(names)}) AND s.str${idx} IS NOT NULL AND ${callRows('s.')} AND ${where}`)
      .join('\nUNION ALL\n');
    const { rows } = await s.query(`
      WITH named AS (${byName}),
      looked_up AS (
        -- a relative path: as fds.ts resolved it when the call was made, else as given
        SELECT n.*, r.path AS abs
        FROM named n LEFT JOIN rel_paths r ON r.part = n.part AND r.tid = n.tid AND r.ts_ns = epoch_ns(n.ts) AND r.idx = n.idx
      ),
      resolved AS (
        SELECT part, pid, syscall, errno_name, ts, 'name' AS via,
               CASE WHEN unreadable THEN '<unreadable>' ELSE coalesce(abs, given) END AS path
        FROM looked_up WHERE abs IS NOT NULL OR NOT empty_path
      ),
      via_fd AS (
        SELECT u.part, u.pid, u.syscall, u.errno_name, u.ts, 'fd' AS via, d.path
        FROM (SELECT ${part} AS part, s.pid, s.syscall, s.errno_name, coalesce(s.ts_enter, s.ts_exit) AS ts, i32(s.arg0) AS fd
              FROM syscalls s WHERE s.syscall IN (${list(fdArg0Syscalls())}) AND ${callRows('s.')} AND ${where}
              -- an empty path with AT_EMPTY_PATH on a descriptor whose file is not known (one the
              -- process had when recording started): a call on that descriptor, not on a path ''
              UNION ALL
              SELECT part, pid, syscall, errno_name, ts, dirfd FROM looked_up WHERE abs IS NULL AND empty_path) u
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
