/** File and descriptor constants: open(2), fcntl(2), *at(2), access(2), lseek(2), flock(2). */
import { xlat } from '../xlat.js';

/** The low 2 bits of open(2) flags, a value, not bits. */
export const OPEN_ACCESS_MODES = xlat({ header: 'include/uapi/asm-generic/fcntl.h', dflt: 'O_???', lookup: 'indexed' }, [
  [0, 'O_RDONLY'], [1, 'O_WRONLY'], [2, 'O_RDWR'], [3, 'O_ACCMODE'],
]);

/** open(2) flags above the access mode (x86_64 values, octal as in the header). */
export const OPEN_MODE_FLAGS = xlat({ header: 'include/uapi/asm-generic/fcntl.h', dflt: 'O_???' }, [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'],
  // O_SYNC (__O_SYNC|O_DSYNC) must come before O_DSYNC and __O_SYNC
  [0o4010000, 'O_SYNC'], [0o4000000, '__O_SYNC'], [0o10000, 'O_DSYNC'],
  [0o40000, 'O_DIRECT'], [0o100000, 'O_LARGEFILE'], [0o400000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
  // O_TMPFILE (__O_TMPFILE|O_DIRECTORY) must come before O_DIRECTORY and __O_TMPFILE
  [0o20200000, 'O_TMPFILE'], [0o20000000, '__O_TMPFILE'], [0o200000, 'O_DIRECTORY'],
  [0o20000, 'FASYNC'],
]);

export const O_CREAT = 0o100;
export const O_TMPFILE_BIT = 0o20000000;
export const O_CLOEXEC = 0o2000000;

/** fcntl(2) commands. */
export const FCNTL_CMDS = xlat({ header: 'include/uapi/asm-generic/fcntl.h, include/uapi/linux/fcntl.h', dflt: 'F_???' }, [
  [0, 'F_DUPFD'], [1, 'F_GETFD'], [2, 'F_SETFD'], [3, 'F_GETFL'], [4, 'F_SETFL'], [5, 'F_GETLK'], [6, 'F_SETLK'],
  [7, 'F_SETLKW'], [8, 'F_SETOWN'], [9, 'F_GETOWN'], [10, 'F_SETSIG'], [11, 'F_GETSIG'], [15, 'F_SETOWN_EX'],
  [16, 'F_GETOWN_EX'], [17, 'F_GETOWNER_UIDS'], [36, 'F_OFD_GETLK'], [37, 'F_OFD_SETLK'], [38, 'F_OFD_SETLKW'],
  [1024, 'F_SETLEASE'], [1025, 'F_GETLEASE'], [1026, 'F_NOTIFY'], [1027, 'F_DUPFD_QUERY'], [1028, 'F_CREATED_QUERY'],
  [1029, 'F_CANCELLK'], [1030, 'F_DUPFD_CLOEXEC'], [1031, 'F_SETPIPE_SZ'], [1032, 'F_GETPIPE_SZ'],
  [1033, 'F_ADD_SEALS'], [1034, 'F_GET_SEALS'], [1035, 'F_GET_RW_HINT'], [1036, 'F_SET_RW_HINT'],
  [1037, 'F_GET_FILE_RW_HINT'], [1038, 'F_SET_FILE_RW_HINT'],
]);

/** Named fcntl commands the decoders switch on. */
export const F = {
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, SETOWN: 8, GETOWN: 9,
  SETSIG: 10, GETSIG: 11, SETOWN_EX: 15, GETOWN_EX: 16, OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38,
  SETLEASE: 1024, GETLEASE: 1025, NOTIFY: 1026, DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031, GETPIPE_SZ: 1032,
  ADD_SEALS: 1033, GET_SEALS: 1034,
} as const;

/** Descriptor flags (F_GETFD/F_SETFD). */
export const FD_FLAGS = xlat({ header: 'include/uapi/asm-generic/fcntl.h', dflt: 'FD_???' }, [[1, 'FD_CLOEXEC']]);

/** File lease types (F_SETLEASE/F_GETLEASE). */
export const LEASE_TYPES = xlat({ header: 'include/uapi/asm-generic/fcntl.h', dflt: 'F_???', lookup: 'indexed' }, [
  [0, 'F_RDLCK'], [1, 'F_WRLCK'], [2, 'F_UNLCK'],
]);

/** File seals (F_ADD_SEALS/F_GET_SEALS). */
export const SEAL_FLAGS = xlat({ header: 'include/uapi/linux/fcntl.h', dflt: 'F_SEAL_???' }, [
  [1, 'F_SEAL_SEAL'], [2, 'F_SEAL_SHRINK'], [4, 'F_SEAL_GROW'], [8, 'F_SEAL_WRITE'], [0x10, 'F_SEAL_FUTURE_WRITE'], [0x20, 'F_SEAL_EXEC'],
]);

/** The dirfd meaning "the current directory". */
export const AT_FDCWD = -100;

/** AT_* flags of the *at(2) calls (AT_EACCESS shares AT_REMOVEDIR's bit: see FACCESSAT_FLAGS). */
export const AT_FLAGS = xlat({ header: 'include/uapi/linux/fcntl.h', dflt: 'AT_???' }, [
  [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'], [0x8000, 'AT_RECURSIVE'],
]);

/** faccessat2(2) flags. */
export const FACCESSAT_FLAGS = xlat({ header: 'include/uapi/linux/fcntl.h', dflt: 'AT_???' }, [
  [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_EACCESS'], [0x1000, 'AT_EMPTY_PATH'],
]);

/** statx(2) sync type: a value in bits 13-14 of the flags. */
export const AT_STATX_SYNC_TYPES = xlat({ header: 'include/uapi/linux/fcntl.h', dflt: 'AT_STATX_???' }, [
  [0, 'AT_STATX_SYNC_AS_STAT'], [0x2000, 'AT_STATX_FORCE_SYNC'], [0x4000, 'AT_STATX_DONT_SYNC'],
]);
export const AT_STATX_SYNC_TYPE = 0x6000;

/** access(2) modes; F_OK is the zero value. */
export const ACCESS_MODES = xlat({ header: 'include/linux/fs.h (MAY_*), unistd.h', dflt: '?_OK' }, [
  [0, 'F_OK'], [4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK'],
]);

/** lseek(2) whence. */
export const WHENCE = xlat({ header: 'include/uapi/linux/fs.h', dflt: 'SEEK_???', lookup: 'indexed' }, [
  [0, 'SEEK_SET'], [1, 'SEEK_CUR'], [2, 'SEEK_END'], [3, 'SEEK_DATA'], [4, 'SEEK_HOLE'],
]);

/** flock(2) operations. */
export const FLOCK_OPS = xlat({ header: 'include/uapi/asm-generic/fcntl.h', dflt: 'LOCK_???' }, [
  [1, 'LOCK_SH'], [2, 'LOCK_EX'], [4, 'LOCK_NB'], [8, 'LOCK_UN'],
]);

/** renameat2(2) flags. */
export const RENAME_FLAGS = xlat({ header: 'include/uapi/linux/fs.h', dflt: 'RENAME_???' }, [
  [1, 'RENAME_NOREPLACE'], [2, 'RENAME_EXCHANGE'], [4, 'RENAME_WHITEOUT'],
]);

/** posix_fadvise(2) advice (x86_64 values). */
export const FADVISE = xlat({ header: 'include/uapi/linux/fadvise.h', dflt: 'POSIX_FADV_???', lookup: 'indexed' }, [
  [0, 'POSIX_FADV_NORMAL'], [1, 'POSIX_FADV_RANDOM'], [2, 'POSIX_FADV_SEQUENTIAL'], [3, 'POSIX_FADV_WILLNEED'],
  [4, 'POSIX_FADV_DONTNEED'], [5, 'POSIX_FADV_NOREUSE'],
]);

/** fallocate(2) modes. */
export const FALLOC_FLAGS = xlat({ header: 'include/uapi/linux/falloc.h', dflt: 'FALLOC_FL_???' }, [
  [1, 'FALLOC_FL_KEEP_SIZE'], [2, 'FALLOC_FL_PUNCH_HOLE'], [4, 'FALLOC_FL_NO_HIDE_STALE'], [8, 'FALLOC_FL_COLLAPSE_RANGE'],
  [0x10, 'FALLOC_FL_ZERO_RANGE'], [0x20, 'FALLOC_FL_INSERT_RANGE'], [0x40, 'FALLOC_FL_UNSHARE_RANGE'],
]);

/** close_range(2) flags. */
export const CLOSE_RANGE_FLAGS = xlat({ header: 'include/uapi/linux/close_range.h', dflt: 'CLOSE_RANGE_???' }, [
  [2, 'CLOSE_RANGE_UNSHARE'], [4, 'CLOSE_RANGE_CLOEXEC'],
]);
