/**
 * Processes (strace src/clone.c, execve.c, exit.c, wait.c, prctl.c, resource.c, time.c…):
 * clone, clone3, fork, execve, exit_group, wait4, prctl, arch_prctl, prlimit64, getrandom, clocks.
 */
import {
  dirfd, fd, flags, flags64, int, path, ptr, signal, signame, uint, ulong, value, xint, xlong, type ArgPrinter,
} from '../args.js';
import type { Call } from '../call.js';
import { at, bitSet, createsFd, exitWhen, named, onExit, only, retDec, retFd, shapedBy, type Decoder, type RetPrinter } from '../decoder.js';
import { TFD_FLAGS } from '../tables/desc.js';
import { AT_FLAGS } from '../tables/fcntl.js';
import {
  ARCH_PRCTL, CLOCKS, CLONE, CLONE_FLAGS, CSIGNAL, GETRANDOM_FLAGS, PRCTL_OPTIONS, RLIMITS, RSEQ_FLAGS, RUSAGE_WHO, SUID_DUMP,
  TIMER_FLAGS, WAIT_OPTIONS, WAITID_TYPES,
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

// prctl(2): which arguments each option prints, after strace's prctl.c
const rest3 = [xlong, xlong, xlong];
const PRCTL_SHAPES = new Map<number, readonly ArgPrinter[]>([
  ...[3, 7, 13, 21, 27, 30, 31, 32, 34, 39, 42, 43, 44, 46, 58].map((o) => [o, []] as const),
  [1, [signal]],
  ...[2, 5, 9, 11, 15, 16, 19, 25, 37, 40].map((o) => [o, [ptr]] as const),
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
/** arch_prctl ARCH_GET_FS, ARCH_GET_GS */
const archGets = (c: Call) => c.int(0) === 0x1003 || c.int(0) === 0x1004;

export const PROCESS: Record<string, Decoder> = {
  clone: {
    // x86_64 order: flags, stack, parent_tid, child_tid, tls; strace prints them by name
    args: [
      at(1, named('child_stack', ptr)),
      at(0, named('flags', cloneFlags)),
      // the ones the kernel may write to print when it returns, the comma with them
      onExit(only(cloneHas(CLONE.PARENT_SETTID | CLONE.PIDFD), at(2, named('parent_tid', ptr))), true),
      only(cloneHas(CLONE.SETTLS), at(4, named('tls', ptr))),
      only(cloneHas(CLONE.CHILD_SETTID | CLONE.CHILD_CLEARTID), at(3, named('child_tidptr', ptr))),
    ],
  },
  // strace prints what the kernel wrote back (` => {parent_tid=[…]}`), then the size, at exit
  clone3: { args: [ptr, onExit(ulong, true)] },
  fork: { args: [] },
  vfork: { args: [] },
  // argv and envp are arrays in user memory: the recording has their addresses
  execve: { args: [path, ptr, ptr], effect: execed },
  execveat: { args: [dirfd, path, ptr, ptr, flags(AT_FLAGS)], effect: execed },
  exit: { args: [int] },
  exit_group: { args: [int] },
  wait4: { args: [int, onExit(ptr), flags(WAIT_OPTIONS), ptr] },
  waitid: { args: [value(WAITID_TYPES), int, onExit(ptr), flags(WAIT_OPTIONS), ptr] },
  set_tid_address: { args: [ptr] },
  set_robust_list: { args: [ptr, ulong] },
  get_robust_list: { args: [int, onExit(ptr), ptr] },
  rseq: { args: [ptr, xint, flags(RSEQ_FLAGS), xint] },
  prctl: { args: [value(PRCTL_OPTIONS), ...shapedBy((c) => c.int(0), PRCTL_SHAPES, [xlong, ...rest3], 4)], ret: prctlRet },
  // ARCH_GET_FS/GS: the kernel writes the base to the address
  arch_prctl: { args: [value(ARCH_PRCTL), exitWhen(archGets, (c, k) => (archGets(c) ? ptr(c, k) : xlong(c, k)))] },
  prlimit64: { args: [int, value(RLIMITS), ptr, onExit(ptr)] },
  getrlimit: { args: [value(RLIMITS), onExit(ptr)] },
  setrlimit: { args: [value(RLIMITS), ptr] },
  getrusage: { args: [value(RUSAGE_WHO, 'd'), onExit(ptr)] },
  getrandom: { args: [onExit(ptr), ulong, flags(GETRANDOM_FLAGS)] },
  unshare: { args: [flags64(CLONE_FLAGS)] },
  setns: { args: [fd, flags(CLONE_FLAGS)] },
  setpgid: { args: [int, int] },
  getpgid: { args: [int] },
  getsid: { args: [int] },
  sched_getaffinity: { args: [int, uint, onExit(ptr)] },
  sched_setaffinity: { args: [int, uint, ptr] },
  uname: { args: [onExit(ptr)] },
  sysinfo: { args: [onExit(ptr)] },
  clock_gettime: { args: [clockid, onExit(ptr)] },
  clock_getres: { args: [clockid, onExit(ptr)] },
  clock_nanosleep: { args: [clockid, flags(TIMER_FLAGS), ptr, onExit(ptr)] },
  nanosleep: { args: [ptr, onExit(ptr)] },
  gettimeofday: { args: [onExit(ptr), ptr] },
  timerfd_create: { args: [clockid, flags(TFD_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[timerfd]', bitSet(1)) },
  pidfd_open: { args: [int, xint], ret: retFd, effect: createsFd('anon_inode:[pidfd]') },
  timerfd_settime: { args: [fd, flags(TIMER_FLAGS), ptr, onExit(ptr)] },
};
