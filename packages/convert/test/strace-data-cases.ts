// The calls of strace-data.test.ts: one call each with the bytes the recorder would have read
// behind its pointer arguments (x86-64 layouts, built field by field), and the line strace 6
// printed for the same call on a real run. Also used by strace-call.test.ts (a call printed from
// a table's row).
import { encodeFileRecords, FILE_FLAGS, FS_MAGIC } from '@vltrace/format';
import { argvPayload, Bytes, cat, count, int, iovPayload, sigmask, sin, stat, text, ts } from './struct-bytes.js';
import type { Sc } from './strace-helpers.js';
import type { StraceOptions } from '../src/sinks/strace.js';

export const P = 0x7ffd1234a000n;
export const Q = 0x7ffd1234b000n;
export const AT_FDCWD = -100;
/** strace's line: the call, `= result` at column 40 */
export const L = (call: string, result: string) => `${(call + ' ').padEnd(40)}= ${result}`;

export const S_IFREG = 0o100000;
const S_IFDIR = 0o40000;
const S_IFCHR = 0o20000;

function statx(mask: number, attrs: number, mode: number, size: number): Uint8Array {
  return new Bytes(256).u32(0, mask).u32(4, 4096).u64(8, attrs).u32(16, 1).u16(28, mode).u64(32, 99).u64(40, size).bytes;
}

function statfs(): Uint8Array {
  return new Bytes(120).u64(0, 0xef53).u64(8, 4096).u64(16, 66053021).u64(24, 59803161).u64(32, 20347868)
    .u64(40, 16777216).u64(48, 16341546).u32(56, 0x2e2f635).u32(60, 0xd1994a3e).u64(64, 255).u64(72, 4096).u64(80, 0x1020).bytes;
}

/** The FD_PAIR chunk of two pipe descriptors. */
function fdPair(a: number, b: number): Uint8Array {
  const pipe = (fd: number) => ({ fd, ino: 77n, magic: FS_MAGIC.PIPEFS, flags: FILE_FLAGS.DNAME.bit, components: [''] });
  return encodeFileRecords([pipe(a), pipe(b)]);
}

/** struct sigaction (kernel): handler, flags, restorer, mask. */
function sigaction(handler: bigint, flags: number, restorer: bigint, mask: Uint8Array): Uint8Array {
  return new Bytes(32).u64(0, handler).u64(8, flags).u64(16, restorer).str(24, mask).bytes;
}

/** pollfd array. */
export function pollfds(...fds: [number, number, number][]): Uint8Array {
  const b = new Bytes(8 * fds.length);
  fds.forEach(([fd, ev, rev], i) => b.i32(8 * i, fd).u16(8 * i + 4, ev).u16(8 * i + 6, rev));
  return b.bytes;
}

/** struct epoll_event (packed). */
function epollEvent(events: number, data: number): Uint8Array {
  return new Bytes(12).u32(0, events).u64(4, data).bytes;
}

/** An fd_set with the given descriptors, `nbytes` long. */
function fdset(nbytes: number, ...fds: number[]): Uint8Array {
  const b = new Bytes(nbytes);
  for (const fd of fds) b.u8(fd >> 3, b.bytes[fd >> 3]! | (1 << (fd & 7)));
  return b.bytes;
}

/** siginfo_t: signo, errno, code, then the union. */
function siginfo(signo: number, code: number, union: (b: Bytes) => void): Uint8Array {
  const b = new Bytes(128).i32(0, signo).i32(4, 0).i32(8, code);
  union(b);
  return b.bytes;
}

const ELF = new Uint8Array([
  0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0, 1, 0, 0, 0, 0x10, 0x74, 2, 0, 0, 0, 0, 0,
]);

export const CASES: readonly [Sc, string, Partial<StraceOptions>?][] = [
  // ---------------------------------------------------------------- item 1: file status
  [{ name: 'newfstatat', args: [3, P, Q, 0x1000], strs: { 1: '' }, ret: 0, mem: { out: { 2: stat(S_IFREG | 0o644, 35019) } } },
    'newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=35019, ...}, AT_EMPTY_PATH) = 0'],
  [{ name: 'newfstatat', args: [3, P, Q, 0x1000], strs: { 1: '' }, ret: 0, mem: { out: { 2: stat(S_IFCHR | 0o666, 0, 0x103) } } },
    'newfstatat(3, "", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, AT_EMPTY_PATH) = 0'],
  [{ name: 'newfstatat', args: [AT_FDCWD, P, Q, 0], strs: { 1: '/tmp' }, ret: 0, mem: { out: { 2: stat(S_IFDIR | 0o1777, 4096) } } },
    'newfstatat(AT_FDCWD, "/tmp", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}, 0) = 0'],
  [{ name: 'newfstatat', args: [AT_FDCWD, P, 0x7ffc989e9ac0n, 0], strs: { 1: '/nonexistent' }, ret: -2 },
    'newfstatat(AT_FDCWD, "/nonexistent", 0x7ffc989e9ac0, 0) = -1 ENOENT (No such file or directory)'],
  [{ name: 'fstat', args: [1, Q], ret: 0, mem: { out: { 1: stat(S_IFCHR | 0o620, 0, 0x8800) } } },
    L('fstat(1, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0), ...})', '0')],
  [{ name: 'stat', args: [P, Q], strs: { 0: '/etc/hostname' }, ret: 0, mem: { out: { 1: stat(S_IFREG | 0o755, 3) } } },
    'stat("/etc/hostname", {st_mode=S_IFREG|0755, st_size=3, ...}) = 0'],
  [{ name: 'statx', args: [AT_FDCWD, P, 0, 0x7ff, Q], strs: { 1: '/etc/hostname' }, ret: 0, mem: { out: { 4: statx(0x17ff, 0, S_IFREG | 0o755, 3) } } },
    'statx(AT_FDCWD, "/etc/hostname", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0755, stx_size=3, ...}) = 0'],
  [{ name: 'statx', args: [AT_FDCWD, P, 0x100, 0xfff, Q], strs: { 1: '/' }, ret: 0, mem: { out: { 4: statx(0x1fff, 0x2000, S_IFDIR | 0o755, 4096) } } },
    'statx(AT_FDCWD, "/", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=STATX_ATTR_MOUNT_ROOT, stx_mode=S_IFDIR|0755, stx_size=4096, ...}) = 0'],
  [{ name: 'statfs', args: [P, Q], strs: { 0: '/' }, ret: 0, mem: { out: { 1: statfs() } } },
    'statfs("/", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=66053021, f_bfree=59803161, f_bavail=20347868, f_files=16777216, f_ffree=16341546, f_fsid={val=[0x2e2f635, 0xd1994a3e]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0'],
  [{ name: 'utimensat', args: [AT_FDCWD, P, Q, 0], strs: { 1: '/tmp/h6/ref.c' }, ret: 0, mem: { in: { 2: cat(ts(0, 0x3fffffff), ts(0, 0x3ffffffe)) } } },
    'utimensat(AT_FDCWD, "/tmp/h6/ref.c", [UTIME_NOW, UTIME_OMIT], 0) = 0'],
  [{ name: 'getdents64', args: [11, 0x7ffc989e9b50n, 4096], ret: 4072, mem: { out: { 1: count(128) } } },
    'getdents64(11, 0x7ffc989e9b50 /* 128 entries */, 4096) = 4072'],
  [{ name: 'getdents64', args: [11, 0x7ffc989e9b50n, 4096], ret: 0 },
    'getdents64(11, 0x7ffc989e9b50 /* 0 entries */, 4096) = 0'],

  // ---------------------------------------------------------------- item 3: buffers
  [{ name: 'read', args: [3, P, 832], ret: 832, mem: { out: { 1: ELF } } },
    'read(3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0"..., 832) = 832'],
  [{ name: 'read', args: [3, P, 4096], ret: 3, mem: { out: { 1: text('vm\n') } } }, L('read(3, "vm\\n", 4096)', '3')],
  [{ name: 'read', args: [3, P, 4096], ret: -11 }, L('read(3, 0x7ffd1234a000, 4096)', '-1 EAGAIN (Resource temporarily unavailable)')],
  [{ name: 'pread64', args: [3, P, 4, 2], ret: 1, mem: { out: { 1: text('\n') } } }, L('pread64(3, "\\n", 4, 2)', '1')],
  [{ name: 'write', args: [3, P, 66], ret: 66, mem: { in: { 1: cat(text('hello\n\tworld "quoted" \\ '), new Uint8Array([1, 0xff]), text(' and a')) } } },
    'write(3, "hello\\n\\tworld \\"quoted\\" \\\\ \\1\\377 and a"..., 66) = 66'],
  [{ name: 'write', args: [1, P, 42], ret: 42, mem: { in: { 1: text('0123456789abcdefghijklmnopqrstuv') } } },
    'write(1, "0123456789abcdefghijklmnopqrstuv"..., 42) = 42'],
  [{ name: 'write', args: [1, P, 42], ret: 42, mem: { in: { 1: text('0123456789') } } }, L('write(1, "0123456789"..., 42)', '42'), { stringLimit: 10 }],
  [{ name: 'pwrite64', args: [3, P, 3, 10], ret: 3, mem: { in: { 1: text('abc') } } }, L('pwrite64(3, "abc", 3, 10)', '3')],
  [{ name: 'readlink', args: [P, Q, 256], strs: { 0: '/tmp/h6/lnk' }, ret: 55, mem: { out: { 1: text('/a/very/long/target/path/that/is') } } },
    'readlink("/tmp/h6/lnk", "/a/very/long/target/path/that/is"..., 256) = 55'],
  [{ name: 'readlink', args: [P, Q, 4096], strs: { 0: '/proc/self/exe' }, ret: 11, mem: { out: { 1: text('/tmp/h6/ref') } } },
    'readlink("/proc/self/exe", "/tmp/h6/ref", 4096) = 11'],
  [{ name: 'getcwd', args: [P, 4096], ret: 8, mem: { out: { 0: text('/tmp/h6\0') } } }, L('getcwd("/tmp/h6", 4096)', '8')],
  [{ name: 'getcwd', args: [P, 60], ret: 52, mem: { out: { 0: text('/a/directory/whose/name/is/longer/than/thirty-two\0') } } },
    L('getcwd("/a/directory/whose/name/is/longer/than/thirty-two", 60)', '52')],
  [{ name: 'getrandom', args: [P, 8, 1], ret: 8, mem: { out: { 0: new Uint8Array([0x5c, 0xcc, 0x43, 0x4b, 0xb9, 0x3a, 0x40, 0xd7]) } } },
    'getrandom("\\x5c\\xcc\\x43\\x4b\\xb9\\x3a\\x40\\xd7", 8, GRND_NONBLOCK) = 8'],
  [{ name: 'sendto', args: [7, P, 5, 0, 0, 0], ret: 5, mem: { in: { 1: text('hello') } } }, L('sendto(7, "hello", 5, 0, NULL, 0)', '5')],
  [{ name: 'writev', args: [7, P, 2], ret: 11, mem: { in: { 1: iovPayload([{ base: Q, len: 5, data: 'hello' }, { base: Q + 5n, len: 6, data: 'world\n' }]) } } },
    'writev(7, [{iov_base="hello", iov_len=5}, {iov_base="world\\n", iov_len=6}], 2) = 11'],
  [{ name: 'readv', args: [7, P, 2], ret: 3, mem: { out: { 1: iovPayload([{ base: Q, len: 3, data: 'vm\n' }, { base: Q + 3n, len: 100, data: '' }]) } } },
    'readv(7, [{iov_base="vm\\n", iov_len=3}, {iov_base="", iov_len=100}], 2) = 3'],

  // ---------------------------------------------------------------- descriptors returned through memory
  // FD_PAIR: a file record per descriptor (the fds print from them)
  [{ name: 'pipe2', args: [P, 0], ret: 0, mem: { out: { 0: fdPair(3, 4) } } }, L('pipe2([3, 4], 0)', '0')],
  [{ name: 'pipe2', args: [P, 0o2000000], ret: 0, mem: { out: { 0: fdPair(5, 6) } } }, L('pipe2([5, 6], O_CLOEXEC)', '0')],
  [{ name: 'socketpair', args: [1, 1, 0, P], ret: 0, mem: { out: { 3: fdPair(7, 8) } } }, 'socketpair(AF_UNIX, SOCK_STREAM, 0, [7, 8]) = 0'],

  // ---------------------------------------------------------------- waiting on descriptors
  [{ name: 'poll', args: [P, 2, 0], ret: 1, mem: { in: { 0: pollfds([7, 1, 0], [8, 5, 0]) }, out: { 0: pollfds([7, 1, 0], [8, 5, 4]) } } },
    'poll([{fd=7, events=POLLIN}, {fd=8, events=POLLIN|POLLOUT}], 2, 0) = 1 ([{fd=8, revents=POLLOUT}])'],
  [{ name: 'poll', args: [P, 2, -1], ret: 1, mem: { in: { 0: pollfds([-1, 1, 0], [3, 3, 0]) }, out: { 0: pollfds([-1, 1, 0], [3, 3, 1]) } } },
    'poll([{fd=-1}, {fd=3, events=POLLIN|POLLPRI}], 2, -1) = 1 ([{fd=3, revents=POLLIN}])'],
  [{ name: 'ppoll', args: [P, 1, Q, 0, 8], ret: 0, mem: { in: { 0: pollfds([7, 1, 0]), 2: ts(1, 500) }, out: { 0: pollfds([7, 1, 0]) } } },
    'ppoll([{fd=7, events=POLLIN}], 1, {tv_sec=1, tv_nsec=500}, NULL, 8) = 0 (Timeout)'],
  [{ name: 'ppoll', args: [P, 1, Q, Q + 64n, 8], ret: 1, mem: { in: { 0: pollfds([3, 1, 0]), 2: ts(2, 0), 3: sigmask(2) }, out: { 0: pollfds([3, 1, 1]), 2: ts(1, 999998878) } } },
    'ppoll([{fd=3, events=POLLIN}], 1, {tv_sec=2, tv_nsec=0}, [INT], 8) = 1 ([{fd=3, revents=POLLIN}], left {tv_sec=1, tv_nsec=999998878})'],
  [{ name: 'pselect6', args: [9, P, 0, 0, Q, 0], ret: 1, mem: { in: { 1: fdset(2, 7, 8), 4: ts(0, 1000000) }, out: { 1: fdset(2, 8), 4: ts(0, 996192) } } },
    'pselect6(9, [7 8], NULL, NULL, {tv_sec=0, tv_nsec=1000000}, NULL) = 1 (in [8], left {tv_sec=0, tv_nsec=996192})'],
  [{ name: 'pselect6', args: [9, P, 0, 0, Q, 0], ret: 0, mem: { in: { 1: fdset(2, 7), 4: ts(0, 1000000) }, out: { 1: fdset(2), 4: ts(0, 0) } } },
    'pselect6(9, [7], NULL, NULL, {tv_sec=0, tv_nsec=1000000}, NULL) = 0 (Timeout)'],
  [{ name: 'pselect6', args: [4, P, 0, 0, Q, Q + 64n], ret: 1, mem: { in: { 1: fdset(1, 3), 4: ts(2, 0), 5: cat(new Bytes(16).u64(0, Q + 128n).u64(8, 8).bytes, sigmask(2)) }, out: { 1: fdset(1, 3), 4: ts(1, 999995942) } } },
    'pselect6(4, [3], NULL, NULL, {tv_sec=2, tv_nsec=0}, {sigmask=[INT], sigsetsize=8}) = 1 (in [3], left {tv_sec=1, tv_nsec=999995942})'],
  [{ name: 'select', args: [4, P, Q, 0, 0], ret: 2, mem: { in: { 1: fdset(1, 0, 3), 2: fdset(1, 1) }, out: { 1: fdset(1, 3), 2: fdset(1, 1) } } },
    'select(4, [0 3], [1], NULL, NULL)       = 2 (in [3], out [1])'],
  [{ name: 'epoll_ctl', args: [9, 1, 8, P], ret: 0, mem: { in: { 3: epollEvent(1, 5) } } }, 'epoll_ctl(9, EPOLL_CTL_ADD, 8, {events=EPOLLIN, data={u32=5, u64=5}}) = 0'],
  [{ name: 'epoll_ctl', args: [5, 1, 3, P], ret: 0, mem: { in: { 3: epollEvent(0x80000001, 3) } } }, 'epoll_ctl(5, EPOLL_CTL_ADD, 3, {events=EPOLLIN|EPOLLET, data={u32=3, u64=3}}) = 0'],
  [{ name: 'epoll_ctl', args: [5, 2, 3, 0], ret: 0 }, L('epoll_ctl(5, EPOLL_CTL_DEL, 3, NULL)', '0')],
  [{ name: 'epoll_wait', args: [9, P, 4, 10], ret: 1, mem: { out: { 1: epollEvent(1, 5) } } }, 'epoll_wait(9, [{events=EPOLLIN, data={u32=5, u64=5}}], 4, 10) = 1'],
  [{ name: 'epoll_wait', args: [9, P, 4, 10], ret: 0 }, L('epoll_wait(9, [], 4, 10)', '0')],
  [{ name: 'epoll_pwait', args: [5, P, 2, 0, Q, 8], ret: 1, mem: { in: { 4: sigmask(2) }, out: { 1: epollEvent(1, 3) } } },
    'epoll_pwait(5, [{events=EPOLLIN, data={u32=3, u64=3}}], 2, 0, [INT], 8) = 1'],

  // ---------------------------------------------------------------- sockets
  [{ name: 'connect', args: [11, P, 16], ret: -111, mem: { in: { 1: sin(80, [127, 0, 0, 1]) } } },
    'connect(11, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)'],
  [{ name: 'getsockname', args: [11, P, Q], ret: 0, mem: { in: { 2: int(128) }, out: { 1: sin(47936, [0, 0, 0, 0]), 2: int(16) } } },
    'getsockname(11, {sa_family=AF_INET, sin_port=htons(47936), sin_addr=inet_addr("0.0.0.0")}, [128 => 16]) = 0'],
  [{ name: 'sendto', args: [11, P, 1, 0, Q, 28], ret: 1, mem: { in: { 1: text('q'), 4: new Bytes(28).u16(0, 10).be16(2, 53).u8(23, 1).bytes } } },
    'sendto(11, "q", 1, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 1'],
  [{ name: 'connect', args: [3, P, 28], ret: 0, mem: { in: { 1: new Bytes(28).u16(0, 10).be16(2, 443).str(8, new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01])).bytes } } },
    'connect(3, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 0'],
  [{ name: 'connect', args: [11, P, 110], ret: -2, mem: { in: { 1: new Bytes(110).u16(0, 1).str(2, '/run/nonexist.sock').bytes } } },
    'connect(11, {sa_family=AF_UNIX, sun_path="/run/nonexist.sock"}, 110) = -1 ENOENT (No such file or directory)'],
  [{ name: 'connect', args: [11, P, 11], ret: -111, mem: { in: { 1: new Bytes(11).u16(0, 1).str(3, 'abstract').bytes } } },
    'connect(11, {sa_family=AF_UNIX, sun_path=@"abstract"}, 11) = -1 ECONNREFUSED (Connection refused)'],
  [{ name: 'bind', args: [6, P, 12], ret: 0, mem: { in: { 1: new Bytes(12).u16(0, 16).bytes } } },
    'bind(6, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0'],
  [{ name: 'getsockname', args: [6, P, Q], ret: 0, mem: { in: { 2: int(12) }, out: { 1: new Bytes(12).u16(0, 16).u32(4, 4778).bytes, 2: int(12) } } },
    'getsockname(6, {sa_family=AF_NETLINK, nl_pid=4778, nl_groups=00000000}, [12]) = 0'],
  [{ name: 'accept4', args: [6, P, Q, 0o2000000], ret: 8, mem: { in: { 2: int(110) }, out: { 1: new Bytes(2).u16(0, 1).bytes, 2: int(2) } } },
    'accept4(6, {sa_family=AF_UNIX}, [110 => 2], SOCK_CLOEXEC) = 8'],
  [{ name: 'accept4', args: [6, 0, 0, 0o4000], ret: -11 }, L('accept4(6, NULL, NULL, SOCK_NONBLOCK)', '-1 EAGAIN (Resource temporarily unavailable)')],
  [{ name: 'accept', args: [6, P, Q], ret: -11, mem: { in: { 2: int(16) } } },
    L('accept(6, 0x7ffd1234a000, [16])', '-1 EAGAIN (Resource temporarily unavailable)')],
  [{ name: 'recvfrom', args: [8, P, 256, 0, 0x7fffb5c64e40n, Q], ret: 5, mem: { in: { 5: int(110) }, out: { 1: text('hello'), 4: new Uint8Array(0), 5: int(0) } } },
    'recvfrom(8, "hello", 256, 0, 0x7fffb5c64e40, [110 => 0]) = 5'],
  [{ name: 'getpeername', args: [7, P, Q], ret: 0, mem: { in: { 2: int(110) }, out: { 1: new Bytes(15).u16(0, 1).str(2, '/tmp/h6/sock').bytes, 2: int(15) } } },
    'getpeername(7, {sa_family=AF_UNIX, sun_path="/tmp/h6/sock"}, [110 => 15]) = 0'],
  [{ name: 'setsockopt', args: [7, 1, 2, P, 4], ret: 0, mem: { in: { 3: int(1) } } }, 'setsockopt(7, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0'],
  [{ name: 'setsockopt', args: [7, 1, 13, P, 8], ret: 0, mem: { in: { 3: cat(int(1), int(5)) } } }, 'setsockopt(7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, 8) = 0'],
  [{ name: 'setsockopt', args: [7, 0, 1, P, 4], ret: -95, mem: { in: { 3: int(65536) } } },
    'setsockopt(7, SOL_IP, IP_TOS, [65536], 4) = -1 EOPNOTSUPP (Operation not supported)'],
  [{ name: 'setsockopt', args: [11, 6, 1, P, 4], ret: 0, mem: { in: { 3: int(1) } } }, 'setsockopt(11, SOL_TCP, TCP_NODELAY, [1], 4) = 0'],
  [{ name: 'setsockopt', args: [3, 41, 26, P, 4], ret: 0, mem: { in: { 3: int(0) } } }, 'setsockopt(3, SOL_IPV6, IPV6_V6ONLY, [0], 4) = 0'],
  [{ name: 'getsockopt', args: [7, 1, 3, P, Q], ret: 0, mem: { in: { 4: int(4) }, out: { 3: int(1), 4: int(4) } } },
    'getsockopt(7, SOL_SOCKET, SO_TYPE, [1], [4]) = 0'],
  [{ name: 'getsockopt', args: [7, 1, 4, P, Q], ret: 0, mem: { in: { 4: int(4) }, out: { 3: int(0), 4: int(4) } } },
    'getsockopt(7, SOL_SOCKET, SO_ERROR, [0], [4]) = 0'],
  [{ name: 'getsockopt', args: [7, 1, 4, P, Q], ret: 0, mem: { in: { 4: int(4) }, out: { 3: int(111), 4: int(4) } } },
    'getsockopt(7, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0'],

  // ---------------------------------------------------------------- resources
  [{ name: 'prlimit64', args: [0, 3, 0, P], ret: 0, mem: { out: { 3: new Bytes(16).u64(0, 8192 * 1024).u64(8, -1n).bytes } } },
    'prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0'],
  [{ name: 'prlimit64', args: [0, 7, P, 0], ret: 0, mem: { in: { 2: new Bytes(16).u64(0, 20000).u64(8, 20000).bytes } } },
    'prlimit64(0, RLIMIT_NOFILE, {rlim_cur=20000, rlim_max=20000}, NULL) = 0'],
  [{ name: 'getrlimit', args: [9, P], ret: 0, mem: { out: { 1: new Bytes(16).u64(0, -1n).u64(8, -1n).bytes } } },
    'getrlimit(RLIMIT_AS, {rlim_cur=RLIM64_INFINITY, rlim_max=RLIM64_INFINITY}) = 0'],

  // ---------------------------------------------------------------- signals
  [{ name: 'rt_sigaction', args: [10, P, 0, 8], ret: 0, mem: { in: { 1: sigaction(0x55bef9a4f539n, 0x14000000, 0x7ff234524050n, sigmask()) } } },
    'rt_sigaction(SIGUSR1, {sa_handler=0x55bef9a4f539, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7ff234524050}, NULL, 8) = 0'],
  [{ name: 'rt_sigaction', args: [14, P, Q, 8], ret: 0, mem: { in: { 1: sigaction(0x55b0450a2419n, 0x14000000, 0x7fbe4af4e050n, sigmask(14)) }, out: { 2: sigaction(0n, 0, 0n, sigmask()) } } },
    'rt_sigaction(SIGALRM, {sa_handler=0x55b0450a2419, sa_mask=[ALRM], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7fbe4af4e050}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0'],
  [{ name: 'rt_sigaction', args: [13, P, 0, 8], ret: 0, mem: { in: { 1: sigaction(1n, 0x4000000, 0x7f0000001000n, sigmask()) } } },
    'rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f0000001000}, NULL, 8) = 0'],
  [{ name: 'rt_sigprocmask', args: [0, P, 0, 8], ret: 0, mem: { in: { 1: sigmask(17) } } }, 'rt_sigprocmask(SIG_BLOCK, [CHLD], NULL, 8) = 0'],
  [{ name: 'rt_sigprocmask', args: [2, P, Q, 8], ret: 0, mem: { in: { 1: new Bytes(8).u64(0, ~0x180000000n).bytes }, out: { 2: sigmask(17) } } },
    'rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], [CHLD], 8) = 0'],
  [{ name: 'rt_sigprocmask', args: [2, P, Q, 8], ret: 0, mem: { in: { 1: sigmask() }, out: { 2: new Bytes(8).u64(0, ~0x180040100n).bytes } } },
    'rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0'],
  [{ name: 'rt_sigreturn', args: [0x7ffd1234a000n], ret: 0, mem: { in: { 0: sigmask() } } }, L('rt_sigreturn({mask=[]})', '0')],
  [{ name: 'rt_sigreturn', args: [0x7ffd1234a000n], ret: -4, mem: { in: { 0: sigmask(10, 12) } } }, L('rt_sigreturn({mask=[USR1 USR2]})', '-1 EINTR (Interrupted system call)')],
  [{ name: 'sigaltstack', args: [P, 0], ret: 0, mem: { in: { 0: new Bytes(24).u64(0, 0x55bf294092a0n).u64(16, 65536).bytes } } },
    'sigaltstack({ss_sp=0x55bf294092a0, ss_flags=0, ss_size=65536}, NULL) = 0'],
  [{ name: 'sigaltstack', args: [0, P], ret: 0, mem: { out: { 1: new Bytes(24).u64(0, 0x55bf294092a0n).u64(16, 65536).bytes } } },
    'sigaltstack(NULL, {ss_sp=0x55bf294092a0, ss_flags=0, ss_size=65536}) = 0'],
  [{ name: 'sigaltstack', args: [P, 0], ret: 0, mem: { in: { 0: new Bytes(24).u32(8, 2).bytes } } },
    'sigaltstack({ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}, NULL) = 0'],
  [{ name: 'rt_sigtimedwait', args: [P, Q, Q + 256n, 8], ret: 12, mem: { in: { 0: sigmask(12), 2: ts(1, 0) }, out: { 1: siginfo(12, 0, (b) => b.i32(16, 4778).u32(20, 0)) } } },
    'rt_sigtimedwait([USR2], {si_signo=SIGUSR2, si_code=SI_USER, si_pid=4778, si_uid=0}, {tv_sec=1, tv_nsec=0}, 8) = 12 (SIGUSR2)'],
  [{ name: 'timer_create', args: [1, P, Q], ret: 0, mem: { in: { 1: new Bytes(64).i32(8, 10).i32(12, 0).bytes }, out: { 2: int(0) } } },
    'timer_create(CLOCK_MONOTONIC, {sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}, [0]) = 0'],

  // ---------------------------------------------------------------- time
  [{ name: 'nanosleep', args: [P, Q], ret: -516, mem: { in: { 0: ts(1, 0) }, out: { 1: ts(0, 950041748) } } },
    'nanosleep({tv_sec=1, tv_nsec=0}, {tv_sec=0, tv_nsec=950041748}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)'],
  [{ name: 'clock_nanosleep', args: [0, 0, P, 0x7ffc989e9840n], ret: 0, mem: { in: { 2: ts(0, 1000) }, out: { 3: ts(0, 0) } } },
    'clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, 0x7ffc989e9840) = 0'],
  [{ name: 'clock_gettime', args: [0, P], ret: 0, mem: { out: { 1: ts(1796393758, 823311470) } } },
    'clock_gettime(CLOCK_REALTIME, {tv_sec=1796393758, tv_nsec=823311470}) = 0'],
  [{ name: 'gettimeofday', args: [P, 0], ret: 0, mem: { out: { 0: ts(1796393758, 823432) } } },
    'gettimeofday({tv_sec=1796393758, tv_usec=823432}, NULL) = 0'],
  [{ name: 'setitimer', args: [0, P, 0], ret: 0, mem: { in: { 1: cat(ts(0, 0), ts(0, 50000)) } } },
    'setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=50000}}, NULL) = 0'],
  [{ name: 'futex', args: [0x7fffb5c64e0cn, 0x80, 0, P, 0, 0], ret: -110, mem: { in: { 3: ts(0, 1000) } } },
    'futex(0x7fffb5c64e0c, FUTEX_WAIT_PRIVATE, 0, {tv_sec=0, tv_nsec=1000}) = -1 ETIMEDOUT (Connection timed out)'],

  // ---------------------------------------------------------------- processes and the machine
  [{ name: 'wait4', args: [17270, P, 0, 0], ret: 17270, mem: { out: { 1: int(0x300) } } },
    'wait4(17270, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 17270'],
  [{ name: 'wait4', args: [17272, P, 0, Q], ret: 17272, mem: { out: { 1: int(15), 3: cat(ts(0, 800), ts(0, 0), new Uint8Array(112)) } } },
    'wait4(17272, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}], 0, {ru_utime={tv_sec=0, tv_usec=800}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 17272'],
  [{ name: 'wait4', args: [-1, 0x7fffb5c64c3cn, 1, 0], ret: -10 }, 'wait4(-1, 0x7fffb5c64c3c, WNOHANG, NULL) = -1 ECHILD (No child processes)'],
  [{ name: 'wait4', args: [-1, P, 1, 0], ret: 0, mem: { out: { 1: int(0) } } }, L('wait4(-1, 0x7ffd1234a000, WNOHANG, NULL)', '0')],
  [{ name: 'wait4', args: [-1, P, 0x40000000, 0], ret: 300, mem: { out: { 1: int(0x8b) } } },
    'wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], __WALL, NULL) = 300'],
  [{ name: 'waitid', args: [1, 17271, P, 4, 0], ret: 0, mem: { out: { 2: siginfo(17, 1, (b) => b.i32(16, 17271).u32(20, 0).i32(24, 0)) } } },
    'waitid(P_PID, 17271, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=17271, si_uid=0, si_status=0, si_utime=0, si_stime=0}, WEXITED, NULL) = 0'],
  [{ name: 'waitid', args: [0, 0, P, 4, 0], ret: 0, mem: { out: { 2: siginfo(17, 2, (b) => b.i32(16, 300).u32(20, 1000).i32(24, 9).u64(32, 3)) } } },
    'waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=300, si_uid=1000, si_status=SIGKILL, si_utime=3 /* 0.03 s */, si_stime=0}, WEXITED, NULL) = 0'],
  [{ name: 'execve', args: [P, Q, 0x7ffc989e97c0n], strs: { 0: '/bin/true' }, ret: 0, mem: { in: { 1: argvPayload(3, ['/bin/true', 'a', 'b']), 2: count(2) } } },
    'execve("/bin/true", ["/bin/true", "a", "b"], 0x7ffc989e97c0 /* 2 vars */) = 0'],
  [{ name: 'execve', args: [P, Q, 0x7fffb5c64ad0n], strs: { 0: '/nonexistent' }, ret: -2, mem: { in: {
    1: argvPayload(39, ['a0', { s: 'this argument is a long string, ', truncated: true }, ...Array.from({ length: 30 }, (_, i) => `a${i + 2}`)]),
    2: count(1) } } },
    `execve("/nonexistent", ["a0", "this argument is a long string, "..., ${Array.from({ length: 30 }, (_, i) => `"a${i + 2}"`).join(', ')}, ...], 0x7fffb5c64ad0 /* 1 var */) = -1 ENOENT (No such file or directory)`],
  [{ name: 'clone3', args: [P, 88], ret: 4779, mem: { in: { 0: new Bytes(88).u64(0, 0x100000000n).u64(32, 17).bytes } } },
    'clone3({flags=CLONE_CLEAR_SIGHAND, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 4779'],
  [{ name: 'clone3', args: [P, 88], ret: 25902, mem: { in: { 0: new Bytes(88).u64(0, 0x3d0f00).u64(16, 0x7f89ddf2a990n).u64(24, 0x7f89ddf2a990n)
    .u64(40, 0x7f89dd72a000n).u64(48, 0x7fff80).u64(56, 0x7f89ddf2a6c0n).bytes } } },
    'clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f89ddf2a990, parent_tid=0x7f89ddf2a990, exit_signal=0, stack=0x7f89dd72a000, stack_size=0x7fff80, tls=0x7f89ddf2a6c0} => {parent_tid=[25902]}, 88) = 25902'],
  [{ name: 'uname', args: [P], ret: 0, mem: { out: { 0: new Bytes(390).str(0, 'Linux').str(65, 'vm').str(130, '6.18.44').bytes } } },
    L('uname({sysname="Linux", nodename="vm", ...})', '0')],
  [{ name: 'sysinfo', args: [P], ret: 0, mem: { out: { 0: new Bytes(112).u64(0, 1148).u64(8, 396224).u64(16, 386240).u64(24, 210720)
    .u64(32, 25276157952).u64(40, 22518566912).u64(48, 10395648).u64(56, 13672448).u16(80, 170).u32(104, 1).bytes } } },
    'sysinfo({uptime=1148, loads=[396224, 386240, 210720], totalram=25276157952, freeram=22518566912, sharedram=10395648, bufferram=13672448, totalswap=0, freeswap=0, procs=170, totalhigh=0, freehigh=0, mem_unit=1}) = 0'],
  [{ name: 'times', args: [P], ret: 1718151053, mem: { out: { 0: new Bytes(32).u64(0, 15).bytes } } },
    'times({tms_utime=15 /* 0.15 s */, tms_stime=0, tms_cutime=0, tms_cstime=0}) = 1718151053'],
  [{ name: 'getresuid', args: [P, P + 4n, P + 8n], ret: 0, mem: { out: { 0: int(0), 1: int(0), 2: int(0) } } }, L('getresuid([0], [0], [0])', '0')],
  [{ name: 'getgroups', args: [64, P], ret: 0 }, L('getgroups(64, [])', '0')],
  [{ name: 'getgroups', args: [1, P], ret: 1, mem: { out: { 1: int(0) } } }, L('getgroups(1, [0])', '1')],
  [{ name: 'setgroups', args: [1, P], ret: 0, mem: { in: { 1: int(0) } } }, L('setgroups(1, [0])', '0')],
  [{ name: 'sched_getaffinity', args: [0, 128, P], ret: 32, mem: { out: { 2: new Bytes(32).u8(0, 3).bytes } } },
    L('sched_getaffinity(0, 128, [0 1])', '32')],
  [{ name: 'arch_prctl', args: [0x1003, P], ret: 0, mem: { out: { 1: new Bytes(8).u64(0, 0x7ff2344e5740n).bytes } } },
    'arch_prctl(ARCH_GET_FS, [0x7ff2344e5740]) = 0'],
  [{ name: 'capget', args: [P, Q], ret: 0, mem: { in: { 0: new Bytes(8).u32(0, 0x20080522).bytes }, out: { 1: new Bytes(24).u32(0, 0x3).u32(4, 0x3).u32(12, 0x1).u32(16, 0x1).bytes } } },
    'capget({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|1<<CAP_DAC_OVERRIDE|1<<CAP_MAC_OVERRIDE, permitted=1<<CAP_CHOWN|1<<CAP_DAC_OVERRIDE|1<<CAP_MAC_OVERRIDE, inheritable=0}) = 0'],

  // ---------------------------------------------------------------- item 7
  [{ name: 'umask', args: [0], ret: 0o22 }, L('umask(000)', '022')],
  [{ name: 'umask', args: [0o22], ret: 0 }, L('umask(022)', '000')],
  [{ name: 'ioctl', args: [1, 0x5451, 0], ret: 0 }, L('ioctl(1, FIOCLEX)', '0')],
  [{ name: 'ioctl', args: [1, 0x5450, 0], ret: 0 }, L('ioctl(1, FIONCLEX)', '0')],
  [{ name: 'ioctl', args: [0, 0x5421, P], ret: 0, mem: { in: { 2: int(1) } } }, L('ioctl(0, FIONBIO, [1])', '0')],
  [{ name: 'ioctl', args: [3, 0x80045430, P], ret: 0, mem: { out: { 2: int(0) } } }, L('ioctl(3, TIOCGPTN, [0])', '0')],
  [{ name: 'ioctl', args: [0, 0x5413, 0x7fff334aba10n], ret: -25 }, L('ioctl(0, TIOCGWINSZ, 0x7fff334aba10)', '-1 ENOTTY (Inappropriate ioctl for device)')],
  [{ name: 'ioctl', args: [1, 0x5413, P], ret: 0, mem: { out: { 2: new Bytes(8).u16(0, 24).u16(2, 80).bytes } } },
    'ioctl(1, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0'],
  [{ name: 'ioctl', args: [3, 0x5441, 0x102], ret: 4 }, L('ioctl(3, TIOCGPTPEER, 0x102)', '4')],
  [{ name: 'ioctl', args: [4, 0x5401, P], ret: 0, mem: { out: { 2: new Bytes(16).u32(0, 0x500).u32(4, 5).u32(8, 0o277).u32(12, 0o105073).bytes } } },
    'ioctl(4, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0'],
  [{ name: 'ioctl', args: [0, 0x5401, 0x7fffa8899eb0n], ret: -25 }, L('ioctl(0, TCGETS, 0x7fffa8899eb0)', '-1 ENOTTY (Inappropriate ioctl for device)')],
  [{ name: 'pkey_alloc', args: [0, 2], ret: -22 }, L('pkey_alloc(0, PKEY_DISABLE_WRITE)', '-1 EINVAL (Invalid argument)')],
  [{ name: 'pkey_alloc', args: [0, 7], ret: -22 },
    'pkey_alloc(0, PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE|PKEY_DISABLE_EXECUTE) = -1 EINVAL (Invalid argument)'],
  [{ name: 'pkey_free', args: [-1], ret: -22 }, L('pkey_free(-1)', '-1 EINVAL (Invalid argument)')],
  [{ name: 'prctl', args: [15, P, 0, 0, 0], ret: 0, mem: { in: { 1: new Bytes(16).str(0, 'worker').bytes } } }, L('prctl(PR_SET_NAME, "worker")', '0')],
  [{ name: 'prctl', args: [16, P, 0, 0, 0], ret: 0, mem: { out: { 1: new Bytes(16).str(0, 'python3').bytes } } }, L('prctl(PR_GET_NAME, "python3")', '0')],
  [{ name: 'readv', args: [7, P, 2], ret: -9, mem: { out: { 1: iovPayload([{ base: Q, len: 3, data: '' }, { base: Q + 3n, len: 100, data: '' }]) } } },
    'readv(7, [{iov_base=0x7ffd1234b000, iov_len=3}, {iov_base=0x7ffd1234b003, iov_len=100}], 2) = -1 EBADF (Bad file descriptor)'],
];

