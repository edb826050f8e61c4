/**
 * The -y fd tracker: which path each descriptor of each process refers to, learnt from the
 * recording itself (open, openat, creat, dup, dup2, dup3, fcntl F_DUPFD, socket, close… and chdir for relative
 * paths). Tables are per process (tgid), copied to a child at fork, pruned of close-on-exec
 * descriptors at exec and dropped at exit. What the recording cannot tell (descriptors inherited
 * from before the trace, pipe2's fds when its memory was not recorded) stays unknown and prints
 * as a plain number: the tracker never guesses.
 */
import { posix } from 'node:path';

interface FdEntry {
  readonly path: string;
  cloexec: boolean;
}

interface Proc {
  readonly fds: Map<number, FdEntry>;
  cwd: string | undefined;
}

export class FdTracker {
  private readonly procs = new Map<number, Proc>();

  /** @param defaultCwd working directory of a process first seen without a fork (the traced command's), if known */
  constructor(private readonly defaultCwd: string | undefined) {}

  private proc(pid: number): Proc {
    let p = this.procs.get(pid);
    if (!p) {
      p = { fds: new Map(), cwd: this.defaultCwd };
      this.procs.set(pid, p);
    }
    return p;
  }

  /** The path of `fd` in process `pid`, if known. */
  path(pid: number, fd: number): string | undefined {
    return this.procs.get(pid)?.fds.get(fd)?.path;
  }

  /** The working directory of `pid`, if known. */
  cwd(pid: number): string | undefined {
    return this.procs.get(pid)?.cwd ?? this.defaultCwd;
  }

  /** `fd` now refers to `what` (an absolute path, or a `socket:[…]`-style name; undefined: unknown). */
  set(pid: number, fd: number, what: string | undefined, cloexec: boolean): void {
    const p = this.proc(pid);
    if (what === undefined) p.fds.delete(fd);
    else p.fds.set(fd, { path: what, cloexec });
  }

  close(pid: number, fd: number): void {
    this.procs.get(pid)?.fds.delete(fd);
  }

  /** `newfd` becomes a copy of `oldfd` (dup, dup2, dup3, F_DUPFD). */
  dup(pid: number, oldfd: number, newfd: number, cloexec: boolean): void {
    this.set(pid, newfd, this.path(pid, oldfd), cloexec);
  }

  /** close_range(2): closes (or marks close-on-exec) the tracked descriptors in [lo, hi]. */
  closeRange(pid: number, lo: number, hi: number, cloexecOnly: boolean): void {
    const p = this.procs.get(pid);
    if (!p) return;
    for (const [fd, e] of p.fds) {
      if (fd < lo || fd > hi) continue;
      if (cloexecOnly) e.cloexec = true;
      else p.fds.delete(fd);
    }
  }

  setCloexec(pid: number, fd: number, on: boolean): void {
    const e = this.procs.get(pid)?.fds.get(fd);
    if (e) e.cloexec = on;
  }

  /** Changes the working directory to `path` (resolved like any path argument). */
  chdir(pid: number, dirfd: number, path: string): void {
    this.proc(pid).cwd = this.resolve(pid, dirfd, path);
  }

  /** Changes the working directory to the directory `fd` refers to. */
  fchdir(pid: number, fd: number): void {
    this.proc(pid).cwd = this.path(pid, fd);
  }

  /** A new process: a copy of the parent's descriptors and working directory. */
  fork(parent: number, child: number): void {
    const p = this.proc(parent);
    const fds = new Map<number, FdEntry>();
    for (const [fd, e] of p.fds) fds.set(fd, { path: e.path, cloexec: e.cloexec });
    this.procs.set(child, { fds, cwd: p.cwd });
  }

  /** A successful exec closes the close-on-exec descriptors. */
  exec(pid: number): void {
    const p = this.procs.get(pid);
    if (!p) return;
    for (const [fd, e] of p.fds) if (e.cloexec) p.fds.delete(fd);
  }

  exit(pid: number): void {
    this.procs.delete(pid);
  }

  /**
   * The absolute form of a path argument relative to `dirfd` (AT_FDCWD = -100: the working
   * directory), normalised lexically; undefined when the base is unknown.
   */
  resolve(pid: number, dirfd: number, path: string): string | undefined {
    if (path.startsWith('/')) return clean(posix.normalize(path));
    const base = dirfd === -100 ? this.cwd(pid) : this.path(pid, dirfd);
    if (base === undefined || !base.startsWith('/')) return undefined;
    return path === '' ? base : clean(posix.join(base, path));
  }
}

/** No trailing slash but on `/` itself, as /proc/PID/fd shows paths. */
function clean(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
