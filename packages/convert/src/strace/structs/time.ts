/**
 * Time structs (strace src/print_timespec.h, print_timeval.c, printrusage.c, util.c's
 * print_clock_t): timespec, timeval, itimerspec, itimerval, timezone, utimensat's pair, rusage,
 * clock_t. x86-64 layouts: timespec and timeval are two 64-bit words.
 */
import type { XlatStyle } from '../xlat.js';
import type { Mem } from '../mem.js';

export const TIMESPEC_SIZE = 16;

/** `{tv_sec=1, tv_nsec=500}` (tv_nsec as strace's zero-extended `%llu`). */
export function timespec(m: Mem, o = 0): string {
  return `{tv_sec=${m.dec(o)}, tv_nsec=${m.udec(o + 8)}}`;
}

/** `{tv_sec=1, tv_usec=500}`. */
export function timeval(m: Mem, o = 0): string {
  return `{tv_sec=${m.dec(o)}, tv_usec=${m.udec(o + 8)}}`;
}

/** `{it_interval={…}, it_value={…}}` of timespecs (timer_settime, timerfd_settime). */
export function itimerspec(m: Mem, o = 0): string {
  return `{it_interval=${timespec(m, o)}, it_value=${timespec(m, o + 16)}}`;
}

/** `{it_interval={…}, it_value={…}}` of timevals (setitimer). */
export function itimerval(m: Mem, o = 0): string {
  return `{it_interval=${timeval(m, o)}, it_value=${timeval(m, o + 16)}}`;
}

/** `{tz_minuteswest=0, tz_dsttime=0}`. */
export function timezone(m: Mem, o = 0): string {
  return `{tz_minuteswest=${m.i32(o)}, tz_dsttime=${m.i32(o + 4)}}`;
}

const UTIME_NOW = 0x3fffffff;
const UTIME_OMIT = 0x3ffffffe;

/** utimensat's times: `[UTIME_NOW, {tv_sec=…, tv_nsec=…} /* 2024-05-01T12:00:00+0200 *\/]`. */
export function utimePair(m: Mem, style: XlatStyle): string {
  const one = (o: number) => {
    const nsec = m.u64(o + 8);
    if (nsec === BigInt(UTIME_NOW) || nsec === BigInt(UTIME_OMIT)) {
      const name = nsec === BigInt(UTIME_NOW) ? 'UTIME_NOW' : 'UTIME_OMIT';
      if (style === 'abbrev') return name;
      return style === 'raw' ? timespec(m, o) : `${timespec(m, o)} /* ${name} */`;
    }
    const when = sprintTime(m.i64(o), nsec, 999_999_999n, 9);
    return when === undefined ? timespec(m, o) : `${timespec(m, o)} /* ${when} */`;
  };
  return `[${one(0)}, ${one(16)}]`;
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/**
 * strace's sprinttime_ex: a time as local `%FT%T[.frac]%z`, or undefined for 0 or an
 * out-of-range fraction (strace then prints no comment). In the converting machine's time zone,
 * as strace uses its own.
 */
export function sprintTime(sec: bigint, part: bigint, maxPart: bigint, width: number): string | undefined {
  if ((sec === 0n && part === 0n) || part > maxPart || part < 0n) return undefined;
  const ms = Number(sec) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const z = `${off < 0 ? '-' : '+'}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  const date = `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const frac = part > 0n ? '.' + part.toString().padStart(width, '0') : '';
  return `${date}T${time}${frac}${z}`;
}

/** The clock ticks per second of clock_t fields (sysconf(_SC_CLK_TCK), USER_HZ: 100 on Linux). */
const CLK_TCK = 100;

/** A clock_t (times(2), siginfo's si_utime): `15 /* 0.15 s *\/`, as strace's print_clock_t. */
export function clockT(v: bigint, style: XlatStyle): string {
  if (style === 'raw' || v <= 0n) return v.toString();
  const t = BigInt(CLK_TCK);
  const frac = String(v % t).padStart(2, '0');
  return `${v} /* ${v / t}.${frac} s */`;
}

/** struct rusage as strace abbreviates it: `{ru_utime={…}, ru_stime={…}, ...}`. */
export function rusage(m: Mem): string {
  return `{ru_utime=${timeval(m, 0)}, ru_stime=${timeval(m, 16)}, ...}`;
}
export const RUSAGE_SIZE = 144;
