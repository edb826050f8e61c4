/** Sockets (strace src/net.c, sockaddr.c): socket, socketpair, connect, accept4, send/recv, shutdown, sockopts. */
import { errnoName } from '@vltrace/format';
import { fd, flags, int, printFd, ptr, ulong, value, type ArgPrinter } from '../args.js';
import { buffer } from '../buffers.js';
import type { Call } from '../call.js';
import { retFd, type Decoder } from '../decoder.js';
import { quoteBuffer } from '../escape.js';
import { pairFds } from '../fd-records.js';
import { captured, Mem, structOf } from '../mem.js';
import { sockaddr, SOCKADDR_MAX } from '../structs/sockaddr.js';
import {
  ADDRESS_FAMILIES, AF, INET_PROTOCOLS, IP_OPTIONS, IPV6_OPTIONS, MSG_FLAGS, NETLINK_OPTIONS, NETLINK_PROTOCOLS, SHUTDOWN_MODES,
  SO, SO_OPTIONS, SOCK_TYPE_FLAGS, SOCK_TYPE_MASK, SOCK_TYPES, SOCKET_LEVELS, SOL, TCP_OPTIONS, UDP_OPTIONS,
} from '../tables/socket.js';
import { hex, printFlags, printValue, sprintFlags, type Xlat } from '../xlat.js';

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
  const table = OPTION_TABLES.get(level);
  return table === undefined ? String(v >>> 0) : printValue(table, v, c.cfg.style);
};
const OPTION_TABLES = new Map<number, Xlat>([
  [SOL.SOCKET, SO_OPTIONS], [SOL.TCP, TCP_OPTIONS], [SOL.IP, IP_OPTIONS], [SOL.IPV6, IPV6_OPTIONS], [SOL.UDP, UDP_OPTIONS],
  [SOL.NETLINK, NETLINK_OPTIONS],
]);

// ------------------------------------------------------------------ socket addresses

/** A sockaddr the caller passes, `lenArg` bytes long (connect, bind, sendto). */
function addrIn(lenArg: number): ArgPrinter {
  return (c, k) => {
    const len = c.int(lenArg);
    if (c.isZero(k)) return 'NULL';
    if (len < 2) return c.hex(k);
    const d = captured(c, k, 'in');
    if (d === undefined || d.readError || d.bytes.length < Math.min(len, SOCKADDR_MAX)) return c.hex(k);
    return sockaddr(new Mem(d.bytes), len, c.cfg.style);
  };
}

/** The socklen_t behind argument `lenPtr` at entry (what the caller offers) and at exit (what the kernel wrote). */
function socklens(c: Call, lenPtr: number): { ulen: number; rlen: number | undefined } | undefined {
  if (c.isZero(lenPtr)) return undefined;
  const u = structOf(c, lenPtr, 'in', 4);
  if (u === undefined) return undefined;
  const r = structOf(c, lenPtr, 'out', 4);
  return { ulen: u.i32(0), rlen: r?.i32(0) };
}

/**
 * A sockaddr the kernel fills (accept, getsockname, getpeername, recvfrom) and its length
 * pointer, the pair strace prints together: `{sa_family=AF_INET, …}, [128 => 16]`; a failed
 * call prints the address and `[128]`.
 */
function addrOut(addrArg: number, lenPtr: number): [ArgPrinter, ArgPrinter] {
  const addr: ArgPrinter = (c, k) => {
    const lens = c.isZero(k) ? undefined : socklens(c, lenPtr);
    if (lens === undefined || lens.rlen === undefined || !c.ok) return ptr(c, k);
    const len = Math.min(lens.ulen, lens.rlen);
    if (len < 2) return c.hex(k);
    const d = captured(c, k, 'out');
    if (d === undefined || d.readError || d.bytes.length < Math.min(len, SOCKADDR_MAX)) return c.hex(k);
    return sockaddr(new Mem(d.bytes), len, c.cfg.style);
  };
  const len: ArgPrinter = (c, k) => {
    const lens = c.isZero(addrArg) ? undefined : socklens(c, k);
    if (lens === undefined) return ptr(c, k);
    if (lens.rlen === undefined || !c.ok) return `[${lens.ulen}]`;
    return lens.ulen === lens.rlen ? `[${lens.rlen}]` : `[${lens.ulen} => ${lens.rlen}]`;
  };
  return [addr, len];
}

// ------------------------------------------------------------------ socket options

/** `[1]`: an int option value. */
const intValue = (m: Mem) => `[${m.i32(0)}]`;

/** setsockopt's value (strace's print_setsockopt): `[1]` for an int, `{l_onoff=1, l_linger=5}`, else the bytes. */
const setsockoptValue: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  const level = c.int(1);
  const name = c.int(2);
  const len = c.int(4);
  const d = captured(c, k, 'in');
  if (d === undefined || d.readError) return c.hex(k);
  const m = new Mem(d.bytes);
  if (level === SOL.SOCKET && name === SO.LINGER) {
    return len < 8 || m.length < 8 ? c.hex(k) : `{l_onoff=${m.i32(0)}, l_linger=${m.i32(4)}}`;
  }
  if (level === SOL.NETLINK) return len < 4 || m.length < 4 ? c.hex(k) : intValue(m);
  if (len === 4) return m.length < 4 ? c.hex(k) : intValue(m);
  return quoteBuffer(m.bytes, Math.max(0, len), c.cfg.stringLimit);
};

/** getsockopt's value at exit (strace's print_getsockopt), `rlen` bytes long. */
function getsockoptValue(c: Call, k: number, m: Mem, ulen: number, rlen: number): string {
  const level = c.int(1);
  const name = c.int(2);
  if (ulen <= 0 || rlen <= 0) return c.hex(k);
  // a struct or int the recording holds only in part prints as its address
  const need = (n: number) => m.length < Math.min(rlen, n);
  const field = (o: number, text: () => string) => (rlen > o ? text() : undefined);
  if (level === SOL.SOCKET && name === SO.LINGER) {
    if (need(8)) return c.hex(k);
    const parts = [field(0, () => `l_onoff=${m.i32(0)}`), field(4, () => `l_linger=${m.i32(4)}`)].filter((x) => x !== undefined);
    return `{${parts.join(', ')}}`;
  }
  if (level === SOL.SOCKET && name === SO.PEERCRED) {
    if (need(12)) return c.hex(k);
    const id = (o: number) => (m.u32(o) === 0xffffffff ? '-1' : String(m.u32(o)));
    const parts = [field(0, () => `pid=${m.i32(0)}`), field(4, () => `uid=${id(4)}`), field(8, () => `gid=${id(8)}`)];
    return `{${parts.filter((x) => x !== undefined).join(', ')}}`;
  }
  if (level === SOL.SOCKET && name === SO.ERROR) {
    if (need(4)) return c.hex(k);
    const e = m.u32(0);
    return `[${e === 0 ? '0' : errnoName(e) ?? String(e)}]`;
  }
  if (level === SOL.NETLINK || rlen === 4) return m.length < 4 ? c.hex(k) : intValue(m);
  return quoteBuffer(m.bytes, rlen, c.cfg.stringLimit);
}

/** getsockopt's value and length pointer: `[1], [4]`. */
const getsockoptArgs: [ArgPrinter, ArgPrinter] = [
  (c, k) => {
    const lens = c.isZero(k) ? undefined : socklens(c, 4);
    if (lens === undefined || lens.rlen === undefined || !c.ok) return ptr(c, k);
    const d = captured(c, k, 'out');
    if (d === undefined || d.readError) return c.hex(k);
    return getsockoptValue(c, k, new Mem(d.bytes), lens.ulen, lens.rlen);
  },
  (c, k) => {
    const lens = socklens(c, k);
    if (lens === undefined) return ptr(c, k);
    if (lens.rlen === undefined || !c.ok) return `[${lens.ulen}]`;
    return lens.ulen === lens.rlen ? `[${lens.rlen}]` : `[${lens.ulen} => ${lens.rlen}]`;
  },
];

/**
 * The two descriptors pipe, pipe2 and socketpair write, `[3, 4]` (with -y `[3<pipe:[123]>,
 * 4<pipe:[123]>]`), from their FD_PAIR records; the address when they were not recorded (a
 * failed call).
 */
export const fdPair: ArgPrinter = (c, k) => {
  const fds = c.ok ? pairFds(c, k) : undefined;
  return fds === undefined ? ptr(c, k) : `[${printFd(c, fds[0])}, ${printFd(c, fds[1])}]`;
};

/** The -y tracker learns the two new descriptors of pipe2 or socketpair, `what` each (their records then name them). */
export function createsPair(k: number, what: string, cloexec: (c: Call) => boolean): (c: Call) => void {
  return (c) => {
    const fds = c.ok ? pairFds(c, k) : undefined;
    if (fds === undefined) return;
    c.fds.set(c.pid, fds[0], what, cloexec(c));
    c.fds.set(c.pid, fds[1], what, cloexec(c));
  };
}

/** strace -y shows `socket:[inode]`; a recording without the socket's record has no inode. */
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
  socketpair: {
    args: [family, sockType, protocol, fdPair],
    exitFrom: 3,
    effect: createsPair(3, SOCKET, cloexec(1)),
    effectFirst: true,
  },
  bind: { args: [fd, addrIn(2), int] },
  connect: { args: [fd, addrIn(2), int] },
  listen: { args: [fd, int] },
  accept: {
    args: [fd, ...addrOut(1, 2)],
    exitFrom: 1,
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.set(c.pid, c.retInt, SOCKET, false);
    },
  },
  accept4: {
    args: [fd, ...addrOut(1, 2), flags(SOCK_TYPE_FLAGS)],
    exitFrom: 1,
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.set(c.pid, c.retInt, SOCKET, cloexec(3)(c));
    },
  },
  sendto: { args: [fd, buffer('in', { arg: 2 }), ulong, msgFlags, addrIn(5), int] },
  recvfrom: { args: [fd, buffer('out', 'ret', { cap: 2 }), ulong, msgFlags, ...addrOut(4, 5)], exitFrom: 1 },
  sendmsg: { args: [fd, ptr, msgFlags] },
  recvmsg: { args: [fd, ptr, msgFlags], exitFrom: 1 },
  sendmmsg: { args: [fd, ptr, int, msgFlags] },
  recvmmsg: { args: [fd, ptr, int, msgFlags, ptr], exitFrom: 1 },
  shutdown: { args: [fd, value(SHUTDOWN_MODES)] },
  getsockname: { args: [fd, ...addrOut(1, 2)], exitFrom: 1 },
  getpeername: { args: [fd, ...addrOut(1, 2)], exitFrom: 1 },
  setsockopt: { args: [fd, value(SOCKET_LEVELS, 'd'), sockopt, setsockoptValue, int] },
  getsockopt: { args: [fd, value(SOCKET_LEVELS, 'd'), sockopt, ...getsockoptArgs], exitFrom: 3 },
};
