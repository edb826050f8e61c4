/** Descriptor control (strace src/fcntl.c, dup.c, flock.c, pipe.c): fcntl, dup, dup2, dup3, flock, pipe2. */
import { fd, flags, int, ptr, signal, value, xlong, type ArgPrinter } from '../args.js';
import type { Call } from '../call.js';
import { retDec, retFd, type Decoder, type RetPrinter } from '../decoder.js';
import { F, FCNTL_CMDS, FD_FLAGS, FLOCK_OPS, LEASE_TYPES, O_CLOEXEC, OPEN_MODE_FLAGS, SEAL_FLAGS } from '../tables/fcntl.js';
import { hex, sprintFlags } from '../xlat.js';
import { createsPair, fdPair } from './net.js';
import { openFlags, sprintOpenFlags } from './open.js';

/** strace -y shows `pipe:[inode]`; the recording has no inode. */
const PIPE = 'pipe:[?]';

const cmdOf = (c: Call) => c.int(1);

/** fcntl's third argument, as the command reads it; none for the GET commands. */
const fcntlArg: ArgPrinter = (c, k) => {
  switch (cmdOf(c)) {
    case F.SETFD: return flags(FD_FLAGS)(c, k);
    case F.SETFL: return openFlags(c, k);
    case F.DUPFD: case F.DUPFD_CLOEXEC: case F.SETOWN: case F.SETPIPE_SZ: return int(c, k);
    case F.SETSIG: return signal(c, k);
    case F.SETLEASE: return value(LEASE_TYPES)(c, k);
    case F.ADD_SEALS: return flags(SEAL_FLAGS)(c, k);
    case F.GETFD: case F.GETFL: case F.GETOWN: case F.GETSIG: case F.GETLEASE: case F.GETPIPE_SZ: case F.GET_SEALS:
      return undefined;
    case F.GETLK: case F.SETLK: case F.SETLKW: case F.OFD_GETLK: case F.OFD_SETLK: case F.OFD_SETLKW:
    case F.SETOWN_EX: case F.GETOWN_EX:
      return ptr(c, k);
    default: return xlong(c, k);
  }
};

/** fcntl's result: a new fd, or flags shown beside the number, `0x8002 (flags O_RDWR|O_LARGEFILE)`. */
const fcntlRet: RetPrinter = (c) => {
  const r = c.retInt >>> 0;
  switch (cmdOf(c)) {
    case F.DUPFD: case F.DUPFD_CLOEXEC: return retFd(c);
    case F.GETFD: return r === 0 ? '0' : `${hex(r)} (flags ${sprintFlags(FD_FLAGS, r) ?? hex(r)})`;
    case F.GETFL: return `${hex(r)} (flags ${sprintOpenFlags(r)})`;
    case F.GETLEASE: return `${hex(r)} (${LEASE_TYPES.byNumber.get(r) ?? 'F_???'})`;
    case F.GET_SEALS: return r === 0 ? '0' : `${hex(r)} (seals ${sprintFlags(SEAL_FLAGS, r) ?? hex(r)})`;
    default: return retDec(c);
  }
};

const fcntlEffect = (c: Call) => {
  if (!c.ok) return;
  const cmd = cmdOf(c);
  if (cmd === F.DUPFD || cmd === F.DUPFD_CLOEXEC) c.fds.dup(c.pid, c.int(0), c.retInt, cmd === F.DUPFD_CLOEXEC);
  else if (cmd === F.SETFD) c.fds.setCloexec(c.pid, c.int(0), (c.uint(2) & 1) !== 0);
};

export const FCNTL: Record<string, Decoder> = {
  fcntl: { args: [fd, value(FCNTL_CMDS), fcntlArg], ret: fcntlRet, effect: fcntlEffect },
  dup: {
    args: [fd],
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.dup(c.pid, c.int(0), c.retInt, false);
    },
  },
  dup2: {
    args: [fd, fd],
    ret: retFd,
    effect: (c) => {
      if (c.ok && c.int(0) !== c.int(1)) c.fds.dup(c.pid, c.int(0), c.int(1), false);
    },
  },
  dup3: {
    args: [fd, fd, flags(OPEN_MODE_FLAGS)],
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.dup(c.pid, c.int(0), c.int(1), (c.uint(2) & O_CLOEXEC) !== 0);
    },
  },
  flock: { args: [fd, flags(FLOCK_OPS)] },
  pipe: { args: [fdPair], exitFrom: 0, effect: createsPair(0, PIPE, () => false) },
  pipe2: { args: [fdPair, flags(OPEN_MODE_FLAGS)], exitFrom: 0, effect: createsPair(0, PIPE, (c) => (c.uint(1) & O_CLOEXEC) !== 0) },
};
