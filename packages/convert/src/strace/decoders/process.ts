/**
 * Processes (strace src/clone.c, execve.c, exit.c, wait.c, prctl.c, resource.c, time.c…):
 * clone, clone3, fork, execve, exit_group, wait4, prctl, arch_prctl, prlimit64, getrandom, clocks.
 */
import {
  dirfd, fd, flags, flags64, int, path, ptr, signal, signame, uint, ulong, value, xint, xlong, type ArgPrinter,
} from '../args.js';
import { isRestartErrno } from '@vltrace/format';
import { argv, buffer, envc } from '../buffers.js';
import { quoteString } from '../escape.js';
import type { Call } from '../call.js';
import { at, bitSet, createsFd, named, only, retDec, retFd, shapedBy, type Decoder, type RetPrinter } from '../decoder.js';
import { captured, Mem, printArray, setBits, structArg, structOf } from '../mem.js';
import {
  CAP_HEADER_SIZE, capData, capHeader, CLONE_ARGS_MIN, cloneArgs, rlimit, RLIMIT_SIZE, SYSINFO_SIZE, sysinfo, tms, TMS_SIZE,
  UTSNAME_SIZE, utsname, waitStatus,
} from '../structs/process.js';
import { SIGEVENT_SIZE, sigevent, siginfoAt, SIGINFO_SIZE } from '../structs/signal.js';
import { itimerspec, itimerval, rusage, RUSAGE_SIZE, timespec, TIMESPEC_SIZE, timeval, timezone } from '../structs/time.js';
import { TFD_FLAGS, TFD_SETTIME_FLAGS } from '../tables/desc.js';
import { AT_FLAGS } from '../tables/fcntl.js';
import {
  ARCH_PRCTL, CLOCKS, CLONE, CLONE_FLAGS, CSIGNAL, GETRANDOM_FLAGS, PRCTL_OPTIONS, RLIMITS, RSEQ_FLAGS, RUSAGE_WHO, SUID_DUMP,
  ITIMER_WHICH, TIMER_FLAGS, WAIT_OPTIONS, WAITID_TYPES,
} from '../tables/sched.js';
import { hex, printFlags } from '../xlat.js';

/** clone flags: CLONE_* then the exit signal of the low byte, `CLONE_CHILD_SETTID|SIGCHLD`. */
const cloneFlags: ArgPrinter = (c, k) => {
  const v = c.ulong(k);
  if (c.cfg.style === 'raw') return hex(v);
  const sig = Number(v & BigInt(CSIGNAL));
  const rest = v & ~BigInt(CSIGNAL);
  if (rest === 0n) return sig ? signame(sig) : '0';
  const s = printFlags(CLONE_FLAGS, rest, c.cfg.style);
  return sig ? `${s}|${signame(sig)}` : s;
};

const cloneHas = (bits: number) => (c: Call) => (c.uint(0) & bits) !== 0;

/** exec: close-on-exec descriptors close (the exec event does the same; both are idempotent). */
const execed = (c: Call) => {
  if (c.ok) c.fds.exec(c.pid);
};

/** A task name (PR_SET_NAME, PR_GET_NAME): at most TASK_COMM_LEN bytes up to the NUL, cut at -s. */
function commName(phase: 'in' | 'out'): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k)) return 'NULL';
    const m = structOf(c, k, phase, 1);
    if (m === undefined) return c.hex(k);
    const b = m.bytes.subarray(0, TASK_COMM_LEN);
    const nul = b.indexOf(0);
    return nul >= 0 ? quoteString(b.subarray(0, nul), c.cfg.stringLimit, false) : quoteString(b, c.cfg.stringLimit, true);
  };
}
const TASK_COMM_LEN = 16;

// prctl(2): which arguments each option prints, after strace's prctl.c
const rest3 = [xlong, xlong, xlong];
const PRCTL_SHAPES = new Map<number, readonly ArgPrinter[]>([
  ...[3, 7, 13, 21, 27, 30, 31, 32, 34, 39, 42, 43, 44, 46, 58].map((o) => [o, []] as const),
  [1, [signal]],
  [15, [commName('in')]],
  [16, [commName('out')]],
  ...[2, 5, 9, 11, 19, 25, 37, 40].map((o) => [o, [ptr]] as const),
  [4, [value(SUID_DUMP)]],
  ...[8, 14, 24, 23, 28, 29, 36, 38, 41, 45, 57].map((o) => [o, [ulong, ...rest3]] as const),
]);
const prctlRet: RetPrinter = (c) => {
  if (c.int(0) === 3) {
    const name = SUID_DUMP.byNumber.get(c.retInt);
    return name ? `${c.retInt} (${name})` : retDec(c);
  }
  return retDec(c);
};

const clockid = value(CLOCKS, 'd');

// ------------------------------------------------------------------ memory behind the arguments

/** clone3's struct clone_args, and after it, for a new thread, the tid the kernel wrote: ` => {parent_tid=[1235]}`. */
const clone3Args: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  const size = Number(c.ulong(1));
  if (size < CLONE_ARGS_MIN) return c.hex(k);
  const m = structOf(c, k, 'in', Math.min(size, CLONE_ARGS_MIN));
  if (m === undefined) return c.hex(k);
  let s = cloneArgs(m, size, c.cfg.style);
  // CLONE_PARENT_SETTID: the kernel writes the child's tid, the call's result
  if (c.ok && (m.u64(0) & BigInt(CLONE.PARENT_SETTID)) !== 0n && !m.zero64(24)) s += ` => {parent_tid=[${c.retDec}]}`;
  return s;
};

/** wait4's status, printed only when a child was reaped (a result of 0 prints the address). */
const wstatus: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  if (!c.ok || c.ret === 0n) return c.hex(k);
  const m = structOf(c, k, 'out', 4);
  return m === undefined ? c.hex(k) : waitStatus(m.i32(0), c.cfg.style);
};
const rusageOut = structArg('out', RUSAGE_SIZE, (m) => rusage(m));
/** wait4's rusage, only when a child was reaped. */
const wrusage: ArgPrinter = (c, k) => (c.ok && c.ret > 0n ? rusageOut(c, k) : ptr(c, k));
const siginfoOut = structArg('out', SIGINFO_SIZE, (m, c) => siginfoAt(m, c.cfg.style));

const rlimitIn = structArg('in', RLIMIT_SIZE, (m, c) => rlimit(m, c.cfg.style));
const rlimitOut = structArg('out', RLIMIT_SIZE, (m, c) => rlimit(m, c.cfg.style));

const timespecIn = structArg('in', TIMESPEC_SIZE, (m) => timespec(m));
const timespecOut = structArg('out', TIMESPEC_SIZE, (m) => timespec(m));
const itimerspecIn = structArg('in', 32, (m) => itimerspec(m));
const itimerspecOut = structArg('out', 32, (m) => itimerspec(m));
const intOut = structArg('out', 4, (m) => `[${m.i32(0)}]`);

/**
 * nanosleep's and clock_nanosleep's remaining time: the kernel writes it only when a signal
 * interrupted the sleep (and, for clock_nanosleep, without TIMER_ABSTIME, `relative`); other
 * results print the address, as strace does.
 */
function remaining(relative: (c: Call) => boolean): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k)) return 'NULL';
    if (!c.failed || !isRestartErrno(c.errno) || !relative(c)) return c.hex(k);
    const m = structOf(c, k, 'exit', TIMESPEC_SIZE);
    return m === undefined ? c.hex(k) : timespec(m);
  };
}

/** A uid/gid the kernel fills: `[0]` (-1 as -1). */
const idOut = structArg('out', 4, (m) => `[${m.u32(0) === 0xffffffff ? '-1' : m.u32(0)}]`);

/** A gid_t array of `n` elements. */
function groups(c: Call, k: number, n: number, phase: 'in' | 'out'): string {
  if (c.isZero(k)) return 'NULL';
  if (n < 0 || n > NGROUPS_MAX) return c.hex(k);
  if (n === 0) return '[]';
  const d = captured(c, k, phase);
  if (d === undefined) return c.hex(k);
  return printArray(new Mem(d.bytes), n, 4, c.cfg.stringLimit, (m, o) => (m.u32(o) === 0xffffffff ? '-1' : String(m.u32(o)))) ?? c.hex(k);
}
/** sysconf(_SC_NGROUPS_MAX) on Linux: strace prints longer arrays as an address */
const NGROUPS_MAX = 65536;
const groupsOut: ArgPrinter = (c, k) => (c.ok ? groups(c, k, c.retInt, 'out') : ptr(c, k));
const groupsIn: ArgPrinter = (c, k) => groups(c, k, c.int(0), 'in');

/** A CPU mask (strace's print_affinitylist): the set CPUs, `[0 1]`; `in` is as long as argument 1 says, `out` as the result. */
function affinity(phase: 'in' | 'out'): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k) || (phase === 'out' && !c.ok)) return ptr(c, k);
    const len = phase === 'in' ? c.uint(1) : c.retInt;
    if (len === 0) return '[]';
    const d = captured(c, k, phase);
    if (d === undefined || d.readError || d.bytes.length < Math.min(len, CPUSET_MAX)) return c.hex(k);
    const m = new Mem(d.bytes);
    const bits = setBits(m, 8 * Math.min(len, CPUSET_MAX)).join(' ');
    return len > CPUSET_MAX ? `[${bits}${bits ? ' ' : ''}...]` : `[${bits}]`;
  };
}
/** the cpu_set_t size strace reads at most (its probe of the kernel's mask size finds 128 bytes on common machines) */
const CPUSET_MAX = 128;

/** arch_prctl's second argument: ARCH_GET_FS/GS write an address there, `[0x7f…]`; the others take a value. */
const archPrctlArg: ArgPrinter = (c, k) => {
  const code = c.int(0);
  if (code !== ARCH.GET_FS && code !== ARCH.GET_GS) return xlong(c, k);
  return structArg('out', 8, (m) => `[${m.hex(0)}]`)(c, k);
};
const ARCH = { GET_FS: 0x1003, GET_GS: 0x1004 } as const;

/** capget/capset's header; capget's data is printed with the header's version. */
const capHeaderArg = structArg('in', CAP_HEADER_SIZE, (m, c) => capHeader(m, c.cfg.style));
function capDataArg(phase: 'in' | 'out'): ArgPrinter {
  return (c, k) => {
    const h = c.isZero(0) ? undefined : structOf(c, 0, 'in', CAP_HEADER_SIZE);
    if (c.isZero(k) || h === undefined) return ptr(c, k);
    const m = structOf(c, k, phase, 12);
    return m === undefined ? c.hex(k) : capData(m, h.u32(0), c.cfg.style);
  };
}

export const PROCESS: Record<string, Decoder> = {
  clone: {
    // x86_64 order: flags, stack, parent_tid, child_tid, tls; strace prints them by name
    args: [
      at(1, named('child_stack', ptr)),
      at(0, named('flags', cloneFlags)),
      only(cloneHas(CLONE.PARENT_SETTID | CLONE.PIDFD), at(2, named('parent_tid', ptr))),
      only(cloneHas(CLONE.SETTLS), at(4, named('tls', ptr))),
      only(cloneHas(CLONE.CHILD_SETTID | CLONE.CHILD_CLEARTID), at(3, named('child_tidptr', ptr))),
    ],
    // what the kernel may write to (parent_tid, child_tidptr) prints when it returns, comma first
    exitFrom: 2,
    exitComma: true,
  },
  clone3: { args: [clone3Args, ulong] },
  fork: { args: [] },
  vfork: { args: [] },
  execve: { args: [path, argv, envc], effect: execed },
  execveat: { args: [dirfd, path, argv, envc, flags(AT_FLAGS)], effect: execed },
  exit: { args: [int] },
  exit_group: { args: [int] },
  wait4: { args: [int, wstatus, flags(WAIT_OPTIONS), wrusage], exitFrom: 1 },
  waitid: { args: [value(WAITID_TYPES), int, siginfoOut, flags(WAIT_OPTIONS), rusageOut], exitFrom: 2 },
  set_tid_address: { args: [ptr] },
  set_robust_list: { args: [ptr, ulong] },
  get_robust_list: { args: [int, ptr, ptr], exitFrom: 1 },
  rseq: { args: [ptr, xint, flags(RSEQ_FLAGS), xint] },
  prctl: { args: [value(PRCTL_OPTIONS), ...shapedBy((c) => c.int(0), PRCTL_SHAPES, [xlong, ...rest3], 4)], ret: prctlRet },
  arch_prctl: { args: [value(ARCH_PRCTL), archPrctlArg], exitFrom: 1 },
  prlimit64: { args: [int, value(RLIMITS), rlimitIn, rlimitOut], exitFrom: 3 },
  getrlimit: { args: [value(RLIMITS), rlimitOut], exitFrom: 1 },
  setrlimit: { args: [value(RLIMITS), rlimitIn] },
  getrusage: { args: [value(RUSAGE_WHO, 'd'), rusageOut], exitFrom: 1 },
  getrandom: { args: [buffer('out', 'ret', { hex: true }), ulong, flags(GETRANDOM_FLAGS)], exitFrom: 0 },
  unshare: { args: [flags64(CLONE_FLAGS)] },
  setns: { args: [fd, flags(CLONE_FLAGS)] },
  setpgid: { args: [int, int] },
  getpgid: { args: [int] },
  getsid: { args: [int] },
  sched_getaffinity: { args: [int, uint, affinity('out')], exitFrom: 2 },
  sched_setaffinity: { args: [int, uint, affinity('in')] },
  uname: { args: [structArg('out', UTSNAME_SIZE, (m) => utsname(m))], exitFrom: 0 },
  sysinfo: { args: [structArg('out', SYSINFO_SIZE, (m) => sysinfo(m))], exitFrom: 0 },
  times: { args: [structArg('out', TMS_SIZE, (m, c) => tms(m, c.cfg.style))], exitFrom: 0 },
  getresuid: { args: [idOut, idOut, idOut], exitFrom: 0 },
  getresgid: { args: [idOut, idOut, idOut], exitFrom: 0 },
  getgroups: { args: [int, groupsOut], exitFrom: 1 },
  setgroups: { args: [int, groupsIn] },
  capget: { args: [capHeaderArg, capDataArg('out')], exitFrom: 1 },
  capset: { args: [capHeaderArg, capDataArg('in')] },
  clock_gettime: { args: [clockid, timespecOut], exitFrom: 1 },
  clock_getres: { args: [clockid, timespecOut], exitFrom: 1 },
  clock_settime: { args: [clockid, timespecIn] },
  clock_nanosleep: { args: [clockid, flags(TIMER_FLAGS), timespecIn, remaining((c) => c.isZero(1))], exitFrom: 3 },
  nanosleep: { args: [timespecIn, remaining(() => true)], exitFrom: 1 },
  gettimeofday: { args: [structArg('out', 16, (m) => timeval(m)), structArg('out', 8, (m) => timezone(m))], exitFrom: 0 },
  settimeofday: { args: [structArg('in', 16, (m) => timeval(m)), structArg('in', 8, (m) => timezone(m))] },
  getitimer: { args: [value(ITIMER_WHICH), structArg('out', 32, (m) => itimerval(m))], exitFrom: 1 },
  setitimer: {
    args: [value(ITIMER_WHICH), structArg('in', 32, (m) => itimerval(m)), structArg('out', 32, (m) => itimerval(m))],
    exitFrom: 2,
  },
  timer_create: { args: [clockid, structArg('in', SIGEVENT_SIZE, (m, c) => sigevent(m, c.cfg.style)), intOut], exitFrom: 2 },
  timer_settime: { args: [int, flags(TIMER_FLAGS), itimerspecIn, itimerspecOut], exitFrom: 3 },
  timer_gettime: { args: [int, itimerspecOut], exitFrom: 1 },
  timerfd_gettime: { args: [fd, itimerspecOut], exitFrom: 1 },
  timerfd_create: { args: [clockid, flags(TFD_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[timerfd]', bitSet(1)) },
  pidfd_open: { args: [int, xint], ret: retFd, effect: createsFd('anon_inode:[pidfd]') },
  timerfd_settime: { args: [fd, flags(TFD_SETTIME_FLAGS), itimerspecIn, itimerspecOut], exitFrom: 3 },
};
