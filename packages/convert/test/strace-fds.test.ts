// The -y tracker fed from table rows (@vltrace/convert/strace-fds), as vltrace-query's `files`
// uses it: the same decoder effects as the strace printer, and every change told to a watcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FD_CWD } from '@vltrace/format';
import { FdTracker, trackRow, trackedSyscalls, columnName, nameText, type CallColumns } from '../src/strace/fd-rows.js';
import { AT_FDCWD, O_CLOEXEC } from '../src/strace/tables/fcntl.js';

const row = (pid: number, syscall: string, args: (number | bigint)[], ret: number, strs: (string | null)[] = []): CallColumns =>
  ({ syscall, pid, tid: pid, args, strs, ret, status: 'complete' });

test('rows drive the tracker through the decoders: chdir, relative open, dup2, fork, exec, close', () => {
  const seen: string[] = [];
  const t = new FdTracker(undefined, {
    watch: (pid, fd, name) => seen.push(`${pid} ${fd === FD_CWD ? 'cwd' : fd} ${name?.path ?? '-'}`),
    keepRelative: true,
  });
  trackRow(t, row(10, 'openat', [AT_FDCWD, 0x1000, 0], 3, [null, 'rel/before']));
  trackRow(t, row(10, 'chdir', [0x1000], 0, ['/srv/app']));
  trackRow(t, row(10, 'openat', [AT_FDCWD, 0x1000, O_CLOEXEC], 4, [null, 'a/../data.txt']));
  trackRow(t, row(10, 'openat', [AT_FDCWD, 0x1000, 0], -2, [null, 'missing'])); // failed: no change
  trackRow(t, row(10, 'dup2', [4, 7], 7));
  assert.equal(t.resolve(10, AT_FDCWD, 'x/./y'), '/srv/app/x/y');
  t.fork(10, 11);
  trackRow(t, row(11, 'execve', [0x1000, 0, 0], 0, ['/bin/true']));
  trackRow(t, row(11, 'close', [7], 0));
  trackRow(t, row(11, 'chdir', [0x1000], 0, ['..']));
  assert.deepEqual(seen, [
    '10 3 rel/before', // the cwd unknown: kept as given (keepRelative)
    '10 cwd /srv/app',
    '10 4 /srv/app/data.txt',
    '10 7 /srv/app/data.txt',
    '11 cwd /srv/app', // the child's copy
    '11 3 rel/before',
    '11 4 /srv/app/data.txt',
    '11 7 /srv/app/data.txt',
    '11 4 -', // close-on-exec
    '11 7 -',
    '11 cwd /srv',
  ]);
  assert.equal(t.path(10, 4), '/srv/app/data.txt'); // the parent's table is its own
});

test('without keepRelative a path relative to an unknown directory names nothing (as -y prints it)', () => {
  const t = new FdTracker(undefined);
  trackRow(t, row(1, 'openat', [AT_FDCWD, 0x1000, 0], 3, [null, 'rel']));
  assert.equal(t.path(1, 3), undefined);
  assert.equal(t.resolve(1, AT_FDCWD, 'rel'), undefined);
});

test('tracked syscalls are those with an effect or recorded files; names are bytes, text escaped as the schema', () => {
  const names = new Set(trackedSyscalls());
  for (const n of ['open', 'openat', 'creat', 'dup', 'dup2', 'dup3', 'fcntl', 'close', 'close_range', 'chdir', 'fchdir', 'execve', 'socket', 'pipe2']) {
    assert.ok(names.has(n), n);
  }
  assert.ok(!names.has('read') && !names.has('getpid'));
  assert.equal(columnName('/tmp/é', 0, 0), '/tmp/\xc3\xa9');
  assert.equal(nameText('/tmp/\xc3\xa9'), '/tmp/é');
  assert.equal(columnName('/tmp/\\xff', 4 << 4, 1), '/tmp/\xff'); // str1 escaped
  assert.equal(nameText('/tmp/\xff'), '/tmp/\\xff');
});
