/** Signals (strace src/signal.c, signalfd.c): rt_sigaction, rt_sigprocmask, kill, tkill, tgkill, sigaltstack… */
import { fd, flags, int, ptr, signal, uint, ulong, value } from '../args.js';
import { bitSet, createsFd, onExit, retFd, type Decoder } from '../decoder.js';
import { SFD_FLAGS, SIGPROCMASK_HOW } from '../tables/signal.js';

export const SIGNAL: Record<string, Decoder> = {
  rt_sigaction: { args: [signal, ptr, onExit(ptr), ulong] },
  rt_sigprocmask: { args: [value(SIGPROCMASK_HOW), ptr, onExit(ptr), ulong] },
  // strace reads the signal frame to print `{mask=[…]}`; the recording has no arguments for it
  rt_sigreturn: { args: [] },
  rt_sigsuspend: { args: [ptr, ulong] },
  rt_sigpending: { args: [onExit(ptr), ulong] },
  rt_sigtimedwait: { args: [ptr, onExit(ptr), ptr, ulong] },
  rt_sigqueueinfo: { args: [int, signal, ptr] },
  rt_tgsigqueueinfo: { args: [int, int, signal, ptr] },
  sigaltstack: { args: [ptr, onExit(ptr)] },
  kill: { args: [int, signal] },
  tkill: { args: [int, signal] },
  tgkill: { args: [int, int, signal] },
  pidfd_send_signal: { args: [fd, signal, ptr, uint] },
  pause: { args: [] },
  alarm: { args: [uint] },
  signalfd4: { args: [fd, ptr, ulong, flags(SFD_FLAGS)], ret: retFd, effect: createsFd('anon_inode:[signalfd]', bitSet(3)) },
};
