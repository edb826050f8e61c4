// Under -f, strace prints a call whole only when no other line comes between its entry and its
// exit; otherwise its entry ends with `<unfinished ...>` (after the arguments it had at entry)
// and it resumes where it returns (`<... read resumed>` and the arguments the kernel filled).
// Threads killed inside a call print `= ?`; calls still running when the recording ends print
// as strace detaching. The expected lines are strace 6's, from runs of the same situations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPTURES, readsArgument, type PacketWriter } from '@vltrace/format';
import { retFd } from '../src/strace/decoder.js';
import { decoderFor } from '../src/strace/decoders/index.js';
import { record, straceOf, type Sc } from './strace-helpers.js';

const P = 0x7ffd1234a000n;
const T0 = 1_000_000_000n; // record()'s clock origin
const MAIN = 100;
const THREAD = 101;
const ERESTARTSYS = -512;

const lines = async (build: (w: PacketWriter) => void, opts = {}) => (await straceOf(build, { followForks: true, ...opts })).split('\n').slice(0, -1);
const at = (tid: number, sc: Omit<Sc, 'pid' | 'tid'>): Sc => ({ pid: MAIN, tid, ...sc });

test('a call another thread prints during is split: input arguments at entry, output ones where it resumes', async () => {
  assert.deepEqual(await lines((w) => record(w, [
    at(MAIN, { name: 'read', args: [3, P, 832], ret: 832, at: 0n, dur: 5000n }),
    at(THREAD, { name: 'getpid', args: [], ret: MAIN, at: 1000n, dur: 100n }),
  ])), [
    '100   read(3,  <unfinished ...>',
    '101   getpid()                          = 100',
    '100   <... read resumed>0x7ffd1234a000, 832) = 832',
  ]);
});

test('calls of two threads one after the other print whole; a call inside another prints whole', async () => {
  assert.deepEqual(await lines((w) => record(w, [
    at(MAIN, { name: 'getpid', args: [], ret: MAIN, at: 0n, dur: 100n }),
    at(THREAD, { name: 'getpid', args: [], ret: MAIN, at: 200n, dur: 100n }),
    at(MAIN, { name: 'wait4', args: [-1, P, 0, 0], ret: THREAD, at: 1000n, dur: 9000n }),
    at(THREAD, { name: 'close', args: [3], ret: 0, at: 2000n, dur: 100n }),
    at(THREAD, { name: 'nanosleep', args: [P, P], ret: 0, at: 3000n, dur: 9000n }),
  ])), [
    '100   getpid()                          = 100',
    '101   getpid()                          = 100',
    '100   wait4(-1,  <unfinished ...>',
    '101   close(3)                          = 0',
    '101   nanosleep(0x7ffd1234a000,  <unfinished ...>',
    // resumed in the order they return
    '100   <... wait4 resumed>0x7ffd1234a000, 0, NULL) = 101',
    '101   <... nanosleep resumed>0x7ffd1234a000) = 0',
  ]);
});

test('where each call splits: after its inputs, the comma at entry or (clone) at exit', async () => {
  const split = async (sc: Sc) => lines((w) => record(w, [
    { ...sc, pid: MAIN, tid: MAIN, at: 0n, dur: 5000n },
    at(THREAD, { name: 'getpid', args: [], ret: MAIN, at: 1000n, dur: 100n }),
  ])).then((l) => [l[0]!, l[2]!]);
  assert.deepEqual(await split({ name: 'clone', args: [0x1200011, 0, 0, P, 0], ret: 102 }), [
    '100   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>',
    '100   <... clone resumed>, child_tidptr=0x7ffd1234a000) = 102',
  ]);
  // no CLONE_*SETTID: nothing left for the exit half
  assert.deepEqual(await split({ name: 'clone', args: [0x11, 0, 0, 0, 0], ret: 102 }), [
    '100   clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>',
    '100   <... clone resumed>)              = 102',
  ]);
  assert.deepEqual(await split({ name: 'getcwd', args: [P, 4096], ret: 5 }), [
    '100   getcwd( <unfinished ...>',
    '100   <... getcwd resumed>0x7ffd1234a000, 4096) = 5',
  ]);
  assert.deepEqual(await split({ name: 'futex', args: [P, 0x80, 2, 0], ret: 0 }), [
    '100   futex(0x7ffd1234a000, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>',
    '100   <... futex resumed>)              = 0',
  ]);
  assert.deepEqual(await split({ name: 'newfstatat', args: [-100, P, P, 0], strs: { 1: '/etc' }, ret: 0 }), [
    '100   newfstatat(AT_FDCWD, "/etc",  <unfinished ...>',
    '100   <... newfstatat resumed>0x7ffd1234a000, 0) = 0',
  ]);
  assert.deepEqual(await split({ name: 'rt_sigprocmask', args: [2, P, 0, 8], ret: 0 }), [
    '100   rt_sigprocmask(SIG_SETMASK, 0x7ffd1234a000,  <unfinished ...>',
    '100   <... rt_sigprocmask resumed>NULL, 8) = 0',
  ]);
  // a syscall without a decoder of its own: what the capture table reads at exit is output
  assert.deepEqual(await split({ name: 'getresuid', args: [P, P, P], ret: 0 }), [
    '100   getresuid( <unfinished ...>',
    '100   <... getresuid resumed>0x7ffd1234a000, 0x7ffd1234a000, 0x7ffd1234a000) = 0',
  ]);
});

test('every argument the capture table reads only at exit (the kernel fills it) prints in the exit half', () => {
  for (const [name, caps] of Object.entries(CAPTURES)) {
    const split = decoderFor(name, 6).exitFrom;
    for (const c of caps) {
      if (c.at !== 'exit' || !readsArgument(c) || caps.some((e) => e.arg === c.arg && e.at === 'entry')) continue;
      // printer k prints argument k in these decoders
      assert.ok(split !== undefined && split <= c.arg, `${name}: argument ${c.arg} is an output one, but prints at entry (exitFrom ${split})`);
    }
  }
});

test('every call the capture table reads a returned descriptor of prints its result as one (`= 3</etc/passwd>` with -y)', () => {
  for (const [name, caps] of Object.entries(CAPTURES)) {
    if (caps.some((c) => c.how === 'FD_RET')) assert.equal(decoderFor(name, 6).ret, retFd, name);
  }
});

test('a thread killed in a call prints `= ?` (its exit with a restart code never reached the program)', async () => {
  // the process's other thread calls exit_group while this one waits in read
  assert.deepEqual(await lines((w) => {
    record(w, [
      at(THREAD, { name: 'read', args: [3, P, 1], ret: ERESTARTSYS, at: 1000n, dur: 4000n }),
      at(MAIN, { name: 'exit_group', args: [0], at: 4000n }),
    ]);
    w.procExit({ pid: MAIN, tid: THREAD, ts: T0 + 5100n, exitCode: 0, groupDead: false, comm: 'prog' });
    w.procExit({ pid: MAIN, tid: MAIN, ts: T0 + 6000n, exitCode: 0, comm: 'prog' });
  }), [
    '101   read(3,  <unfinished ...>',
    '100   exit_group(0 <unfinished ...>',
    '101   <... read resumed> <unfinished ...>) = ?',
    '101   +++ exited with 0 +++',
    '100   <... exit_group resumed>)         = ?',
    '100   +++ exited with 0 +++',
  ]);
  // nothing between: the line stays whole
  assert.deepEqual(await lines((w) => {
    record(w, [at(THREAD, { name: 'read', args: [3, P, 1], ret: ERESTARTSYS, at: 1000n, dur: 4000n })]);
    w.procExit({ pid: MAIN, tid: THREAD, ts: T0 + 5100n, exitCode: 9, groupDead: false, comm: 'prog' });
    record(w, [at(MAIN, { name: 'exit_group', args: [0], at: 6000n })]);
    w.procExit({ pid: MAIN, tid: MAIN, ts: T0 + 6500n, exitCode: 0, comm: 'prog' });
  }), [
    '101   read(3,  <unfinished ...>)        = ?',
    '101   +++ killed by SIGKILL +++',
    '100   exit_group(0)                     = ?',
    '100   +++ exited with 0 +++',
  ]);
});

test('a signal line of the thread after its restart code: the call returned (strace: ERESTARTSYS, the signal, then the death)', async () => {
  // SIGTERM without a handler, under ptrace: strace sees the exit, then the signal, then the death
  assert.deepEqual(await lines((w) => {
    record(w, [at(MAIN, { name: 'read', args: [3, P, 4], ret: ERESTARTSYS, at: 1000n, dur: 4000n })]);
    w.signal({ pid: MAIN, tid: MAIN, ts: T0 + 5050n, signo: 15, code: 0, fields: new Uint8Array(32) });
    w.procExit({ pid: MAIN, tid: MAIN, ts: T0 + 5100n, exitCode: 15, comm: 'prog' });
  }), [
    '100   read(3, 0x7ffd1234a000, 4)        = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
    '100   --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=0, si_uid=0} ---',
    '100   +++ killed by SIGTERM +++',
  ]);
});

test('a restart code the thread lives on from prints as strace shows it', async () => {
  // interrupted by a signal with a handler: the thread's next call comes
  assert.deepEqual(await lines((w) => record(w, [
    at(MAIN, { name: 'read', args: [0, P, 1], ret: ERESTARTSYS, at: 0n, dur: 1000n }),
    at(MAIN, { name: 'rt_sigreturn', args: [], ret: ERESTARTSYS, at: 2000n, dur: 100n }),
    at(MAIN, { name: 'read', args: [0, P, 1], ret: 1, at: 3000n, dur: 100n }),
  ])), [
    '100   read(0, 0x7ffd1234a000, 1)        = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
    '100   rt_sigreturn()                    = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
    '100   read(0, 0x7ffd1234a000, 1)        = 1',
  ]);
});

test('a call longer than the reorder window starts where it enters (read with ENTERED rows)', async () => {
  // the parent waits 2 s for its child, which works meanwhile: the default window is 0.5 s
  const s = 1_000_000_000n;
  const text = await lines((w) => {
    record(w, [at(MAIN, { name: 'wait4', args: [-1, P, 0, 0], ret: 102, at: 0n, dur: 2n * s })]);
    for (let k = 1n; k <= 19n; k++) record(w, [{ name: 'getppid', args: [], ret: MAIN, pid: 102, at: (k * s) / 10n, dur: 100n }]);
  });
  assert.equal(text.length, 21);
  assert.equal(text[0], '100   wait4(-1,  <unfinished ...>');
  assert.ok(text.slice(1, 20).every((l) => l === '102   getppid()                         = 100'));
  assert.equal(text[20], '100   <... wait4 resumed>0x7ffd1234a000, 0, NULL) = 102');
});

test('calls still running when the recording stops print as strace detaching', async () => {
  assert.deepEqual(await lines((w) => record(w, [
    at(MAIN, { name: 'read', args: [0, P, 1], at: 0n }),
    at(THREAD, { name: 'futex', args: [P, 0x80, 2, 0], at: 1000n }),
  ])), [
    '100   read(0,  <unfinished ...>',
    '101   futex(0x7ffd1234a000, FUTEX_WAIT_PRIVATE, 2, NULL <detached ...>',
  ]);
  // and calls that began before it started print their end alone, as they return
  assert.deepEqual(await lines((w) => record(w, [at(MAIN, { name: 'read', noEntry: true, ret: 5, at: 0n })])), [
    '100   <... read resumed>)               = 5',
  ]);
});

test('-tt and -T on split lines: the entry half at its entry time, the resumed half at its exit with the duration', async () => {
  assert.deepEqual(await lines((w) => record(w, [
    at(MAIN, { name: 'read', args: [3, P, 832], ret: 832, at: 0n, dur: 5_000_000n }),
    at(THREAD, { name: 'getpid', args: [], ret: MAIN, at: 1_000_000n, dur: 1000n }),
  ]), { timestamps: 'tt', syscallTimes: true }), [
    '100   09:40:00.000000 read(3,  <unfinished ...>',
    '101   09:40:00.001000 getpid()          = 100 <0.000001>',
    '100   09:40:00.005000 <... read resumed>0x7ffd1234a000, 832) = 832 <0.005000>',
  ]);
});
