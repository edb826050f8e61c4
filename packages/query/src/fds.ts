/**
 * What descriptors and working directories name over time, for `files`. Which file an fd or a
 * relative path names depends on the order of events, so the rows that change them are walked
 * in time order through @vltrace/convert's -y tracker — the strace printer's own, fed the same
 * decoder effects (open*, creat, dup*, fcntl F_DUPFD*, close, close_range, execve's
 * close-on-exec, chdir, fchdir, socket, pipe…) and the same files the recorder read in the
 * kernel (FD_RET, FD_PAIR, CWD records in the `data` column). The walk gives
 * - intervals `(part, pid, fd, path, from, to)` of a descriptor naming a file; `files` joins
 *   the fd-taking calls to them in SQL;
 * - the absolute form of every relative path argument, resolved as the call was made.
 * Only the rows are used, so a recording and its Parquet give the same answers: a child's
 * tables are copied from its parent at the fork/clone call that returned its pid (a process:
 * its pid has rows of its own; a thread's shares them), and dropped at exit_group. The
 * descriptors a process had when recording started are not in the rows. Its working directory
 * starts as the recording's start directory when the files' metadata holds one (`vltrace.cwd`:
 * a recorded command's); otherwise, until a chdir (or an fchdir, or a CWD record) names it, it
 * is unknown, and a path relative to it stays as the program passed it.
 */
import { Buffer } from 'node:buffer';
import { FD_CWD, SYSCALLS_X86_64 } from '@vltrace/format';
import {
  columnName, CWD_META_KEY, FdTracker, nameText, trackedSyscalls, trackRow, type FdName, type Int64Value,
} from '@vltrace/convert/strace-fds';
import { callRows, sqlIdent, sqlString } from './db.js';
import type { Session } from './session.js';

/** One resolved interval. */
export interface FdInterval {
  part: string;
  pid: number;
  fd: number;
  path: string;
  from: bigint;
  /** null: still open at the end of the recording */
  to: bigint | null;
}

/** The absolute form of a relative path argument: argument `idx` of the call of thread `tid` at `ts`. */
export interface ResolvedPath {
  part: string;
  tid: number;
  ts: bigint;
  idx: number;
  path: string;
}

/** The path arguments of each syscall: by argument index, the syscalls, and those whose path is relative to the dirfd argument before it. */
export function pathArgs(): { idx: number; names: string[]; atNames: string[] }[] {
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

export const sqlList = (names: readonly string[]) => (names.length > 0 ? names.map(sqlString).join(', ') : "''");

/** The calls that create a process (in the parent, returning the child's pid). */
const FORKS = ['fork', 'vfork', 'clone', 'clone3'];
const SIX = [0, 1, 2, 3, 4, 5];
/** How the kernel names what is not a file in the file system: `socket:[534131]`, `anon_inode:[eventfd]`. */
const NOT_A_FILE = /^[a-z_]+:/;

const int64 = (v: unknown): Int64Value | null => (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The start directory of each part (as partExpr names it), from its files' metadata: known when
 * every file of the part holds the same one.
 */
export async function startCwds(s: Session): Promise<Map<string, string>> {
  const { groups, hiveKeys, partKeys } = s.inputs;
  if (!partKeys) throw new Error('fd resolution in a session opened with syscallsOnly');
  const list = (files: readonly string[]) => `[${files.map(sqlString).join(', ')}]`;
  const seen = new Map<string, Set<string | null>>();
  for (const g of groups) {
    if (g.syscalls.length === 0) continue;
    const files = list(g.syscalls);
    // the part keys of each file: hive keys from its path, `source` the input
    const keys = partKeys.map((k) => (k === 'source' && !hiveKeys.includes(k) ? `${sqlString(g.input)} AS source` : sqlIdent(k)));
    const { rows } = await s.query(`
      SELECT DISTINCT ${s.partExpr('f')} AS part, decode(m.value) AS cwd
      FROM (SELECT DISTINCT ${[...keys, 'filename'].join(', ')}
            FROM read_parquet(${files}, hive_partitioning = ${hiveKeys.length > 0}, union_by_name = true, filename = true)) f
      LEFT JOIN (SELECT file_name, value FROM parquet_kv_metadata(${files}) WHERE decode(key) = ${sqlString(CWD_META_KEY)}) m
        ON m.file_name = f.filename`);
    for (const r of rows) {
      const part = String(r['part']);
      const set = seen.get(part) ?? new Set<string | null>();
      set.add(typeof r['cwd'] === 'string' ? r['cwd'] : null);
      seen.set(part, set);
    }
  }
  const out = new Map<string, string>();
  for (const [part, set] of seen) {
    const [cwd] = set;
    if (set.size === 1 && typeof cwd === 'string') out.set(part, cwd);
  }
  return out;
}

/** Walks the session's rows: the fd and cwd intervals, and the relative paths resolved. */
export async function fdIntervals(s: Session): Promise<{ intervals: FdInterval[]; resolved: ResolvedPath[] }> {
  const part = s.partExpr();
  const paths = pathArgs();
  const changing = new Set(trackedSyscalls());
  const tracked = sqlList([...changing, ...FORKS, 'exit_group']);
  const data = (await s.hasColumn('data')) ? `CASE WHEN syscall IN (${sqlList([...changing])}) THEN to_base64(data) END` : 'NULL::VARCHAR';
  const ts = 'epoch_ns(coalesce(ts_enter, ts_exit))';
  // relative path arguments, with the directory they are relative to (a dirfd, or the cwd)
  const relative = paths
    .map(({ idx, names, atNames }) => {
      const dirfd = idx > 0 && atNames.length > 0 ? `CASE WHEN syscall IN (${sqlList(atNames)}) THEN i32(arg${idx - 1}) ELSE ${FD_CWD} END` : String(FD_CWD);
      return `SELECT ${part} AS part, pid, tid, ${ts} AS ts, ${idx} AS idx, str${idx} AS str, str_flags, ${dirfd} AS dirfd
              FROM syscalls WHERE ${callRows()} AND syscall IN (${sqlList(names)}) AND str${idx} IS NOT NULL AND NOT starts_with(str${idx}, '/')`;
    })
    .join('\nUNION ALL\n');
  const [starts, { rows: pidRows }, { rows: calls }, { rows: rels }] = await Promise.all([
    startCwds(s),
    s.query(`SELECT DISTINCT ${part} AS part, pid FROM syscalls WHERE ${callRows()}`),
    s.query(`
      SELECT ${part} AS part, pid, tid, syscall, nr, ${SIX.map((a) => `arg${a}, str${a}`).join(', ')}, str_flags, ret, status,
             ${data} AS call_data, ${ts} AS ts
      FROM syscalls WHERE ${callRows()} AND syscall IN (${tracked})
      ORDER BY ts, tid`),
    s.query(`${relative}\nORDER BY ts, tid, idx`),
  ]);
  const processes = new Set(pidRows.map((r) => `${String(r['part'])}/${Number(r['pid'])}`));

  const intervals: FdInterval[] = [];
  const resolved: ResolvedPath[] = [];
  const trackers = new Map<string, FdTracker>();
  const open = new Map<string, { part: string; pid: number; fd: number; path: string; from: bigint }>();
  let now = 0n;
  const trackerOf = (p: string) => {
    let t = trackers.get(p);
    if (!t) {
      const watch = (pid: number, fd: number, name: FdName | undefined) => {
        const k = `${p}/${pid}/${fd}`;
        const o = open.get(k);
        if (o) {
          // renamed by the same call (its path, then the file the recorder read): one interval
          if (o.from !== now) intervals.push({ ...o, to: now });
          open.delete(k);
        }
        // descriptors that name no file (sockets, pipes, anonymous inodes: `socket:[…]`) are not files
        if (name && fd !== FD_CWD && !NOT_A_FILE.test(name.path)) open.set(k, { part: p, pid, fd, path: nameText(name.path), from: now });
      };
      // the tracker holds paths as bytes in latin1 strings, like the printer's
      const start = starts.get(p);
      const cwd = start === undefined ? undefined : Buffer.from(start, 'utf8').toString('latin1');
      trackers.set(p, (t = new FdTracker(cwd, { watch, keepRelative: true })));
    }
    return t;
  };

  // the two lists in time order; a call's relative paths are resolved before its own effect
  let k = 0;
  const resolveUpTo = (until: bigint | undefined, tid: number) => {
    for (; k < rels.length; k++) {
      const r = rels[k]!;
      const at = BigInt(r['ts'] as number | bigint);
      if (until !== undefined && (at > until || (at === until && Number(r['tid']) > tid))) return;
      const p = String(r['part']);
      now = at;
      const idx = Number(r['idx']);
      const abs = trackerOf(p).resolve(Number(r['pid']), Number(r['dirfd']), columnName(String(r['str']), Number(r['str_flags']), idx));
      if (abs?.startsWith('/')) resolved.push({ part: p, tid: Number(r['tid']), ts: at, idx, path: nameText(abs) });
    }
  };
  for (const r of calls) {
    const p = String(r['part']);
    const pid = Number(r['pid']);
    const syscall = String(r['syscall']);
    const at = BigInt(r['ts'] as number | bigint);
    resolveUpTo(at, Number(r['tid']));
    const t = trackerOf(p);
    now = at;
    const flags = Number(r['str_flags'] ?? 0);
    const ret = int64(r['ret']);
    if (FORKS.includes(syscall)) {
      // the child's tables are the parent's when the call was made (a thread shares them)
      const child = ret === null ? 0 : Number(ret);
      if (r['status'] === 'complete' && child > 0 && processes.has(`${p}/${child}`)) t.fork(pid, child);
      continue;
    }
    if (syscall === 'exit_group') {
      t.exit(pid);
      continue;
    }
    const data = text(r['call_data']);
    trackRow(t, {
      syscall,
      nr: r['nr'] === null ? null : Number(r['nr']),
      pid,
      tid: Number(r['tid']),
      args: SIX.map((a) => int64(r[`arg${a}`])),
      strs: SIX.map((a) => text(r[`str${a}`])),
      strFlags: flags,
      data: data === null ? null : Buffer.from(data, 'base64'),
      ret,
      status: text(r['status']),
    });
  }
  resolveUpTo(undefined, 0);
  for (const o of open.values()) intervals.push({ ...o, to: null });
  return { intervals, resolved };
}

/**
 * Loads the walk's results into temp tables: `fd_paths(part, pid, fd, path, from_ns, to_ns)`
 * and `rel_paths(part, tid, ts_ns, idx, path)`.
 */
export async function loadFdIntervals(s: Session, walk: { intervals: readonly FdInterval[]; resolved: readonly ResolvedPath[] }): Promise<void> {
  await s.db.exec(`CREATE OR REPLACE TEMP TABLE fd_paths (part VARCHAR, pid INTEGER, fd INTEGER, path VARCHAR, from_ns BIGINT, to_ns BIGINT)`);
  await s.db.exec(`CREATE OR REPLACE TEMP TABLE rel_paths (part VARCHAR, tid INTEGER, ts_ns BIGINT, idx INTEGER, path VARCHAR)`);
  const app = await s.db.conn.createAppender('fd_paths');
  for (const iv of walk.intervals) {
    app.appendVarchar(iv.part);
    app.appendInteger(iv.pid);
    app.appendInteger(iv.fd);
    app.appendVarchar(iv.path);
    app.appendBigInt(iv.from);
    if (iv.to === null) app.appendNull();
    else app.appendBigInt(iv.to);
    app.endRow();
  }
  app.closeSync();
  const rel = await s.db.conn.createAppender('rel_paths');
  for (const r of walk.resolved) {
    rel.appendVarchar(r.part);
    rel.appendInteger(r.tid);
    rel.appendBigInt(r.ts);
    rel.appendInteger(r.idx);
    rel.appendVarchar(r.path);
    rel.endRow();
  }
  rel.closeSync();
}
