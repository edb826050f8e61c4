/** siginfo_t constants (x86_64): si_code values, generic and per signal, and audit architectures. */
import { xlat, type Xlat } from '../xlat.js';
import { SIG } from './signal.js';

/** si_code values any signal may carry (include/uapi/asm-generic/siginfo.h). */
export const SI_CODES = xlat({ header: 'include/uapi/asm-generic/siginfo.h', dflt: 'SI_???' }, [
  [0, 'SI_USER'], [0x80, 'SI_KERNEL'], [-1, 'SI_QUEUE'], [-2, 'SI_TIMER'], [-3, 'SI_MESGQ'], [-4, 'SI_ASYNCIO'],
  [-5, 'SI_SIGIO'], [-6, 'SI_TKILL'], [-7, 'SI_DETHREAD'], [-60, 'SI_ASYNCNL'],
]);
export const SI = { USER: 0, KERNEL: 0x80, QUEUE: -1, TIMER: -2, SIGIO: -5, TKILL: -6 } as const;

const SIGINFO_H = { header: 'include/uapi/asm-generic/siginfo.h', lookup: 'indexed' } as const;

export const ILL_CODES = xlat({ ...SIGINFO_H, dflt: 'ILL_???' }, [
  [1, 'ILL_ILLOPC'], [2, 'ILL_ILLOPN'], [3, 'ILL_ILLADR'], [4, 'ILL_ILLTRP'], [5, 'ILL_PRVOPC'], [6, 'ILL_PRVREG'],
  [7, 'ILL_COPROC'], [8, 'ILL_BADSTK'], [9, 'ILL_BADIADDR'],
]);
export const FPE_CODES = xlat({ ...SIGINFO_H, lookup: 'sorted', dflt: 'FPE_???' }, [
  [1, 'FPE_INTDIV'], [2, 'FPE_INTOVF'], [3, 'FPE_FLTDIV'], [4, 'FPE_FLTOVF'], [5, 'FPE_FLTUND'], [6, 'FPE_FLTRES'],
  [7, 'FPE_FLTINV'], [8, 'FPE_FLTSUB'], [14, 'FPE_FLTUNK'], [15, 'FPE_CONDTRAP'],
]);
export const SEGV_CODES = xlat({ ...SIGINFO_H, dflt: 'SEGV_???' }, [
  [1, 'SEGV_MAPERR'], [2, 'SEGV_ACCERR'], [3, 'SEGV_BNDERR'], [4, 'SEGV_PKUERR'], [5, 'SEGV_ACCADI'], [6, 'SEGV_ADIDERR'],
  [7, 'SEGV_ADIPERR'], [8, 'SEGV_MTEAERR'], [9, 'SEGV_MTESERR'], [10, 'SEGV_CPERR'],
]);
export const SEGV = { BNDERR: 3, PKUERR: 4 } as const;
export const BUS_CODES = xlat({ ...SIGINFO_H, dflt: 'BUS_???' }, [
  [1, 'BUS_ADRALN'], [2, 'BUS_ADRERR'], [3, 'BUS_OBJERR'], [4, 'BUS_MCEERR_AR'], [5, 'BUS_MCEERR_AO'],
]);
export const BUS = { MCEERR_AR: 4, MCEERR_AO: 5 } as const;
export const TRAP_CODES = xlat({ ...SIGINFO_H, dflt: 'TRAP_???' }, [
  [1, 'TRAP_BRKPT'], [2, 'TRAP_TRACE'], [3, 'TRAP_BRANCH'], [4, 'TRAP_HWBKPT'], [5, 'TRAP_UNK'], [6, 'TRAP_PERF'],
]);
export const CLD_CODES = xlat({ ...SIGINFO_H, dflt: 'CLD_???' }, [
  [1, 'CLD_EXITED'], [2, 'CLD_KILLED'], [3, 'CLD_DUMPED'], [4, 'CLD_TRAPPED'], [5, 'CLD_STOPPED'], [6, 'CLD_CONTINUED'],
]);
export const CLD = { EXITED: 1, KILLED: 2, DUMPED: 3 } as const;
export const POLL_CODES = xlat({ ...SIGINFO_H, dflt: 'POLL_???' }, [
  [1, 'POLL_IN'], [2, 'POLL_OUT'], [3, 'POLL_MSG'], [4, 'POLL_ERR'], [5, 'POLL_PRI'], [6, 'POLL_HUP'],
]);
export const POLL = { IN: 1, OUT: 2, MSG: 3, ERR: 4, PRI: 5, HUP: 6 } as const;
export const SYS_CODES = xlat({ ...SIGINFO_H, dflt: 'SYS_???' }, [[1, 'SYS_SECCOMP'], [2, 'SYS_USER_DISPATCH']]);

/**
 * The si_code table of each signal that has one, by signal number (x86_64 numbering). SIGPROF's
 * PROF_SIG is not here: strace names only what libc's headers define, and glibc has no PROF_SIG
 * (strace prints `si_code=0x1`).
 */
export const SIGNAL_CODES: ReadonlyMap<number, Xlat> = new Map([
  [SIG.ILL, ILL_CODES], [SIG.TRAP, TRAP_CODES], [SIG.BUS, BUS_CODES], [SIG.FPE, FPE_CODES], [SIG.SEGV, SEGV_CODES],
  [SIG.CHLD, CLD_CODES], [SIG.IO, POLL_CODES], [SIG.SYS, SYS_CODES],
]);

/** Audit architectures of SIGSYS's si_arch (include/uapi/linux/audit.h): the two an x86_64 kernel runs. */
export const AUDIT_ARCH = xlat({ header: 'include/uapi/linux/audit.h', dflt: 'AUDIT_ARCH_???' }, [
  [0xc000003e, 'AUDIT_ARCH_X86_64'], [0x40000003, 'AUDIT_ARCH_I386'],
]);
export const AUDIT_ARCH_X86_64 = 0xc000003e;
