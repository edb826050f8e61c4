/**
 * Creating output files safely, for every vltrace tool that writes one (recordings, trace.h,
 * conversions, the query cache).
 *
 * A file is never opened for writing through a name someone else may have planted: it is
 * created under a fresh temporary name in the same directory with O_CREAT|O_EXCL|O_NOFOLLOW
 * and then renamed over the final name (rename replaces a symlink, it never follows it). The
 * exceptions are outputs that are devices or FIFOs (`-o /dev/null`, a named pipe) and this
 * process's own file descriptors (`-o /dev/stdout`): those are opened as they are, without
 * O_CREAT, only through symlinks of this user or root, never when planted by another user in
 * a sticky directory, and refused if what was opened is not what was checked. Derived files
 * are never more readable than what they were derived from.
 */
import {
  closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readlinkSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync,
  type Stats,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join } from 'node:path';

// (libuv opens every file with O_CLOEXEC already)
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NOCTTY, O_APPEND } = constants;
/** Flags of every file vltrace creates: a new inode, never through a symlink. */
const NEW_FILE = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
/** The sticky bit: in such a directory only an entry's owner (or the directory's) may replace it. */
const STICKY = 0o1000;
/** Symlinks followed at most on the way to a device or FIFO (the kernel's own limit). */
const MAX_LINKS = 40;

/** An error about an output path, with the path and the reason in its message. */
export class OutputPathError extends Error {
  override readonly name = 'OutputPathError';
  constructor(readonly path: string, reason: string, readonly code?: string) {
    super(`cannot write ${path}: ${reason}`);
  }
}

/** "permission denied (EACCES)" from a Node error (whose message also names the path). */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (!err.code) return String((e as Error).message ?? e);
  const text = /^[A-Z0-9]+: ([^,]+)/.exec(err.message)?.[1];
  return text ? `${text} (${err.code})` : err.code;
}

/** An OutputPathError for `path` from a Node error ("cannot write x: permission denied (EACCES)"). */
export function outputPathError(path: string, e: unknown): OutputPathError {
  return e instanceof OutputPathError ? e : new OutputPathError(path, reason(e), (e as NodeJS.ErrnoException).code);
}

const euid = (): number => process.geteuid?.() ?? -1;

/**
 * `n` unpredictable bytes in hex, from the kernel: importing node:crypto costs ~10-20 ms, and
 * vltrace-record creates its output in front of the command's start. node:crypto where
 * /dev/urandom cannot be read.
 */
function randomHex(n: number): string {
  const b = Buffer.alloc(n);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      if (readSync(fd, b) === n) return b.toString('hex');
    } finally {
      closeSync(fd);
    }
  } catch {
    // below
  }
  const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.randomBytes(n).toString('hex');
}

/** A hidden, unpredictable name in the same directory as `path` (so the final rename is atomic). */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomHex(6)}`);
}

/**
 * The mode bits a file derived from a source of mode `sourceMode` gets: rw bits at most the
 * source's (a 0600 recording gives 0600 conversions); directories also get x where they get r,
 * and are never writable by group or others (who could otherwise plant entries in an output
 * while it is written). The process umask still applies on top, as for any created file.
 */
export function derivedMode(sourceMode: number, directory = false): number {
  const rw = sourceMode & 0o666;
  if (!directory) return rw;
  // r → rx for each of user, group, other, so a readable directory can be entered
  return (rw | ((rw & 0o444) >> 2) | 0o700) & ~0o022;
}

/** The mode of a source file (a recording) for derivedMode; 0600 when it cannot be read. */
export function modeOf(path: string): number {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return 0o600;
  }
}

/** Where this process's own file descriptors appear (/proc/self/fd/N, as /dev/stdout leads). */
const OWN_FD = new RegExp(`^/proc/${process.pid}(?:/task/\\d+)?/fd/\\d+$`);

/** What an output name leads to. */
type Target =
  /** absent, a regular file, or a symlink that is not followed: the name is replaced by rename */
  | { kind: 'new' }
  | { kind: 'directory' }
  /** a device or FIFO, written as it is; `st` is what the name led to when it was checked */
  | { kind: 'special'; st: Stats }
  /** a regular file this process already has open (`-o /dev/stdout > file`), written as it is */
  | { kind: 'own-fd'; st: Stats };

const NEW: Target = { kind: 'new' };

/**
 * A device or FIFO someone else may have planted: in a sticky directory others can write to,
 * owned neither by this user, nor by root, nor by the directory's owner (the kernel's
 * protected_fifos rule, which only covers opens with O_CREAT). Writing into a FIFO planted in
 * /tmp would hand the output to whoever reads it.
 */
function planted(path: string, st: Stats): boolean {
  if (st.uid === euid() || st.uid === 0) return false;
  let dir: Stats;
  try {
    dir = statSync(dirname(path));
  } catch {
    return true;
  }
  return (dir.mode & STICKY) !== 0 && (dir.mode & 0o022) !== 0 && st.uid !== dir.uid;
}

/**
 * What the output name `path` leads to. A symlink is never written through, with two
 * exceptions, both reached only through links that belong to this user or to root: a device or
 * FIFO (`-o /dev/null`, a named pipe) and one of this process's own file descriptors
 * (`/dev/stdout`); such links to a directory are an error. Any other symlink — someone else's,
 * dangling, or leading to a regular file — is replaced, not followed.
 */
function targetOf(path: string): Target {
  let cur = path;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let st: Stats;
    try {
      st = lstatSync(cur);
    } catch {
      return NEW;
    }
    if (!st.isSymbolicLink()) {
      // (reached through links of this user or root: an error, not the replacement of their link)
      if (st.isDirectory()) return { kind: 'directory' };
      if (st.isFile()) return NEW;
      if (planted(cur, st)) throw new OutputPathError(path, `it leads to a ${kindName(st)} of uid ${st.uid} in a shared sticky directory; not written into`);
      return { kind: 'special', st };
    }
    if (st.uid !== euid() && st.uid !== 0) return NEW; // someone else's link: replaced
    let dir: string;
    try {
      dir = realpathSync.native(dirname(cur));
    } catch {
      return NEW;
    }
    if (OWN_FD.test(join(dir, basename(cur)))) {
      // the magic link of one of our fds: what it designates was opened for us by our caller
      let fst: Stats;
      try {
        fst = statSync(cur);
      } catch {
        return NEW;
      }
      if (fst.isDirectory()) return { kind: 'directory' };
      return fst.isFile() ? { kind: 'own-fd', st: fst } : { kind: 'special', st: fst };
    }
    let link: string;
    try {
      link = readlinkSync(cur);
    } catch {
      return NEW;
    }
    cur = isAbsolute(link) ? link : join(dir, link);
  }
  return NEW;
}

function kindName(st: Stats): string {
  return st.isFIFO() ? 'FIFO' : st.isSocket() ? 'socket' : 'device';
}

/**
 * Opens the device, FIFO or own-fd file `path` led to, and makes sure the open reached the
 * very file that was checked (nothing was swapped in between).
 */
function openExisting(path: string, target: Target & { st: Stats }, mode: number): number {
  let fd: number;
  try {
    // an own-fd regular file is appended to, as the shell's `>` or `>>` left it
    fd = openSync(path, O_WRONLY | O_NOCTTY | (target.kind === 'own-fd' ? O_APPEND : 0));
  } catch (e) {
    throw outputPathError(path, e);
  }
  const st = fstatSync(fd);
  if (st.dev !== target.st.dev || st.ino !== target.st.ino) {
    closeSync(fd);
    throw new OutputPathError(path, 'it changed while being opened; not written through');
  }
  // never more readable than asked, when it is ours to change
  if (target.kind === 'own-fd' && st.uid === euid() && (st.mode & 0o777 & ~mode) !== 0) fchmodSync(fd, st.mode & 0o777 & mode);
  return fd;
}

/**
 * Refuses early to replace an entry this user could not rename over: someone else's, in a
 * sticky directory (the rename would fail with EPERM after the whole output was written).
 * Throws OutputPathError.
 */
export function checkReplaceable(path: string): void {
  const uid = euid();
  if (uid === 0) return;
  let st: Stats;
  let dir: Stats;
  try {
    st = lstatSync(path);
    dir = statSync(dirname(path));
  } catch {
    return;
  }
  if ((dir.mode & STICKY) !== 0 && st.uid !== uid && dir.uid !== uid) {
    throw new OutputPathError(path, `it belongs to uid ${st.uid} in a sticky directory; not replaced`, 'EPERM');
  }
}

/** A file being written under a temporary name, renamed into place by commit(). */
export interface PendingFile {
  /** the name it will have */
  readonly path: string;
  /** where it is written meanwhile (equal to path when written as it is) */
  readonly tmp: string;
  readonly fd: number;
  /**
   * true when `path` is written as it is, not created: a device or FIFO, or a file this
   * process already has open (`/dev/stdout`); commit() then only closes
   */
  readonly special: boolean;
  /** closes the fd (unless `keepOpen`) and renames tmp to `to` (default: path) */
  commit(to?: string, keepOpen?: boolean): void;
  /** closes the fd and removes tmp */
  discard(): void;
}

/**
 * Starts writing `path`: a new file under a temporary name beside it (mode `mode` at most), or
 * the device, FIFO or own file descriptor it leads to (see targetOf). Throws OutputPathError
 * when it cannot be created.
 */
export function createFile(path: string, mode: number): PendingFile {
  const target = targetOf(path);
  if (target.kind === 'directory') throw new OutputPathError(path, 'it is a directory', 'EISDIR');
  let open = true;
  let fd = -1;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  if (target.kind !== 'new') {
    fd = openExisting(path, target, mode);
    return { path, tmp: path, fd, special: true, commit: (_to, keepOpen) => void (keepOpen || close()), discard: close };
  }
  checkReplaceable(path);
  const tmp = tempNameFor(path);
  try {
    fd = openSync(tmp, NEW_FILE, mode);
  } catch (e) {
    throw outputPathError(path, e);
  }
  return {
    path,
    tmp,
    fd,
    special: false,
    commit(to = path, keepOpen = false) {
      try {
        if (to !== path) checkReplaceable(to);
        // rename replaces whatever `to` is (a symlink included) and never follows it
        renameSync(tmp, to);
      } catch (e) {
        close();
        rmSync(tmp, { force: true });
        throw outputPathError(to, e);
      }
      if (!keepOpen) close();
    },
    discard() {
      close();
      rmSync(tmp, { force: true });
    },
  };
}

/**
 * Opens `path` for a writer that writes into it while it is named `path` (a recording that
 * users may watch grow): created under a temporary name, renamed into place at once. Returns
 * the fd, which the caller closes, and whether a regular file was created under that name
 * (false for a device, a FIFO or one of this process's file descriptors, written as they are).
 */
export function createFileInPlace(path: string, mode: number): { fd: number; regular: boolean } {
  const f = createFile(path, mode);
  f.commit(path, true);
  return { fd: f.fd, regular: !f.special };
}

/** Writes a whole file safely (temporary name, fsync-free rename). */
export function writeFileSafely(path: string, data: string | Uint8Array, mode: number): void {
  const f = createFile(path, mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(f.fd, buf, off, buf.length - off);
    if (!f.special) fsyncSync(f.fd);
  } catch (e) {
    f.discard();
    throw outputPathError(path, e);
  }
  f.commit();
}

/**
 * Makes sure `path` is a directory this user owns and nobody else can write to, creating it
 * (and missing parents) with `mode`. Throws OutputPathError when it is a symlink, someone
 * else's, or writable by others: a place another user could fill must not be trusted.
 */
export function ensureOwnDir(path: string, mode = 0o700): void {
  try {
    mkdirSync(path, { recursive: true, mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw outputPathError(path, e);
  }
  const st = lstatSync(path);
  if (st.isSymbolicLink()) throw new OutputPathError(path, 'it is a symbolic link');
  if (!st.isDirectory()) throw new OutputPathError(path, 'it is not a directory', 'ENOTDIR');
  const uid = process.geteuid?.();
  if (uid !== undefined && st.uid !== uid) throw new OutputPathError(path, `it belongs to uid ${st.uid}, not to this user (${uid})`);
  if (st.mode & 0o022) throw new OutputPathError(path, `others can write to it (mode ${(st.mode & 0o777).toString(8)})`);
}
