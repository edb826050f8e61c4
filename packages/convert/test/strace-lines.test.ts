// strace output beyond single calls: -f prefixes, timestamps, -T, -y fd tracking across
// fork/exec/dup/close/chdir, process events, lost events, -s and -X.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFileRecords, FD_CWD, FILE_FLAGS, FS_MAGIC, type PacketWriter } from '@vltrace/format';
import { META, record, straceOf } from './strace-helpers.js';
import { cat } from './struct-bytes.js';

const P = 0x7ffd1234a000n;
const AT_FDCWD = -100;
const O_CLOEXEC = 0o2000000;

test('-f: `pid  ` prefixes as strace -f -o writes them; the child\'s return from fork is not shown', async () => {
  const text = await straceOf((w) => {
    // the parent's clone returns before its child's first line: nothing comes between
    record(w, [{ name: 'clone', args: [0x1200011, 0, 0, P, 0], ret: 1001, pid: 1000, at: 1000n, dur: 1500n }]);
    w.fork({ pid: 1000, tid: 1000, ts: 1_000_002_000n, childPid: 1001, childTid: 1001, comm: 'prog' });
    record(w, [
      { name: 'clone', noEntry: true, ret: 0, pid: 1001, at: 3000n, dur: 0n },
      { name: 'getpid', args: [], ret: 1001, pid: 1001, at: 4000n, dur: 500n },
      { name: 'exit_group', args: [7], pid: 1001, at: 5000n },
    ]);
    w.procExit({ pid: 1001, tid: 1001, ts: 1_000_006_000n, exitCode: 7 << 8, comm: 'prog' });
    record(w, [{ name: 'wait4', args: [-1, P, 0, 0], ret: 1001, pid: 1000, at: 7000n }]);
    w.procExit({ pid: 1000, tid: 1000, ts: 1_000_009_000n, exitCode: 9, comm: 'prog' });
    w.procExit({ pid: 1000, tid: 1002, ts: 1_000_009_500n, exitCode: 0x86, groupDead: false, comm: 'prog' });
  }, { followForks: undefined });
  assert.equal(text, [
    '1000  clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7ffd1234a000) = 1001',
    '1001  getpid()                          = 1001',
    '1001  exit_group(7)                     = ?',
    '1001  +++ exited with 7 +++',
    '1000  wait4(-1, 0x7ffd1234a000, 0, NULL) = 1001',
    '1000  +++ killed by SIGKILL +++',
    '1002  +++ killed by SIGABRT (core dumped) +++',
    '',
  ].join('\n'));
});

test('without -f in the recording, prefixes start with the second process, as strace without -f does', async () => {
  const meta = { ...META, followForks: false };
  const text = await straceOf((w) => record(w, [
    { name: 'getpid', args: [], ret: 5, pid: 5 },
    { name: 'getpid', args: [], ret: 6, pid: 6 },
    { name: 'getpid', args: [], ret: 5, pid: 5 },
  ]), { followForks: undefined }, meta);
  assert.deepEqual(text.split('\n').slice(0, 3), [
    'getpid()                                = 5',
    '6     getpid()                          = 6',
    '5     getpid()                          = 5',
  ]);
});

test('-t, -tt, -ttt use the wall clock of the header; -r the time since the previous line; -T the time in the call', async () => {
  const build = (w: Parameters<Parameters<typeof straceOf>[0]>[0]) => record(w, [
    { name: 'getpid', args: [], ret: 100, at: 1_500_000n, dur: 12_345n },
    { name: 'getppid', args: [], ret: 1, at: 2_000_250_000n, dur: 999n },
  ]);
  // realtime origin 1764150000 s: 2025-11-26T09:40:00Z; -t/-tt print local time (TZ is set below)
  process.env.TZ = 'UTC';
  assert.deepEqual((await straceOf(build, { timestamps: 'tt' })).split('\n').slice(0, 2), [
    '09:40:00.001500 getpid()                = 100',
    '09:40:02.000250 getppid()               = 1',
  ]);
  assert.equal((await straceOf(build, { timestamps: 't' })).split('\n')[1], '09:40:02 getppid()                      = 1');
  assert.equal((await straceOf(build, { timestamps: 'ttt', syscallTimes: true })).split('\n')[0],
    '1764150000.001500 getpid()              = 100 <0.000012>');
  assert.deepEqual((await straceOf(build, { timestamps: 'r' })).split('\n').slice(0, 2), [
    '     0.000000 getpid()                  = 100',
    '     1.998750 getppid()                 = 1',
  ]);
  // SinkOptions' spellings: timestamps 2 = -tt, relativeTimestamps = -r, stringWidth = -s
  assert.equal((await straceOf(build, { timestamps: 2 })).split('\n')[0], '09:40:00.001500 getpid()                = 100');
  assert.equal((await straceOf(build, { relativeTimestamps: true })).split('\n')[1], '     1.998750 getppid()                 = 1');
});

test('-y: paths of descriptors, learnt from open/dup/fcntl/socket and chdir, inherited at fork, CLOEXEC dropped at exec', async () => {
  const text = await straceOf((w) => {
    record(w, [
      { name: 'openat', args: [AT_FDCWD, P, O_CLOEXEC, 0], strs: { 1: '/etc/passwd' }, ret: 3 },
      { name: 'read', args: [3, P, 4096], ret: 100 },
      { name: 'chdir', args: [P], strs: { 0: 'sub/../work' }, ret: 0 },
      { name: 'openat', args: [AT_FDCWD, P, 0o101, 0o600], strs: { 1: 'out<1>.txt' }, ret: 4 },
      { name: 'dup2', args: [4, 1], ret: 1 },
      { name: 'fcntl', args: [4, 1030, 10], ret: 10 },
      { name: 'openat', args: [4, P, 0, 0], strs: { 1: 'x' }, ret: -20 },
      { name: 'socket', args: [2, 1, 0], ret: 5 },
      { name: 'write', args: [2, P, 1], ret: 1 },
    ]);
    w.fork({ pid: 100, tid: 100, ts: 1_000_000_000n + 10_000_000_000n, childPid: 101, childTid: 101, comm: 'prog' });
    record(w, [
      { name: 'close', args: [5], ret: 0, pid: 100, at: 10_000_010_000n },
      { name: 'write', args: [5, P, 1], ret: 1, pid: 101, at: 10_000_020_000n },
      { name: 'execve', args: [P, P, P], strs: { 0: '/bin/cat' }, ret: 0, pid: 101, at: 10_000_030_000n },
    ]);
    w.exec({ pid: 101, tid: 101, ts: 1_000_000_000n + 10_000_035_000n, comm: 'cat', filename: '/bin/cat' });
    record(w, [
      { name: 'read', args: [3, P, 10], ret: -9, pid: 101, at: 10_000_040_000n },
      { name: 'read', args: [10, P, 10], ret: 0, pid: 101, at: 10_000_050_000n },
      { name: 'close', args: [10], ret: 0, pid: 101, at: 10_000_060_000n },
      { name: 'read', args: [10, P, 10], ret: -9, pid: 101, at: 10_000_070_000n },
    ]);
  }, { decodeFds: true });
  assert.deepEqual(text.split('\n'), [
    'openat(AT_FDCWD</home/u>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>',
    'read(3</etc/passwd>, 0x7ffd1234a000, 4096) = 100',
    'chdir("sub/../work")                    = 0',
    'openat(AT_FDCWD</home/u/work>, "out<1>.txt", O_WRONLY|O_CREAT, 0600) = 4</home/u/work/out\\0741\\76.txt>',
    'dup2(4</home/u/work/out\\0741\\76.txt>, 1) = 1</home/u/work/out\\0741\\76.txt>',
    'fcntl(4</home/u/work/out\\0741\\76.txt>, F_DUPFD_CLOEXEC, 10) = 10</home/u/work/out\\0741\\76.txt>',
    'openat(4</home/u/work/out\\0741\\76.txt>, "x", O_RDONLY) = -1 ENOTDIR (Not a directory)',
    'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 5<socket:[?]>',
    'write(2, 0x7ffd1234a000, 1)             = 1',
    'close(5<socket:[?]>)                    = 0',
    'write(5<socket:[?]>, 0x7ffd1234a000, 1) = 1',
    'execve("/bin/cat", 0x7ffd1234a000, 0x7ffd1234a000) = 0',
    'read(3, 0x7ffd1234a000, 10)             = -1 EBADF (Bad file descriptor)',
    'read(10, 0x7ffd1234a000, 10)            = 0',
    'close(10)                               = 0',
    'read(10, 0x7ffd1234a000, 10)            = -1 EBADF (Bad file descriptor)',
    '',
  ]);
});

/** A FILE record chunk: the file behind a descriptor as the recorder reads it (components innermost first). */
const file = (fd: number, magic: number, components: string[], flags = 0, ino = 0n) => encodeFileRecords([{ fd, ino, magic, flags, components }]);
const EXT4 = 0xef53;
const DNAME = FILE_FLAGS.DNAME.bit;

test('-y from what the recorder read: paths as /proc names them, pipes and sockets by inode, (deleted), the cwd after chdir', async () => {
  const text = await straceOf((w) => {
    // what the process held before recording started
    w.fdInfo({ pid: 100, ts: 1_000_000_000n, fd: FD_CWD, path: '/srv/app' });
    w.fdInfo({ pid: 100, ts: 1_000_000_000n, fd: 1, path: '/srv/app/out.log' });
    w.fdInfo({ pid: 100, ts: 1_000_000_000n, fd: 2, path: '/tmp/old.log', deleted: true });
    record(w, [
      { name: 'write', args: [1, P, 1], ret: 1 },
      { name: 'write', args: [2, P, 1], ret: 1 },
      // opened through a symlinked directory: the record names the real file
      { name: 'openat', args: [AT_FDCWD, P, O_CLOEXEC, 0], strs: { 1: '/lib/x86_64-linux-gnu/libc.so.6' }, ret: 3, mem: { out: { 5: file(3, EXT4, ['libc.so.6', 'x86_64-linux-gnu', 'lib', 'usr']) } } },
      { name: 'close', args: [3], ret: 0 },
      { name: 'pipe2', args: [P, O_CLOEXEC], ret: 0, mem: { out: { 0: cat(file(3, FS_MAGIC.PIPEFS, [''], DNAME, 534129n), file(4, FS_MAGIC.PIPEFS, [''], DNAME, 534129n)) } } },
      { name: 'socket', args: [1, 1, 0], ret: 5, mem: { out: { 5: file(5, FS_MAGIC.SOCKFS, ['UNIX'], DNAME, 534131n) } } },
      { name: 'memfd_create', args: [P, 0], strs: { 0: 'x<y>' }, ret: 6, mem: { out: { 5: file(6, 0x01021994, ['memfd:x<y>'], DNAME) } } },
      { name: 'dup2', args: [6, 9], ret: 9, mem: { out: { 5: file(9, 0x01021994, ['memfd:x<y>'], DNAME) } } },
      { name: 'chdir', args: [P], strs: { 0: '/lib' }, ret: 0, mem: { out: { 5: file(FD_CWD, EXT4, ['lib', 'usr']) } } },
      { name: 'openat', args: [AT_FDCWD, P, 0, 0], strs: { 1: 'x' }, ret: -2 },
      // a call the capture table does not know: learnt from the call (fcntl F_DUPFD)
      { name: 'fcntl', args: [5, 0, 20], ret: 20 },
      { name: 'close', args: [20], ret: 0 },
    ]);
  }, { decodeFds: true });
  assert.deepEqual(text.split('\n'), [
    'write(1</srv/app/out.log>, 0x7ffd1234a000, 1) = 1',
    'write(2</tmp/old.log>(deleted), 0x7ffd1234a000, 1) = 1',
    'openat(AT_FDCWD</srv/app>, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libc.so.6>',
    'close(3</usr/lib/x86_64-linux-gnu/libc.so.6>) = 0',
    'pipe2([3<pipe:[534129]>, 4<pipe:[534129]>], O_CLOEXEC) = 0',
    'socket(AF_UNIX, SOCK_STREAM, 0)         = 5<socket:[534131]>',
    'memfd_create("x<y>", 0)                 = 6</memfd:x\\74y\\76>(deleted)',
    'dup2(6</memfd:x\\74y\\76>(deleted), 9)    = 9</memfd:x\\74y\\76>(deleted)',
    'chdir("/lib")                           = 0',
    'openat(AT_FDCWD</usr/lib>, "x", O_RDONLY) = -1 ENOENT (No such file or directory)',
    'fcntl(5<socket:[534131]>, F_DUPFD, 20)  = 20<socket:[534131]>',
    'close(20<socket:[534131]>)              = 0',
    '',
  ]);
  // without -y the pair still prints from its records
  assert.match(await straceOf((w) => record(w, [
    { name: 'pipe2', args: [P, 0], ret: 0, mem: { out: { 0: cat(file(3, FS_MAGIC.PIPEFS, [''], DNAME, 7n), file(4, FS_MAGIC.PIPEFS, [''], DNAME, 7n)) } } },
  ])), /^pipe2\(\[3, 4\], 0\) += 0\n$/);
});

test('-y with filters: what is not printed still names descriptors (a child inherits what its unprinted parent opened)', async () => {
  const build = (w: PacketWriter) => {
    w.fdInfo({ pid: 100, ts: 1_000_000_000n, fd: 0, path: '/dev/null' });
    record(w, [
      { name: 'openat', args: [AT_FDCWD, P, 0, 0], strs: { 1: 'data' }, ret: 3, at: 5_000n, mem: { out: { 5: file(3, EXT4, ['data', 'srv']) } } },
      { name: 'read', args: [3, P, 4], ret: 4, at: 10_000n },
    ]);
    w.fork({ pid: 100, tid: 100, ts: 1_000_020_000n, childPid: 101, childTid: 101, comm: 'prog' });
    record(w, [
      { name: 'read', args: [3, P, 4], ret: 4, pid: 101, at: 30_000n },
      { name: 'read', args: [0, P, 4], ret: 0, pid: 101, at: 40_000n },
      { name: 'read', args: [3, P, 4], ret: 0, pid: 100, at: 50_000n },
    ]);
  };
  assert.deepEqual((await straceOf(build, { decodeFds: true, printFilter: { pids: [101] } })).split('\n'), [
    'read(3</srv/data>, 0x7ffd1234a000, 4)   = 4',
    'read(0</dev/null>, 0x7ffd1234a000, 4)   = 0',
    '',
  ]);
  // -e trace=read: the open is not printed, its descriptor is named
  assert.deepEqual((await straceOf(build, { decodeFds: true, printFilter: { trace: 'read', pids: [100] } })).split('\n'), [
    'read(3</srv/data>, 0x7ffd1234a000, 4)   = 4',
    'read(3</srv/data>, 0x7ffd1234a000, 4)   = 0',
    '',
  ]);
});

test('lost events and an incomplete recording are never silent', async () => {
  const text = await straceOf((w) => {
    record(w, [{ name: 'getpid', args: [], ret: 100, at: 1000n }]);
    w.lost({ ts: 1_000_005_000n, cpu: 1, count: 12n, firstTs: 1_000_002_000n, lastTs: 1_000_004_000n });
    record(w, [{ name: 'getpid', args: [], ret: 100, at: 6000n }]);
    w.trailer({ ts: 1_000_010_000n, events: 1016n, written: 1004n, lost: 12n, lostPerCpu: [0n, 12n], writeError: true });
  });
  assert.deepEqual(text.split('\n'), [
    'getpid()                                = 100',
    '--- vltrace: 12 packets lost on CPU 1 ---',
    'getpid()                                = 100',
    '--- vltrace: 12 of 1016 packets lost in all ---',
    '--- vltrace: recording stopped early by a write error ---',
    '',
  ]);
});

test('a thread that execs supersedes its process, as strace says', async () => {
  const text = await straceOf((w) => {
    w.exec({ pid: 100, tid: 100, oldTid: 102, ts: 1_000_000_100n, comm: 'ls', filename: '/bin/ls' });
  }, { followForks: true });
  assert.equal(text, '102   +++ superseded by execve in pid 100 +++\n');
});

test('-s cuts non-path strings; paths are always printed in full', async () => {
  const long = 'x'.repeat(50);
  const text = await straceOf((w) => record(w, [
    { name: 'setxattr', args: [P, P, P, 4, 0], strs: { 0: '/' + long, 1: 'user.' + long }, ret: 0 },
  ]), { stringLimit: 8 });
  assert.equal(text, `setxattr("/${long}", "user.xxx"..., 0x7ffd1234a000, 4, 0) = 0\n`);
});

test('-X raw and verbose print the numbers; one engine for flags and values', async () => {
  const sc = { name: 'openat', args: [AT_FDCWD, P, 0o2000101, 0o644], strs: { 1: 'f' }, ret: 3 } as const;
  assert.equal(await straceOf((w) => record(w, [sc]), { constStyle: 'raw' }),
    'openat(-100, "f", 0x80041, 0644)        = 3\n');
  assert.equal(await straceOf((w) => record(w, [sc]), { constStyle: 'verbose' }),
    'openat(-100 /* AT_FDCWD */, "f", 0x80041 /* O_WRONLY|O_CREAT|O_CLOEXEC */, 0644) = 3\n');
  const mm = { name: 'mmap', args: [0, 4096, 3, 0x22, -1, 0], ret: 0x7f0000000000n } as const;
  assert.equal(await straceOf((w) => record(w, [mm]), { constStyle: 'verbose' }),
    'mmap(NULL, 4096, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0) = 0x7f0000000000\n');
});
