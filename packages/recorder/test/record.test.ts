/**
 * vltrace-record against the running kernel: the test program's calls come back from the log
 * with the right names, arguments, strings (cut exactly where vltrace(1) says for each -s
 * mode) and results; the log has the calls and results strace -f shows; nothing stays attached
 * afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Syscall } from '@vltrace/format';
import { convert } from '@vltrace/convert';
import { compareStrace, parseStraceLines } from '@vltrace/testkit';
import {
  buildProg, leftoverBpfSettled, noEbpf, pathOf, progPids, readLog, requireEbpf, runRecorder, tempDir, type Log,
} from './helpers.js';

const LENGTHS = [10, 126, 382, 765, 1531, 4095];
const TARGET = '/vlt-nonexistent/target';

/** Longest complete string with 1, 2, 3 string arguments, per mode (vltrace(1) -s, FORMAT.md). */
const MODES = [
  { mode: 'fast', args: ['-s', '126'], max: [382, 190, 126] },
  { mode: 'packet', args: ['-s', '382'], max: [382, 382, 382] },
  // N = ceil((1000 + 1) / 383) = 3 packets per string: 3 * 383 - 1 = 1148
  { mode: 'const', args: ['-s', '1000', '--string-mode', 'const'], max: [1148, 1148, 1148] },
  // N = ceil(4097 / 383) = 11: 4212 >= PATH_MAX - 1
  { mode: 'full', args: ['-s', '4096'], max: [4212, 4212, 4212] },
] as const;

/** Asserts string argument `arg` of `sc` is `full` cut at `max`, flagged when cut. */
function assertString(sc: Syscall, arg: number, full: string, max: number, what: string): void {
  const cut = full.length > max;
  const got = sc.strings[arg];
  assert.equal(got?.length, Math.min(full.length, max), `${what}: length`);
  assert.equal(got, cut ? full.slice(0, max) : full, `${what}: bytes`);
  assert.equal(sc.truncated[arg], cut, `${what}: truncated flag`);
  assert.equal(sc.readError[arg], false, `${what}: read error flag`);
}

function byName(calls: Syscall[], name: string, pred: (s: Syscall) => boolean = () => true): Syscall[] {
  return calls.filter((s) => s.name === name && s.status !== 'no-entry' && pred(s));
}

describe('vltrace-record: the test program, on the real kernel', { skip: noEbpf() }, () => {
  let prog: string;
  let dir: string;
  before(() => {
    requireEbpf();
    prog = buildProg();
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const m of MODES) {
    it(`-s ${m.mode}: every call, its arguments, strings and result`, async () => {
      const out = join(dir, `${m.mode}.bin`);
      const r = runRecorder(['-f', ...m.args, '-o', out, '--', prog], dir);
      // the exit status of the command propagates
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /vltrace-record: \d+ syscalls recorded, 0 lost/);
      assert.equal(statSync(out).mode & 0o777, 0o600, 'log mode');
      assert.equal(statSync(join(dir, 'trace.h')).isFile(), true, 'trace.h beside the log');
      const log = await readLog(out);
      assert.deepEqual(log.warnings, []);
      assert.equal(log.header.meta.strings.mode, m.mode);
      const [main] = [...progPids(log, prog)];
      assert.ok(main, 'exec of the test program');
      const own = log.syscalls.filter((s) => s.pid === main && s.tid === main);
      // the log starts with the command's execve, like strace's
      assert.equal(log.syscalls[0]?.name, 'execve');
      assert.equal(log.syscalls[0]?.strings[0], prog);

      // one string: open (arg 0) and openat (arg 1), each length, ENOENT
      const mine = (s: Syscall) => [0, 1].some((a) => s.strings[a]?.startsWith('/vlt-nonex'));
      const opens = byName(own, 'open', mine);
      const openats = byName(own, 'openat', mine);
      assert.equal(opens.length, LENGTHS.length);
      assert.equal(openats.length, LENGTHS.length);
      LENGTHS.forEach((len, i) => {
        assertString(opens[i]!, 0, pathOf(len, 'p'), m.max[0], `open ${len}`);
        assertString(openats[i]!, 1, pathOf(len, 'p'), m.max[0], `openat ${len}`);
        assert.equal(opens[i]!.errnoName, 'ENOENT');
        assert.equal(Number(openats[i]!.args[0]) | 0, -100, 'AT_FDCWD');
      });
      // two strings: 150 and 250 bytes
      const [rename] = byName(own, 'rename');
      assertString(rename!, 0, pathOf(150, 'a'), m.max[1], 'rename old');
      assertString(rename!, 1, pathOf(250, 'b'), m.max[1], 'rename new');
      assert.equal(rename!.errnoName, 'ENOENT');
      const [renameat2] = byName(own, 'renameat2');
      assertString(renameat2!, 1, pathOf(150, 'a'), m.max[1], 'renameat2 old');
      assertString(renameat2!, 3, pathOf(250, 'b'), m.max[1], 'renameat2 new');
      // three strings
      const [mount] = byName(own, 'mount');
      assertString(mount!, 0, pathOf(150, 'a'), m.max[2], 'mount source');
      assertString(mount!, 1, TARGET, m.max[2], 'mount target');
      assertString(mount!, 2, pathOf(20, 'c'), m.max[2], 'mount type');
      assert.ok(['ENOENT', 'ENODEV'].includes(mount!.errnoName ?? ''), `mount: ${mount!.errnoName}`);
      // failures with known errnos and raw arguments
      // an int -1 through syscall(2)'s varargs: the upper half of the register is not set
      const [close] = byName(own, 'close', (s) => BigInt.asIntN(32, s.args[0]!) === -1n);
      assert.equal(close?.errnoName, 'EBADF');
      assert.equal(close?.ret, -9n);
      assert.equal(byName(own, 'open', (s) => s.strings[0] === '/vlt-missing-file')[0]?.errnoName, 'ENOENT');
      const [mkdir] = byName(own, 'mkdir');
      assert.equal(mkdir?.strings[0], '/proc/vlt-cannot');
      assert.equal(mkdir?.args[1], 0o700n);
      assert.equal(mkdir?.errnoName, 'ENOENT');

      // the thread, fork, vfork + execve, clone: each child's marker under its own pid/tid
      const marker = (path: string) => log.syscalls.find((s) => s.name === 'access' && s.strings[0] === path);
      const thread = marker('/vlt-thread-marker');
      assert.equal(thread?.pid, main, 'thread in the process');
      assert.notEqual(thread?.tid, main, 'thread has its own tid');
      const forked = byName(own, 'clone').map((s) => Number(s.ret));
      assert.equal(forked.length, 2, 'fork() and clone() are clone(2)');
      assert.equal(marker('/vlt-fork-marker')?.pid, forked[0]);
      assert.equal(marker('/vlt-clone-marker')?.pid, forked[1]);
      const [vfork] = byName(own, 'vfork');
      const child = Number(vfork?.ret);
      const exec = log.syscalls.find((s) => s.pid === child && s.name === 'execve');
      assert.equal(exec?.strings[0], '/bin/true');
      assert.equal(exec?.ret, 0n);
      assert.ok(log.events.some((e) => e.type === 'exec' && e.pid === child && e.filename === '/bin/true'));
      assert.ok(log.events.some((e) => e.type === 'fork' && e.thread && e.childTid === thread?.tid));
      const exits = log.events.filter((e) => e.type === 'proc_exit' && e.groupDead);
      assert.equal(exits.find((e) => e.type === 'proc_exit' && e.pid === main && e.groupDead)?.type, 'proc_exit');
      assert.equal(exits.length, 4, 'the program, its fork, vfork and clone children');

      // totals: nothing lost, the trailer adds up
      const trailer = log.events.find((e) => e.type === 'trailer');
      assert.ok(trailer && trailer.type === 'trailer');
      assert.equal(trailer.lost, 0n);
      assert.equal(trailer.events, trailer.written + trailer.lost);
      assert.equal(trailer.interrupted, false);
      assert.equal(log.stats.readErrors, 0, 'no string read errors (retried at exit)');
      assert.deepEqual(await leftoverBpfSettled(), [], 'no vltrace BPF program or link left');
    });
  }

  it('const writes N packets per string, full only as many as needed', () => {
    const count = (args: string[]) => {
      const out = join(dir, 'count.bin');
      // only open(2): the program's six raw opens of 10..4095 bytes, and one more
      const r = runRecorder(['-e', 'open', '--stats', ...args, '-o', out, '--', prog], dir);
      assert.equal(r.status, 3, r.stderr);
      const m = /packets +(.*)/.exec(r.stderr)?.[1] ?? '';
      return Object.fromEntries(m.split(', ').map((kv) => kv.split(' ')).map(([k, v]) => [k, Number(v)]));
    };
    const c = count(['-s', '1000', '--string-mode', 'const']);
    assert.equal(c['entry'], 7);
    assert.equal(c['entry_cont'], 7 * 2, 'N = 3 packets for each of 7 strings');
    const f = count(['-s', '4096']);
    assert.equal(f['entry'], 7);
    // ceil(len / 383) packets each: 1 1 1 2 4 11, and 1 for /vlt-missing-file
    assert.equal(f['entry_cont'], 0 + 0 + 0 + 1 + 3 + 10 + 0);
  });

  it('records the calls and results strace -f shows (strace recorded in the same run)', async () => {
    // the recorder records strace tracing the program: both see the very same calls
    const straceOut = join(dir, 'strace.txt');
    const out = join(dir, 'cmp.bin');
    const r = runRecorder(['-f', '-o', out, '--', 'strace', '-f', '-o', straceOut, '--', prog], dir);
    assert.equal(r.status, 3, r.stderr);
    const straceText = readFileSync(straceOut, 'latin1');
    const tids = [...parseStraceLines(straceText).keys()];
    const ours = join(dir, 'cmp.strace');
    await convert({ inputs: [out], to: 'strace', output: ours, followForks: true, tids });
    const root = Number(/^(\d+)/.exec(straceText)![1]);
    const { callDiffs, threads, calls } = compareStrace(straceText, readFileSync(ours, 'latin1'), { root });
    assert.deepEqual(callDiffs, []);
    assert.equal(threads, 5, 'the program, its thread, fork, vfork and clone children');
    assert.ok(calls > 90, `${calls} calls compared`);
  });
});

export type { Log };
