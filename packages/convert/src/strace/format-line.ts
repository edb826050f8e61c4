/**
 * Assembling strace's lines: the `pid  ` prefix (`%-5d `, as `strace -f -o file` writes it),
 * the -t/-tt/-ttt/-r timestamp, the call, the result aligned at column 40 (strace's -a
 * default), and -T's `<secs.usecs>`.
 */
import { errnoMessage, errnoName, isRestartErrno } from '@vltrace/format';

/** strace's default alignment column of `= result`. */
export const RESULT_COLUMN = 40;

export type TimestampStyle = 'none' | 't' | 'tt' | 'ttt' | 'r';

/** Formats wall-clock timestamps (ns since the epoch) as strace -t/-tt/-ttt do, in local time. */
export class Clock {
  private lastSec = -1;
  private lastHms = '';

  constructor(readonly style: TimestampStyle) {}

  /** The timestamp field with its trailing space; `wallNs` for -t*, `deltaNs` for -r. */
  format(wallNs: bigint, deltaNs: bigint): string {
    switch (this.style) {
      case 'none':
        return '';
      case 'r':
        return `${secs(deltaNs).padStart(13)} `;
      case 'ttt':
        return `${secs(wallNs)} `;
      case 't':
        return `${this.hms(Math.floor(Number(wallNs / 1000n) / 1e6))} `;
      case 'tt': {
        const us = Number(wallNs / 1000n); // < 2^53 until the year 2255
        const sec = Math.floor(us / 1e6);
        return `${this.hms(sec)}.${String(us - sec * 1e6).padStart(6, '0')} `;
      }
    }
  }

  private hms(sec: number): string {
    if (sec !== this.lastSec) {
      const d = new Date(sec * 1000);
      this.lastSec = sec;
      this.lastHms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    }
    return this.lastHms;
  }
}

/** `S.UUUUUU` of a nanosecond count (truncated to microseconds, as strace does). */
export function secs(ns: bigint): string {
  const neg = ns < 0n;
  const us = Number((neg ? -ns : ns) / 1000n);
  const s = Math.floor(us / 1e6);
  return `${neg ? '-' : ''}${s}.${String(us - s * 1e6).padStart(6, '0')}`;
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** The `pid  ` prefix: strace's `%-5u `. */
export function pidPrefix(tid: number): string {
  return String(tid).padEnd(5) + ' ';
}

/** `head` (prefix + call text through `)`), padded to the result column, then `= result`. */
export function withResult(head: string, result: string): string {
  const s = head + ' ';
  return (s.length < RESULT_COLUMN ? s.padEnd(RESULT_COLUMN) : s) + '= ' + result;
}

/** An error result: `-1 ENOENT (No such file or directory)`, `? ERESTARTSYS (…)` for restart codes. */
export function errorResult(errno: number): string {
  const name = errnoName(errno);
  const msg = errnoMessage(errno);
  if (isRestartErrno(errno)) return `? ${name} (${msg})`;
  return name === undefined ? `-1 ${errno} (${msg})` : `-1 ${name} (${msg})`;
}

/** -T: ` <0.000012>`. */
export function callTime(ns: bigint): string {
  return ` <${secs(ns)}>`;
}

/** What strace prints when a process ends: `+++ exited with 1 +++`, `+++ killed by SIGKILL (core dumped) +++`. */
export function exitLine(waitStatus: number, signame: (sig: number) => string): string {
  const sig = waitStatus & 0x7f;
  if (sig === 0) return `+++ exited with ${(waitStatus >> 8) & 0xff} +++`;
  return `+++ killed by ${signame(sig)}${waitStatus & 0x80 ? ' (core dumped)' : ''} +++`;
}
