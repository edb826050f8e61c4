/**
 * What a decoder is: the printers of the arguments strace prints for a syscall, how its result
 * prints, and what it does to the fd table. Decoders are data built from the printers of
 * args.ts; one file per syscall family under decoders/ exports a `{ name: Decoder }` table.
 */
import type { ArgPrinter } from './args.js';
import { octal, printFd } from './args.js';
import type { Call } from './call.js';
import { errorResult } from './format-line.js';

/** Prints a successful return value (errors are printed by the line assembler). */
export type RetPrinter = (c: Call) => string;

export interface Decoder {
  /** one printer per printed argument, in order; printer i prints argument i unless it says otherwise (see `at`) */
  readonly args?: readonly ArgPrinter[];
  /** how a successful result prints (signed decimal by default) */
  readonly ret?: RetPrinter;
  /** effect on the fd tracker of a complete call, applied before the result prints */
  readonly effect?: (c: Call) => void;
  /** apply `effect` before the arguments print: the descriptors the call creates are among them
   * (pipe2's `[3<pipe:[…]>, 4<pipe:[…]>]`, as strace -y shows them) */
  readonly effectFirst?: boolean;
  /**
   * index in `args` of the first printer strace prints when the call returns (what the kernel
   * fills: read's buffer, stat's struct, wait4's status): a call cut by `<unfinished ...>`
   * prints the printers before it, and its `<... resumed>` half the rest. Absent: strace
   * prints every argument at entry.
   */
  readonly exitFrom?: number;
  /**
   * the comma before the exit half is printed with it, at exit (clone:
   * `<... clone resumed>, child_tidptr=0x7f…`); by default the entry half ends with it
   * (`read(3, ` … `<... read resumed>"…", 832)`), as most of strace's decoders print it
   */
  readonly exitComma?: boolean;
}

/** A printer bound to argument k whatever its position in the list. */
export function at(k: number, p: ArgPrinter): ArgPrinter {
  return (c) => p(c, k);
}

/** A printer that prints `name=` before the value (strace's clone arguments). */
export function named(name: string, p: ArgPrinter): ArgPrinter {
  return (c, k) => {
    const s = p(c, k);
    return s === undefined ? undefined : `${name}=${s}`;
  };
}

/** A printer used only when `when` holds. */
export function only(when: (c: Call) => boolean, p: ArgPrinter): ArgPrinter {
  return (c, k) => (when(c) ? p(c, k) : undefined);
}

/** The arguments printed by printers [from, to) of a decoder, joined by `, ` (printers that print nothing are left out). */
export function printArgs(c: Call, d: Decoder, from: number, to: number): string {
  const ps = d.args ?? [];
  let s = '';
  for (let k = from; k < to; k++) {
    const a = ps[k]!(c, k);
    if (a === undefined) continue;
    s += s ? ', ' + a : a;
  }
  return s;
}

/** The result of a returned call: its error (`-1 ENOENT (No such file or directory)`) or its value as the decoder prints it. */
export function printResult(c: Call, d: Decoder): string {
  if (c.failed) return errorResult(c.errno);
  return (d.ret ?? retDec)(c);
}

// ------------------------------------------------------------------ results

/** Signed decimal (the default). */
export const retDec: RetPrinter = (c) => c.retDec;
/** An address (mmap, brk). */
export const retHex: RetPrinter = (c) => c.retHex;
/** An octal mode (umask): `%#03o`, `000`, `022`. */
export const retOctal: RetPrinter = (c) => octal(c.retInt);
/** A new descriptor, with `<path>` under -y. */
export const retFd: RetPrinter = (c) => printFd(c, c.retInt);

/**
 * Printers for `n` argument positions whose shape depends on an earlier argument (fcntl's
 * command, futex's op, prctl's option): `shapes` maps a key to the printers of those positions
 * (fewer printers: fewer arguments; `at` picks an argument out of order).
 */
export function shapedBy<K>(
  key: (c: Call) => K,
  shapes: ReadonlyMap<K, readonly ArgPrinter[]>,
  dflt: readonly ArgPrinter[],
  n: number,
): ArgPrinter[] {
  return Array.from({ length: n }, (_, j): ArgPrinter => (c, k) => {
    const p = (shapes.get(key(c)) ?? dflt)[j];
    return p === undefined ? undefined : p(c, k);
  });
}

/**
 * Effect of a call that returns a new descriptor for `what` (a path, or strace's
 * `anon_inode:[eventfd]`-style name); `cloexec` says whether it closes on exec.
 */
export function createsFd(what: string | ((c: Call) => string | undefined), cloexec: (c: Call) => boolean = () => false): (c: Call) => void {
  return (c) => {
    if (c.ok) c.fds.set(c.pid, c.retInt, typeof what === 'string' ? what : what(c), cloexec(c));
  };
}

/** `cloexec` test of createsFd: bit `bit` of argument k is set (O_CLOEXEC and its aliases by default). */
export function bitSet(k: number, bit = 0o2000000): (c: Call) => boolean {
  return (c) => (c.uint(k) & bit) !== 0;
}
