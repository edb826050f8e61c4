/**
 * Process structs (strace src/wait.c, resource.c, uname.c, sysinfo.c, times.c, clone.c,
 * capability.c): wait status, rlimit, utsname, sysinfo, tms, clone_args, capability sets.
 */
import { signame } from '../args.js';
import { quoteCString } from '../escape.js';
import type { Mem } from '../mem.js';
import { CAP_MASK0, CAP_MASK1, CAP_VERSIONS } from '../tables/caps.js';
import { CLONE, CLONE3_FLAGS, CLONE_FLAGS, PTRACE_EVENTS } from '../tables/sched.js';
import { hex, printFlags, printValue, sprintFlags, type XlatStyle } from '../xlat.js';
import { clockT } from './time.js';

/**
 * A wait status as strace shows it (printstatus): `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`,
 * `[{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM && WCOREDUMP(s)}]`, `[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]`.
 */
export function waitStatus(status: number, style: XlatStyle): string {
  let s: string;
  let rest = status;
  const low = status & 0x7f;
  if ((status & 0xff) === 0x7f) {
    const sig = (status >> 8) & 0xff;
    s = `{WIFSTOPPED(s) && WSTOPSIG(s) == ${signame(sig & 0x7f)}${sig & 0x80 ? ' | 0x80' : ''}}`;
    rest &= ~((sig << 8) | 0x7f);
  } else if (low !== 0 && low !== 0x7f) {
    s = `{WIFSIGNALED(s) && WTERMSIG(s) == ${signame(low)}${status & 0x80 ? ' && WCOREDUMP(s)' : ''}}`;
    rest &= ~(low | 0x80);
  } else if (low === 0) {
    s = `{WIFEXITED(s) && WEXITSTATUS(s) == ${(status >> 8) & 0xff}}`;
    rest &= ~(status & 0xff00);
  } else if (status === 0xffff) {
    s = '{WIFCONTINUED(s)}';
    rest = 0;
  } else {
    return `[${hex(status >>> 0)}]`;
  }
  rest >>>= 0;
  if (rest) {
    const event = rest >>> 16;
    if (event) {
      s += ` | ${printValue(PTRACE_EVENTS, event, style)} << 16`;
      rest &= 0xffff;
    }
    if (rest) s += ` | ${hex(rest)}`;
  }
  return `[${s}]`;
}

/** rlim64_t: `RLIM64_INFINITY`, `8192*1024`, or the number. */
function rlim(m: Mem, o: number, style: XlatStyle): string {
  const v = m.u64(o);
  let name: string | undefined;
  if (v === 0xffffffffffffffffn) name = 'RLIM64_INFINITY';
  else if (v > 1024n && v % 1024n === 0n) name = `${v / 1024n}*1024`;
  if (name === undefined || style === 'raw') return v.toString();
  return style === 'verbose' ? `${v} /* ${name} */` : name;
}

/** struct rlimit (64-bit on x86-64): `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`. */
export const RLIMIT_SIZE = 16;
export function rlimit(m: Mem, style: XlatStyle): string {
  return `{rlim_cur=${rlim(m, 0, style)}, rlim_max=${rlim(m, 8, style)}}`;
}

/** struct utsname, abbreviated: `{sysname="Linux", nodename="vm", ...}`. */
export const UTSNAME_SIZE = 390;
export function utsname(m: Mem): string {
  return `{sysname=${quoteCString(m.bytes.subarray(0, 65))}, nodename=${quoteCString(m.bytes.subarray(65, 130))}, ...}`;
}

/** struct sysinfo (x86-64), printed whole. */
export const SYSINFO_SIZE = 112;
export function sysinfo(m: Mem): string {
  return `{uptime=${m.udec(0)}, loads=[${m.udec(8)}, ${m.udec(16)}, ${m.udec(24)}], totalram=${m.udec(32)}, ` +
    `freeram=${m.udec(40)}, sharedram=${m.udec(48)}, bufferram=${m.udec(56)}, totalswap=${m.udec(64)}, ` +
    `freeswap=${m.udec(72)}, procs=${m.u16(80)}, totalhigh=${m.udec(88)}, freehigh=${m.udec(96)}, mem_unit=${m.u32(104)}}`;
}

/** struct tms: four clock_t. */
export const TMS_SIZE = 32;
export function tms(m: Mem, style: XlatStyle): string {
  return `{tms_utime=${clockT(m.i64(0), style)}, tms_stime=${clockT(m.i64(8), style)}, ` +
    `tms_cutime=${clockT(m.i64(16), style)}, tms_cstime=${clockT(m.i64(24), style)}}`;
}

/** clone3's flags: CLONE_* then the clone3-only ones above 32 bits. */
function clone3Flags(v: bigint, style: XlatStyle): string {
  if (style === 'raw') return hex(v);
  if (v === 0n) return '0';
  const s = sprintFlags([CLONE_FLAGS, CLONE3_FLAGS], v);
  const text = s ?? `${hex(v)} /* CLONE_??? */`;
  return style === 'verbose' ? `${hex(v)} /* ${text} */` : text;
}

/** The part of struct clone_args strace needs: up to tls. */
export const CLONE_ARGS_MIN = 64;

/**
 * struct clone_args (clone3's entry): `{flags=…, child_tid=…, exit_signal=SIGCHLD, stack=…,
 * stack_size=0x…, tls=…}`; `size` is clone3's second argument.
 */
export function cloneArgs(m: Mem, size: number, style: XlatStyle): string {
  const flags = m.u64(0);
  const has = (bit: number) => (flags & BigInt(bit)) !== 0n;
  let s = `{flags=${clone3Flags(flags, style)}`;
  if (has(CLONE.PIDFD)) s += `, pidfd=${m.ptr(8)}`;
  if (has(CLONE.CHILD_SETTID | CLONE.CHILD_CLEARTID)) s += `, child_tid=${m.ptr(16)}`;
  if (has(CLONE.PARENT_SETTID)) s += `, parent_tid=${m.ptr(24)}`;
  const sig = m.u64(32);
  s += `, exit_signal=${sig < 0x7fffffffn ? signame(Number(sig)) : sig.toString()}`;
  s += `, stack=${m.ptr(40)}, stack_size=${m.hex(48)}`;
  if (has(0x80000 /* CLONE_SETTLS */)) s += `, tls=${m.ptr(56)}`;
  if (m.length >= 80 && size >= 80 && (!m.zero64(64) || !m.zero64(72))) s += `, set_tid=${m.ptr(64)}, set_tid_size=${m.udec(72)}`;
  if (m.length >= 88 && size > 80 && (!m.zero64(80) || (flags & 0x200000000n) !== 0n)) s += `, cgroup=${m.udec(80)}`;
  return s + '}';
}

/** struct __user_cap_header_struct: `{version=_LINUX_CAPABILITY_VERSION_3, pid=0}`. */
export const CAP_HEADER_SIZE = 8;
export function capHeader(m: Mem, style: XlatStyle): string {
  return `{version=${printValue(CAP_VERSIONS, m.u32(0), style)}, pid=${m.i32(4)}}`;
}
const CAP_VERSION_2 = 0x20071026;
const CAP_VERSION_3 = 0x20080522;

/** One capability set of the two 32-bit words: `1<<CAP_CHOWN|…`. */
function capBits(lo: number, hi: number, style: XlatStyle): string {
  let s = '';
  if (lo || !hi) s = printFlags(CAP_MASK0, lo, style);
  if (hi) s += (lo ? '|' : '') + printFlags(CAP_MASK1, hi, style);
  return s;
}

/** struct __user_cap_data_struct[1 or 2] (two for versions 2 and 3): `{effective=…, permitted=…, inheritable=…}`. */
export function capData(m: Mem, version: number, style: XlatStyle): string {
  const two = (version === CAP_VERSION_2 || version === CAP_VERSION_3) && m.length >= 24;
  const set = (f: number) => capBits(m.u32(4 * f), two ? m.u32(12 + 4 * f) : 0, style);
  return `{effective=${set(0)}, permitted=${set(1)}, inheritable=${set(2)}}`;
}
