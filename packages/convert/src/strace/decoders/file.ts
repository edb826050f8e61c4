/**
 * File-name calls (strace src/access.c, stat.c, statx.c, mknod.c, umask.c, chdir.c, link.c…):
 * access, stat, mkdir, unlink, rename, link, chmod, chown, mknod, umask, chdir, truncate, statx.
 */
import { dirfd, fd, flags, long, mode, path, ptr, str, typedMode, uid, uint, ulong, value, type ArgPrinter } from '../args.js';
import type { Call } from '../call.js';
import { onExit, only, retFd, retOctal, type Decoder } from '../decoder.js';
import { MFD_FLAGS } from '../tables/desc.js';
import {
  ACCESS_MODES, AT_FLAGS, AT_STATX_SYNC_TYPE, AT_STATX_SYNC_TYPES, FACCESSAT_FLAGS, FADVISE, FALLOC_FLAGS, RENAME_FLAGS,
} from '../tables/fcntl.js';
import { STATX_MASKS } from '../tables/stat.js';
import { printFlags } from '../xlat.js';

const atFlags = flags(AT_FLAGS);

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
    (c, k) => {
      const d = c.ulong(k);
      const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
      const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
      return `makedev(0x${major.toString(16)}, 0x${minor.toString(16)})`;
    },
  );
}

/** chdir: the new working directory, for relative paths under -y. */
const chdirTo = (dirArg: number) => (c: Call) => {
  const p = c.text(dirArg);
  if (c.ok && p !== undefined) c.fds.chdir(c.pid, -100, p);
};

export const FILE: Record<string, Decoder> = {
  access: { args: [path, flags(ACCESS_MODES)] },
  faccessat: { args: [dirfd, path, flags(ACCESS_MODES)] },
  faccessat2: { args: [dirfd, path, flags(ACCESS_MODES), flags(FACCESSAT_FLAGS)] },
  stat: { args: [path, onExit(ptr)] },
  lstat: { args: [path, onExit(ptr)] },
  fstat: { args: [fd, onExit(ptr)] },
  newfstatat: { args: [dirfd, path, onExit(ptr), atFlags] },
  statx: { args: [dirfd, path, statxFlags, flags(STATX_MASKS), onExit(ptr)] },
  statfs: { args: [path, onExit(ptr)] },
  fstatfs: { args: [fd, onExit(ptr)] },
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
  readlink: { args: [path, onExit(ptr), ulong] },
  readlinkat: { args: [dirfd, path, onExit(ptr), ulong] },
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
  getcwd: { args: [onExit(ptr), ulong] },
  truncate: { args: [path, long] },
  ftruncate: { args: [fd, long] },
  utimensat: { args: [dirfd, path, ptr, atFlags] },
  getdents64: { args: [fd, onExit(ptr), uint] },
  fsync: { args: [fd] },
  fdatasync: { args: [fd] },
  syncfs: { args: [fd] },
  fallocate: { args: [fd, flags(FALLOC_FLAGS), long, long] },
  fadvise64: { args: [fd, long, long, value(FADVISE, 'd')] },
  memfd_create: {
    args: [str, flags(MFD_FLAGS)],
    ret: retFd,
    effect: (c) => {
      if (c.ok) c.fds.set(c.pid, c.retInt, `/memfd:${c.text(0) ?? ''} (deleted)`, (c.uint(1) & 1) !== 0);
    },
  },
};
