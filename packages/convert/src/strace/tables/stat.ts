/** File type and stat constants. */
import { xlat } from '../xlat.js';

/** The S_IFMT part of a mode (mknod, open's O_TMPFILE aside, st_mode). */
export const MODE_TYPES = xlat({ header: 'include/uapi/linux/stat.h', dflt: 'S_IF???' }, [
  [0o100000, 'S_IFREG'], [0o140000, 'S_IFSOCK'], [0o10000, 'S_IFIFO'], [0o120000, 'S_IFLNK'], [0o40000, 'S_IFDIR'],
  [0o60000, 'S_IFBLK'], [0o20000, 'S_IFCHR'],
]);
export const S_IFMT = 0o170000;

/** statx(2) request mask; the multi-bit STATX_ALL and STATX_BASIC_STATS come first. */
export const STATX_MASKS = xlat({ header: 'include/uapi/linux/stat.h', dflt: 'STATX_???' }, [
  [0xfff, 'STATX_ALL'], [0x7ff, 'STATX_BASIC_STATS'],
  [0x1, 'STATX_TYPE'], [0x2, 'STATX_MODE'], [0x4, 'STATX_NLINK'], [0x8, 'STATX_UID'], [0x10, 'STATX_GID'],
  [0x20, 'STATX_ATIME'], [0x40, 'STATX_MTIME'], [0x80, 'STATX_CTIME'], [0x100, 'STATX_INO'], [0x200, 'STATX_SIZE'],
  [0x400, 'STATX_BLOCKS'], [0x800, 'STATX_BTIME'], [0x1000, 'STATX_MNT_ID'], [0x2000, 'STATX_DIOALIGN'],
  [0x4000, 'STATX_MNT_ID_UNIQUE'], [0x8000, 'STATX_SUBVOL'], [0x10000, 'STATX_WRITE_ATOMIC'],
]);
