/**
 * Reading, writing and waiting on descriptors (strace src/io.c, lseek.c, poll.c, epoll.c,
 * eventfd.c, ioctl.c, inotify.c): buffers are addresses in the recording, printed as such.
 */
import { dirfd, fd, flags, int, long, path, ptr, uint, ulong, value, xint, type ArgPrinter } from '../args.js';
import { bitSet, createsFd, onExit, retFd, type Decoder } from '../decoder.js';
import { EFD_FLAGS, EPOLL_CREATE_FLAGS, EPOLL_CTL_OPS, INOTIFY_INIT_FLAGS, IOCTL_CMDS } from '../tables/desc.js';
import { WHENCE } from '../tables/fcntl.js';
import { hex, printValue } from '../xlat.js';

/** An ioctl request: its name when common, else the number in hex. */
const ioctlCmd: ArgPrinter = (c, k) => {
  const v = c.uint(k);
  return IOCTL_CMDS.byNumber.has(v) ? printValue(IOCTL_CMDS, v, c.cfg.style) : hex(v);
};

export const IO: Record<string, Decoder> = {
  read: { args: [fd, onExit(ptr), ulong] },
  write: { args: [fd, ptr, ulong] },
  pread64: { args: [fd, onExit(ptr), ulong, long] },
  pwrite64: { args: [fd, ptr, ulong, long] },
  readv: { args: [fd, onExit(ptr), ulong] },
  writev: { args: [fd, ptr, ulong] },
  preadv: { args: [fd, onExit(ptr), ulong, long] },
  pwritev: { args: [fd, ptr, ulong, long] },
  lseek: { args: [fd, long, value(WHENCE)] },
  sendfile: { args: [fd, fd, ptr, ulong] },
  copy_file_range: { args: [fd, ptr, fd, ptr, ulong, uint] },
  poll: { args: [ptr, uint, int] },
  ppoll: { args: [ptr, uint, ptr, ptr, ulong] },
  select: { args: [int, ptr, ptr, ptr, ptr] },
  pselect6: { args: [int, ptr, ptr, ptr, ptr, ptr] },
  epoll_create: { args: [int], ret: retFd, effect: createsFd('anon_inode:[eventpoll]') },
  epoll_create1: { args: [flags(EPOLL_CREATE_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[eventpoll]', bitSet(0)) },
  epoll_ctl: { args: [fd, value(EPOLL_CTL_OPS), fd, ptr] },
  epoll_wait: { args: [fd, onExit(ptr), int, int] },
  epoll_pwait: { args: [fd, onExit(ptr), int, int, ptr, ulong] },
  epoll_pwait2: { args: [fd, onExit(ptr), int, ptr, ptr, ulong] },
  eventfd: { args: [uint], ret: retFd, effect: createsFd('anon_inode:[eventfd]') },
  eventfd2: { args: [uint, flags(EFD_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[eventfd]', bitSet(1)) },
  inotify_init1: { args: [flags(INOTIFY_INIT_FLAGS)], ret: retFd, effect: createsFd('anon_inode:inotify', bitSet(0)) },
  inotify_add_watch: { args: [fd, path, xint] },
  inotify_rm_watch: { args: [fd, int] },
  fanotify_mark: { args: [fd, xint, ulong, dirfd, path] },
  ioctl: { args: [fd, ioctlCmd, ptr] },
};
