// The generated syscall/errno tables and the lookups over them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import {
  C,
  CLASS_LISTS,
  ERRNO,
  MAX_SYSCALL_NR,
  SYSCALLS_X86_64,
  SYSCALL_CLASS_NAMES,
  errnoByName,
  errnoMessage,
  errnoName,
  isRestartErrno,
  resolveSyscallExpr,
  stringArgMask,
  syscallByName,
  syscallByNr,
  syscallName,
  type SyscallDef,
} from '../src/tables/index.js';

const UNISTD_H = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
const TRACEFS_SYSCALLS = '/sys/kernel/tracing/events/syscalls';

const def = (name: string): SyscallDef => {
  const d = syscallByName(name);
  assert.ok(d, `no syscall ${name}`);
  return d;
};
const kinds = (name: string) => def(name).args.map((a) => a[2]);
const nr = (name: string) => def(name).nr;
const names = (set: Set<number>) => new Set([...set].map(syscallName));

test('syscall numbers: from the headers and probed from the kernel', () => {
  const expected: Record<string, number> = {
    read: 0, write: 1, open: 2, stat: 4, fstat: 5, lstat: 6, mmap: 9, rt_sigreturn: 15, sendfile: 40,
    clone: 56, execve: 59, uname: 63, umount2: 166, exit_group: 231, openat: 257, newfstatat: 262,
    clone3: 435, set_mempolicy_home_node: 450,
    // newer than the 6.1 headers: numbered by the generator's probe
    uretprobe: 335, uprobe: 336, cachestat: 451, fchmodat2: 452, futex_wake: 454, statmount: 457,
    mseal: 462, setxattrat: 463, file_setattr: 469,
  };
  for (const [name, n] of Object.entries(expected)) {
    assert.equal(syscallByName(name)?.nr, n, name);
    assert.equal(syscallName(n), name);
    assert.equal(syscallByNr(n)?.name, name);
  }
  // The kernel's event names are not the user-facing names.
  for (const name of ['newstat', 'newfstat', 'newlstat', 'newuname', 'sendfile64', 'umount']) {
    assert.equal(syscallByName(name), undefined, name);
  }
});

test('unknown numbers are named like strace does', () => {
  assert.equal(syscallName(453), 'syscall_0x1c5');
  assert.equal(syscallName(999), 'syscall_0x3e7');
  assert.equal(syscallName(-1), 'syscall_0xffffffffffffffff');
  assert.equal(syscallByNr(999), undefined);
});

test('argument kinds', () => {
  assert.deepEqual(kinds('openat'), ['dirfd', 'path', 'flags', 'mode']);
  assert.deepEqual(def('openat').args[1], ['filename', 'const char *', 'path']);
  assert.deepEqual(kinds('read'), ['fd', 'ptr', 'size']);
  assert.deepEqual(kinds('write'), ['fd', 'ptr', 'size']);
  assert.deepEqual(kinds('execve'), ['path', 'argv', 'argv']);
  assert.deepEqual(kinds('mount').slice(0, 3), ['path', 'path', 'string']);
  assert.equal(kinds('mount')[4], 'ptr'); // data: not necessarily a string
  assert.deepEqual(kinds('renameat2'), ['dirfd', 'path', 'dirfd', 'path', 'flags']);
  assert.deepEqual(kinds('setxattr').slice(0, 3), ['path', 'string', 'ptr']); // value has a length
  assert.deepEqual(kinds('kill'), ['pid', 'signal']);
  assert.deepEqual(kinds('chown'), ['path', 'uid', 'gid']);
  assert.deepEqual(kinds('mmap'), ['ptr', 'size', 'flags', 'flags', 'fd', 'offset']);
  assert.equal(kinds('rseq')[3], 'uint'); // rseq's sig is a signature, not a signal
  assert.deepEqual(kinds('access'), ['path', 'flags']); // R_OK|W_OK, not a file mode
  assert.deepEqual(kinds('umask'), ['mode']);
  assert.deepEqual(def('stat').args, [['filename', 'const char *', 'path'], ['statbuf', 'struct stat *', 'ptr']]);
  assert.deepEqual(def('getpid').args, []);
});

test('stringArgMask marks exactly the path and string arguments', () => {
  assert.equal(stringArgMask(nr('openat')), 0b10);
  assert.equal(stringArgMask(nr('read')), 0);
  assert.equal(stringArgMask(nr('write')), 0, 'write buf is not a string');
  assert.equal(stringArgMask(nr('mount')), 0b111);
  assert.equal(stringArgMask(nr('renameat2')), 0b1010);
  assert.equal(stringArgMask(nr('execve')), 0b1, 'argv arrays are not plain strings');
  assert.equal(stringArgMask(nr('setxattr')), 0b11);
  assert.equal(stringArgMask(999), 0);
  for (const d of SYSCALLS_X86_64) {
    const expected = d.args.reduce((m, a, i) => (a[2] === 'path' || a[2] === 'string' ? m | (1 << i) : m), 0);
    assert.equal(stringArgMask(d.nr), expected, d.name);
  }
});

test('classes', () => {
  const has = (cls: number, name: string) => (def(name).classes & cls) !== 0;
  for (const n of ['open', 'openat', 'stat', 'lstat', 'newfstatat', 'statx', 'execve', 'mount', 'rename', 'truncate', 'acct']) {
    assert.ok(has(C.FILE, n), `%file ${n}`);
  }
  for (const n of ['read', 'fstat', 'getpid', 'socket']) assert.ok(!has(C.FILE, n), `not %file ${n}`);
  // strace files getcwd under %file though it takes no path
  assert.ok(has(C.FILE, 'getcwd'), '%file getcwd');
  for (const n of ['socket', 'connect', 'accept4', 'sendmsg', 'recvmmsg']) assert.ok(has(C.NETWORK, n), `%network ${n}`);
  for (const n of ['clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit_group', 'wait4', 'kill']) {
    assert.ok(has(C.PROCESS, n), `%process ${n}`);
  }
  for (const n of ['read', 'close', 'openat', 'socket', 'pipe2', 'epoll_create1', 'mmap', 'poll', 'dup']) {
    assert.ok(has(C.DESC, n), `%desc ${n}`);
  }
  for (const n of ['getpid', 'mkdir', 'kill']) assert.ok(!has(C.DESC, n), `not %desc ${n}`);
  for (const n of ['mmap', 'munmap', 'brk', 'mprotect', 'mseal']) assert.ok(has(C.MEMORY, n), `%memory ${n}`);
  for (const n of ['rt_sigaction', 'kill', 'rt_sigreturn']) assert.ok(has(C.SIGNAL, n), `%signal ${n}`);
  for (const n of ['shmget', 'semop', 'msgsnd']) assert.ok(has(C.IPC, n), `%ipc ${n}`);
  for (const n of ['setuid', 'getresgid', 'capset']) assert.ok(has(C.CREDS, n), `%creds ${n}`);
  for (const n of ['clock_gettime', 'gettimeofday', 'time']) assert.ok(has(C.CLOCK, n), `%clock ${n}`);
  assert.ok(has(C.STAT, 'stat') && has(C.LSTAT, 'lstat') && has(C.FSTAT, 'fstat') && has(C.FSTAT, 'newfstatat'));
  for (const n of ['stat', 'lstat', 'fstat', 'newfstatat', 'statx']) assert.ok(has(C.STAT_ANY, n), `%%stat ${n}`);
  for (const n of ['statfs', 'fstatfs', 'ustat']) assert.ok(has(C.STATFS_ANY, n), `%%statfs ${n}`);
  assert.ok(has(C.PURE, 'getpid') && has(C.PURE, 'gettid') && !has(C.PURE, 'getpgid'));
});

test('%file and %desc follow the argument kinds; listed classes follow classes.ts', () => {
  for (const d of SYSCALLS_X86_64) {
    const ks = d.args.map((a) => a[2]);
    const fileListed = (CLASS_LISTS.FILE as readonly string[]).includes(d.name);
    assert.equal((d.classes & C.FILE) !== 0, ks.includes('path') || fileListed, `%file ${d.name}`);
    if (ks.includes('fd') || ks.includes('dirfd')) assert.ok(d.classes & C.DESC, `%desc ${d.name}`);
    if (d.classes & C.PURE) assert.equal(d.args.length, 0, `%pure ${d.name} takes no arguments`);
  }
  for (const [key, list] of Object.entries(CLASS_LISTS) as [keyof typeof C, readonly string[]][]) {
    for (const name of list) {
      const d = syscallByName(name);
      if (d) assert.ok(d.classes & C[key], `${name} in ${key}`);
    }
  }
});

test('trace expressions', () => {
  assert.equal(resolveSyscallExpr('all').size, SYSCALLS_X86_64.length);
  assert.equal(resolveSyscallExpr('none').size, 0);
  assert.deepEqual(names(resolveSyscallExpr('open,close')), new Set(['open', 'close']));
  assert.deepEqual(resolveSyscallExpr('trace=open'), resolveSyscallExpr('open'));
  assert.deepEqual(names(resolveSyscallExpr('0,1')), new Set(['read', 'write']));

  const file = resolveSyscallExpr('%file');
  assert.ok(file.has(nr('open')) && file.has(nr('stat')) && !file.has(nr('read')));
  assert.deepEqual(resolveSyscallExpr('file'), file, 'deprecated bare class name');
  const notFile = resolveSyscallExpr('!%file');
  assert.equal(file.size + notFile.size, SYSCALLS_X86_64.length);
  assert.ok(notFile.has(nr('read')) && !notFile.has(nr('open')));
  // `!` negates the whole set
  const notFileNorClose = resolveSyscallExpr('!%file,close');
  assert.ok(!notFileNorClose.has(nr('close')) && !notFileNorClose.has(nr('open')) && notFileNorClose.has(nr('read')));
  assert.ok(resolveSyscallExpr('%file,close').has(nr('close')));
  assert.deepEqual(resolveSyscallExpr('%net'), resolveSyscallExpr('%network'));
  assert.ok(resolveSyscallExpr('%%stat').has(nr('statx')));

  assert.deepEqual(resolveSyscallExpr('?nosuch'), new Set());
  assert.deepEqual(names(resolveSyscallExpr('?nosuch,read')), new Set(['read']));
  assert.deepEqual(names(resolveSyscallExpr('/^(read|write)$')), new Set(['read', 'write']));
  assert.ok(resolveSyscallExpr('/stat').has(nr('newfstatat')), 'regex matches anywhere');
  assert.deepEqual(resolveSyscallExpr('?/^nomatch$'), new Set());

  assert.throws(() => resolveSyscallExpr('nosuch'), /invalid system call 'nosuch'/);
  assert.throws(() => resolveSyscallExpr('read,nosuch,bogus'), /'nosuch', 'bogus'/);
  assert.throws(() => resolveSyscallExpr('/^nomatch$'), /'\/\^nomatch\$'/);
  assert.throws(() => resolveSyscallExpr('/(unclosed'), /invalid regular expression/);
  assert.throws(() => resolveSyscallExpr('%nosuch'), /'%nosuch'/);
  assert.throws(() => resolveSyscallExpr('net'), /'net'/, 'strace accepts only %net');
  assert.throws(() => resolveSyscallExpr('%file,!read'), /'!read'/, '! only at the start');
  assert.throws(() => resolveSyscallExpr(String(MAX_SYSCALL_NR + 1)), /invalid system call/);
  assert.throws(() => resolveSyscallExpr(''), /empty/);
  assert.throws(() => resolveSyscallExpr('!'), /empty/);
});

test('vltrace legacy kp-* sets', () => {
  const all = resolveSyscallExpr('kp-all');
  const file = resolveSyscallExpr('kp-file');
  const desc = resolveSyscallExpr('kp-desc');
  const fileio = resolveSyscallExpr('kp-fileio');
  assert.equal(all.size, SYSCALLS_X86_64.length);
  assert.ok(file.has(nr('open')) && file.has(nr('setxattr')) && file.has(nr('memfd_create')) && !file.has(nr('read')));
  assert.ok(desc.has(nr('read')) && desc.has(nr('fstat')) && !desc.has(nr('open')) && !desc.has(nr('mmap')));
  for (const n of [...file, ...desc]) assert.ok(fileio.has(n), syscallName(n));
  assert.equal(fileio.size, new Set([...file, ...desc]).size);
});

test('errno names and messages', () => {
  assert.equal(errnoName(2), 'ENOENT');
  assert.equal(errnoMessage(2), 'No such file or directory');
  assert.equal(errnoName(11), 'EAGAIN');
  assert.equal(errnoMessage(11), 'Resource temporarily unavailable');
  assert.equal(errnoByName('EWOULDBLOCK'), 11);
  assert.equal(errnoByName('EDEADLOCK'), errnoByName('EDEADLK'));
  assert.equal(errnoName(133), 'EHWPOISON');
  assert.equal(errnoName(41), undefined, 'no errno 41 on Linux');
  assert.equal(errnoMessage(4000), 'Unknown error 4000');
  assert.equal(errnoName(512), 'ERESTARTSYS');
  assert.equal(errnoMessage(512), 'To be restarted if SA_RESTART is set');
  assert.equal(errnoName(516), 'ERESTART_RESTARTBLOCK');
  assert.equal(errnoName(515), 'ENOIOCTLCMD');
  assert.ok(isRestartErrno(512) && isRestartErrno(516) && !isRestartErrno(515) && !isRestartErrno(4));
  const nums = ERRNO.map((r) => r[0]);
  assert.deepEqual(nums, [...nums].sort((a, b) => a - b), 'sorted');
  assert.equal(new Set(nums).size, nums.length, 'unique numbers');
  assert.equal(new Set(ERRNO.map((r) => r[1])).size, ERRNO.length, 'unique names');
});

test('table integrity: sorted, unique, at most 6 arguments, no unexpected gaps', () => {
  const nrs = SYSCALLS_X86_64.map((d) => d.nr);
  assert.deepEqual(nrs, [...nrs].sort((a, b) => a - b), 'sorted by number');
  assert.equal(new Set(nrs).size, nrs.length, 'unique numbers');
  assert.equal(new Set(SYSCALLS_X86_64.map((d) => d.name)).size, nrs.length, 'unique names');
  for (const d of SYSCALLS_X86_64) {
    assert.ok(d.args.length <= 6, `${d.name} has ${d.args.length} args`);
    assert.match(d.name, /^[a-z_][a-z0-9_]*$/);
  }
  assert.equal(MAX_SYSCALL_NR, Math.max(...nrs));
  assert.ok(MAX_SYSCALL_NR >= 469, 'syscalls up to file_setattr (6.17)');
  // 337-423 are reserved on x86_64 to keep numbers in sync with other
  // architectures; 453 (map_shadow_stack) exists only with user shadow stacks.
  const allowedGap = (n: number) => (n >= 337 && n <= 423) || n === 453;
  const have = new Set(nrs);
  const missing = [];
  for (let n = 0; n <= MAX_SYSCALL_NR; n++) if (!have.has(n) && !allowedGap(n)) missing.push(n);
  assert.deepEqual(missing, []);
  assert.ok(SYSCALL_CLASS_NAMES.includes('%file') && SYSCALL_CLASS_NAMES.includes('%%stat'));
});

test('every syscall of the unistd_64.h header is in the table with its number', (t) => {
  if (!existsSync(UNISTD_H)) {
    t.skip(`${UNISTD_H} not present (install linux-libc-dev)`);
    return;
  }
  const header = [...readFileSync(UNISTD_H, 'utf8').matchAll(/^#define\s+__NR_(\w+)\s+(\d+)\s*$/gm)];
  assert.ok(header.length > 300);
  for (const [, name, n] of header) assert.equal(syscallByName(name)?.nr, Number(n), name);
});

test('every syscall event of the running kernel is in the table with its arity', (t) => {
  if (!existsSync(TRACEFS_SYSCALLS)) {
    t.skip(`${TRACEFS_SYSCALLS} not readable (needs root and a mounted tracefs)`);
    return;
  }
  const renamed: Record<string, string> = {
    newstat: 'stat', newlstat: 'lstat', newfstat: 'fstat', newuname: 'uname', sendfile64: 'sendfile', umount: 'umount2',
  };
  for (const entry of readdirSync(TRACEFS_SYSCALLS)) {
    const event = /^sys_enter_(\w+)$/.exec(entry)?.[1];
    if (!event) continue;
    const format = readFileSync(`${TRACEFS_SYSCALLS}/${entry}/format`, 'utf8');
    const fields = [...format.matchAll(/^\s*field:[^;]*?(\w+);/gm)].map((m) => m[1]);
    const nargs = fields.length - fields.indexOf('__syscall_nr') - 1;
    const d = syscallByName(renamed[event] ?? event);
    assert.ok(d, `tracefs event ${event} missing from the table`);
    assert.equal(d.args.length, nargs, event);
  }
});
