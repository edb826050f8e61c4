/**
 * fd → path resolution from the recording itself. Which file an fd names depends on the order
 * of events (open, dup, close, fork, exec), so this walks the few rows that change fd tables in
 * time order and emits intervals `(part, pid, fd, path, from, to)`; the `files` report then joins
 * every fd-taking syscall to them in SQL. What is followed:
 * - open/openat/openat2/creat returning an fd: the path (dirfd-relative paths joined to the
 *   directory fd's path);
 * - dup/dup2/dup3, fcntl F_DUPFD/F_DUPFD_CLOEXEC: the new fd names the old one's file;
 * - close, close_range: the interval ends; a successful execve closes O_CLOEXEC fds;
 * - fork: the child starts with a copy of its parent's table (from the `processes` view).
 * fds that name no path (sockets, pipes, eventfds…) are not files and are not tracked.
 */
import type { Session } from './session.js';
import { sqlString } from './db.js';

const O_CLOEXEC = 0o2000000;
const F_DUPFD = 0;
const F_SETFD = 2;
const F_DUPFD_CLOEXEC = 1030;
const FD_CLOEXEC = 1;
const AT_FDCWD = -100;

interface Open {
  path: string;
  from: bigint;
  cloexec: boolean;
}

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

const FD_SYSCALLS = ['open', 'openat', 'openat2', 'creat', 'dup', 'dup2', 'dup3', 'fcntl', 'close', 'close_range', 'execve', 'execveat'];

/** A path relative to a directory path. */
export function joinPath(dir: string, rel: string): string {
  if (rel === '') return dir;
  if (rel.startsWith('/')) return rel;
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

/** Computes the fd intervals of the session's syscalls. */
export async function fdIntervals(s: Session): Promise<FdInterval[]> {
  const part = s.partExpr();
  const { rows } = await s.query(`
    SELECT * FROM (
      SELECT ${part} AS part, 0 AS kind, pid, syscall, epoch_ns(coalesce(ts_enter, ts_exit)) AS ts,
             arg0, arg1, arg2, str0, str1, ret
      FROM syscalls
      WHERE status = 'complete' AND ret >= 0 AND syscall IN (${FD_SYSCALLS.map(sqlString).join(', ')})
      UNION ALL
      SELECT ${part} AS part, 1 AS kind, pid, 'fork' AS syscall, epoch_ns(start_ts) AS ts,
             ppid AS arg0, NULL, NULL, NULL, NULL, NULL
      FROM processes WHERE ppid IS NOT NULL AND start_ts IS NOT NULL AND origin = 'fork'
    ) ORDER BY ts, kind`);
  const tables = new Map<string, Map<number, Open>>();
  const out: FdInterval[] = [];
  const tableOf = (p: string, pid: number) => {
    const k = `${p}/${pid}`;
    let t = tables.get(k);
    if (!t) tables.set(k, (t = new Map()));
    return t;
  };
  const end = (p: string, pid: number, t: Map<number, Open>, fd: number, ts: bigint) => {
    const o = t.get(fd);
    if (!o) return;
    out.push({ part: p, pid, fd, path: o.path, from: o.from, to: ts });
    t.delete(fd);
  };
  const set = (p: string, pid: number, t: Map<number, Open>, fd: number, o: Open) => {
    end(p, pid, t, fd, o.from);
    t.set(fd, o);
  };
  const n = (v: unknown) => Number(v);
  for (const r of rows) {
    const p = String(r['part']);
    const pid = n(r['pid']);
    const ts = BigInt(r['ts'] as number | bigint);
    const t = tableOf(p, pid);
    const ret = n(r['ret']);
    switch (r['syscall']) {
      case 'fork': {
        const parent = tables.get(`${p}/${n(r['arg0'])}`);
        for (const fd of [...t.keys()]) end(p, pid, t, fd, ts);
        if (parent) for (const [fd, o] of parent) t.set(fd, { ...o, from: ts });
        break;
      }
      case 'open':
      case 'creat':
        if (r['str0'] !== null) set(p, pid, t, ret, { path: String(r['str0']), from: ts, cloexec: r['syscall'] === 'open' && (n(r['arg1']) & O_CLOEXEC) !== 0 });
        break;
      case 'openat':
      case 'openat2': {
        if (r['str1'] === null) break;
        const dirfd = Number(BigInt.asIntN(32, BigInt(r['arg0'] as number | bigint)));
        const dir = dirfd === AT_FDCWD ? undefined : t.get(dirfd)?.path;
        const path = dir === undefined ? String(r['str1']) : joinPath(dir, String(r['str1']));
        set(p, pid, t, ret, { path, from: ts, cloexec: r['syscall'] === 'openat' && (n(r['arg2']) & O_CLOEXEC) !== 0 });
        break;
      }
      case 'dup':
      case 'dup2':
      case 'dup3': {
        const o = t.get(n(r['arg0']));
        if (o && ret !== n(r['arg0'])) set(p, pid, t, ret, { path: o.path, from: ts, cloexec: r['syscall'] === 'dup3' && (n(r['arg2']) & O_CLOEXEC) !== 0 });
        break;
      }
      case 'fcntl': {
        const cmd = n(r['arg1']);
        const o = t.get(n(r['arg0']));
        if (!o) break;
        if (cmd === F_DUPFD || cmd === F_DUPFD_CLOEXEC) set(p, pid, t, ret, { path: o.path, from: ts, cloexec: cmd === F_DUPFD_CLOEXEC });
        else if (cmd === F_SETFD) o.cloexec = (n(r['arg2']) & FD_CLOEXEC) !== 0;
        break;
      }
      case 'close':
        end(p, pid, t, n(r['arg0']), ts);
        break;
      case 'close_range': {
        const lo = n(r['arg0']);
        const hi = Number(BigInt.asUintN(32, BigInt(r['arg1'] as number | bigint)));
        for (const fd of [...t.keys()]) if (fd >= lo && fd <= hi) end(p, pid, t, fd, ts);
        break;
      }
      case 'execve':
      case 'execveat':
        for (const [fd, o] of [...t]) if (o.cloexec) end(p, pid, t, fd, ts);
        break;
    }
  }
  for (const [k, t] of tables) {
    const slash = k.lastIndexOf('/');
    const p = k.slice(0, slash);
    const pid = Number(k.slice(slash + 1));
    for (const [fd, o] of t) out.push({ part: p, pid, fd, path: o.path, from: o.from, to: null });
  }
  return out;
}

/** Loads intervals into a temp table `fd_paths(part, pid, fd, path, from_ns, to_ns)`. */
export async function loadFdIntervals(s: Session, intervals: readonly FdInterval[]): Promise<void> {
  await s.db.exec(`CREATE OR REPLACE TEMP TABLE fd_paths (part VARCHAR, pid INTEGER, fd INTEGER, path VARCHAR, from_ns BIGINT, to_ns BIGINT)`);
  const app = await s.db.conn.createAppender('fd_paths');
  for (const iv of intervals) {
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
}
