/**
 * Signals (strace src/signal.c, sigaltstack.c, signalfd.c): rt_sigaction, rt_sigprocmask,
 * rt_sigreturn, rt_sigtimedwait, kill, tkill, tgkill, sigaltstack…
 */
import { fd, flags, int, signal, signame, uint, ulong, value, xint, type ArgPrinter } from '../args.js';
import { bitSet, createsFd, retDec, retFd, type Decoder, type RetPrinter } from '../decoder.js';
import { structArg, structOf } from '../mem.js';
import {
  SIGACTION_SIZE, sigaction, siginfoAt, SIGINFO_SIZE, sigset, sigsetArg, SIGSET_SIZE, STACK_T_SIZE, stackT,
} from '../structs/signal.js';
import { timespec, TIMESPEC_SIZE } from '../structs/time.js';
import { SFD_FLAGS, SIGPROCMASK_HOW } from '../tables/signal.js';

/** A sigset_t the kernel fills, its size in argument `lenArg` (at least `min` bytes, at most 8). */
function sigsetOut(lenArg: number, min = 8): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k)) return 'NULL';
    const len = Number(c.ulong(lenArg));
    if (len < min || len > SIGSET_SIZE) return c.hex(k);
    const m = structOf(c, k, 'out', len);
    return m === undefined ? c.hex(k) : sigset(m, c.cfg.style, 0, len);
  };
}

const actIn = structArg('in', SIGACTION_SIZE, (m, c) => sigaction(m, c.cfg.style));
const actOut = structArg('out', SIGACTION_SIZE, (m, c) => sigaction(m, c.cfg.style));
const siginfoIn = structArg('in', SIGINFO_SIZE, (m, c) => siginfoAt(m, c.cfg.style));
const siginfoOut = structArg('out', SIGINFO_SIZE, (m, c) => siginfoAt(m, c.cfg.style));

/** rt_sigreturn's restored mask, from the signal frame: `{mask=[]}` (nothing when the recording lacks it). */
const frameMask: ArgPrinter = (c, k) => {
  const m = structOf(c, k, 'in', SIGSET_SIZE);
  return m === undefined ? undefined : `{mask=${sigset(m, c.cfg.style)}}`;
};

/** rt_sigtimedwait's result: the signal, `12 (SIGUSR2)`. */
const sigRet: RetPrinter = (c) => (c.ret > 0n && c.ret < 65n ? `${c.retDec} (${signame(c.retInt)})` : retDec(c));

export const SIGNAL: Record<string, Decoder> = {
  rt_sigaction: { args: [signal, actIn, actOut, ulong], exitFrom: 2 },
  rt_sigprocmask: { args: [value(SIGPROCMASK_HOW), sigsetArg(3), sigsetOut(3), ulong], exitFrom: 2 },
  rt_sigreturn: { args: [frameMask] },
  rt_sigsuspend: { args: [sigsetArg(1), ulong] },
  rt_sigpending: { args: [sigsetOut(1, 1), ulong], exitFrom: 0 },
  rt_sigtimedwait: {
    args: [sigsetArg(3), siginfoOut, structArg('in', TIMESPEC_SIZE, (m) => timespec(m)), ulong],
    ret: sigRet,
    exitFrom: 1,
  },
  rt_sigqueueinfo: { args: [int, signal, siginfoIn] },
  rt_tgsigqueueinfo: { args: [int, int, signal, siginfoIn] },
  sigaltstack: {
    args: [structArg('in', STACK_T_SIZE, (m, c) => stackT(m, c.cfg.style)), structArg('out', STACK_T_SIZE, (m, c) => stackT(m, c.cfg.style))],
    exitFrom: 1,
  },
  kill: { args: [int, signal] },
  tkill: { args: [int, signal] },
  tgkill: { args: [int, int, signal] },
  pidfd_send_signal: { args: [fd, signal, siginfoIn, xint] },
  pause: { args: [] },
  alarm: { args: [uint] },
  signalfd4: { args: [fd, sigsetArg(2), ulong, flags(SFD_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[signalfd]', bitSet(3)) },
};
