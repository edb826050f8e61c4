/**
 * Creating output files safely, for every vltrace tool that writes one (recordings, trace.h,
 * conversions, the query cache).
 *
 * A file is never opened for writing through a name someone else may have planted: it is
 * created under a fresh temporary name in the same directory with O_CREAT|O_EXCL|O_NOFOLLOW
 * and then renamed over the final name (rename replaces a symlink, it never follows it). The
 * exceptions are outputs that are devices or FIFOs (`-o /dev/null`, a named pipe): those are
 * opened as they are, without O_CREAT, and refused if what was opened turns out to be a
 * regular file. Derived files are never more readable than what they were derived from.
 */
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

// (libuv opens every file with O_CLOEXEC already)
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NOCTTY } = constants;
/** Flags of every file vltrace creates: a new inode, never through a symlink. */
const NEW_FILE = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

/** An error about an output path, with the path and the reason in its message. */
export class OutputPathError extends Error {
  override readonly name = 'OutputPathError';
  constructor(readonly path: string, reason: string, readonly code?: string) {
    super(`cannot write ${path}: ${reason}`);
  }
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}${err.syscall ? ` (${err.syscall})` : ''}` : String((e as Error).message ?? e);
}

/** A hidden, unpredictable name in the same directory as `path` (so the final rename is atomic). */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * The mode bits a file derived from a source of mode `sourceMode` gets: rw bits at most the
 * source's (a 0600 recording gives 0600 conversions); directories also get x where they get r.
 * The process umask still applies on top, as for any created file.
 */
export function derivedMode(sourceMode: number, directory = false): number {
  const rw = sourceMode & 0o666;
  if (!directory) return rw;
  // r → rx for each of user, group, other, so a readable directory can be entered
  return rw | ((rw & 0o444) >> 2) | 0o700;
}

/** The mode of a source file (a recording) for derivedMode; 0600 when it cannot be read. */
export function modeOf(path: string): number {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return 0o600;
  }
}

/**
 * What an existing output name is: absent or a regular file (replace it by rename), a device
 * or FIFO to write into as it is (directly, or through a symlink), or a directory.
 */
function kindOf(path: string): 'new' | 'special' | 'directory' {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 'new';
  }
  if (st.isSymbolicLink()) {
    // a symlink is replaced, unless it leads to a device or FIFO (/dev/stdout): writing into
    // one of those cannot overwrite anybody's file
    try {
      st = statSync(path);
    } catch {
      return 'new';
    }
    return st.isFile() || st.isDirectory() ? 'new' : 'special';
  }
  if (st.isDirectory()) return 'directory';
  return st.isFile() ? 'new' : 'special';
}

/** Opens an existing device or FIFO for writing; refuses a regular file reached by a race. */
function openSpecial(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_NOCTTY);
  } catch (e) {
    throw new OutputPathError(path, reason(e), (e as NodeJS.ErrnoException).code);
  }
  if (fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new OutputPathError(path, 'it changed into a regular file while being opened; not written through');
  }
  return fd;
}

/** Creates a new empty file at `tmp` (mode `mode`, umask applied) and returns its fd. */
export function createNew(tmp: string, mode: number): number {
  try {
    return openSync(tmp, NEW_FILE, mode);
  } catch (e) {
    throw new OutputPathError(tmp, reason(e), (e as NodeJS.ErrnoException).code);
  }
}

/** A file being written under a temporary name, renamed into place by commit(). */
export interface PendingFile {
  /** the name it will have */
  readonly path: string;
  /** where it is written meanwhile (equal to path for a device or FIFO) */
  readonly tmp: string;
  readonly fd: number;
  /** true for a device or FIFO written directly */
  readonly special: boolean;
  /** closes the fd (unless `keepOpen`) and renames tmp to `to` (default: path) */
  commit(to?: string, keepOpen?: boolean): void;
  /** closes the fd and removes tmp */
  discard(): void;
}

/**
 * Starts writing `path`: a new file under a temporary name beside it (mode `mode` at most), or
 * the device/FIFO it names. Throws OutputPathError when it cannot be created.
 */
export function createFile(path: string, mode: number): PendingFile {
  const kind = kindOf(path);
  if (kind === 'directory') throw new OutputPathError(path, 'it is a directory', 'EISDIR');
  if (kind === 'special') {
    const fd = openSpecial(path);
    let open = true;
    const close = () => {
      if (open) closeSync(fd);
      open = false;
    };
    return { path, tmp: path, fd, special: true, commit: (_to, keepOpen) => void (keepOpen || close()), discard: close };
  }
  const tmp = tempNameFor(path);
  const fd = createNew(tmp, mode);
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    path,
    tmp,
    fd,
    special: false,
    commit(to = path, keepOpen = false) {
      try {
        renameSync(tmp, to);
      } catch (e) {
        close();
        rmSync(tmp, { force: true });
        throw new OutputPathError(to, reason(e), (e as NodeJS.ErrnoException).code);
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
 * the fd; the caller closes it.
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
    throw new OutputPathError(path, reason(e), (e as NodeJS.ErrnoException).code);
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
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputPathError(path, reason(e), (e as NodeJS.ErrnoException).code);
  }
  const st = lstatSync(path);
  if (st.isSymbolicLink()) throw new OutputPathError(path, 'it is a symbolic link');
  if (!st.isDirectory()) throw new OutputPathError(path, 'it is not a directory', 'ENOTDIR');
  const uid = process.geteuid?.();
  if (uid !== undefined && st.uid !== uid) throw new OutputPathError(path, `it belongs to uid ${st.uid}, not to this user (${uid})`);
  if (st.mode & 0o022) throw new OutputPathError(path, `others can write to it (mode ${(st.mode & 0o777).toString(8)})`);
}
