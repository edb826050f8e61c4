/**
 * A syscall row as one short line, `openat(AT_FDCWD, "/etc/passwd", 0x80000) = 3`, for the
 * `slow` and `failed` reports. Argument kinds come from @vltrace/format's syscall table: strings
 * quoted, fds and counts in decimal, flags and pointers in hex, modes in octal. (Full strace
 * decoding of flags is vltrace-convert's `--to strace`.)
 */
import { errnoName, syscallByName } from '@vltrace/format';

/** The columns of a syscalls row this module reads. */
export interface CallRow {
  readonly syscall: string;
  /** arg0..arg5 as numbers or exact bigints (null when not recorded) */
  readonly args: readonly (number | bigint | string | null)[];
  /** str0..str5 */
  readonly strs: readonly (string | null)[];
  readonly strFlags: number;
  readonly ret: number | bigint | string | null;
}

const AT_FDCWD = -100n;

function big(v: number | bigint | string): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

function quote(s: string, truncated: boolean): string {
  const body = JSON.stringify(s);
  return truncated ? `${body}...` : body;
}

/** One argument by its kind. */
function renderArg(kind: string | undefined, v: bigint): string {
  const i32 = BigInt.asIntN(32, v);
  switch (kind) {
    case 'fd':
    case 'pid':
    case 'uid':
    case 'gid':
    case 'signal':
    case 'int':
      return String(i32);
    case 'dirfd':
      return i32 === AT_FDCWD ? 'AT_FDCWD' : String(i32);
    case 'mode':
      return v === 0n ? '0' : `0${BigInt.asUintN(32, v).toString(8)}`;
    case 'size':
    case 'offset':
    case 'uint':
      return String(v);
    case 'ptr':
    case 'argv':
      return v === 0n ? 'NULL' : `0x${BigInt.asUintN(64, v).toString(16)}`;
    default:
      return v === 0n ? '0' : `0x${BigInt.asUintN(64, v).toString(16)}`;
  }
}

/** `name(args) = ret` (`= -1 ENOENT` for errors, `= ?` when the exit is unknown). */
export function renderCall(r: CallRow): string {
  const def = syscallByName(r.syscall);
  const n = def ? def.args.length : r.args.filter((a) => a !== null).length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = r.strs[i];
    const a = r.args[i];
    if (s !== null && s !== undefined) parts.push(quote(s, ((r.strFlags >> (4 * i)) & 1) !== 0));
    else if (a === null || a === undefined) parts.push('?');
    else parts.push(renderArg(def?.args[i]?.[2], big(a)));
  }
  return `${r.syscall}(${parts.join(', ')}) = ${renderRet(r.ret)}`;
}

/** The return value as strace shows it: `-1 ENOENT` for -errno. */
export function renderRet(ret: number | bigint | string | null): string {
  if (ret === null) return '?';
  const v = big(ret);
  if (v < 0n && v >= -4095n) return `-1 ${errnoName(Number(-v)) ?? `E${-v}`}`;
  return v > 0xffffn ? `0x${BigInt.asUintN(64, v).toString(16)}` : String(v);
}

/** Reads the call columns of a query row (arg0..5, str0..5, str_flags, ret, syscall). */
export function callRowOf(r: Readonly<Record<string, unknown>>): CallRow {
  const args = [0, 1, 2, 3, 4, 5].map((i) => (r[`arg${i}`] ?? null) as number | bigint | string | null);
  const strs = [0, 1, 2, 3, 4, 5].map((i) => (r[`str${i}`] ?? null) as string | null);
  return { syscall: String(r['syscall']), args, strs, strFlags: Number(r['str_flags'] ?? 0), ret: (r['ret'] ?? null) as CallRow['ret'] };
}
