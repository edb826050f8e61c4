/**
 * Waiting on descriptors (strace src/poll.c, desc.c, epoll.c): pollfd arrays and poll's result
 * annotation, fd_sets, epoll_event.
 */
import type { Call } from '../call.js';
import { printFd } from '../args.js';
import { printArray, setBits, type Mem } from '../mem.js';
import { EPOLL_EVENTS, POLL_EVENTS } from '../tables/desc.js';
import { printFlags, sprintFlags } from '../xlat.js';

export const POLLFD_SIZE = 8;

/** The pollfd array as the caller passed it: `[{fd=3, events=POLLIN}, {fd=-1}]`. */
export function pollfds(m: Mem, n: number, c: Call): string | undefined {
  return printArray(m, n, POLLFD_SIZE, c.cfg.stringLimit, (v, o) => {
    const fd = v.i32(o);
    return fd < 0 ? `{fd=${fd}}` : `{fd=${printFd(c, fd)}, events=${printFlags(POLL_EVENTS, v.u16(o + 4), c.cfg.style)}}`;
  });
}

/**
 * The descriptors with events after poll returned, as strace appends them to the result:
 * `[{fd=3, revents=POLLIN}]` (at most -s of them, then `...`).
 */
export function pollRevents(m: Mem, n: number, limit: number): string {
  let out = '';
  let printed = 0;
  const have = Math.min(n, Math.floor(m.length / POLLFD_SIZE));
  for (let i = 0; i < have; i++) {
    const rev = m.u16(i * POLLFD_SIZE + 6);
    if (!rev) continue;
    out += out ? ', ' : '[';
    if (printed >= limit) {
      out += '...';
      break;
    }
    const fd = `{fd=${m.i32(i * POLLFD_SIZE)}, revents=`;
    const flags = sprintFlags(POLL_EVENTS, rev) ?? `0x${rev.toString(16)}`;
    // strace builds this result in a 1024-byte buffer and ends it with "..." where the next
    // entry would leave less than room for an address and ", ]"
    if (out.length + fd.length + flags.length + 1 >= REVENTS_BUFFER - REVENTS_RESERVE) {
      out += '...';
      break;
    }
    out += `${fd}${flags}}`;
    printed++;
  }
  return out ? out + ']' : '';
}

/** The size of strace's buffer for poll's result, and what it keeps free at its end. */
const REVENTS_BUFFER = 1024;
const REVENTS_RESERVE = 2 + 2 * 8 + ', ]'.length + 1;

/** An fd_set of `nfds` descriptors: `[3 4]`. */
export function fdSet(m: Mem, nfds: number, c: Call): string {
  return `[${setBits(m, nfds).map((fd) => printFd(c, fd)).join(' ')}]`;
}

/** struct epoll_event (packed, 12 bytes): `{events=EPOLLIN, data={u32=5, u64=5}}`. */
export const EPOLL_EVENT_SIZE = 12;
export function epollEvent(m: Mem, o: number, c: Call): string {
  return `{events=${printFlags(EPOLL_EVENTS, m.u32(o), c.cfg.style)}, data={u32=${m.u32(o + 4)}, u64=${m.udec(o + 4)}}}`;
}
