/**
 * Syscall classes, as selected with `strace -e trace=%class` and vltrace `-e`.
 *
 * Membership follows strace's class definitions (the TD/TF/TP/... flags of
 * strace's src/linux/x86_64/syscallent.h and syscallent-common.h, documented
 * in `man strace`, section "Filtering"), with two deliberate differences:
 *
 * - %file and %desc are not listed by hand: scripts/gen-syscalls.mjs derives
 *   them from the argument kinds of each syscall. %file = any `path`
 *   argument; %desc = any `fd`/`dirfd` argument, plus the names in
 *   CLASS_LISTS.DESC below. So e.g. sendto() and the other socket calls taking
 *   an fd are %desc here (strace files them under %network only).
 * - Everything else is the explicit name lists in CLASS_LISTS.
 *
 * The generator reads CLASS_LISTS textually and bakes the resulting bits into
 * each row's `classes`; it fails if a list names an unknown syscall. Run
 * `npm run gen` after editing a list.
 */
import { C, type ClassKey, type SyscallDef } from './types.js';

// <gen:class-lists>
// Read textually by scripts/gen-syscalls.mjs: keep plain `KEY: ['name', ...],`
// entries (KEY a key of C), single-quoted names and // comments only.
export const CLASS_LISTS = {
  // In addition to every syscall with a path argument: strace files getcwd under %file too.
  FILE: ['getcwd'],
  // In addition to every syscall with an fd/dirfd argument: calls that return
  // new descriptors, and calls that take descriptors inside a structure.
  DESC: [
    'open', 'creat', 'openat', 'openat2', 'open_by_handle_at', 'open_tree', 'open_tree_attr',
    'dup', 'dup2', 'dup3', 'socket', 'socketpair', 'accept', 'accept4', 'pipe', 'pipe2',
    'epoll_create', 'epoll_create1', 'eventfd', 'eventfd2', 'inotify_init', 'inotify_init1',
    'fanotify_init', 'signalfd', 'signalfd4', 'timerfd_create', 'memfd_create', 'memfd_secret',
    'userfaultfd', 'perf_event_open', 'bpf', 'io_uring_setup', 'pidfd_open', 'pidfd_getfd',
    'fsopen', 'fsmount', 'fspick', 'landlock_create_ruleset', 'mq_open',
    // fd sets and pollfd arrays
    'select', 'pselect6', 'poll', 'ppoll',
  ],
  // Process lifecycle: creation, exec, termination, waiting, signalling a process.
  PROCESS: [
    'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group',
    'wait4', 'waitid', 'kill', 'tkill', 'tgkill', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo',
    'pidfd_send_signal',
  ],
  NETWORK: [
    'socket', 'socketpair', 'connect', 'accept', 'accept4', 'bind', 'listen', 'shutdown',
    'getsockname', 'getpeername', 'setsockopt', 'getsockopt', 'sendto', 'recvfrom',
    'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'sendfile', 'getpmsg', 'putpmsg',
  ],
  // Memory mapping and memory policy.
  MEMORY: [
    'brk', 'mmap', 'munmap', 'mprotect', 'pkey_mprotect', 'mremap', 'remap_file_pages',
    'madvise', 'msync', 'mincore', 'mlock', 'mlock2', 'munlock', 'mlockall', 'munlockall',
    'mbind', 'set_mempolicy', 'get_mempolicy', 'set_mempolicy_home_node', 'migrate_pages',
    'move_pages', 'shmat', 'shmdt', 'io_setup', 'io_destroy', 'io_uring_register',
    'map_shadow_stack', 'mseal',
  ],
  SIGNAL: [
    'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigpending', 'rt_sigtimedwait',
    'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'rt_sigsuspend', 'sigaltstack', 'pause',
    'kill', 'tkill', 'tgkill', 'signalfd', 'signalfd4', 'pidfd_send_signal',
    // takes a signal mask
    'io_uring_enter',
  ],
  // SysV IPC.
  IPC: [
    'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop', 'semctl',
    'shmget', 'shmat', 'shmdt', 'shmctl',
  ],
  CREDS: [
    'getuid', 'geteuid', 'getgid', 'getegid', 'setuid', 'setgid', 'setreuid', 'setregid',
    'setresuid', 'setresgid', 'getresuid', 'getresgid', 'setfsuid', 'setfsgid',
    'getgroups', 'setgroups', 'capget', 'capset',
    // PR_CAPBSET_*, PR_SET_KEEPCAPS, ...
    'prctl',
  ],
  CLOCK: [
    'time', 'gettimeofday', 'settimeofday', 'adjtimex', 'clock_gettime', 'clock_settime',
    'clock_getres', 'clock_adjtime',
  ],
  STAT: ['stat'],
  LSTAT: ['lstat'],
  FSTAT: ['fstat', 'newfstatat', 'statx'],
  STAT_ANY: ['stat', 'lstat', 'fstat', 'newfstatat', 'statx'],
  STATFS: ['statfs'],
  FSTATFS: ['fstatfs'],
  STATFS_ANY: ['statfs', 'fstatfs', 'ustat'],
  PURE: ['getpid', 'getppid', 'gettid', 'getpgrp', 'getuid', 'geteuid', 'getgid', 'getegid'],
} as const satisfies Partial<Record<ClassKey, readonly string[]>>;
// </gen:class-lists>

/**
 * Class names accepted in a trace expression. The bare forms (`file`,
 * `network`, ...) are strace's deprecated spellings, still accepted by it.
 */
export const CLASS_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['%file', C.FILE], ['file', C.FILE],
  ['%desc', C.DESC], ['desc', C.DESC],
  ['%process', C.PROCESS], ['process', C.PROCESS],
  ['%network', C.NETWORK], ['%net', C.NETWORK], ['network', C.NETWORK],
  ['%memory', C.MEMORY], ['memory', C.MEMORY],
  ['%signal', C.SIGNAL], ['signal', C.SIGNAL],
  ['%ipc', C.IPC], ['ipc', C.IPC],
  ['%creds', C.CREDS],
  ['%clock', C.CLOCK],
  ['%stat', C.STAT],
  ['%lstat', C.LSTAT],
  ['%fstat', C.FSTAT],
  ['%%stat', C.STAT_ANY],
  ['%statfs', C.STATFS],
  ['%fstatfs', C.FSTATFS],
  ['%%statfs', C.STATFS_ANY],
  ['%pure', C.PURE],
]);

/** The `%class` names, for help texts and completion. */
export const SYSCALL_CLASS_NAMES: readonly string[] = [...CLASS_BY_NAME.keys()].filter((n) =>
  n.startsWith('%'),
);

/**
 * vltrace 0.1's kprobe-based syscall sets (`-e kp-all|kp-file|kp-desc|kp-fileio`),
 * kept so old command lines still work. They are defined on argument kinds:
 */
const takesString = (d: SyscallDef): boolean =>
  d.args.some(([, , kind]) => kind === 'path' || kind === 'string');
const fdFirst = (d: SyscallDef): boolean => {
  const kind = d.args[0]?.[2];
  return kind === 'fd' || kind === 'dirfd';
};

export const LEGACY_SETS: ReadonlyMap<string, (d: SyscallDef) => boolean> = new Map([
  /** every syscall */
  ['kp-all', () => true],
  /** any path or string argument */
  ['kp-file', takesString],
  /** a file descriptor as first argument */
  ['kp-desc', fdFirst],
  /** file I/O: a string argument or an fd as first argument */
  ['kp-fileio', (d: SyscallDef) => takesString(d) || fdFirst(d)],
]);

/** Numbers of the syscalls in `table` that belong to legacy set `name`. */
export function legacySet(name: string, table: readonly SyscallDef[]): Set<number> {
  const pred = LEGACY_SETS.get(name);
  if (!pred) throw new Error(`unknown legacy syscall set '${name}'`);
  return new Set(table.filter(pred).map((d) => d.nr));
}
