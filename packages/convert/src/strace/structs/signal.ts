/**
 * Signal structs (strace src/signal.c, sigaltstack.c, print_sigevent.c, printsiginfo.c):
 * signal sets, struct sigaction (the kernel's), stack_t, struct sigevent, siginfo_t.
 */
import { signame, type ArgPrinter } from '../args.js';
import { structOf, type Mem } from '../mem.js';
import {
  SA_FLAGS, SA_HANDLERS, SA_RESTORER, SIGEV, SIGEV_NOTIFY, SIGNALS, SIGRTMAX, SIGRTMIN,
  SS_FLAGS,
} from '../tables/signal.js';
import { lookupValue, printFlags, printValue, type XlatStyle } from '../xlat.js';
import { printSiginfo } from '../siginfo.js';

/** The kernel's sigset_t on x86_64: 64 signals, 8 bytes. */
export const SIGSET_SIZE = 8;

/** A signal's name in a set: `CHLD`, `RTMIN`, `RT_1`. */
function setName(sig: number, style: XlatStyle): string {
  if (style === 'raw') return String(sig);
  let name = SIGNALS.byNumber.get(sig)?.slice(3);
  if (name === undefined && sig === SIGRTMIN) name = 'RTMIN';
  else if (name === undefined && sig > SIGRTMIN && sig <= SIGRTMAX) name = `RT_${sig - SIGRTMIN}`;
  if (style === 'verbose') return name === undefined ? String(sig) : `${sig} /* ${name} */`;
  return name ?? String(sig);
}

/**
 * A signal set of `bytes` bytes (strace's sprintsigmask_n): `[]`, `[CHLD]`, and when two thirds
 * or more of the bits are set, the complement: `~[KILL STOP RTMIN RT_1]`.
 */
export function sigset(m: Mem, style: XlatStyle, o = 0, bytes = SIGSET_SIZE): string {
  const words = Math.ceil(Math.min(bytes, SIGSET_SIZE) / 4);
  const w: number[] = [];
  let pop = 0;
  for (let i = 0; i < words; i++) {
    let v = 0;
    for (let j = 0; j < 4; j++) v |= (o + 4 * i + j < o + bytes ? m.u8(o + 4 * i + j) : 0) << (8 * j);
    w.push(v >>> 0);
    for (let x = v >>> 0; x; x &= x - 1) pop++;
  }
  let prefix = '';
  if (pop >= Math.floor((words * 32 * 2) / 3)) {
    prefix = '~';
    for (let i = 0; i < words; i++) w[i] = ~w[i]! >>> 0;
  }
  const names: string[] = [];
  for (let i = 0; i < words; i++) {
    for (let b = 0; b < 32; b++) if (w[i]! & (1 << b)) names.push(setName(32 * i + b + 1, style));
  }
  return `${prefix}[${names.join(' ')}]`;
}

/** A sigset_t pointer with its size in argument `lenArg` (strace's print_sigset_addr_len): the size must be 8. */
export function sigsetArg(lenArg: number): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k)) return 'NULL';
    const len = Number(c.ulong(lenArg));
    if (len < 8 || len > SIGSET_SIZE) return c.hex(k);
    const m = structOf(c, k, 'in', len);
    return m === undefined ? c.hex(k) : sigset(m, c.cfg.style, 0, len);
  };
}

/** A handler: `SIG_DFL`, `SIG_IGN`, or the address. */
function handler(m: Mem, o: number): string {
  const name = lookupValue(SA_HANDLERS, m.u64(o));
  return name ?? m.ptr(o);
}

/** The kernel's struct sigaction on x86_64: handler, flags, restorer, mask. */
export const SIGACTION_SIZE = 32;

/** `{sa_handler=0x…, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x…}`. */
export function sigaction(m: Mem, style: XlatStyle): string {
  const flags = m.u64(8);
  let s = `{sa_handler=${handler(m, 0)}, sa_mask=${sigset(m, style, 24)}, sa_flags=${printFlags(SA_FLAGS, flags, style)}`;
  if (flags & BigInt(SA_RESTORER)) s += `, sa_restorer=${m.ptr(16)}`;
  return s + '}';
}

/** stack_t: `{ss_sp=0x…, ss_flags=0, ss_size=65536}`. */
export const STACK_T_SIZE = 24;
export function stackT(m: Mem, style: XlatStyle): string {
  return `{ss_sp=${m.ptr(0)}, ss_flags=${printFlags(SS_FLAGS, m.u32(8), style)}, ss_size=${m.udec(16)}}`;
}

/** A signal number field: its name, or the number (strace's printsignal). */
function sigField(sig: number, style: XlatStyle): string {
  const name = signame(sig);
  if (name === String(sig) || style === 'abbrev') return name;
  return style === 'raw' ? String(sig) : `${sig} /* ${name} */`;
}

/** struct sigevent (timer_create): `{sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}`. */
export const SIGEVENT_SIZE = 64;
export function sigevent(m: Mem, style: XlatStyle): string {
  let s = '{';
  if (!m.zero64(0)) s += `sigev_value={sival_int=${m.i32(0)}, sival_ptr=${m.ptr(0)}}, `;
  const notify = m.i32(12);
  const signo = m.i32(8);
  const withSignal = notify === SIGEV.SIGNAL || notify === SIGEV.THREAD || notify === SIGEV.THREAD_ID;
  s += `sigev_signo=${withSignal ? sigField(signo, style) : String(signo >>> 0)}`;
  s += `, sigev_notify=${printValue(SIGEV_NOTIFY, notify, style)}`;
  if (notify === SIGEV.THREAD_ID) s += `, sigev_notify_thread_id=${m.i32(16)}`;
  else if (notify === SIGEV.THREAD) s += `, sigev_notify_function=${m.ptr(16)}, sigev_notify_attributes=${m.ptr(24)}`;
  return s + '}';
}

// ------------------------------------------------------------------ siginfo

export { SIGINFO_SIZE } from '../siginfo.js';

/** siginfo_t read from memory (waitid, rt_sigtimedwait, rt_sigqueueinfo). */
export function siginfoAt(m: Mem, style: XlatStyle): string {
  return printSiginfo(m.bytes, { style });
}
