// strace lines of calls whose arguments point to memory: the recording's data chunks (format
// 1.1) decoded as strace prints them. Each case records one call with the bytes the recorder
// would have read (x86-64 layouts, built field by field) and expects the line strace 6 printed
// for the same call on a real run (the shapes come from `strace -f` of test programs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineOf, type Sc } from './strace-helpers.js';
import { argvPayload, count, int, iovPayload, stat, text } from './struct-bytes.js';
import { AT_FDCWD, CASES, L, P, pollfds, Q, S_IFREG } from './strace-data-cases.js';
import type { StraceOptions } from '../src/sinks/strace.js';

for (const [sc, expected, opts] of CASES) {
  test(`strace data: ${expected}`, async () => {
    assert.equal(await lineOf(sc, opts), expected);
  });
}

// ---------------------------------------------------------------- missing memory: what strace prints for a failed read

test('without data chunks (format 1.0, or nothing read) pointers print as addresses, never crash', async () => {
  const bare: [Sc, string][] = [
    [{ name: 'fstat', args: [3, P], ret: 0 }, L('fstat(3, 0x7ffd1234a000)', '0')],
    [{ name: 'read', args: [3, P, 10], ret: 10 }, L('read(3, 0x7ffd1234a000, 10)', '10')],
    [{ name: 'pipe2', args: [P, 0], ret: 0 }, L('pipe2(0x7ffd1234a000, 0)', '0')],
    [{ name: 'execve', args: [P, Q, Q], strs: { 0: '/bin/ls' }, ret: 0 }, 'execve("/bin/ls", 0x7ffd1234b000, 0x7ffd1234b000) = 0'],
    [{ name: 'poll', args: [P, 1, 0], ret: 1 }, L('poll(0x7ffd1234a000, 1, 0)', '1')],
    [{ name: 'rt_sigreturn', args: [P], ret: 0 }, L('rt_sigreturn()', '0')],
    [{ name: 'wait4', args: [-1, P, 0, 0], ret: 5 }, L('wait4(-1, 0x7ffd1234a000, 0, NULL)', '5')],
  ];
  for (const [sc, line] of bare) assert.equal(await lineOf(sc), line);
});

test('short or unreadable memory prints the address, as strace does when its read fails', async () => {
  // half a struct stat, an unreadable sockaddr, a read error in a buffer with nothing read
  assert.equal(await lineOf({ name: 'fstat', args: [3, P], ret: 0, mem: { out: { 1: new Uint8Array(40) } } }), L('fstat(3, 0x7ffd1234a000)', '0'));
  assert.equal(await lineOf({ name: 'connect', args: [3, P, 16], ret: -14, mem: { in: { 1: { bytes: new Uint8Array(0), readError: true } } } }),
    L('connect(3, 0x7ffd1234a000, 16)', '-1 EFAULT (Bad address)'));
  assert.equal(await lineOf({ name: 'write', args: [1, P, 5], ret: -14, mem: { in: { 1: { bytes: new Uint8Array(0), readError: true } } } }),
    L('write(1, 0x7ffd1234a000, 5)', '-1 EFAULT (Bad address)'));
  // an output struct of a failed call is not printed even when bytes came along
  assert.equal(await lineOf({ name: 'fstat', args: [3, P], ret: -9, mem: { out: { 1: stat(S_IFREG | 0o644, 1) } } }),
    L('fstat(3, 0x7ffd1234a000)', '-1 EBADF (Bad file descriptor)'));
});

test('a buffer the recorder kept shorter than -s prints what it holds and `...`', async () => {
  // recorded with -s 8, converted with the default 32
  assert.equal(await lineOf({ name: 'write', args: [1, P, 20], ret: 20, mem: { in: { 1: text('01234567') } } }),
    L('write(1, "01234567"..., 20)', '20'));
});

test('paths print whole up to PATH_MAX - 1 bytes whatever -s says, longer ones cut there with `...` (as strace 6)', async () => {
  const open = (path: string, opts: Partial<StraceOptions> = {}) =>
    lineOf({ name: 'openat', args: [AT_FDCWD, P, 0, 0], strs: { 1: path }, ret: -36 }, opts);
  const tail = ', O_RDONLY) = -1 ENAMETOOLONG (File name too long)';
  const p4095 = '/' + 'a'.repeat(4094);
  const p4100 = '/' + 'a'.repeat(4099);
  const p4212 = '/' + 'a'.repeat(4211);
  assert.equal(await open(p4095, { stringLimit: 10 }), `openat(AT_FDCWD, "${p4095}"${tail}`);
  assert.equal(await open(p4100, { stringLimit: 4096 }), `openat(AT_FDCWD, "${p4095}"...${tail}`);
  assert.equal(await open(p4212, { stringLimit: 4096 }), `openat(AT_FDCWD, "${p4095}"...${tail}`);
  // a non-path string is cut at -s
  assert.equal(await lineOf({ name: 'setxattr', args: [P, Q, Q, 4, 0], strs: { 0: '/f', 1: 'user.abcdefghij' }, ret: 0 }, { stringLimit: 8 }),
    L('setxattr("/f", "user.abc"..., 0x7ffd1234b000, 4, 0)', '0'));
});

test('arrays stop after -s elements with `...` (poll entries, iovecs, argv)', async () => {
  const many = pollfds(...Array.from({ length: 5 }, (_, i) => [i, 1, 0] as [number, number, number]));
  assert.equal(await lineOf({ name: 'poll', args: [P, 5, 0], ret: 0, mem: { in: { 0: many }, out: { 0: many } } }, { stringLimit: 3 }),
    'poll([{fd=0, events=POLLIN}, {fd=1, events=POLLIN}, {fd=2, events=POLLIN}, ...], 5, 0) = 0 (Timeout)');
  const iov = iovPayload(Array.from({ length: 4 }, (_, i) => ({ base: Q + BigInt(i), len: 1, data: String(i) })));
  assert.equal(await lineOf({ name: 'writev', args: [1, P, 4], ret: 4, mem: { in: { 1: iov } } }, { stringLimit: 2 }),
    L('writev(1, [{iov_base="0", iov_len=1}, {iov_base="1", iov_len=1}, ...], 4)', '4'));
  assert.equal(await lineOf({ name: 'execve', args: [P, Q, Q], strs: { 0: '/bin/echo' }, ret: 0, mem: { in: { 1: argvPayload(4, ['ls', 'a', 'b']), 2: count(0) } } }, { stringLimit: 3 }),
    'execve("/bin/echo", ["ls", "a", "b", ...], 0x7ffd1234b000 /* 0 vars */) = 0');
});

test('-X raw and verbose apply inside structs', async () => {
  const sc: Sc = { name: 'fstat', args: [3, P], ret: 0, mem: { out: { 1: stat(S_IFREG | 0o644, 10) } } };
  assert.equal(await lineOf(sc, { constStyle: 'raw' }), L('fstat(3, {st_mode=0100644, st_size=10, ...})', '0'));
  assert.equal(await lineOf(sc, { constStyle: 'verbose' }), L('fstat(3, {st_mode=0100644 /* S_IFREG|0644 */, st_size=10, ...})', '0'));
});

test('memory shorter than a printer expects prints, never throws', async () => {
  // a getsockopt whose value was cut short by the recorder, an IOV chunk cut mid-record, a siginfo of 20 bytes
  const cases: Sc[] = [
    { name: 'getsockopt', args: [7, 1, 17, P, Q], ret: 0, mem: { in: { 4: int(12) }, out: { 3: new Uint8Array(5), 4: int(12) } } },
    { name: 'writev', args: [1, P, 2], ret: 3, mem: { in: { 1: iovPayload([{ base: Q, len: 3, data: 'abc' }]).subarray(0, 30) } } },
    { name: 'readv', args: [1, P, 2], ret: 3, mem: { out: { 1: new Uint8Array([2, 0, 0, 0, 1]) } } },
    { name: 'execve', args: [P, Q, Q], strs: { 0: '/x' }, ret: 0, mem: { in: { 1: new Uint8Array([9, 0, 0, 0, 5, 0]), 2: new Uint8Array(2) } } },
    { name: 'poll', args: [P, 3, 0], ret: 2, mem: { in: { 0: new Uint8Array(9) }, out: { 0: new Uint8Array(3) } } },
    { name: 'pselect6', args: [9, P, 0, 0, 0, Q], ret: 1, mem: { in: { 1: new Uint8Array(0), 5: new Uint8Array(20) }, out: { 1: new Uint8Array(1) } } },
    { name: 'sched_getaffinity', args: [0, 128, P], ret: 128, mem: { out: { 2: new Uint8Array(3) } } },
  ];
  for (const sc of cases) assert.match(await lineOf(sc), new RegExp(`^${sc.name}\\(.*\\) += `));
});
