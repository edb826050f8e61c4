/**
 * File-name calls (strace src/access.c, stat.c, statx.c, mknod.c, umask.c, chdir.c, link.c…):
 * access, stat, mkdir, unlink, rename, link, chmod, chown, mknod, umask, chdir, truncate, statx.
 */
import { dirfd, fd, flags, long, mode, path, ptr, sprintDev, str, typedMode, uid, uint, ulong, value, type ArgPrinter } from '../args.js';
import type { Call } from '../call.js';
import { buffer, cwdBuffer } from '../buffers.js';
import { only, retFd, retOctal, type Decoder } from '../decoder.js';
import { Mem, structArg } from '../mem.js';
import { stat, STAT_SIZE, statfs, STATFS_SIZE, statx, STATX_SIZE } from '../structs/stat.js';
import { TIMESPEC_SIZE, utimePair } from '../structs/time.js';
import { MFD_FLAGS } from '../tables/desc.js';
import {
  ACCESS_MODES, AT_FDCWD, AT_FLAGS, AT_STATX_SYNC_TYPE, AT_STATX_SYNC_TYPES, FACCESSAT_FLAGS, FADVISE, FALLOC_FLAGS, RENAME_FLAGS,
} from '../tables/fcntl.js';
import { STATX_MASKS } from '../tables/stat.js';
import { printFlags } from '../xlat.js';

const atFlags = flags(AT_FLAGS);

const statBuf = structArg('out', STAT_SIZE, (m, c) => stat(m, c.cfg.style));
const statxBuf = structArg('out', STATX_SIZE, (m, c) => statx(m, c.cfg.style));
const statfsBuf = structArg('out', STATFS_SIZE, (m, c) => statfs(m, c.cfg.style));
/** readlink's buffer: the result's length of bytes, cut at -s (no NUL is written) */
const linkBuf = buffer('out', 'ret');

/** getdents64's buffer, as strace abbreviates it: the address and `/* 5 entries *\/`. */
const dirents: ArgPrinter = (c, k) => {
  if (!c.ok || c.ret > BigInt(c.uint(2))) return ptr(c, k)!;
  if (c.ret === 0n) return `${c.hex(k)} /* 0 entries */`;
  const d = c.mem(k, true);
  if (d === undefined || d.bytes.length < 4) return ptr(c, k)!;
  return `${c.hex(k)} /* ${new Mem(d.bytes).u32(0)} entries */`;
};

/** statx(2) flags: the sync type (a value) then AT_* flags. */
const statxFlags: ArgPrinter = (c, k) => {
  const v = c.uint(k);
  if (c.cfg.style === 'raw') return printFlags(AT_FLAGS, v, 'raw');
  const type = printFlags(AT_STATX_SYNC_TYPES, v & AT_STATX_SYNC_TYPE, c.cfg.style);
  const rest = (v & ~AT_STATX_SYNC_TYPE) >>> 0;
  return rest === 0 ? type : `${type}|${printFlags(AT_FLAGS, rest, c.cfg.style)}`;
};

/** mknod's dev, only for character and block devices: `makedev(0x1, 0x3)`. */
function devIfDevice(modeArg: number): ArgPrinter {
  return only(
    (c) => [0o20000, 0o60000].includes(c.uint(modeArg) & 0o170000),
    (c, k) => sprintDev(c.ulong(k)),
  );
}

/** chdir: the new working directory, for relative paths under -y. */
const chdirTo = (dirArg: number) => (c: Call) => {
  const p = c.text(dirArg);
  if (c.ok && p !== undefined) c.fds.chdir(c.pid, AT_FDCWD, p);
};

export const FILE: Record<string, Decoder> = {
  access: { args: [path, flags(ACCESS_MODES)] },
  faccessat: { args: [dirfd, path, flags(ACCESS_MODES)] },
  faccessat2: { args: [dirfd, path, flags(ACCESS_MODES), flags(FACCESSAT_FLAGS)] },
  stat: { args: [path, statBuf], exitFrom: 1 },
  lstat: { args: [path, statBuf], exitFrom: 1 },
  fstat: { args: [fd, statBuf], exitFrom: 1 },
  newfstatat: { args: [dirfd, path, statBuf, atFlags], exitFrom: 2 },
  statx: { args: [dirfd, path, statxFlags, flags(STATX_MASKS), statxBuf], exitFrom: 4 },
  statfs: { args: [path, statfsBuf], exitFrom: 1 },
  fstatfs: { args: [fd, statfsBuf], exitFrom: 1 },
  mkdir: { args: [path, mode] },
  mkdirat: { args: [dirfd, path, mode] },
  rmdir: { args: [path] },
  unlink: { args: [path] },
  unlinkat: { args: [dirfd, path, atFlags] },
  rename: { args: [path, path] },
  renameat: { args: [dirfd, path, dirfd, path] },
  renameat2: { args: [dirfd, path, dirfd, path, flags(RENAME_FLAGS)] },
  link: { args: [path, path] },
  linkat: { args: [dirfd, path, dirfd, path, atFlags] },
  symlink: { args: [path, path] },
  symlinkat: { args: [path, dirfd, path] },
  readlink: { args: [path, linkBuf, ulong], exitFrom: 1 },
  readlinkat: { args: [dirfd, path, linkBuf, ulong], exitFrom: 2 },
  chmod: { args: [path, mode] },
  fchmod: { args: [fd, mode] },
  fchmodat: { args: [dirfd, path, mode] },
  fchmodat2: { args: [dirfd, path, mode, atFlags] },
  chown: { args: [path, uid, uid] },
  lchown: { args: [path, uid, uid] },
  fchown: { args: [fd, uid, uid] },
  fchownat: { args: [dirfd, path, uid, uid, atFlags] },
  mknod: { args: [path, typedMode, devIfDevice(1)] },
  mknodat: { args: [dirfd, path, typedMode, devIfDevice(2)] },
  umask: { args: [mode], ret: retOctal },
  chdir: { args: [path], effect: chdirTo(0) },
  fchdir: {
    args: [fd],
    effect: (c) => {
      if (c.ok) c.fds.fchdir(c.pid, c.int(0));
    },
  },
  chroot: { args: [path] },
  getcwd: { args: [cwdBuffer, ulong], exitFrom: 0 },
  truncate: { args: [path, long] },
  ftruncate: { args: [fd, long] },
  utimensat: { args: [dirfd, path, structArg('in', 2 * TIMESPEC_SIZE, (m, c) => utimePair(m, c.cfg.style)), atFlags] },
  getdents64: { args: [fd, dirents, uint], exitFrom: 1 },
  getdents: { args: [fd, dirents, uint], exitFrom: 1 },
  fsync: { args: [fd] },
  fdatasync: { args: [fd] },
  syncfs: { args: [fd] },
  fallocate: { args: [fd, flags(FALLOC_FLAGS), long, long] },
  fadvise64: { args: [fd, long, long, value(FADVISE, 'd')] },
  memfd_create: {
    args: [str, flags(MFD_FLAGS)],
    ret: retFd,
    effect: (c) => {
      // /proc shows `/memfd:NAME (deleted)`; strace prints the `(deleted)` after the name
      if (c.ok) c.fds.set(c.pid, c.retInt, `/memfd:${c.text(0) ?? ''}`, (c.uint(1) & 1) !== 0, true);
    },
  },
};
