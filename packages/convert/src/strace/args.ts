/**
 * Argument printers: each turns argument k of a call into strace's text. A decoder is a list of
 * them, one per printed argument; a printer returning undefined omits its argument (strace
 * prints open's mode only with O_CREAT, fcntl's third argument only for commands that take one).
 */
import { Buffer } from 'node:buffer';
import { StrFlags, type ArgKind } from '@vltrace/format';
import type { Call } from './call.js';
import { escapeBytes, quoteString } from './escape.js';
import type { FdName } from './fds.js';
import { AT_FDCWD } from './tables/fcntl.js';
import { MODE_TYPES, S_IFMT } from './tables/stat.js';
import { SIGNALS, SIGRTMAX, SIGRTMIN } from './tables/signal.js';
import { hex, printFlags, printValue, type Xlat, type XlatFormat, type XlatStyle } from './xlat.js';

/** Prints argument k of a call, or returns undefined to leave it out. */
export type ArgPrinter = (c: Call, k: number) => string | undefined;

// ------------------------------------------------------------------ numbers

/** C int. */
export const int: ArgPrinter = (c, k) => String(c.int(k));
/** C unsigned int. */
export const uint: ArgPrinter = (c, k) => String(c.uint(k));
/** long / off_t / loff_t. */
export const long: ArgPrinter = (c, k) => c.dec(k, true);
/** unsigned long / size_t. */
export const ulong: ArgPrinter = (c, k) => c.dec(k, false);
/** Any value in hex (`%#lx`). */
export const xlong: ArgPrinter = (c, k) => c.hex(k);
/** A 32-bit value in hex. */
export const xint: ArgPrinter = (c, k) => hex(c.uint(k));
/** A user-space address: NULL or hex. */
export const ptr: ArgPrinter = (c, k) => (c.isZero(k) ? 'NULL' : c.hex(k));
/** uid_t/gid_t: unsigned, but -1 ("unchanged") as -1. */
export const uid: ArgPrinter = (c, k) => (c.uint(k) === 0xffffffff ? '-1' : String(c.uint(k)));

// ------------------------------------------------------------------ constants

/** A bit set of a 32-bit argument. */
export function flags(x: Xlat | readonly Xlat[]): ArgPrinter {
  return (c, k) => printFlags(x, c.uint(k), c.cfg.style);
}

/** A bit set of a 64-bit argument. */
export function flags64(x: Xlat | readonly Xlat[]): ArgPrinter {
  return (c, k) => printFlags(x, c.ulong(k), c.cfg.style);
}

/** An enum value of a 32-bit argument, unknown values in `fmt` (hex by default, like strace's printxval). */
export function value(x: Xlat, fmt: XlatFormat = 'x'): ArgPrinter {
  return (c, k) => printValue(x, fmt === 'd' ? c.int(k) : c.uint(k), c.cfg.style, fmt);
}

/** umode_t in octal, `0644` (strace's `%#03o`). */
export const mode: ArgPrinter = (c, k) => octal(c.uint(k));

/** `%#03o`: `000`, `022`, `0644`. */
export function octal(v: number): string {
  return '0' + (v >>> 0).toString(8).padStart(2, '0');
}

/** A mode with its file type: `S_IFIFO|0644`, `S_IFREG|S_ISUID|0755` (mknod). */
export const typedMode: ArgPrinter = (c, k) => sprintMode(c.uint(k), c.cfg.style);

/** strace's print_symbolic_mode_t: `S_IFREG|0644`, `S_IFDIR|S_ISVTX|0777`; octal when the type is unknown. */
export function sprintMode(m: number, style: XlatStyle): string {
  const type = m & S_IFMT;
  const ifmt = type === 0 ? '' : MODE_TYPES.byNumber.get(type);
  if (ifmt === undefined || style === 'raw') return octal(m);
  let s = ifmt ? ifmt + '|' : '';
  if (m & 0o4000) s += 'S_ISUID|';
  if (m & 0o2000) s += 'S_ISGID|';
  if (m & 0o1000) s += 'S_ISVTX|';
  s += octal(m & 0o777);
  return style === 'verbose' ? `${octal(m)} /* ${s} */` : s;
}

/** A dev_t as strace prints it: `makedev(0x1, 0x3)` (glibc's major/minor split). */
export function sprintDev(d: bigint): string {
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `makedev(${hex(major)}, ${hex(minor)})`;
}

/** A signal number: its name, `SIGRTMIN`, `SIGRT_n`, or the number. */
export const signal: ArgPrinter = (c, k) => signame(c.int(k));

export function signame(sig: number): string {
  if (sig > 0) {
    const name = SIGNALS.byNumber.get(sig);
    if (name) return name;
    if (sig === SIGRTMIN) return 'SIGRTMIN';
    if (sig > SIGRTMIN && sig <= SIGRTMAX) return `SIGRT_${sig - SIGRTMIN}`;
  }
  return String(sig);
}

// ------------------------------------------------------------------ strings

/**
 * strace reads a path into a PATH_MAX buffer: paths print whole up to PATH_MAX - 1 bytes, whatever
 * -s says, and a longer one is cut there with `...`.
 */
export const PATH_LIMIT = 4095;

/** A file name: quoted whole up to PATH_LIMIT bytes, as strace prints paths. */
export const path: ArgPrinter = (c, k) => printStr(c, k, PATH_LIMIT);

/** A string that is not a file name: cut at -s. */
export const str: ArgPrinter = (c, k) => printStr(c, k, c.cfg.stringLimit);

function printStr(c: Call, k: number, limit: number): string {
  const b = c.bytes(k);
  const f = c.strFlags(k);
  // not captured, or unreadable with nothing read: strace prints the address
  if (b === undefined || ((f & StrFlags.READ_ERROR) !== 0 && b.length === 0)) return ptr(c, k)!;
  return quoteString(b, limit, (f & (StrFlags.TRUNCATED | StrFlags.READ_ERROR)) !== 0);
}

// ------------------------------------------------------------------ descriptors

/** A file descriptor, with `<path>` under -y when the tracker knows it. */
export const fd: ArgPrinter = (c, k) => printFd(c, c.int(k));

export function printFd(c: Call, n: number): string {
  if (!c.cfg.decodeFds || n < 0) return String(n);
  const p = c.fds.name(c.pid, n);
  return p === undefined ? String(n) : withName(String(n), p);
}

/** A descriptor (or AT_FDCWD) with its -y name: `3</etc/passwd>`, `3</tmp/x>(deleted)` as strace prints an unlinked file. */
export function withName(what: string, p: FdName): string {
  return `${what}<${escapePath(p.path)}>${p.deleted ? '(deleted)' : ''}`;
}

/** A directory fd of an *at() call: AT_FDCWD (with `<cwd>` under -y) or an fd. */
export const dirfd: ArgPrinter = (c, k) => {
  const n = c.int(k);
  if (n !== AT_FDCWD) return printFd(c, n);
  if (c.cfg.style === 'raw') return String(AT_FDCWD);
  const cwd = c.cfg.decodeFds ? c.fds.cwd(c.pid) : undefined;
  const name = c.cfg.style === 'verbose' ? `${AT_FDCWD} /* AT_FDCWD */` : 'AT_FDCWD';
  return cwd === undefined ? name : withName(name, { path: cwd, deleted: false });
};

/** A -y path (a byte string) escaped as strace does, `<` and `>` in octal (`\74`, `\76`). */
export function escapePath(p: string): string {
  return escapeBytes(Buffer.from(p, 'latin1'), undefined, '<>');
}

// ------------------------------------------------------------------ defaults

/** Whether a C type is 64 bits wide on x86_64. */
function is64(ctype: string): boolean {
  return /long|size_t|off_t|u64|s64|\*/.test(ctype);
}

/** The printer for an argument of the format's syscall table, when no decoder says better. */
export function defaultPrinter(kind: ArgKind, ctype: string): ArgPrinter {
  switch (kind) {
    case 'fd': return fd;
    case 'dirfd': return dirfd;
    case 'path': return path;
    case 'string': return str;
    case 'argv': return ptr;
    case 'ptr': return ptr;
    case 'flags': return is64(ctype) ? xlong : xint;
    case 'mode': return mode;
    case 'pid': return int;
    case 'uid': case 'gid': return uid;
    case 'signal': return signal;
    case 'size': return is64(ctype) ? ulong : uint;
    case 'offset': return long;
    case 'int': return is64(ctype) ? long : int;
    case 'uint': return is64(ctype) ? ulong : uint;
  }
}
