/** Process constants: clone(2), wait4(2), prctl(2), arch_prctl(2), rlimits, clocks, futex(2), getrandom(2). */
import { xlat } from '../xlat.js';

/** clone(2) flags; the low byte (CSIGNAL) is the exit signal and is printed separately. */
export const CLONE_FLAGS = xlat({ header: 'include/uapi/linux/sched.h', dflt: 'CLONE_???' }, [
  [0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'], [0x1000, 'CLONE_PIDFD'],
  [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'], [0x8000, 'CLONE_PARENT'], [0x10000, 'CLONE_THREAD'],
  [0x20000, 'CLONE_NEWNS'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'], [0x100000, 'CLONE_PARENT_SETTID'],
  [0x200000, 'CLONE_CHILD_CLEARTID'], [0x800000, 'CLONE_UNTRACED'], [0x1000000, 'CLONE_CHILD_SETTID'],
  [0x2000000, 'CLONE_NEWCGROUP'], [0x4000000, 'CLONE_NEWUTS'], [0x8000000, 'CLONE_NEWIPC'], [0x10000000, 'CLONE_NEWUSER'],
  [0x20000000, 'CLONE_NEWPID'], [0x40000000, 'CLONE_NEWNET'], [0x80000000, 'CLONE_IO'],
]);
export const CSIGNAL = 0xff;
export const CLONE = {
  VM: 0x100, FILES: 0x400, PIDFD: 0x1000, VFORK: 0x4000, THREAD: 0x10000, SETTLS: 0x80000,
  PARENT_SETTID: 0x100000, CHILD_CLEARTID: 0x200000, CHILD_SETTID: 0x1000000,
} as const;

/** wait4(2)/waitid(2) options. */
export const WAIT_OPTIONS = xlat({ header: 'include/uapi/linux/wait.h', dflt: 'W???' }, [
  [1, 'WNOHANG'], [2, 'WSTOPPED'], [4, 'WEXITED'], [8, 'WCONTINUED'], [0x01000000, 'WNOWAIT'],
  [0x80000000, '__WCLONE'], [0x40000000, '__WALL'], [0x20000000, '__WNOTHREAD'],
]);

/** waitid(2) idtype. */
export const WAITID_TYPES = xlat({ header: 'include/uapi/linux/wait.h', dflt: 'P_???', lookup: 'indexed' }, [
  [0, 'P_ALL'], [1, 'P_PID'], [2, 'P_PGID'], [3, 'P_PIDFD'],
]);

/** prctl(2) options, sorted by value. */
export const PRCTL_OPTIONS = xlat({ header: 'include/uapi/linux/prctl.h', dflt: 'PR_???', lookup: 'sorted' }, [
  [1, 'PR_SET_PDEATHSIG'], [2, 'PR_GET_PDEATHSIG'], [3, 'PR_GET_DUMPABLE'], [4, 'PR_SET_DUMPABLE'], [5, 'PR_GET_UNALIGN'],
  [6, 'PR_SET_UNALIGN'], [7, 'PR_GET_KEEPCAPS'], [8, 'PR_SET_KEEPCAPS'], [9, 'PR_GET_FPEMU'], [10, 'PR_SET_FPEMU'],
  [11, 'PR_GET_FPEXC'], [12, 'PR_SET_FPEXC'], [13, 'PR_GET_TIMING'], [14, 'PR_SET_TIMING'], [15, 'PR_SET_NAME'],
  [16, 'PR_GET_NAME'], [19, 'PR_GET_ENDIAN'], [20, 'PR_SET_ENDIAN'], [21, 'PR_GET_SECCOMP'], [22, 'PR_SET_SECCOMP'],
  [23, 'PR_CAPBSET_READ'], [24, 'PR_CAPBSET_DROP'], [25, 'PR_GET_TSC'], [26, 'PR_SET_TSC'], [27, 'PR_GET_SECUREBITS'],
  [28, 'PR_SET_SECUREBITS'], [29, 'PR_SET_TIMERSLACK'], [30, 'PR_GET_TIMERSLACK'], [31, 'PR_TASK_PERF_EVENTS_DISABLE'],
  [32, 'PR_TASK_PERF_EVENTS_ENABLE'], [33, 'PR_MCE_KILL'], [34, 'PR_MCE_KILL_GET'], [35, 'PR_SET_MM'],
  [36, 'PR_SET_CHILD_SUBREAPER'], [37, 'PR_GET_CHILD_SUBREAPER'], [38, 'PR_SET_NO_NEW_PRIVS'], [39, 'PR_GET_NO_NEW_PRIVS'],
  [40, 'PR_GET_TID_ADDRESS'], [41, 'PR_SET_THP_DISABLE'], [42, 'PR_GET_THP_DISABLE'], [43, 'PR_MPX_ENABLE_MANAGEMENT'],
  [44, 'PR_MPX_DISABLE_MANAGEMENT'], [45, 'PR_SET_FP_MODE'], [46, 'PR_GET_FP_MODE'], [47, 'PR_CAP_AMBIENT'],
  [50, 'PR_SVE_SET_VL'], [51, 'PR_SVE_GET_VL'], [52, 'PR_GET_SPECULATION_CTRL'], [53, 'PR_SET_SPECULATION_CTRL'],
  [54, 'PR_PAC_RESET_KEYS'], [55, 'PR_SET_TAGGED_ADDR_CTRL'], [56, 'PR_GET_TAGGED_ADDR_CTRL'], [57, 'PR_SET_IO_FLUSHER'],
  [58, 'PR_GET_IO_FLUSHER'], [59, 'PR_SET_SYSCALL_USER_DISPATCH'], [60, 'PR_PAC_SET_ENABLED_KEYS'],
  [61, 'PR_PAC_GET_ENABLED_KEYS'], [62, 'PR_SCHED_CORE'], [63, 'PR_SME_SET_VL'], [64, 'PR_SME_GET_VL'], [65, 'PR_SET_MDWE'],
  [66, 'PR_GET_MDWE'], [67, 'PR_SET_MEMORY_MERGE'], [68, 'PR_GET_MEMORY_MERGE'], [0x41555856, 'PR_GET_AUXV'],
  [0x53564d41, 'PR_SET_VMA'], [0x59616d61, 'PR_SET_PTRACER'],
]);

/** PR_SET_DUMPABLE / PR_GET_DUMPABLE values. */
export const SUID_DUMP = xlat({ header: 'include/linux/sched/coredump.h', dflt: 'SUID_DUMP_???', lookup: 'indexed' }, [
  [0, 'SUID_DUMP_DISABLE'], [1, 'SUID_DUMP_USER'], [2, 'SUID_DUMP_ROOT'],
]);

/** arch_prctl(2) codes, sorted by value. */
export const ARCH_PRCTL = xlat({ header: 'arch/x86/include/uapi/asm/prctl.h', dflt: 'ARCH_???', lookup: 'sorted' }, [
  [0x1001, 'ARCH_SET_GS'], [0x1002, 'ARCH_SET_FS'], [0x1003, 'ARCH_GET_FS'], [0x1004, 'ARCH_GET_GS'],
  [0x1011, 'ARCH_GET_CPUID'], [0x1012, 'ARCH_SET_CPUID'], [0x1021, 'ARCH_GET_XCOMP_SUPP'], [0x1022, 'ARCH_GET_XCOMP_PERM'],
  [0x1023, 'ARCH_REQ_XCOMP_PERM'], [0x1024, 'ARCH_GET_XCOMP_GUEST_PERM'], [0x1025, 'ARCH_REQ_XCOMP_GUEST_PERM'],
  [0x2001, 'ARCH_MAP_VDSO_X32'], [0x2002, 'ARCH_MAP_VDSO_32'], [0x2003, 'ARCH_MAP_VDSO_64'], [0x4001, 'ARCH_GET_UNTAG_MASK'],
  [0x4002, 'ARCH_ENABLE_TAGGED_ADDR'], [0x4003, 'ARCH_GET_MAX_TAG_BITS'], [0x4004, 'ARCH_FORCE_TAGGED_SVA'],
  [0x5001, 'ARCH_SHSTK_ENABLE'], [0x5002, 'ARCH_SHSTK_DISABLE'], [0x5003, 'ARCH_SHSTK_LOCK'], [0x5004, 'ARCH_SHSTK_UNLOCK'],
  [0x5005, 'ARCH_SHSTK_STATUS'],
]);

/** Resource limits (getrlimit(2), prlimit64(2)). */
export const RLIMITS = xlat({ header: 'include/uapi/asm-generic/resource.h', dflt: 'RLIMIT_???', lookup: 'indexed' }, [
  [0, 'RLIMIT_CPU'], [1, 'RLIMIT_FSIZE'], [2, 'RLIMIT_DATA'], [3, 'RLIMIT_STACK'], [4, 'RLIMIT_CORE'], [5, 'RLIMIT_RSS'],
  [6, 'RLIMIT_NPROC'], [7, 'RLIMIT_NOFILE'], [8, 'RLIMIT_MEMLOCK'], [9, 'RLIMIT_AS'], [10, 'RLIMIT_LOCKS'],
  [11, 'RLIMIT_SIGPENDING'], [12, 'RLIMIT_MSGQUEUE'], [13, 'RLIMIT_NICE'], [14, 'RLIMIT_RTPRIO'], [15, 'RLIMIT_RTTIME'],
]);

/** getrusage(2) who; printed in decimal. */
export const RUSAGE_WHO = xlat({ header: 'include/uapi/linux/resource.h', dflt: 'RUSAGE_???' }, [
  [0, 'RUSAGE_SELF'], [-1, 'RUSAGE_CHILDREN'], [1, 'RUSAGE_THREAD'],
]);

/** Clock ids (clock_gettime(2), clock_nanosleep(2), timerfd_create(2)). */
export const CLOCKS = xlat({ header: 'include/uapi/linux/time.h', dflt: 'CLOCK_???', lookup: 'indexed' }, [
  [0, 'CLOCK_REALTIME'], [1, 'CLOCK_MONOTONIC'], [2, 'CLOCK_PROCESS_CPUTIME_ID'], [3, 'CLOCK_THREAD_CPUTIME_ID'],
  [4, 'CLOCK_MONOTONIC_RAW'], [5, 'CLOCK_REALTIME_COARSE'], [6, 'CLOCK_MONOTONIC_COARSE'], [7, 'CLOCK_BOOTTIME'],
  [8, 'CLOCK_REALTIME_ALARM'], [9, 'CLOCK_BOOTTIME_ALARM'], [10, 'CLOCK_SGI_CYCLE'], [11, 'CLOCK_TAI'],
]);

/** clock_nanosleep(2) and timerfd_settime(2) flags. */
export const TIMER_FLAGS = xlat({ header: 'include/uapi/linux/time.h', dflt: 'TIMER_???' }, [[1, 'TIMER_ABSTIME']]);

/** futex(2) operations: the command with its FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256) variants. */
export const FUTEX_OPS = xlat({ header: 'include/uapi/linux/futex.h', dflt: 'FUTEX_???' }, [
  [0, 'FUTEX_WAIT'], [1, 'FUTEX_WAKE'], [2, 'FUTEX_FD'], [3, 'FUTEX_REQUEUE'], [4, 'FUTEX_CMP_REQUEUE'], [5, 'FUTEX_WAKE_OP'],
  [6, 'FUTEX_LOCK_PI'], [7, 'FUTEX_UNLOCK_PI'], [8, 'FUTEX_TRYLOCK_PI'], [9, 'FUTEX_WAIT_BITSET'], [10, 'FUTEX_WAKE_BITSET'],
  [11, 'FUTEX_WAIT_REQUEUE_PI'], [12, 'FUTEX_CMP_REQUEUE_PI'], [13, 'FUTEX_LOCK_PI2'],
  [128, 'FUTEX_WAIT_PRIVATE'], [129, 'FUTEX_WAKE_PRIVATE'], [130, 'FUTEX_FD|FUTEX_PRIVATE_FLAG'], [131, 'FUTEX_REQUEUE_PRIVATE'],
  [132, 'FUTEX_CMP_REQUEUE_PRIVATE'], [133, 'FUTEX_WAKE_OP_PRIVATE'], [134, 'FUTEX_LOCK_PI_PRIVATE'],
  [135, 'FUTEX_UNLOCK_PI_PRIVATE'], [136, 'FUTEX_TRYLOCK_PI_PRIVATE'], [137, 'FUTEX_WAIT_BITSET_PRIVATE'],
  [138, 'FUTEX_WAKE_BITSET_PRIVATE'], [139, 'FUTEX_WAIT_REQUEUE_PI_PRIVATE'], [140, 'FUTEX_CMP_REQUEUE_PI_PRIVATE'],
  [141, 'FUTEX_LOCK_PI2_PRIVATE'],
  [256, 'FUTEX_WAIT|FUTEX_CLOCK_REALTIME'], [384, 'FUTEX_WAIT_PRIVATE|FUTEX_CLOCK_REALTIME'],
  [265, 'FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME'], [393, 'FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME'],
  [267, 'FUTEX_WAIT_REQUEUE_PI|FUTEX_CLOCK_REALTIME'], [395, 'FUTEX_WAIT_REQUEUE_PI_PRIVATE|FUTEX_CLOCK_REALTIME'],
]);
export const FUTEX_CMD_MASK = 127;
export const FUTEX = {
  WAIT: 0, WAKE: 1, FD: 2, REQUEUE: 3, CMP_REQUEUE: 4, WAKE_OP: 5, LOCK_PI: 6, UNLOCK_PI: 7, TRYLOCK_PI: 8,
  WAIT_BITSET: 9, WAKE_BITSET: 10, WAIT_REQUEUE_PI: 11, CMP_REQUEUE_PI: 12, LOCK_PI2: 13,
} as const;
export const FUTEX_BITSET = xlat({ header: 'include/uapi/linux/futex.h', dflt: 'FUTEX_BITSET_???' }, [
  [0xffffffff, 'FUTEX_BITSET_MATCH_ANY'],
]);

/** getrandom(2) flags. */
export const GETRANDOM_FLAGS = xlat({ header: 'include/uapi/linux/random.h', dflt: 'GRND_???' }, [
  [1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE'],
]);

/** rseq(2) flags. */
export const RSEQ_FLAGS = xlat({ header: 'include/uapi/linux/rseq.h', dflt: 'RSEQ_FLAG_???' }, [[1, 'RSEQ_FLAG_UNREGISTER']]);

/** clone3(2) flags above 32 bits (include/uapi/linux/sched.h); clone3 prints CLONE_FLAGS then these. */
export const CLONE3_FLAGS = xlat({ header: 'include/uapi/linux/sched.h', dflt: 'CLONE_???' }, [
  [0x100000000n, 'CLONE_CLEAR_SIGHAND'], [0x200000000n, 'CLONE_INTO_CGROUP'],
]);

/** getitimer(2)/setitimer(2) which. */
export const ITIMER_WHICH = xlat({ header: 'include/uapi/linux/time.h', dflt: 'ITIMER_???', lookup: 'indexed' }, [
  [0, 'ITIMER_REAL'], [1, 'ITIMER_VIRTUAL'], [2, 'ITIMER_PROF'],
]);

/** ptrace event codes in a wait status (`status >> 16`). */
export const PTRACE_EVENTS = xlat({ header: 'include/uapi/linux/ptrace.h', dflt: 'PTRACE_EVENT_???' }, [
  [1, 'PTRACE_EVENT_FORK'], [2, 'PTRACE_EVENT_VFORK'], [3, 'PTRACE_EVENT_CLONE'], [4, 'PTRACE_EVENT_EXEC'],
  [5, 'PTRACE_EVENT_VFORK_DONE'], [6, 'PTRACE_EVENT_EXIT'], [7, 'PTRACE_EVENT_SECCOMP'], [128, 'PTRACE_EVENT_STOP'],
]);
