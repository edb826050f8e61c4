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

/** Signal numbers the decoders refer to by name (x86_64). */
export const SIG = { ILL: 4, TRAP: 5, BUS: 7, FPE: 8, KILL: 9, SEGV: 11, CHLD: 17, PROF: 27, IO: 29, SYS: 31 } as const;
