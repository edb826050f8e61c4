/**
 * What the query cache may trust. Answers are read from the cache, so a directory or file of it
 * that another user could have made or changed could answer with another recording's rows. Only
 * what this user created and nobody else can write to is used, in a directory whose ancestors
 * nobody but this user or root can rename things in (a sticky directory such as /tmp is fine:
 * there nobody can rename or delete another's entries).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

const { O_RDONLY, O_NOFOLLOW } = constants;
const S_ISVTX = 0o1000;
/** group and other write bits */
const OTHERS_WRITE = 0o022;

/** The effective uid of this process (what owns what it creates). */
export function euid(): number {
  return process.geteuid!();
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** Why `st` is not a file or directory this user made and alone can change; undefined when it is. */
export function distrustOwn(st: Stats, kind: 'directory' | 'file'): string | undefined {
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (kind === 'directory' ? !st.isDirectory() : !st.isFile()) return `it is not a ${kind}`;
  if (st.uid !== euid()) return `it belongs to uid ${st.uid}, not to this user (uid ${euid()})`;
  if (st.mode & OTHERS_WRITE) return `others can write to it (mode ${octal(st.mode)})`;
  return undefined;
}

/** distrustOwn for a directory given by path (lstat: a symlink is refused, not followed). */
export function distrustOwnDir(path: string): string | undefined {
  return distrustOwn(lstatSync(path), 'directory');
}

/**
 * Why `dir` (a real path: no symlinks in it) and its ancestors up to / cannot be relied on to
 * stay what they are: one belongs to another user than this one or root, or others can write to
 * it without the sticky bit (they could rename what is in it). Undefined when they can.
 */
export function distrustAncestors(dir: string): string | undefined {
  const me = euid();
  for (let d = dir; ; d = dirname(d)) {
    const st = lstatSync(d);
    if (st.uid !== me && st.uid !== 0) return `${d} belongs to uid ${st.uid}`;
    if (st.mode & OTHERS_WRITE && !(st.mode & S_ISVTX)) return `others can write to ${d} (mode ${octal(st.mode)})`;
    if (d === dirname(d)) return undefined;
  }
}

/**
 * The text of a file this user made and alone can change (opened without following a symlink,
 * checked on the open file); throws otherwise.
 */
export function readOwnFile(path: string): string {
  const fd = openSync(path, O_RDONLY | O_NOFOLLOW);
  try {
    const why = distrustOwn(fstatSync(fd), 'file');
    if (why) throw new Error(`${path}: ${why}`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

let cachedUmask: number | undefined;
/**
 * The process umask, read from /proc (process.umask() can only read it by setting it). Modes
 * given to chmod are masked with it, as they are when a file is created.
 */
export function umask(): number {
  if (cachedUmask !== undefined) return cachedUmask;
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    cachedUmask = m ? parseInt(m[1]!, 8) : 0o022;
  } catch {
    cachedUmask = 0o022;
  }
  return cachedUmask;
}
