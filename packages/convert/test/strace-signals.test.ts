// Signal lines (`--- SIGCHLD {…} ---`) and siginfo_t as strace 6 prints them, one sender kind per
// case with strace's text beside it; then through the sink from SIGNAL packets (PacketWriter.signal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printSiginfo, printSignalInfo, signalLine } from '../src/strace/siginfo.js';
import { nrOf, record, straceOf } from './strace-helpers.js';

type Put = readonly [offset: number, type: 'i32' | 'u32' | 'i64' | 'u64', value: number | bigint];

/** The 32 bytes of the siginfo union with these values. */
function union(...puts: Put[]): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  for (const [o, t, v] of puts) {
    if (t === 'i32') dv.setInt32(o, Number(v), true);
    else if (t === 'u32') dv.setUint32(o, Number(v), true);
    else if (t === 'i64') dv.setBigInt64(o, BigInt(v), true);
    else dv.setBigUint64(o, BigInt(v), true);
  }
  return b;
}
const pidUid = (pid: number, uid: number): Put[] => [[0, 'i32', pid], [4, 'u32', uid]];

// [signo, si_errno, si_code, union, strace's text]
const CASES: readonly [number, number, number, Uint8Array, string][] = [
  // from user space (si_code ≤ 0): by si_code
  [10, 0, 0, union(...pidUid(4242, 1000)), '{si_signo=SIGUSR1, si_code=SI_USER, si_pid=4242, si_uid=1000}'],
  [12, 0, -6, union(...pidUid(4242, 0)), '{si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=4242, si_uid=0}'],
  [36, 0, -1, union(...pidUid(4242, 0), [8, 'u64', 42]), '{si_signo=SIGRT_4, si_code=SI_QUEUE, si_pid=4242, si_uid=0, si_int=42, si_ptr=0x2a}'],
  [34, 0, -1, union(...pidUid(4242, 0)), '{si_signo=SIGRT_2, si_code=SI_QUEUE, si_pid=4242, si_uid=0}'],
  [10, 0, -2, union([0, 'i32', 0], [4, 'i32', 0], [8, 'u64', 7]), '{si_signo=SIGUSR1, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=7, si_ptr=0x7}'],
  [14, 0, -2, union([0, 'i32', 3], [4, 'i32', 2], [8, 'u64', 0x7ffd00001234n]),
    '{si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0x3, si_overrun=2, si_int=4660, si_ptr=0x7ffd00001234}'],
  [29, 0, -5, union([0, 'i64', 65], [8, 'i32', 5]), '{si_signo=SIGIO, si_code=SI_SIGIO, si_band=65, si_fd=5}'],
  [15, 0, -3, union(...pidUid(1, 4294967295)), '{si_signo=SIGTERM, si_code=SI_MESGQ, si_pid=1, si_uid=-1}'],
  [1, 0, -100, union(...pidUid(7, 0)), '{si_signo=SIGHUP, si_code=0xffffff9c, si_pid=7, si_uid=0}'],
  // from the kernel (si_code > 0): by signal
  [17, 0, 1, union(...pidUid(300, 0), [8, 'i32', 3]), '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=300, si_uid=0, si_status=3, si_utime=0, si_stime=0}'],
  [17, 0, 2, union(...pidUid(301, 0), [8, 'i32', 9], [16, 'i64', 5], [24, 'i64', 123]),
    '{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=301, si_uid=0, si_status=SIGKILL, si_utime=5 /* 0.05 s */, si_stime=123 /* 1.23 s */}'],
  [17, 0, 3, union(...pidUid(302, 0), [8, 'i32', 11]), '{si_signo=SIGCHLD, si_code=CLD_DUMPED, si_pid=302, si_uid=0, si_status=SIGSEGV, si_utime=0, si_stime=0}'],
  [17, 0, 5, union(...pidUid(303, 0), [8, 'i32', 19]), '{si_signo=SIGCHLD, si_code=CLD_STOPPED, si_pid=303, si_uid=0, si_status=SIGSTOP, si_utime=0, si_stime=0}'],
  [17, 0, 6, union(...pidUid(303, 0), [8, 'i32', 18]), '{si_signo=SIGCHLD, si_code=CLD_CONTINUED, si_pid=303, si_uid=0, si_status=SIGCONT, si_utime=0, si_stime=0}'],
  [11, 0, 1, union([0, 'u64', 16]), '{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}'],
  [11, 0, 2, union([0, 'u64', 0x401000]), '{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x401000}'],
  [11, 0, 0x80, union(), '{si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL}'],
  [11, 0, 3, union([0, 'u64', 0x1000], [16, 'u64', 0x2000], [24, 'u64', 0x3000]),
    '{si_signo=SIGSEGV, si_code=SEGV_BNDERR, si_addr=0x1000, si_lower=0x2000, si_upper=0x3000}'],
  [11, 0, 4, union([0, 'u64', 0x1000], [16, 'u32', 1]), '{si_signo=SIGSEGV, si_code=SEGV_PKUERR, si_addr=0x1000, si_pkey=1}'],
  [7, 0, 2, union([0, 'u64', 0x700000000000n]), '{si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x700000000000}'],
  [7, 0, 4, union([0, 'u64', 0x7f0000000000n], [8, 'u32', 12]), '{si_signo=SIGBUS, si_code=BUS_MCEERR_AR, si_addr=0x7f0000000000, si_addr_lsb=0xc}'],
  [8, 0, 1, union([0, 'u64', 0x401234]), '{si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=0x401234}'],
  [4, 0, 2, union([0, 'u64', 0x401514]), '{si_signo=SIGILL, si_code=ILL_ILLOPN, si_addr=0x401514}'],
  [5, 0, 1, union([0, 'u64', 0x401000]), '{si_signo=SIGTRAP, si_code=TRAP_BRKPT, si_addr=0x401000}'],
  [29, 0, 1, union([0, 'i64', 65], [8, 'i32', 3]), '{si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3}'],
  [29, 0, 4, union([0, 'i64', 8], [8, 'i32', 3]), '{si_signo=SIGIO, si_code=POLL_ERR, si_band=8, si_fd=3}'],
  [29, 0, 7, union([0, 'i64', 8], [8, 'i32', 3]), '{si_signo=SIGIO, si_code=0x7}'],
  [29, 0, 0x80, union(), '{si_signo=SIGIO, si_code=SI_KERNEL}'],
  [31, 0, 1, union([0, 'u64', 0x7f9a8412b321n], [8, 'i32', nrOf('mount')], [12, 'u32', 0xc000003e]),
    '{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x7f9a8412b321, si_syscall=__NR_mount, si_arch=AUDIT_ARCH_X86_64}'],
  [31, 2, 1, union([0, 'u64', 0x1000], [8, 'i32', 1], [12, 'u32', 0x40000003]),
    '{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_errno=ENOENT, si_call_addr=0x1000, si_syscall=1, si_arch=AUDIT_ARCH_I386}'],
  [14, 0, 0x80, union(), '{si_signo=SIGALRM, si_code=SI_KERNEL}'],
  // the kernel's default: the source when set, the value when set
  [1, 0, 0x80, union(...pidUid(55, 0)), '{si_signo=SIGHUP, si_code=SI_KERNEL, si_pid=55, si_uid=0}'],
  [27, 0, 1, union(), '{si_signo=SIGPROF, si_code=0x1}'],
  [13, 0, 0x80, union([8, 'u64', 0x10]), '{si_signo=SIGPIPE, si_code=SI_KERNEL, si_int=16, si_ptr=0x10}'],
  [11, 0, 77, union([0, 'u64', 8]), '{si_signo=SIGSEGV, si_code=0x4d, si_addr=0x8}'],
  [99, 0, 0, union(...pidUid(1, 0)), '{si_signo=99, si_code=SI_USER, si_pid=1, si_uid=0}'],
  [10, 4095, 0, union(...pidUid(1, 0)), '{si_signo=SIGUSR1, si_code=SI_USER, si_errno=4095, si_pid=1, si_uid=0}'],
  [0, 0, 0, union(), '{}'],
];

test('siginfo: each sender kind prints the fields strace prints', () => {
  for (const [signo, errno, code, fields, want] of CASES) assert.equal(printSignalInfo(signo, errno, code, fields), want);
});

test('siginfo: -X raw and -X verbose (as strace 6.1 prints them)', () => {
  const chld = union(...pidUid(27409, 0), [8, 'i32', 9]);
  assert.equal(printSignalInfo(17, 0, 2, chld, { style: 'raw' }), '{si_signo=17, si_code=0x2, si_pid=27409, si_uid=0, si_status=9, si_utime=0, si_stime=0}');
  assert.equal(printSignalInfo(17, 0, 2, chld, { style: 'verbose' }),
    '{si_signo=17 /* SIGCHLD */, si_code=0x2 /* CLD_KILLED */, si_pid=27409, si_uid=0, si_status=9 /* SIGKILL */, si_utime=0, si_stime=0}');
  assert.equal(printSignalInfo(12, 0, -6, union(...pidUid(1, 0)), { style: 'raw' }), '{si_signo=12, si_code=0xfffffffa, si_pid=1, si_uid=0}');
  assert.equal(printSignalInfo(12, 0, -6, union(...pidUid(1, 0)), { style: 'verbose' }),
    '{si_signo=12 /* SIGUSR2 */, si_code=0xfffffffa /* SI_TKILL */, si_pid=1, si_uid=0}');
  assert.equal(printSignalInfo(14, 0, 0x80, union(), { style: 'raw' }), '{si_signo=14, si_code=0x80}');
  assert.equal(printSignalInfo(10, 0, 0, union(), { style: 'raw' }), '{si_signo=10, si_code=0, si_pid=0, si_uid=0}');
  assert.equal(printSignalInfo(17, 0, 1, union([16, 'i64', 5]), { style: 'raw' }).includes('si_utime=5,'), true, 'no seconds comment with -X raw');
});

test('siginfo: a whole siginfo_t (128 bytes, as waitid and rt_sigtimedwait fill it); si_fd through -y', () => {
  const si = new Uint8Array(128);
  const dv = new DataView(si.buffer);
  dv.setInt32(0, 17, true);
  dv.setInt32(8, 1, true);
  dv.setInt32(16, 4321, true);
  dv.setInt32(24, 0, true);
  assert.equal(printSiginfo(si), '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4321, si_uid=0, si_status=0, si_utime=0, si_stime=0}');
  assert.equal(printSiginfo(new Uint8Array(128)), '{}');
  const io = union([0, 'i64', 65], [8, 'i32', 3]);
  assert.equal(printSignalInfo(29, 0, 1, io, { fd: (n) => `${n}<pipe:[77]>` }), '{si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3<pipe:[77]>}');
  assert.equal(signalLine(17, 0, 1, union(...pidUid(300, 0))), '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=300, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---');
});

test('signal events print as strace lines, in the thread\'s order (an ignored one after the call it interrupted)', async () => {
  const text = await straceOf((w) => {
    // 100 forks 101; waits in wait4; 101 exits; the ignored SIGCHLD arrives while 100 is in wait4
    w.fork({ pid: 100, tid: 100, ts: 1_000_000_000n, childPid: 101, childTid: 101, comm: 'prog' });
    record(w, [{ name: 'wait4', args: [101, 0x7ffd0000n, 0, 0], at: 100n, dur: 500n, ret: 101, pid: 100 }]);
    record(w, [{ name: 'exit_group', args: [3], at: 200n, pid: 101 }]);
    w.procExit({ pid: 101, tid: 101, ts: 1_000_000_300n, exitCode: 3 << 8, groupDead: true, comm: 'prog' });
    w.signal({ pid: 100, tid: 100, ts: 1_000_000_310n, signo: 17, code: 1, ignored: true, fields: union(...pidUid(101, 0), [8, 'i32', 3]) });
    // a handled SIGUSR1 right after kill(), then rt_sigreturn
    record(w, [{ name: 'kill', args: [100, 10], at: 700n, ret: 0, pid: 100 }]);
    w.signal({ pid: 100, tid: 100, ts: 1_000_002_000n, signo: 10, code: 0, fields: union(...pidUid(100, 0)) });
    record(w, [{ name: 'rt_sigreturn', args: [], at: 3000n, ret: 0, pid: 100 }]);
  }, { followForks: true });
  // the child's lines come while 100 waits: wait4 splits, and the SIGCHLD prints after it returns
  assert.deepEqual(text.split('\n'), [
    '100   wait4(101,  <unfinished ...>',
    '101   exit_group(3)                     = ?',
    '101   +++ exited with 3 +++',
    '100   <... wait4 resumed>0x7ffd0000, 0, NULL) = 101',
    '100   --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101, si_uid=0, si_status=3, si_utime=0, si_stime=0} ---',
    '100   kill(100, SIGUSR1)                = 0',
    '100   --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=100, si_uid=0} ---',
    '100   rt_sigreturn()                    = 0',
    '',
  ]);
  // -X raw reaches the signal lines too; -tt puts the time in front as on every line
  const raw = await straceOf((w) => w.signal({ pid: 100, tid: 100, ts: 1_000_000_000n, signo: 14, code: 0x80 }), { constStyle: 'raw', timestamps: 'ttt' });
  assert.match(raw, /^\d+\.\d{6} --- SIGALRM \{si_signo=14, si_code=0x80\} ---\n$/);
});
