/** Signal numbers and signal-mask operations (x86_64). */
import { xlat, type Xlat } from '../xlat.js';

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

/** si_code values any signal may carry (include/uapi/asm-generic/siginfo.h, x86_64). */
export const SI_CODES = xlat({ header: 'include/uapi/asm-generic/siginfo.h', dflt: 'SI_???' }, [
  [0, 'SI_USER'], [0x80, 'SI_KERNEL'], [-1, 'SI_QUEUE'], [-2, 'SI_TIMER'], [-3, 'SI_MESGQ'], [-4, 'SI_ASYNCIO'],
  [-5, 'SI_SIGIO'], [-6, 'SI_TKILL'], [-7, 'SI_DETHREAD'], [-60, 'SI_ASYNCNL'],
]);
export const SI = { USER: 0, KERNEL: 0x80, QUEUE: -1, TIMER: -2, SIGIO: -5, TKILL: -6 } as const;

const H = 'include/uapi/asm-generic/siginfo.h';
/** si_code values of particular signals, by signal number. */
export const SIGNAL_CODES: ReadonlyMap<number, Xlat> = new Map([
  [4, xlat({ header: H, dflt: 'ILL_???' }, [
    [1, 'ILL_ILLOPC'], [2, 'ILL_ILLOPN'], [3, 'ILL_ILLADR'], [4, 'ILL_ILLTRP'], [5, 'ILL_PRVOPC'], [6, 'ILL_PRVREG'],
    [7, 'ILL_COPROC'], [8, 'ILL_BADSTK'],
  ])],
  [5, xlat({ header: H, dflt: 'TRAP_???' }, [
    [1, 'TRAP_BRKPT'], [2, 'TRAP_TRACE'], [3, 'TRAP_BRANCH'], [4, 'TRAP_HWBKPT'], [5, 'TRAP_UNK'], [6, 'TRAP_PERF'],
  ])],
  [7, xlat({ header: H, dflt: 'BUS_???' }, [
    [1, 'BUS_ADRALN'], [2, 'BUS_ADRERR'], [3, 'BUS_OBJERR'], [4, 'BUS_MCEERR_AR'], [5, 'BUS_MCEERR_AO'],
  ])],
  [8, xlat({ header: H, dflt: 'FPE_???' }, [
    [1, 'FPE_INTDIV'], [2, 'FPE_INTOVF'], [3, 'FPE_FLTDIV'], [4, 'FPE_FLTOVF'], [5, 'FPE_FLTUND'], [6, 'FPE_FLTRES'],
    [7, 'FPE_FLTINV'], [8, 'FPE_FLTSUB'], [14, 'FPE_FLTUNK'], [15, 'FPE_CONDTRAP'],
  ])],
  [11, xlat({ header: H, dflt: 'SEGV_???' }, [
    [1, 'SEGV_MAPERR'], [2, 'SEGV_ACCERR'], [3, 'SEGV_BNDERR'], [4, 'SEGV_PKUERR'], [5, 'SEGV_ACCADI'], [6, 'SEGV_ADIDERR'],
    [7, 'SEGV_ADIPERR'], [8, 'SEGV_MTEAERR'], [9, 'SEGV_MTESERR'], [10, 'SEGV_CPERR'],
  ])],
  [17, xlat({ header: H, dflt: 'CLD_???' }, [
    [1, 'CLD_EXITED'], [2, 'CLD_KILLED'], [3, 'CLD_DUMPED'], [4, 'CLD_TRAPPED'], [5, 'CLD_STOPPED'], [6, 'CLD_CONTINUED'],
  ])],
  [29, xlat({ header: H, dflt: 'POLL_???' }, [
    [1, 'POLL_IN'], [2, 'POLL_OUT'], [3, 'POLL_MSG'], [4, 'POLL_ERR'], [5, 'POLL_PRI'], [6, 'POLL_HUP'],
  ])],
  [27, xlat({ header: H, dflt: 'PROF_???' }, [[1, 'PROF_SIG']])],
  [31, xlat({ header: H, dflt: 'SYS_???' }, [[1, 'SYS_SECCOMP'], [2, 'SYS_USER_DISPATCH']])],
]);
export const CLD_EXITED = 1;
