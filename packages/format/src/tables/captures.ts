/**
 * The capture table: which memory the recorder reads behind each syscall's pointer arguments,
 * when (entry for what the caller passes in, exit for what the kernel fills), and how much. The
 * recorder turns it into one descriptor per argument and phase for its BPF program; the reader
 * and printers interpret each data chunk through the same rows. Which argument is what follows
 * strace's decoders (the reference for what `strace` prints); sizes are the x86-64 kernel ABI.
 *
 * A row only says what to read. Printing it (a `struct stat` as `{st_mode=…}`) is the printers'
 * business, keyed by the same syscall and argument.
 */
import { CAPTURE_BITS, CAPTURE_HOW, MAX_ARGS, type CaptureHowName } from '../layout.js';
import { SYSCALLS_X86_64 } from './syscalls.x86_64.js';

export type CapturePhase = 'entry' | 'exit';

/** One capture: the memory behind argument `arg`, read at `at`. */
export interface Capture {
  readonly arg: number;
  readonly at: CapturePhase;
  readonly how: CaptureHowName;
  /** the argument holding the length or count (ARGLEN, ARGCOUNT, PTRLEN, IOV, FDSET) */
  readonly ref?: number;
  /** struct or element size, or the cap, in bytes */
  readonly size: number;
  /** capped by the string limit (-s) instead of `size`: a data buffer */
  readonly str?: boolean;
  /** exit: read only when the call succeeded */
  readonly okOnly?: boolean;
}

/** x86-64 sizes of the structs read (the kernel's user ABI). */
export const ABI_SIZE = {
  stat: 144,
  statx: 256,
  statfs: 120,
  timespec: 16,
  timeval: 16,
  timezone: 8,
  itimerval: 32,
  rlimit: 16,
  sigaction: 32,
  sigset: 8,
  stack_t: 24,
  rusage: 144,
  siginfo: 128,
  utsname: 390,
  sysinfo: 112,
  tms: 32,
  pollfd: 8,
  epoll_event: 12,
  iovec: 16,
  sockaddr: 128,
  int: 4,
  int2: 8,
  sigevent: 64,
  clone_args: 88,
  msghdr: 56,
  cap_header: 8,
  cap_data: 24,
  fd_set: 128,
  u64: 8,
  path: 4096,
  comm: 16,
  ioctl_arg: 16,
} as const;
const Z = ABI_SIZE;

// Row builders: what each kind of argument needs, in strace's terms.
/** a struct the caller passes in */
const structIn = (arg: number, size: number): Capture => ({ arg, at: 'entry', how: 'FIXED', size });
/** a struct the kernel fills (read at exit, only on success) */
const structOut = (arg: number, size: number): Capture => ({ arg, at: 'exit', how: 'FIXED', size, okOnly: true });
/** a struct read at entry and again at exit (in/out: a timeout that returns the time left) */
const structInOut = (arg: number, size: number): Capture[] => [structIn(arg, size), { arg, at: 'exit', how: 'FIXED', size }];
/** a data buffer written by the caller, `lenArg` bytes (printed up to -s) */
const bufIn = (arg: number, lenArg: number): Capture => ({ arg, at: 'entry', how: 'ARGLEN', ref: lenArg, size: 0, str: true });
/** a data buffer the kernel fills, as many bytes as the call returns */
const bufOut = (arg: number): Capture => ({ arg, at: 'exit', how: 'RETLEN', size: 0, str: true, okOnly: true });
/** a sockaddr passed in with its length in argument lenArg */
const addrIn = (arg: number, lenArg: number): Capture => ({ arg, at: 'entry', how: 'ARGLEN', ref: lenArg, size: Z.sockaddr });
/** a sockaddr the kernel fills, its length in the socklen_t argument lenPtr points to; and that length before and after */
const addrOut = (arg: number, lenPtr: number): Capture[] => [
  { arg, at: 'exit', how: 'PTRLEN', ref: lenPtr, size: Z.sockaddr, okOnly: true },
  structIn(lenPtr, Z.int),
  { arg: lenPtr, at: 'exit', how: 'FIXED', size: Z.int, okOnly: true },
];
/** an array of `countArg` elements, read at `at` */
const array = (arg: number, at: CapturePhase, countArg: number, elem: number): Capture => ({ arg, at, how: 'ARGCOUNT', ref: countArg, size: elem });
/** a sigset_t passed in */
const sigsetIn = (arg: number): Capture => structIn(arg, Z.sigset);
/** an iovec array of `countArg` elements with what their buffers hold */
const iov = (arg: number, at: CapturePhase, countArg: number): Capture => ({
  arg, at, how: 'IOV', ref: countArg, size: Z.iovec, str: true, ...(at === 'exit' ? { okOnly: true } : {}),
});
/** an iovec array the kernel fills, read at exit whatever the result */
const iovOut = (arg: number, countArg: number): Capture => ({ arg, at: 'exit', how: 'IOV', ref: countArg, size: Z.iovec, str: true });
/**
 * The slot of FD_RET and CWD rows: they read no argument's memory (the file behind the result,
 * the working directory), so their descriptor and chunks take the exit slot of an argument none
 * of their calls reads at exit. No descriptor-returning call, chdir or fchdir has a sixth argument.
 */
export const RESULT_SLOT = 5;
/** The file behind the descriptor the call returns (-y's `= 3</etc/passwd>`). */
const fdRet: Capture = { arg: RESULT_SLOT, at: 'exit', how: 'FD_RET', size: 0, okOnly: true };
/** The files behind the two descriptors the call stores at argument arg (pipe, socketpair): int[2] then a record each. */
const fdPair = (arg: number): Capture => ({ arg, at: 'exit', how: 'FD_PAIR', size: Z.int2, okOnly: true });
/** The working directory after the call (-y's `AT_FDCWD</usr/lib>` after chdir("/lib")). */
const cwd: Capture = { arg: RESULT_SLOT, at: 'exit', how: 'CWD', size: 0, okOnly: true };

/** Whether a capture reads the memory of its argument (FD_RET and CWD rows name a slot, not an argument). */
export function readsArgument(c: Capture): boolean {
  return c.how !== 'FD_RET' && c.how !== 'CWD';
}

const fdset = (arg: number): Capture[] => [
  { arg, at: 'entry', how: 'FDSET', ref: 0, size: Z.fd_set },
  { arg, at: 'exit', how: 'FDSET', ref: 0, size: Z.fd_set, okOnly: true },
];

/** The captures of each syscall, by name. Syscalls not listed have none. */
export const CAPTURES: Readonly<Record<string, readonly Capture[]>> = {
  // file status
  stat: [structOut(1, Z.stat)],
  fstat: [structOut(1, Z.stat)],
  lstat: [structOut(1, Z.stat)],
  newfstatat: [structOut(2, Z.stat)],
  statx: [structOut(4, Z.statx)],
  statfs: [structOut(1, Z.statfs)],
  fstatfs: [structOut(1, Z.statfs)],
  utimensat: [structIn(2, 2 * Z.timespec)],
  // data buffers (up to -s bytes)
  read: [bufOut(1)],
  pread64: [bufOut(1)],
  write: [bufIn(1, 2)],
  pwrite64: [bufIn(1, 2)],
  // read at exit whatever the result: a failed readv still prints its iovecs (their bases, no bytes)
  readv: [iovOut(1, 2)],
  preadv: [iovOut(1, 2)],
  preadv2: [iovOut(1, 2)],
  writev: [iov(1, 'entry', 2)],
  pwritev: [iov(1, 'entry', 2)],
  pwritev2: [iov(1, 'entry', 2)],
  readlink: [bufOut(1)],
  readlinkat: [bufOut(2)],
  // a path, printed whole as strace prints paths (not cut at -s): up to PATH_MAX with its NUL
  getcwd: [{ arg: 0, at: 'exit', how: 'RETLEN', size: Z.path, okOnly: true }],
  getrandom: [bufOut(0)],
  getdents64: [{ arg: 1, at: 'exit', how: 'DIRENTS', size: 0, okOnly: true }],
  getdents: [{ arg: 1, at: 'exit', how: 'DIRENTS', size: 0, okOnly: true }],
  // descriptors returned through memory, and the files behind them
  pipe: [fdPair(0)],
  pipe2: [fdPair(0)],
  socketpair: [fdPair(3)],
  // descriptors returned: the file behind each, as /proc/PID/fd names it (strace -y)
  open: [fdRet],
  openat: [fdRet],
  openat2: [fdRet],
  creat: [fdRet],
  open_by_handle_at: [fdRet],
  dup: [fdRet],
  dup2: [fdRet],
  dup3: [fdRet],
  eventfd: [fdRet],
  eventfd2: [fdRet],
  epoll_create: [fdRet],
  epoll_create1: [fdRet],
  signalfd: [sigsetIn(1), fdRet],
  timerfd_create: [fdRet],
  memfd_create: [fdRet],
  memfd_secret: [fdRet],
  inotify_init: [fdRet],
  inotify_init1: [fdRet],
  fanotify_init: [fdRet],
  userfaultfd: [fdRet],
  pidfd_open: [fdRet],
  pidfd_getfd: [fdRet],
  perf_event_open: [fdRet],
  io_uring_setup: [fdRet],
  fsopen: [fdRet],
  fsmount: [fdRet],
  fspick: [fdRet],
  open_tree: [fdRet],
  landlock_create_ruleset: [fdRet],
  mq_open: [fdRet],
  chdir: [cwd],
  fchdir: [cwd],
  // processes
  execve: [{ arg: 1, at: 'entry', how: 'ARGV', size: 0, str: true }, { arg: 2, at: 'entry', how: 'ARGC', size: 0 }],
  execveat: [{ arg: 2, at: 'entry', how: 'ARGV', size: 0, str: true }, { arg: 3, at: 'entry', how: 'ARGC', size: 0 }],
  wait4: [structOut(1, Z.int), structOut(3, Z.rusage)],
  waitid: [structOut(2, Z.siginfo), structOut(4, Z.rusage)],
  clone3: [{ arg: 0, at: 'entry', how: 'ARGLEN', ref: 1, size: Z.clone_args }],
  prlimit64: [structIn(2, Z.rlimit), structOut(3, Z.rlimit)],
  getrlimit: [structOut(1, Z.rlimit)],
  getrusage: [structOut(1, Z.rusage)],
  setrlimit: [structIn(1, Z.rlimit)],
  getresuid: [structOut(0, Z.int), structOut(1, Z.int), structOut(2, Z.int)],
  getresgid: [structOut(0, Z.int), structOut(1, Z.int), structOut(2, Z.int)],
  getgroups: [{ arg: 1, at: 'exit', how: 'RETCOUNT', size: Z.int, okOnly: true }],
  setgroups: [array(1, 'entry', 0, Z.int)],
  uname: [structOut(0, Z.utsname)],
  sysinfo: [structOut(0, Z.sysinfo)],
  times: [structOut(0, Z.tms)],
  capget: [structIn(0, Z.cap_header), structOut(1, Z.cap_data)],
  capset: [structIn(0, Z.cap_header), structIn(1, Z.cap_data)],
  sched_getaffinity: [{ arg: 2, at: 'exit', how: 'RETLEN', size: Z.fd_set, okOnly: true }],
  sched_setaffinity: [{ arg: 2, at: 'entry', how: 'ARGLEN', ref: 1, size: Z.fd_set }],
  arch_prctl: [{ arg: 1, at: 'exit', how: 'FIXED', size: Z.u64, okOnly: true }],
  // PR_SET_NAME's name (entry) and PR_GET_NAME's (exit); other options pass a value there
  prctl: [structIn(1, Z.comm), { arg: 1, at: 'exit', how: 'FIXED', size: Z.comm, okOnly: true }],
  // signals
  rt_sigaction: [structIn(1, Z.sigaction), structOut(2, Z.sigaction)],
  rt_sigprocmask: [sigsetIn(1), structOut(2, Z.sigset)],
  rt_sigreturn: [{ arg: 0, at: 'entry', how: 'SIGFRAME', size: Z.sigset }],
  rt_sigsuspend: [sigsetIn(0)],
  rt_sigpending: [structOut(0, Z.sigset)],
  rt_sigtimedwait: [sigsetIn(0), structOut(1, Z.siginfo), structIn(2, Z.timespec)],
  rt_sigqueueinfo: [structIn(2, Z.siginfo)],
  rt_tgsigqueueinfo: [structIn(3, Z.siginfo)],
  sigaltstack: [structIn(0, Z.stack_t), structOut(1, Z.stack_t)],
  signalfd4: [sigsetIn(1), fdRet],
  // time
  nanosleep: [structIn(0, Z.timespec), { arg: 1, at: 'exit', how: 'FIXED', size: Z.timespec }],
  clock_nanosleep: [structIn(2, Z.timespec), { arg: 3, at: 'exit', how: 'FIXED', size: Z.timespec }],
  clock_gettime: [structOut(1, Z.timespec)],
  clock_getres: [structOut(1, Z.timespec)],
  clock_settime: [structIn(1, Z.timespec)],
  gettimeofday: [structOut(0, Z.timeval), structOut(1, Z.timezone)],
  settimeofday: [structIn(0, Z.timeval), structIn(1, Z.timezone)],
  getitimer: [structOut(1, Z.itimerval)],
  setitimer: [structIn(1, Z.itimerval), structOut(2, Z.itimerval)],
  timer_create: [structIn(1, Z.sigevent), structOut(2, Z.int)],
  timer_settime: [structIn(2, 2 * Z.timespec), structOut(3, 2 * Z.timespec)],
  timer_gettime: [structOut(1, 2 * Z.timespec)],
  timerfd_settime: [structIn(2, 2 * Z.timespec), structOut(3, 2 * Z.timespec)],
  timerfd_gettime: [structOut(1, 2 * Z.timespec)],
  futex: [structIn(3, Z.timespec)],
  // waiting on descriptors
  poll: [array(0, 'entry', 1, Z.pollfd), { ...array(0, 'exit', 1, Z.pollfd), okOnly: true }],
  ppoll: [array(0, 'entry', 1, Z.pollfd), { ...array(0, 'exit', 1, Z.pollfd), okOnly: true }, ...structInOut(2, Z.timespec), sigsetIn(3)],
  select: [...fdset(1), ...fdset(2), ...fdset(3), ...structInOut(4, Z.timeval)],
  pselect6: [...fdset(1), ...fdset(2), ...fdset(3), ...structInOut(4, Z.timespec), structIn(5, 2 * Z.u64)],
  epoll_ctl: [structIn(3, Z.epoll_event)],
  // what the common requests pass or get: an int (FIONBIO, FIONREAD), a winsize, termios flags
  ioctl: [structIn(2, Z.ioctl_arg), { arg: 2, at: 'exit', how: 'FIXED', size: Z.ioctl_arg, okOnly: true }],
  epoll_wait: [{ arg: 1, at: 'exit', how: 'RETCOUNT', size: Z.epoll_event, okOnly: true }],
  epoll_pwait: [{ arg: 1, at: 'exit', how: 'RETCOUNT', size: Z.epoll_event, okOnly: true }, sigsetIn(4)],
  epoll_pwait2: [{ arg: 1, at: 'exit', how: 'RETCOUNT', size: Z.epoll_event, okOnly: true }, structIn(3, Z.timespec), sigsetIn(4)],
  // sockets
  socket: [fdRet],
  connect: [addrIn(1, 2)],
  bind: [addrIn(1, 2)],
  accept: [...addrOut(1, 2), fdRet],
  accept4: [...addrOut(1, 2), fdRet],
  getsockname: addrOut(1, 2),
  getpeername: addrOut(1, 2),
  sendto: [bufIn(1, 2), addrIn(4, 5)],
  recvfrom: [bufOut(1), ...addrOut(4, 5)],
  sendmsg: [structIn(1, Z.msghdr)],
  recvmsg: [structOut(1, Z.msghdr)],
  setsockopt: [{ arg: 3, at: 'entry', how: 'ARGLEN', ref: 4, size: 64 }],
  getsockopt: [{ arg: 3, at: 'exit', how: 'PTRLEN', ref: 4, size: 64, okOnly: true }, structIn(4, Z.int), { arg: 4, at: 'exit', how: 'FIXED', size: Z.int, okOnly: true }],
};

const HOW_CODE = Object.fromEntries(Object.entries(CAPTURE_HOW).map(([k, v]) => [k, v.code])) as Record<CaptureHowName, number>;
const put = (v: number, b: { shift: number; width: number }) => (v & ((1 << b.width) - 1)) << b.shift;

/** The u32 descriptor of a capture (CAPTURE_BITS), as the BPF program reads it. */
export function captureDescriptor(c: Capture): number {
  return (
    (put(HOW_CODE[c.how], CAPTURE_BITS.HOW) |
      put(c.ref ?? 0, CAPTURE_BITS.REF) |
      put(c.str ? 1 : 0, CAPTURE_BITS.STR) |
      put(c.okOnly ? 1 : 0, CAPTURE_BITS.OK_ONLY) |
      put(c.size, CAPTURE_BITS.SIZE)) >>>
    0
  );
}

const BY_NR = new Map<number, readonly Capture[]>();
for (const d of SYSCALLS_X86_64) {
  const caps = CAPTURES[d.name];
  if (caps) BY_NR.set(d.nr, caps);
}

/** The captures of syscall `nr` (empty when it has none). */
export function capturesOf(nr: number): readonly Capture[] {
  return BY_NR.get(nr) ?? [];
}

/** The capture of argument `arg` of syscall `nr` at `at`, if the table has one. */
export function captureAt(nr: number, arg: number, at: CapturePhase): Capture | undefined {
  return BY_NR.get(nr)?.find((c) => c.arg === arg && c.at === at);
}

/**
 * Descriptors of syscall `nr` for the BPF program: MAX_ARGS entry descriptors then MAX_ARGS
 * exit descriptors (0 where nothing is read).
 */
export function captureDescriptors(nr: number): Uint32Array {
  const out = new Uint32Array(2 * MAX_ARGS);
  for (const c of capturesOf(nr)) out[(c.at === 'exit' ? MAX_ARGS : 0) + c.arg] = captureDescriptor(c);
  return out;
}
