/**
 * The -y fd tracker: which file each descriptor of each process refers to, learnt from the
 * recording itself. Its best source is what the recorder read in the kernel: the file behind
 * each descriptor a call returns, named as /proc/PID/fd names it (FD_RET and FD_PAIR records:
 * symlinks resolved, `pipe:[534129]`, `socket:[534131]`), the working directory after chdir
 * (CWD records), and the descriptors and directory each process held when recording started
 * (fd_info events). Without them (a recording made without, a call not in the capture table)
 * it follows the calls: open, openat, creat (paths resolved lexically against the working
 * directory), dup, dup2, dup3, fcntl F_DUPFD, close, close_range, chdir, fchdir. Tables are per
 * process (tgid), copied to a child at fork, pruned of close-on-exec descriptors at exec and
 * dropped at exit. What the recording cannot tell stays unknown and prints as a plain number:
 * the tracker never guesses.
 */
import { Buffer } from 'node:buffer';
import { FD_CWD, fileName, type FdInfoEvent, type FileRecord, type TraceEvent } from '@vltrace/format';
import { posix } from 'node:path';
import { AT_FDCWD } from './tables/fcntl.js';

/** What -y prints for a descriptor: its name, and `(deleted)` after it when the file was unlinked. */
export interface FdName {
  /** a byte string (one char per byte) */
  readonly path: string;
  readonly deleted: boolean;
}

interface FdEntry extends FdName {
  cloexec: boolean;
}

interface Proc {
  readonly fds: Map<number, FdEntry>;
  cwd: string | undefined;
}

/**
 * Told of every change of what a descriptor (or, as fd FD_CWD, the working directory) names:
 * the name it has from now on, undefined when it is closed or unknown. For readers that keep
 * the names over time (vltrace-query's `files`), not only the current state.
 */
export type FdWatcher = (pid: number, fd: number, name: FdName | undefined) => void;

export interface FdTrackerOptions {
  /** told of each change */
  readonly watch?: FdWatcher;
  /**
   * A path relative to a directory the tracker does not know names its file as the program
   * passed it (-y prints nothing then; a reader listing files still wants the name).
   */
  readonly keepRelative?: boolean;
}

export class FdTracker {
  private readonly procs = new Map<number, Proc>();

  private readonly watch: FdWatcher | undefined;
  private readonly keepRelative: boolean;

  /** @param defaultCwd working directory of a process first seen without a fork (the traced command's), if known */
  constructor(
    private readonly defaultCwd: string | undefined,
    opts: FdTrackerOptions = {},
  ) {
    this.watch = opts.watch;
    this.keepRelative = opts.keepRelative ?? false;
  }

  private proc(pid: number): Proc {
    let p = this.procs.get(pid);
    if (!p) {
      p = { fds: new Map(), cwd: this.defaultCwd };
      this.procs.set(pid, p);
      if (this.defaultCwd !== undefined) this.watch?.(pid, FD_CWD, { path: this.defaultCwd, deleted: false });
    }
    return p;
  }

  private setCwd(pid: number, cwd: string | undefined): void {
    const p = this.proc(pid);
    if (p.cwd === cwd) return;
    p.cwd = cwd;
    this.watch?.(pid, FD_CWD, cwd === undefined ? undefined : { path: cwd, deleted: false });
  }

  private drop(pid: number, p: Proc, fd: number): void {
    p.fds.delete(fd);
    this.watch?.(pid, fd, undefined);
  }

  /** The path of `fd` in process `pid`, if known. */
  path(pid: number, fd: number): string | undefined {
    return this.procs.get(pid)?.fds.get(fd)?.path;
  }

  /** The name of `fd` in process `pid` as -y prints it, if known. */
  name(pid: number, fd: number): FdName | undefined {
    return this.procs.get(pid)?.fds.get(fd);
  }

  /** The working directory of `pid`, if known. */
  cwd(pid: number): string | undefined {
    return this.procs.get(pid)?.cwd ?? this.defaultCwd;
  }

  /** `fd` now refers to `what` (an absolute path, or a `socket:[…]`-style name; undefined: unknown). */
  set(pid: number, fd: number, what: string | undefined, cloexec: boolean, deleted = false): void {
    const p = this.proc(pid);
    if (what === undefined) {
      if (p.fds.has(fd)) this.drop(pid, p, fd);
      return;
    }
    const e = { path: what, cloexec, deleted };
    p.fds.set(fd, e);
    this.watch?.(pid, fd, e);
  }

  /**
   * What the recorder read in the kernel about the file behind a descriptor of `pid` (or its
   * working directory) when a call made it: it names the descriptor, keeping the close-on-exec
   * flag the call's own effect gave it.
   */
  learn(pid: number, r: FileRecord): void {
    const n = fileName(r);
    if (n === undefined) return;
    const path = Buffer.from(n.name).toString('latin1');
    if (r.fd === FD_CWD) {
      this.setCwd(pid, path);
      return;
    }
    this.set(pid, r.fd, path, this.procs.get(pid)?.fds.get(r.fd)?.cloexec ?? false, n.deleted);
  }

  /** A descriptor (or the working directory) the process held when recording started. */
  /** What a process event does to the tables: fork copies, exec prunes, the group's exit drops. */
  event(e: TraceEvent): void {
    switch (e.type) {
      case 'fork':
        if (!e.thread) this.fork(e.pid, e.childPid);
        return;
      case 'exec':
        this.exec(e.pid);
        return;
      case 'proc_exit':
        if (e.groupDead) this.exit(e.pid);
        return;
      case 'fd_info':
        this.inherited(e);
    }
  }

  inherited(e: FdInfoEvent): void {
    const path = Buffer.from(e.path).toString('latin1');
    if (e.fd === FD_CWD) this.setCwd(e.pid, path);
    else this.set(e.pid, e.fd, path, e.cloexec, e.deleted);
  }

  close(pid: number, fd: number): void {
    const p = this.procs.get(pid);
    if (p?.fds.has(fd)) this.drop(pid, p, fd);
  }

  /** `newfd` becomes a copy of `oldfd` (dup, dup2, dup3, F_DUPFD). */
  dup(pid: number, oldfd: number, newfd: number, cloexec: boolean): void {
    const old = this.name(pid, oldfd);
    this.set(pid, newfd, old?.path, cloexec, old?.deleted);
  }

  /** close_range(2): closes (or marks close-on-exec) the tracked descriptors in [lo, hi]. */
  closeRange(pid: number, lo: number, hi: number, cloexecOnly: boolean): void {
    const p = this.procs.get(pid);
    if (!p) return;
    for (const [fd, e] of p.fds) {
      if (fd < lo || fd > hi) continue;
      if (cloexecOnly) e.cloexec = true;
      else this.drop(pid, p, fd);
    }
  }

  setCloexec(pid: number, fd: number, on: boolean): void {
    const e = this.procs.get(pid)?.fds.get(fd);
    if (e) e.cloexec = on;
  }

  /** Changes the working directory to `path` (resolved like any path argument). */
  chdir(pid: number, dirfd: number, path: string): void {
    this.setCwd(pid, this.resolve(pid, dirfd, path));
  }

  /** Changes the working directory to the directory `fd` refers to. */
  fchdir(pid: number, fd: number): void {
    this.setCwd(pid, this.path(pid, fd));
  }

  /** A new process: a copy of the parent's descriptors and working directory. */
  fork(parent: number, child: number): void {
    const p = this.proc(parent);
    if (this.watch) this.exit(child); // what a process of the same pid left
    const fds = new Map<number, FdEntry>();
    for (const [fd, e] of p.fds) fds.set(fd, { ...e });
    this.procs.set(child, { fds, cwd: p.cwd });
    if (!this.watch) return;
    if (p.cwd !== undefined) this.watch(child, FD_CWD, { path: p.cwd, deleted: false });
    for (const [fd, e] of fds) this.watch(child, fd, e);
  }

  /** A successful exec closes the close-on-exec descriptors. */
  exec(pid: number): void {
    const p = this.procs.get(pid);
    if (!p) return;
    for (const [fd, e] of p.fds) if (e.cloexec) this.drop(pid, p, fd);
  }

  exit(pid: number): void {
    const p = this.procs.get(pid);
    if (!p) return;
    this.procs.delete(pid);
    if (!this.watch) return;
    for (const fd of p.fds.keys()) this.watch(pid, fd, undefined);
    if (p.cwd !== undefined) this.watch(pid, FD_CWD, undefined);
  }

  /**
   * The absolute form of a path argument relative to `dirfd` (AT_FDCWD: the working
   * directory), normalised lexically; when the base is unknown, undefined (or with
   * keepRelative the path as given).
   */
  resolve(pid: number, dirfd: number, path: string): string | undefined {
    if (path.startsWith('/')) return clean(posix.normalize(path));
    const base = dirfd === AT_FDCWD ? this.cwd(pid) : this.path(pid, dirfd);
    if (base === undefined || !base.startsWith('/')) return this.keepRelative ? path : undefined;
    return path === '' ? base : clean(posix.join(base, path));
  }
}

/** No trailing slash but on `/` itself, as /proc/PID/fd shows paths. */
function clean(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
