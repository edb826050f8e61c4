/**
 * The open family (strace src/open.c): open, openat, openat2, creat, close, close_range, and
 * the open(2) flags printer shared with fcntl F_SETFL/F_GETFL.
 */
import { dirfd, fd, flags, mode, path, ptr, uint, ulong, type ArgPrinter } from '../args.js';
import type { Call } from '../call.js';
import { only, retFd, type Decoder } from '../decoder.js';
import { AT_FDCWD, CLOSE_RANGE_FLAGS, O_CLOEXEC, O_CREAT, O_TMPFILE_BIT, OPEN_ACCESS_MODES, OPEN_MODE_FLAGS } from '../tables/fcntl.js';
import { hex, sprintFlags } from '../xlat.js';

/** Open flags: the access mode (low 2 bits, a value) then the flags, `O_RDONLY|O_CLOEXEC`. */
export function sprintOpenFlags(v: number): string {
  const mode = OPEN_ACCESS_MODES.byNumber.get(v & 3);
  const rest = (v & ~3) >>> 0;
  if (rest === 0) return mode!;
  return `${mode}|${sprintFlags(OPEN_MODE_FLAGS, rest) ?? hex(rest)}`;
}

/** An open(2) flags argument, honouring -X. */
export const openFlags: ArgPrinter = (c, k) => {
  const v = c.uint(k);
  if (c.cfg.style === 'raw') return hex(v);
  return c.cfg.style === 'verbose' ? `${hex(v)} /* ${sprintOpenFlags(v)} */` : sprintOpenFlags(v);
};

/** The mode argument, printed only when the flags at `flagsArg` create a file. */
export function modeIfCreate(flagsArg: number): ArgPrinter {
  return only((c) => (c.uint(flagsArg) & (O_CREAT | O_TMPFILE_BIT)) !== 0, mode);
}

/** Records the fd an open-like call returned: path argument `p` relative to dirfd argument `d` (-1: cwd). */
export function opened(d: number, p: number, cloexec: (c: Call) => boolean): (c: Call) => void {
  return (c) => {
    if (!c.ok) return;
    const name = c.text(p);
    const base = d < 0 ? AT_FDCWD : c.int(d);
    c.fds.set(c.pid, c.retInt, name === undefined ? undefined : c.fds.resolve(c.pid, base, name), cloexec(c));
  };
}

const cloexecAt = (k: number) => (c: Call) => (c.uint(k) & O_CLOEXEC) !== 0;

export const OPEN: Record<string, Decoder> = {
  open: { args: [path, openFlags, modeIfCreate(1)], ret: retFd, effect: opened(-1, 0, cloexecAt(1)) },
  openat: { args: [dirfd, path, openFlags, modeIfCreate(2)], ret: retFd, effect: opened(0, 1, cloexecAt(2)) },
  // struct open_how is in user memory: its flags (and O_CLOEXEC) are unknown
  openat2: { args: [dirfd, path, ptr, ulong], ret: retFd, effect: opened(0, 1, () => false) },
  creat: { args: [path, mode], ret: retFd, effect: opened(-1, 0, () => false) },
  open_by_handle_at: { args: [fd, ptr, openFlags], ret: retFd },
  close: {
    args: [fd],
    effect: (c) => {
      if (c.ok) c.fds.close(c.pid, c.int(0));
    },
  },
  close_range: {
    args: [uint, uint, flags(CLOSE_RANGE_FLAGS)],
    effect: (c) => {
      if (!c.ok) return;
      c.fds.closeRange(c.pid, c.uint(0), c.uint(1), (c.uint(2) & 4) !== 0);
    },
  },
};
