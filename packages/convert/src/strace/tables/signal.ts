/** Signal numbers and signal-mask operations (x86_64). */
import { xlat } from '../xlat.js';

/** Signal names by number, 1-31 (arch/x86/include/uapi/asm/signal.h); 32-64 are real-time. */
export const SIGNALS = xlat({ header: 'arch/x86/include/uapi/asm/signal.h', dflt: 'SIG???', lookup: 'indexed' }, [
  [1, 'SIGHUP'], [2, 'SIGINT'], [3, 'SIGQUIT'], [4, 'SIGILL'], [5, 'SIGTRAP'], [6, 'SIGABRT'], [7, 'SIGBUS'],
  [8, 'SIGFPE'], [9, 'SIGKILL'], [10, 'SIGUSR1'], [11, 'SIGSEGV'], [12, 'SIGUSR2'], [13, 'SIGPIPE'], [14, 'SIGALRM'],
  [15, 'SIGTERM'], [16, 'SIGSTKFLT'], [17, 'SIGCHLD'], [18, 'SIGCONT'], [19, 'SIGSTOP'], [20, 'SIGTSTP'],
  [21, 'SIGTTIN'], [22, 'SIGTTOU'], [23, 'SIGURG'], [24, 'SIGXCPU'], [25, 'SIGXFSZ'], [26, 'SIGVTALRM'],
  [27, 'SIGPROF'], [28, 'SIGWINCH'], [29, 'SIGIO'], [30, 'SIGPWR'], [31, 'SIGSYS'],
]);
export const SIGRTMIN = 32;
export const SIGRTMAX = 64;

/** rt_sigprocmask(2) how. */
export const SIGPROCMASK_HOW = xlat({ header: 'include/uapi/asm-generic/signal-defs.h', dflt: 'SIG_???', lookup: 'indexed' }, [
  [0, 'SIG_BLOCK'], [1, 'SIG_UNBLOCK'], [2, 'SIG_SETMASK'],
]);

/** signalfd4(2) flags. */
export const SFD_FLAGS = xlat({ header: 'include/uapi/linux/signalfd.h', dflt: 'SFD_???' }, [
  [0o2000000, 'SFD_CLOEXEC'], [0o4000, 'SFD_NONBLOCK'],
]);

/** struct sigaction sa_flags (x86_64), in strace's order: SA_RESTORER first. */
export const SA_FLAGS = xlat({ header: 'include/uapi/asm-generic/signal-defs.h', dflt: 'SA_???' }, [
  [0x04000000, 'SA_RESTORER'], [0x08000000, 'SA_ONSTACK'], [0x10000000, 'SA_RESTART'], [0x20000000, 'SA_INTERRUPT'],
  [0x40000000, 'SA_NODEFER'], [0x80000000, 'SA_RESETHAND'], [0x4, 'SA_SIGINFO'], [0x1, 'SA_NOCLDSTOP'], [0x2, 'SA_NOCLDWAIT'],
]);
export const SA_RESTORER = 0x04000000;

/** The special handlers. */
export const SA_HANDLERS = xlat({ header: 'include/uapi/asm-generic/signal-defs.h', dflt: 'SIG_???' }, [
  [0xffffffffffffffffn, 'SIG_ERR'], [0, 'SIG_DFL'], [1, 'SIG_IGN'],
]);

/** stack_t ss_flags (sigaltstack(2)). */
export const SS_FLAGS = xlat({ header: 'include/uapi/linux/signal.h', dflt: 'SS_???' }, [
  [1, 'SS_ONSTACK'], [2, 'SS_DISABLE'], [0x80000000, 'SS_AUTODISARM'],
]);

/** struct sigevent sigev_notify. */
export const SIGEV_NOTIFY = xlat({ header: 'include/uapi/asm-generic/siginfo.h', dflt: 'SIGEV_???' }, [
  [0, 'SIGEV_SIGNAL'], [1, 'SIGEV_NONE'], [2, 'SIGEV_THREAD'], [4, 'SIGEV_THREAD_ID'],
]);
export const SIGEV = { SIGNAL: 0, NONE: 1, THREAD: 2, THREAD_ID: 4 } as const;


/** Signal numbers the decoders refer to by name (x86_64). */
export const SIG = { ILL: 4, TRAP: 5, BUS: 7, FPE: 8, KILL: 9, SEGV: 11, CHLD: 17, PROF: 27, IO: 29, SYS: 31 } as const;
