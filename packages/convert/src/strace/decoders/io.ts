/**
 * Reading, writing and waiting on descriptors (strace src/io.c, lseek.c, poll.c, desc.c,
 * epoll.c, eventfd.c, ioctl.c, term.c, inotify.c): buffers cut at -s, iovec arrays, poll and
 * select with the ready descriptors after the result, epoll events, the common ioctls.
 */
import { dirfd, fd, flags, int, long, path, ptr, uint, ulong, value, xint, type ArgPrinter } from '../args.js';
import { buffer, iovec } from '../buffers.js';
import type { Call } from '../call.js';
import { bitSet, createsFd, retDec, retFd, type Decoder, type RetPrinter } from '../decoder.js';
import { captured, Mem, printArray, structArg, structOf } from '../mem.js';
import { EPOLL_EVENT_SIZE, epollEvent, fdSet, pollfds, pollRevents } from '../structs/poll.js';
import { sigset, sigsetArg } from '../structs/signal.js';
import { termios, TERMIOS_FLAGS_SIZE } from '../structs/termios.js';
import { timespec, TIMESPEC_SIZE, timeval } from '../structs/time.js';
import {
  EFD_FLAGS, EPOLL_CREATE_FLAGS, EPOLL_CTL_DEL, EPOLL_CTL_OPS, INOTIFY_INIT_FLAGS, IOCTL_CMDS,
} from '../tables/desc.js';
import { WHENCE } from '../tables/fcntl.js';
import { hex, printValue, xlat } from '../xlat.js';

// ------------------------------------------------------------------ poll, select

/** poll's fds as passed in. */
const pollArray: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  const n = c.uint(1);
  if (n === 0) return '[]';
  const d = captured(c, k, 'in');
  if (d === undefined) return c.hex(k);
  return pollfds(new Mem(d.bytes), n, c) ?? c.hex(k);
};

/**
 * What strace appends to poll's and select's result: `1 ([{fd=3, revents=POLLIN}])`, `0 (Timeout)`,
 * and for ppoll/pselect6 the time left, `left {tv_sec=0, tv_nsec=99}`. `ready` makes the part
 * before `left`; `left` is the timeout argument (read again at exit).
 */
function readyResult(ready: (c: Call) => string | undefined, leftArg?: number, leftPrinter = timespec): RetPrinter {
  return (c) => {
    if (c.ret === 0n) return '0 (Timeout)';
    let s = ready(c);
    if (s === undefined) return retDec(c);
    if (leftArg !== undefined && !c.isZero(leftArg)) {
      const m = structOf(c, leftArg, 'exit', TIMESPEC_SIZE);
      const left = `left ${m === undefined ? c.hex(leftArg) : leftPrinter(m)}`;
      s = s ? `${s}, ${left}` : left;
    }
    return s ? `${c.retDec} (${s})` : retDec(c);
  };
}

const pollReady = (c: Call): string | undefined => {
  const d = c.isZero(0) ? undefined : captured(c, 0, 'out');
  if (d === undefined) return undefined;
  return pollRevents(new Mem(d.bytes), c.uint(1), c.cfg.stringLimit);
};

/** An fd_set argument as passed in, of argument 0's count of descriptors. */
const fdSetIn: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  const nfds = Math.max(0, Math.min(c.int(0), 1024 * 1024));
  const d = captured(c, k, 'in');
  if (d === undefined || d.readError || d.bytes.length < Math.ceil(nfds / 8)) return c.hex(k);
  return fdSet(new Mem(d.bytes), nfds, c);
};

/** select's ready sets after the call: `in [3], out [4]` (at most the result's count of descriptors). */
const selectReady = (c: Call): string | undefined => {
  const nfds = Math.max(0, Math.min(c.int(0), 1024 * 1024));
  let left = Number(c.ret);
  const parts: string[] = [];
  const names = ['in', 'out', 'except'];
  for (let i = 0; i < 3 && left > 0; i++) {
    if (c.isZero(i + 1)) continue;
    const d = captured(c, i + 1, 'out');
    if (d === undefined) continue;
    const fds: number[] = [];
    const m = new Mem(d.bytes);
    for (let b = 0; b < nfds && left > 0 && b < 8 * m.length; b++) {
      if (m.u8(b >> 3) & (1 << (b & 7))) {
        fds.push(b);
        left--;
      }
    }
    if (fds.length) parts.push(`${names[i]} [${fds.join(' ')}]`);
  }
  return parts.join(', ');
};

/** pselect6's sixth argument: `{sigmask=[INT], sigsetsize=8}` (the struct, then the set it points to if recorded). */
const pselectSigmask: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  const d = captured(c, k, 'in');
  if (d === undefined || d.readError || d.bytes.length < 16) return c.hex(k);
  const m = new Mem(d.bytes);
  const size = m.u64(8);
  let set: string;
  if (m.zero64(0)) set = 'NULL';
  else if (size === 8n && m.length >= 24) set = sigset(m, c.cfg.style, 16);
  else set = m.ptr(0);
  return `{sigmask=${set}, sigsetsize=${size}}`;
};

// ------------------------------------------------------------------ epoll

const epollCtlEvent: ArgPrinter = (c, k) => {
  if (c.uint(1) === EPOLL_CTL_DEL) return ptr(c, k);
  return structArg('in', EPOLL_EVENT_SIZE, (m) => epollEvent(m, 0, c))(c, k);
};

/** epoll_wait's events: as many as the call returned. */
const epollEvents: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  if (!c.ok) return c.hex(k);
  const n = Number(c.ret);
  if (n === 0) return '[]';
  const d = captured(c, k, 'out');
  if (d === undefined) return c.hex(k);
  return printArray(new Mem(d.bytes), n, EPOLL_EVENT_SIZE, c.cfg.stringLimit, (m, o) => epollEvent(m, o, c)) ?? c.hex(k);
};

// ------------------------------------------------------------------ ioctl

const IOC = {
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TCSBRK: 0x5409, TIOCEXCL: 0x540c, TIOCNXCL: 0x540d,
  TIOCSCTTY: 0x540e, TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410, TIOCOUTQ: 0x5411, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414,
  FIONREAD: 0x541b, TIOCCONS: 0x541d, FIONBIO: 0x5421, TIOCNOTTY: 0x5422, TIOCSETD: 0x5423, TIOCGETD: 0x5424,
  TCSBRKP: 0x5425, TIOCSBRK: 0x5427, TIOCCBRK: 0x5428, TIOCGSID: 0x5429, TIOCGPTN: 0x80045430, TIOCSPTLCK: 0x40045431,
  TIOCPKT: 0x5420, TIOCVHANGUP: 0x5437, FIONCLEX: 0x5450, FIOCLEX: 0x5451, FIOASYNC: 0x5452, TIOCGSOFTCAR: 0x5419,
  TIOCSSOFTCAR: 0x541a, TCGETS2: 0x802c542a, TCSETS2: 0x402c542b, TCSETSW2: 0x402c542c, TCSETSF2: 0x402c542d,
} as const;
/** requests that take no argument (strace prints none) */
const IOCTL_NO_ARG = new Set<number>([
  IOC.TIOCSBRK, IOC.TIOCCBRK, IOC.TIOCCONS, IOC.TIOCNOTTY, IOC.TIOCEXCL, IOC.TIOCNXCL, IOC.FIOCLEX, IOC.FIONCLEX, IOC.TIOCVHANGUP,
]);
/** requests whose argument points to an int the caller passes */
const IOCTL_INT_IN = new Set<number>([IOC.TIOCSPGRP, IOC.TIOCSETD, IOC.FIONBIO, IOC.FIOASYNC, IOC.TIOCPKT, IOC.TIOCSSOFTCAR, IOC.TIOCSPTLCK]);
/** requests whose argument points to an int the kernel fills */
const IOCTL_INT_OUT = new Set<number>([
  IOC.TIOCGPGRP, IOC.TIOCGSID, IOC.TIOCGETD, IOC.TIOCGSOFTCAR, IOC.TIOCGPTN, IOC.FIONREAD, IOC.TIOCOUTQ,
]);
/** requests that pass a termios (strace prints its flag words) */
const IOCTL_TERMIOS_IN = new Set<number>([IOC.TCSETS, IOC.TCSETSW, IOC.TCSETSF, IOC.TCSETS2, IOC.TCSETSW2, IOC.TCSETSF2]);
const termiosAt = (phase: 'in' | 'out') => structArg(phase, TERMIOS_FLAGS_SIZE, (m, c) => termios(m, c.cfg.style));
/** requests whose argument is an int value */
const IOCTL_INT_VALUE = new Set<number>([IOC.TCSBRK, IOC.TCSBRKP, IOC.TIOCSCTTY]);

const intAt = (phase: 'in' | 'out') => structArg(phase, 4, (m) => `[${m.i32(0)}]`);
const winsize = (phase: 'in' | 'out') =>
  structArg(phase, 8, (m) => `{ws_row=${m.u16(0)}, ws_col=${m.u16(2)}, ws_xpixel=${m.u16(4)}, ws_ypixel=${m.u16(6)}}`);

/** An ioctl request: its name when common, else the number in hex. */
const ioctlCmd: ArgPrinter = (c, k) => {
  const v = c.uint(k);
  return IOCTL_CMDS.byNumber.has(v) ? printValue(IOCTL_CMDS, v, c.cfg.style) : hex(v);
};

/**
 * ioctl's third argument, by request (strace's term_ioctl): none for FIOCLEX and the like,
 * `[1]` for the int ones, the winsize and termios structs; other requests print the value in
 * hex, as strace's generic handler does (0 is `0`).
 */
const ioctlArg: ArgPrinter = (c, k) => {
  const req = c.uint(1);
  if (IOCTL_NO_ARG.has(req)) return undefined;
  if (IOCTL_INT_VALUE.has(req)) return String(c.int(k));
  if (IOCTL_INT_IN.has(req)) return intAt('in')(c, k);
  if (IOCTL_INT_OUT.has(req)) return intAt('out')(c, k);
  if (req === IOC.TIOCGWINSZ) return winsize('out')(c, k);
  if (req === IOC.TIOCSWINSZ) return winsize('in')(c, k);
  if (req === IOC.TCGETS || req === IOC.TCGETS2) return termiosAt('out')(c, k);
  if (IOCTL_TERMIOS_IN.has(req)) return termiosAt('in')(c, k);
  return c.hex(k);
};

/** preadv2/pwritev2 flags (include/uapi/linux/fs.h). */
const RWF_FLAGS = xlat({ header: 'include/uapi/linux/fs.h', dflt: 'RWF_???' }, [
  [0x1, 'RWF_HIPRI'], [0x2, 'RWF_DSYNC'], [0x4, 'RWF_SYNC'], [0x8, 'RWF_NOWAIT'], [0x10, 'RWF_APPEND'], [0x20, 'RWF_NOAPPEND'],
  [0x40, 'RWF_ATOMIC'], [0x80, 'RWF_DONTCACHE'],
]);
const rwf = flags(RWF_FLAGS);

const readBuf = buffer('out', 'ret');
const writeBuf = buffer('in', { arg: 2 });

export const IO: Record<string, Decoder> = {
  read: { args: [fd, readBuf, ulong], exitFrom: 1 },
  write: { args: [fd, writeBuf, ulong] },
  pread64: { args: [fd, readBuf, ulong, long], exitFrom: 1 },
  pwrite64: { args: [fd, writeBuf, ulong, long] },
  readv: { args: [fd, iovec('out', 2), ulong], exitFrom: 1 },
  writev: { args: [fd, iovec('in', 2), ulong] },
  preadv: { args: [fd, iovec('out', 2), ulong, long], exitFrom: 1 },
  pwritev: { args: [fd, iovec('in', 2), ulong, long] },
  preadv2: { args: [fd, iovec('out', 2), ulong, long, (c) => rwf(c, 5)], exitFrom: 1 },
  pwritev2: { args: [fd, iovec('in', 2), ulong, long, (c) => rwf(c, 5)] },
  lseek: { args: [fd, long, value(WHENCE)] },
  sendfile: { args: [fd, fd, ptr, ulong] },
  copy_file_range: { args: [fd, ptr, fd, ptr, ulong, uint] },
  poll: { args: [pollArray, uint, int], ret: readyResult(pollReady) },
  ppoll: {
    args: [pollArray, uint, structArg('in', TIMESPEC_SIZE, (m) => timespec(m)), sigsetArg(4), ulong],
    ret: readyResult(pollReady, 2),
  },
  select: {
    args: [int, fdSetIn, fdSetIn, fdSetIn, structArg('in', 16, (m) => timeval(m))],
    ret: readyResult(selectReady, 4, timeval),
  },
  pselect6: {
    args: [int, fdSetIn, fdSetIn, fdSetIn, structArg('in', TIMESPEC_SIZE, (m) => timespec(m)), pselectSigmask],
    ret: readyResult(selectReady, 4),
  },
  epoll_create: { args: [int], ret: retFd, effect: createsFd('anon_inode:[eventpoll]') },
  epoll_create1: { args: [flags(EPOLL_CREATE_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[eventpoll]', bitSet(0)) },
  epoll_ctl: { args: [fd, value(EPOLL_CTL_OPS), fd, epollCtlEvent] },
  epoll_wait: { args: [fd, epollEvents, int, int], exitFrom: 1 },
  epoll_pwait: { args: [fd, epollEvents, int, int, sigsetArg(5), ulong], exitFrom: 1 },
  epoll_pwait2: { args: [fd, epollEvents, int, structArg('in', TIMESPEC_SIZE, (m) => timespec(m)), sigsetArg(5), ulong], exitFrom: 1 },
  eventfd: { args: [uint], ret: retFd, effect: createsFd('anon_inode:[eventfd]') },
  eventfd2: { args: [uint, flags(EFD_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[eventfd]', bitSet(1)) },
  inotify_init1: { args: [flags(INOTIFY_INIT_FLAGS)], ret: retFd, effect: createsFd('anon_inode:inotify', bitSet(0)) },
  inotify_add_watch: { args: [fd, path, xint] },
  inotify_rm_watch: { args: [fd, int] },
  fanotify_mark: { args: [fd, xint, ulong, dirfd, path] },
  ioctl: { args: [fd, ioctlCmd, ioctlArg] },
};

