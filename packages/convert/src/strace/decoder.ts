/**
 * What a decoder is: the printers of the arguments strace prints for a syscall, how its result
 * prints, and what it does to the fd table. Decoders are data built from the printers of
 * args.ts; one file per syscall family under decoders/ exports a `{ name: Decoder }` table.
 */
import type { ArgPhase, ArgPrinter } from './args.js';
import { printFd } from './args.js';
import type { Call } from './call.js';

/** Prints a successful return value (errors are printed by the line assembler). */
export type RetPrinter = (c: Call) => string;

export interface Decoder {
  /** one printer per printed argument, in order; printer i prints argument i unless it says otherwise (see `at`) */
  readonly args?: readonly ArgPrinter[];
  /** how a successful result prints (signed decimal by default) */
  readonly ret?: RetPrinter;
  /** effect on the fd tracker of a complete call, applied before the result prints */
  readonly effect?: (c: Call) => void;
}

// ------------------------------------------------------------------ entry and exit halves
//
// strace decodes a call in two halves: when it enters, the arguments the caller passes in;
// when it returns, what the kernel wrote back (the buffer read into, the struct filled, pipe2's
// fds, wait4's status) and every argument after the first of those. When another thread's line
// comes between the two, the call prints on two lines, split there:
//   read(3,  <unfinished ...>
//   <... read resumed>"\177ELF\2\1\1", 832) = 832
// A printer marked with onExit() starts the exit half; the ones after it follow it (strace's
// decoders print in argument order). Unmarked printers print at entry.

/**
 * Marks a printer as printing when the call returns (an output argument). `comma`: the comma
 * before it belongs to the exit half (`<... clone resumed>, child_tidptr=0x7f…`); by default
 * the entry half ends with it (`read(3, ` then `<... read resumed>"…", 832)`), as most of
 * strace's decoders print it.
 */
export function onExit(p: ArgPrinter, comma = false): ArgPrinter {
  return withPhase((c, k) => p(c, k), comma ? 'exit-comma' : 'exit');
}

/** A printer of an argument that is an output one only for some calls (a command's): printed at exit when `when` holds. */
export function exitWhen(when: (c: Call) => boolean, p: ArgPrinter): ArgPrinter {
  return withPhase((c, k) => p(c, k), (c) => (when(c) ? 'exit' : 'entry'));
}

/** When printer p prints for call c. */
export function phaseOf(p: ArgPrinter, c: Call): ArgPhase {
  const ph = p.phase;
  return ph === undefined ? 'entry' : typeof ph === 'string' ? ph : ph(c);
}

/** Index of the first printer of `ps` printing at exit for call c (ps.length when none does). */
export function exitFrom(ps: readonly ArgPrinter[], c: Call): number {
  for (let j = 0; j < ps.length; j++) if (ps[j]!.phase !== undefined && phaseOf(ps[j]!, c) !== 'entry') return j;
  return ps.length;
}

/** f with the phase of p (wrappers keep the phase of what they wrap). */
function withPhase(f: (c: Call, k: number) => string | undefined, phase: ArgPrinter['phase']): ArgPrinter {
  return phase === undefined ? f : Object.assign(f, { phase });
}

/** A printer bound to argument k whatever its position in the list. */
export function at(k: number, p: ArgPrinter): ArgPrinter {
  return withPhase((c) => p(c, k), p.phase);
}

/** A printer that prints `name=` before the value (strace's clone arguments). */
export function named(name: string, p: ArgPrinter): ArgPrinter {
  return withPhase((c, k) => {
    const s = p(c, k);
    return s === undefined ? undefined : `${name}=${s}`;
  }, p.phase);
}

/** A printer used only when `when` holds. */
export function only(when: (c: Call) => boolean, p: ArgPrinter): ArgPrinter {
  return withPhase((c, k) => (when(c) ? p(c, k) : undefined), p.phase);
}

// ------------------------------------------------------------------ results

/** Signed decimal (the default). */
export const retDec: RetPrinter = (c) => c.retDec;
/** Unsigned decimal. */
export const retUdec: RetPrinter = (c) => BigInt.asUintN(64, c.ret).toString();
/** An address (mmap, brk). */
export const retHex: RetPrinter = (c) => c.retHex;
/** An octal mode (umask). */
export const retOctal: RetPrinter = (c) => (c.ret === 0n ? '0' : '0' + c.ret.toString(8));
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
  const all = [dflt, ...shapes.values()];
  return Array.from({ length: n }, (_, j): ArgPrinter => {
    const pick = (c: Call) => (shapes.get(key(c)) ?? dflt)[j];
    const print = (c: Call, k: number) => pick(c)?.(c, k);
    // a shape with an output argument here makes the phase depend on the call
    if (all.every((ps) => ps[j]?.phase === undefined)) return print;
    return withPhase(print, (c) => {
      const p = pick(c);
      return p === undefined ? 'entry' : phaseOf(p, c);
    });
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
