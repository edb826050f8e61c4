// The comparison of strace outputs (src/strace-compare.ts) that the tests against real strace
// rely on: parsing every kind of line, joining split calls, pairing per thread, categories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareStrace, joinCalls, parseStraceLines } from '../src/strace-compare.js';

const STRACE = [
  '10    execve("/bin/x", ["x"], 0x7ffc0 /* 3 vars */) = 0',
  '10    read(3,  <unfinished ...>',
  '11    newfstatat(AT_FDCWD, "/etc", {st_mode=S_IFDIR|0755, st_size=4096, ...}, 0) = 0',
  '10    <... read resumed>"ab(c)", 5)      = 5',
  '10    write(1, "ab", 2)                  = 2',
  '11    --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=12, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---',
  '11    poll([{fd=3, events=POLLIN}], 1, 0) = 1 ([{fd=3, revents=POLLIN}])',
  '11    futex(0x7f00, FUTEX_WAIT, 2, NULL <detached ...>',
  '10    +++ exited with 0 +++',
  '',
].join('\n');

const OURS = [
  '10    getpid()                          = 10', // before the command's execve: left out
  '10    execve("/bin/x", 0x7ffc1, 0x7ffc0) = 0',
  '10    read(3, 0x7f10, 5)                 = 5',
  '11    newfstatat(AT_FDCWD, "/etc", 0x7f20, 0) = 0',
  '10    write(1, "ab", 2)                  = 2',
  '11    poll([{fd=3, events=POLLIN}], 1, 0) = 1',
  '11    futex(0x7f00, FUTEX_WAIT, 2, NULL <detached ...>',
  '10    +++ exited with 0 +++',
  '',
].join('\n');

test('parses calls, halves, signal and exit lines per thread; joins split calls', () => {
  const lines = parseStraceLines(STRACE);
  assert.deepEqual([...lines.keys()], [10, 11]);
  assert.deepEqual(lines.get(10)!.map((l) => [l.kind, l.name]), [['call', 'execve'], ['unfinished', 'read'], ['resumed', 'read'], ['call', 'write'], ['exit', '']]);
  assert.deepEqual(lines.get(11)!.map((l) => [l.kind, l.name]), [['call', 'newfstatat'], ['signal', 'SIGCHLD'], ['call', 'poll'], ['unfinished', 'futex']]);
  const resumed = lines.get(10)![2]!;
  assert.deepEqual([resumed.args, resumed.result], [['"ab(c)"', '5'], '5']);
  assert.deepEqual(lines.get(10)![0]!.args, ['"/bin/x"', '["x"]', '0x7ffc0 /* 3 vars */']);
  assert.deepEqual(joinCalls(lines.get(10)!).map((c) => [c.name, c.args.join(', '), c.result]), [
    ['execve', '"/bin/x", ["x"], 0x7ffc0 /* 3 vars */', '0'],
    ['read', '3, "ab(c)", 5', '5'],
    ['write', '1, "ab", 2', '2'],
  ]);
});

test('compares line by line per thread and says why each line differs', () => {
  const c = compareStrace(STRACE, OURS, { root: 10 });
  assert.equal(c.straceLines, 9);
  assert.equal(c.oursLines, 7, 'the line before execve is left out');
  assert.equal(c.identical, 3, 'write, futex, exit');
  assert.equal(c.total, 9, 'lines of both, paired ones once');
  assert.deepEqual(Object.fromEntries(Object.entries(c.byCategory).filter(([, n]) => n > 0)), {
    argv: 1, 'pointer vs struct': 2, 'signal line': 1, 'unfinished/resumed': 2,
  });
  const why = (s: string) => c.diffs.find((d) => d.strace?.includes(s) || d.ours?.includes(s))?.category;
  assert.equal(why('execve'), 'argv');
  assert.equal(why('newfstatat'), 'pointer vs struct');
  assert.equal(why('poll'), 'pointer vs struct', 'the result strace reads from memory');
  assert.equal(why('SIGCHLD'), 'signal line');
  assert.equal(why('read'), 'unfinished/resumed');
  // with read's halves joined: 8 lines, read still differs by its buffer
  assert.equal(c.joinedShare, 3 / 8);
});

test('compares the calls of each thread by name and result', () => {
  const same = compareStrace(STRACE, OURS, { root: 10 });
  assert.deepEqual([same.threads, same.calls, same.callDiffs], [2, 6, []], 'what the lines differ by leaves names and results alike');
  const other = OURS.replace('write(1, "ab", 2)                  = 2', 'write(1, "ab", 2)                  = -1 EPIPE (Broken pipe)');
  assert.deepEqual(compareStrace(STRACE, other, { root: 10 }).callDiffs, ['thread 10 call 2: strace write = 2, vltrace write = -1 EPIPE (Broken pipe)']);
  const extra = OURS + '12    getpid()                           = 12\n';
  assert.deepEqual(compareStrace(STRACE, extra, { root: 10 }).callDiffs, ["thread 12: not in strace's output"]);
});
