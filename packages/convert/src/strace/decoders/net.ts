/** Sockets (strace src/net.c, sockaddr.c): socket, socketpair, connect, accept4, send/recv, shutdown, sockopts. */
import { fd, flags, int, ptr, ulong, value, type ArgPrinter } from '../args.js';
import type { Call } from '../call.js';
import { onExit, retFd, type Decoder } from '../decoder.js';
import {
  ADDRESS_FAMILIES, AF, INET_PROTOCOLS, MSG_FLAGS, NETLINK_PROTOCOLS, SHUTDOWN_MODES, SO_OPTIONS, SOCK_TYPE_FLAGS,
  SOCK_TYPE_MASK, SOCK_TYPES, SOCKET_LEVELS, SOL, TCP_OPTIONS,
} from '../tables/socket.js';
import { hex, printFlags, printValue, sprintFlags } from '../xlat.js';

/** Socket type: the type (a value) then SOCK_CLOEXEC/SOCK_NONBLOCK, `SOCK_STREAM|SOCK_CLOEXEC`. */
const sockType: ArgPrinter = (c, k) => {
  const v = c.uint(k);
  if (c.cfg.style === 'raw') return hex(v);
  const type = SOCK_TYPES.byNumber.get(v & SOCK_TYPE_MASK);
  let s: string;
  if (type === undefined) s = printFlags(SOCK_TYPE_FLAGS, v, 'abbrev');
  else {
    const rest = (v & ~SOCK_TYPE_MASK) >>> 0;
    s = rest === 0 ? type : `${type}|${sprintFlags(SOCK_TYPE_FLAGS, rest) ?? hex(rest)}`;
  }
  return c.cfg.style === 'verbose' ? `${hex(v)} /* ${s} */` : s;
};

/** The protocol, by family: IPPROTO_* for inet, NETLINK_* for netlink, a number otherwise. */
const protocol: ArgPrinter = (c, k) => {
  const fam = c.int(0);
  const v = c.int(k);
  if (fam === AF.INET || fam === AF.INET6) return printValue(INET_PROTOCOLS, v, c.cfg.style);
  if (fam === AF.NETLINK) return printValue(NETLINK_PROTOCOLS, v, c.cfg.style);
  return v.toString();
};

/** Socket option name, by level. */
const sockopt: ArgPrinter = (c, k) => {
  const level = c.int(1);
  const v = c.int(k);
  if (level === SOL.SOCKET) return printValue(SO_OPTIONS, v, c.cfg.style);
  if (level === SOL.TCP) return printValue(TCP_OPTIONS, v, c.cfg.style);
  return v.toString();
};

/** strace -y shows `socket:[inode]`; the recording has no inode. */
const SOCKET = 'socket:[?]';

const family = value(ADDRESS_FAMILIES);
const msgFlags = flags(MSG_FLAGS);
const cloexec = (k: number) => (c: Call) => (c.uint(k) & 0o2000000) !== 0;

export const NET: Record<string, Decoder> = {
  socket: {
    args: [family, sockType, protocol],
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.set(c.pid, c.retInt, SOCKET, cloexec(1)(c));
    },
  },
  // the two fds are written to user memory: not in the recording
  socketpair: { args: [family, sockType, protocol, onExit(ptr)] },
  bind: { args: [fd, ptr, int] },
  connect: { args: [fd, ptr, int] },
  listen: { args: [fd, int] },
  accept: {
    args: [fd, onExit(ptr), ptr],
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.set(c.pid, c.retInt, SOCKET, false);
    },
  },
  accept4: {
    args: [fd, onExit(ptr), ptr, flags(SOCK_TYPE_FLAGS)],
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.set(c.pid, c.retInt, SOCKET, cloexec(3)(c));
    },
  },
  sendto: { args: [fd, ptr, ulong, msgFlags, ptr, int] },
  recvfrom: { args: [fd, onExit(ptr), ulong, msgFlags, ptr, ptr] },
  sendmsg: { args: [fd, ptr, msgFlags] },
  recvmsg: { args: [fd, onExit(ptr), msgFlags] },
  sendmmsg: { args: [fd, ptr, int, msgFlags] },
  recvmmsg: { args: [fd, onExit(ptr), int, msgFlags, ptr] },
  shutdown: { args: [fd, value(SHUTDOWN_MODES)] },
  getsockname: { args: [fd, onExit(ptr), ptr] },
  getpeername: { args: [fd, onExit(ptr), ptr] },
  setsockopt: { args: [fd, value(SOCKET_LEVELS, 'd'), sockopt, ptr, int] },
  getsockopt: { args: [fd, value(SOCKET_LEVELS, 'd'), sockopt, onExit(ptr), ptr] },
};
