/**
 * Lookups over the generated syscall and errno tables (x86_64), built once at
 * module load.
 */
import { CLASS_BY_NAME, LEGACY_SETS } from './classes.js';
import { ERRNO, ERRNO_ALIASES } from './errno.js';
import { SYSCALLS_X86_64 } from './syscalls.x86_64.js';
import type { SyscallDef } from './types.js';

/** Class bits; `C` is the short name the generated table uses. */
export { C, C as SYSCALL_CLASS } from './types.js';
export type { ArgKind, ClassKey, SyscallArg, SyscallDef } from './types.js';
export { CLASS_BY_NAME, CLASS_LISTS, LEGACY_SETS, SYSCALL_CLASS_NAMES, legacySet } from './classes.js';
export { ERRNO, ERRNO_ALIASES } from './errno.js';
export { SYSCALLS_X86_64 } from './syscalls.x86_64.js';
export {
  ABI_SIZE, CAPTURES, RESULT_SLOT, captureAt, captureDescriptor, captureDescriptors, capturesOf, readsArgument, type Capture, type CapturePhase,
} from './captures.js';

const BY_NR = new Map(SYSCALLS_X86_64.map((d) => [d.nr, d]));
const BY_NAME = new Map(SYSCALLS_X86_64.map((d) => [d.name, d]));
const ALL_NRS: readonly number[] = SYSCALLS_X86_64.map((d) => d.nr);

/** Highest syscall number in the table. */
export const MAX_SYSCALL_NR = Math.max(...ALL_NRS);

export function syscallByNr(nr: number): SyscallDef | undefined {
  return BY_NR.get(nr);
}

export function syscallByName(name: string): SyscallDef | undefined {
  return BY_NAME.get(name);
}

/** The syscall's name; strace's `syscall_0x1c5` spelling (`%#lx`) for unknown numbers. */
export function syscallName(nr: number): string {
  const def = BY_NR.get(nr);
  if (def) return def.name;
  if (nr === 0) return 'syscall_0';
  const hex = nr < 0 ? BigInt.asUintN(64, BigInt(nr)).toString(16) : nr.toString(16);
  return `syscall_0x${hex}`;
}

const STRING_ARG_MASK = new Map(
  SYSCALLS_X86_64.map((d) => [
    d.nr,
    d.args.reduce((mask, [, , kind], i) => (kind === 'path' || kind === 'string' ? mask | (1 << i) : mask), 0),
  ]),
);

/** Bit i set when argument i is a NUL-terminated string (`path` or `string`) the recorder should copy. */
export function stringArgMask(nr: number): number {
  return STRING_ARG_MASK.get(nr) ?? 0;
}

// ------------------------------------------------------------------ errno

const ERRNO_BY_NUM = new Map(ERRNO.map((row) => [row[0], row]));
const ERRNO_BY_NAME = new Map<string, number>([
  ...ERRNO.map(([num, name]) => [name, num] as const),
  ...ERRNO_ALIASES,
]);

/** Primary name of errno `n` (`ENOENT`), or undefined. */
export function errnoName(n: number): string | undefined {
  return ERRNO_BY_NUM.get(n)?.[1];
}

/** glibc's message for errno `n`, as strace prints it; `Unknown error N` like glibc otherwise. */
export function errnoMessage(n: number): string {
  return ERRNO_BY_NUM.get(n)?.[2] ?? `Unknown error ${n}`;
}

/** Number of an errno name or alias (`EWOULDBLOCK` -> 11). */
export function errnoByName(name: string): number | undefined {
  return ERRNO_BY_NAME.get(name);
}

/**
 * The kernel's restart codes: strace shows the result as `? ERESTARTSYS (...)`
 * rather than `-1 ...` because the tracee never sees them.
 */
export function isRestartErrno(n: number): boolean {
  return n === 512 || n === 513 || n === 514 || n === 516;
}

// -------------------------------------------------------- trace expressions

/**
 * Resolve a syscall set as given to `strace -e trace=` or vltrace `-e`
 * (a leading `trace=` is accepted too) into syscall numbers:
 *
 *   [!]value[,value...]
 *
 * where `!` negates the whole set and a value is `all`, `none`, a syscall
 * name, a syscall number, `%class` (see SYSCALL_CLASS_NAMES; also strace's
 * deprecated bare `file`, `desc`, `process`, `network`, `signal`, `ipc`,
 * `memory`), `/regex` (matched anywhere in the name), or one of vltrace's
 * `kp-all`, `kp-file`, `kp-desc`, `kp-fileio`. A value prefixed with `?` may
 * match nothing; otherwise an unknown name, or a regex matching nothing, is
 * an error (listing every such value).
 */
export function resolveSyscallExpr(expr: string): Set<number> {
  let body = expr.startsWith('trace=') ? expr.slice('trace='.length) : expr;
  const negate = body.startsWith('!');
  if (negate) body = body.slice(1);

  const set = new Set<number>();
  const invalid: string[] = [];
  const tokens = body.split(',').filter((t) => t !== '');
  if (tokens.length === 0) throw new Error(`empty syscall set in trace expression '${expr}'`);
  for (const token of tokens) {
    const optional = token.startsWith('?');
    const value = optional ? token.slice(1) : token;
    if (!addValue(value, set) && !optional) invalid.push(value);
  }
  if (invalid.length) {
    const list = invalid.map((v) => `'${v}'`).join(', ');
    throw new Error(
      `invalid system call${invalid.length > 1 ? 's' : ''} ${list} in trace expression '${expr}'` +
        ' (prefix a value with ? to allow it to match nothing)',
    );
  }
  return negate ? new Set(ALL_NRS.filter((nr) => !set.has(nr))) : set;
}

/** Add the syscalls `value` denotes to `set`; false if it is unknown or matches nothing. */
function addValue(value: string, set: Set<number>): boolean {
  const addIf = (pred: (d: SyscallDef) => boolean): boolean => {
    let any = false;
    for (const d of SYSCALLS_X86_64) {
      if (pred(d)) {
        set.add(d.nr);
        any = true;
      }
    }
    return any;
  };

  if (value === 'all') return addIf(() => true);
  if (value === 'none') return true;
  const classBit = CLASS_BY_NAME.get(value);
  if (classBit !== undefined) {
    addIf((d) => (d.classes & classBit) !== 0);
    return true; // a known class is valid even where it is empty
  }
  const legacy = LEGACY_SETS.get(value);
  if (legacy) {
    addIf(legacy);
    return true;
  }
  if (value.startsWith('/')) {
    let re: RegExp;
    try {
      re = new RegExp(value.slice(1));
    } catch (e) {
      throw new Error(`invalid regular expression '${value}' in trace expression: ${(e as Error).message}`);
    }
    return addIf((d) => re.test(d.name));
  }
  if (/^\d+$/.test(value)) {
    // Like strace, any number up to the table's highest, assigned or not.
    const nr = Number(value);
    if (nr > MAX_SYSCALL_NR) return false;
    set.add(nr);
    return true;
  }
  const def = BY_NAME.get(value);
  if (def) set.add(def.nr);
  return def !== undefined;
}
