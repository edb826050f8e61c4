/**
 * siginfo_t as strace prints it: `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=123, si_uid=0,
 * si_status=0, si_utime=0, si_stime=0}`. si_signo and si_code come first, si_errno when it is
 * set, then the fields of the union member the sender filled, which depends on where the signal
 * came from: si_code ≤ 0 means user space (kill, sigqueue, timers…) and selects by si_code;
 * si_code > 0 means the kernel and selects by signal. The rules are the tables below (after
 * strace's printsiginfo.c, strace 6.x on x86_64); the values are read from the bytes of the
 * union (`union __sifields`, 32 bytes on 64-bit).
 *
 * Used by the `--- SIG… {…} ---` lines of signal events and by the decoders of calls that
 * fill a siginfo_t (waitid, rt_sigtimedwait, rt_sigqueueinfo…): `printSiginfo` takes the whole
 * 128-byte siginfo_t.
 */
import { errnoName, SIGINFO_FIELDS, syscallByNr } from '@vltrace/format';
import { signame } from './args.js';
import { SIG } from './tables/signal.js';
import {
  AUDIT_ARCH, AUDIT_ARCH_X86_64, BUS, CLD, POLL, SEGV, SI, SI_CODES, SIGNAL_CODES,
} from './tables/siginfo.js';
import { hex, lookupValue, printValue, type XlatStyle } from './xlat.js';

/** How a siginfo prints. */
export interface SiginfoOptions {
  /** -X (default abbrev) */
  readonly style?: XlatStyle;
  /** how si_fd prints (with -y, `3<pipe:[123]>`); default: the number */
  readonly fd?: (fd: number) => string;
}

/** Bytes of a user-space siginfo_t, and where its union starts in it. */
export const SIGINFO_SIZE = 128;
const UNION_OFFSET = 16;

/**
 * Ticks per second of si_utime/si_stime: the kernel's USER_HZ, 100 on x86 (strace divides by
 * sysconf(_SC_CLK_TCK), the same value), printed with two decimals.
 */
const CLK_TCK = 100;

/** How a field's value prints. */
type Kind =
  | 'pid' // a process id (signed decimal)
  | 'uid' // uid_t: unsigned, -1 as -1
  | 'int' // signed 32-bit decimal
  | 'uint' // unsigned 32-bit decimal
  | 'long' // signed 64-bit decimal
  | 'ptr' // NULL or 0x…
  | 'xint' // 32-bit hex (`%#x`)
  | 'xshort' // 16-bit hex
  | 'clock' // clock_t ticks, with their seconds in a comment
  | 'status' // SIGCHLD's si_status: an exit code (CLD_EXITED) or a signal
  | 'fd' // a file descriptor
  | 'syscall' // SIGSYS's si_syscall: `__NR_name`
  | 'arch'; // SIGSYS's si_arch: AUDIT_ARCH_*

/** A field: its name, its byte offset in the union, how it prints. */
type Field = readonly [name: string, offset: number, kind: Kind];

/** What follows si_code for one kind of sender. */
interface Rule {
  /** always printed */
  readonly fields?: readonly Field[];
  /** printed after `fields` for these si_code values */
  readonly byCode?: ReadonlyMap<number, readonly Field[]>;
  /** si_pid and si_uid, printed only when one of them is set */
  readonly sourceIfSet?: boolean;
  /** si_int and si_ptr, printed only when si_ptr is set */
  readonly sigvalIfSet?: boolean;
}

const SOURCE: readonly Field[] = [['si_pid', 0, 'pid'], ['si_uid', 4, 'uid']];
const SIGVAL: readonly Field[] = [['si_int', 8, 'int'], ['si_ptr', 8, 'ptr']];
const BAND_FD: readonly Field[] = [['si_band', 0, 'long'], ['si_fd', 8, 'fd']];
const ADDR: readonly Field[] = [['si_addr', 0, 'ptr']];
const ADDR_LSB: readonly Field[] = [['si_addr_lsb', 8, 'xshort']];

/** si_code ≤ 0: sent from user space, by si_code. */
const FROM_USER: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [SI.USER, { fields: SOURCE }],
  [SI.TKILL, { fields: SOURCE }],
  [SI.TIMER, { fields: [['si_timerid', 0, 'xint'], ['si_overrun', 4, 'int'], ...SIGVAL] }],
  [SI.SIGIO, { fields: BAND_FD }],
]);
/** Any other si_code ≤ 0 (SI_QUEUE, SI_MESGQ, SI_ASYNCIO…). */
const FROM_USER_OTHER: Rule = { fields: SOURCE, sigvalIfSet: true };

/** si_code > 0: sent by the kernel, by signal. */
const FROM_KERNEL: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [SIG.CHLD, { fields: [...SOURCE, ['si_status', 8, 'status'], ['si_utime', 16, 'clock'], ['si_stime', 24, 'clock']] }],
  [SIG.ILL, { fields: ADDR }],
  [SIG.FPE, { fields: ADDR }],
  [SIG.BUS, { fields: ADDR, byCode: new Map([[BUS.MCEERR_AR, ADDR_LSB], [BUS.MCEERR_AO, ADDR_LSB]]) }],
  [SIG.SEGV, {
    fields: ADDR,
    byCode: new Map<number, readonly Field[]>([
      [SEGV.BNDERR, [['si_lower', 16, 'ptr'], ['si_upper', 24, 'ptr']]],
      [SEGV.PKUERR, [['si_pkey', 16, 'uint']]],
    ]),
  }],
  // strace 6.x as packaged with glibc prints no TRAP_PERF fields (glibc's siginfo_t has none)
  [SIG.TRAP, { fields: ADDR }],
  // every POLL_* code, as strace 6.1 prints them (some versions only for POLL_IN/OUT/MSG)
  [SIG.IO, { byCode: new Map(Object.values(POLL).map((code) => [code, BAND_FD])) }],
  [SIG.SYS, { fields: [['si_call_addr', 0, 'ptr'], ['si_syscall', 8, 'syscall'], ['si_arch', 12, 'arch']] }],
]);
/** Any other signal from the kernel (SI_KERNEL of SIGALRM, SIGIO without F_SETSIG…). */
const FROM_KERNEL_OTHER: Rule = { sourceIfSet: true, sigvalIfSet: true };

/** A signal number as strace's printsignal: the name, the number (raw), or both (verbose). */
function printSignal(sig: number, style: XlatStyle = 'abbrev'): string {
  const name = signame(sig);
  const known = name !== String(sig);
  if (!known || style === 'raw') return String(sig);
  return style === 'verbose' ? `${sig} /* ${name} */` : name;
}

/** si_code: the generic name, else the signal's own, else the value in hex. */
function printCode(signo: number, code: number, style: XlatStyle): string {
  const name = lookupValue(SI_CODES, code) ?? (SIGNAL_CODES.get(signo) ? lookupValue(SIGNAL_CODES.get(signo)!, code) : undefined);
  const raw = hex(code >>> 0);
  if (name === undefined || style === 'raw') return raw;
  return style === 'verbose' ? `${raw} /* ${name} */` : name;
}

/** si_errno: the errno name, else the number. */
function printErrno(e: number, style: XlatStyle): string {
  const name = errnoName(e);
  const raw = String(e >>> 0);
  if (name === undefined || style === 'raw') return raw;
  return style === 'verbose' ? `${raw} /* ${name} */` : name;
}

/** clock_t ticks: `3 /* 0.03 s *\/` (no comment for 0, nor with -X raw). */
function printClock(v: bigint, style: XlatStyle): string {
  if (v <= 0n || style === 'raw') return v.toString();
  const tck = BigInt(CLK_TCK);
  return `${v} /* ${v / tck}.${(v % tck).toString().padStart(2, '0')} s */`;
}

/** SIGSYS's si_syscall: `__NR_name` for an x86_64 call the table knows, else the number. */
function printSyscall(nr: number, arch: number, style: XlatStyle): string {
  const name = arch === AUDIT_ARCH_X86_64 ? syscallByNr(nr)?.name : undefined;
  if (name === undefined || style === 'raw') return String(nr);
  return style === 'verbose' ? `${nr} /* __NR_${name} */` : `__NR_${name}`;
}

/** The union's values, little-endian. */
class Union {
  private readonly dv: DataView;
  constructor(bytes: Uint8Array) {
    // short input (a truncated record): the missing bytes read as zeros
    const b = bytes.length >= SIGINFO_FIELDS ? bytes : Uint8Array.from({ length: SIGINFO_FIELDS }, (_, i) => bytes[i] ?? 0);
    this.dv = new DataView(b.buffer, b.byteOffset, SIGINFO_FIELDS);
  }
  i32(o: number): number {
    return this.dv.getInt32(o, true);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, true);
  }
  i64(o: number): bigint {
    return this.dv.getBigInt64(o, true);
  }
  u64(o: number): bigint {
    return this.dv.getBigUint64(o, true);
  }
}

function printField(u: Union, [name, o, kind]: Field, code: number, opts: SiginfoOptions, style: XlatStyle): string {
  let v: string;
  switch (kind) {
    case 'pid':
    case 'int':
      v = String(u.i32(o));
      break;
    case 'uid':
      v = u.u32(o) === 0xffffffff ? '-1' : String(u.u32(o));
      break;
    case 'uint':
      v = String(u.u32(o));
      break;
    case 'long':
      v = u.i64(o).toString();
      break;
    case 'ptr': {
      const p = u.u64(o);
      v = p === 0n ? 'NULL' : hex(p);
      break;
    }
    case 'xint':
      v = hex(u.u32(o));
      break;
    case 'xshort':
      v = hex(u.u32(o) & 0xffff);
      break;
    case 'clock':
      v = printClock(u.i64(o), style);
      break;
    case 'status':
      v = code === CLD.EXITED ? String(u.i32(o)) : printSignal(u.i32(o), style);
      break;
    case 'fd':
      v = opts.fd ? opts.fd(u.i32(o)) : String(u.i32(o));
      break;
    case 'syscall':
      v = printSyscall(u.i32(o), u.u32(o + 4), style);
      break;
    case 'arch':
      v = printValue(AUDIT_ARCH, u.u32(o), style);
      break;
  }
  return `${name}=${v}`;
}

/**
 * `{si_signo=…, si_code=…, …}` of a signal: its number, si_errno, si_code and the 32 bytes of
 * the union (a SIGNAL event's fields). si_signo 0 prints `{}`.
 */
export function printSignalInfo(signo: number, errno: number, code: number, fields: Uint8Array, opts: SiginfoOptions = {}): string {
  if (signo === 0) return '{}';
  const style = opts.style ?? 'abbrev';
  const parts = [`si_signo=${printSignal(signo, style)}`, `si_code=${printCode(signo, code, style)}`];
  if (errno !== 0) parts.push(`si_errno=${printErrno(errno, style)}`);
  const u = new Union(fields);
  for (const f of fieldsOf(signo, code, u)) parts.push(printField(u, f, code, opts, style));
  return `{${parts.join(', ')}}`;
}

/** The union's fields strace prints for this signal and si_code, in order. */
function fieldsOf(signo: number, code: number, u: Union): Field[] {
  const rule = code <= 0 ? (FROM_USER.get(code) ?? FROM_USER_OTHER) : (FROM_KERNEL.get(signo) ?? FROM_KERNEL_OTHER);
  const out: Field[] = [];
  if (rule.sourceIfSet && (u.i32(0) !== 0 || u.u32(4) !== 0)) out.push(...SOURCE);
  out.push(...(rule.fields ?? []), ...(rule.byCode?.get(code) ?? []));
  if (rule.sigvalIfSet && u.u64(8) !== 0n) out.push(...SIGVAL);
  return out;
}

/**
 * A signal's values for table rows: strace's text (abbrev), the sender's pid when the siginfo
 * holds one (si_pid is printed), SIGCHLD's si_status.
 */
export function siginfoValues(signo: number, errno: number, code: number, fields: Uint8Array): { text: string; pid?: number; status?: number } {
  const u = new Union(fields);
  const out: { text: string; pid?: number; status?: number } = { text: printSignalInfo(signo, errno, code, fields) };
  if (signo === 0) return out;
  for (const [name, o] of fieldsOf(signo, code, u)) {
    if (name === 'si_pid') out.pid = u.i32(o);
    else if (name === 'si_status') out.status = u.i32(o);
  }
  return out;
}

/** `{si_signo=…}` of a whole user-space siginfo_t (128 bytes; waitid, rt_sigtimedwait…). */
export function printSiginfo(si: Uint8Array, opts: SiginfoOptions = {}): string {
  const dv = new DataView(si.buffer, si.byteOffset, Math.min(si.length, UNION_OFFSET));
  const word = (o: number) => (si.length >= o + 4 ? dv.getInt32(o, true) : 0);
  return printSignalInfo(word(0), word(4), word(8), si.subarray(UNION_OFFSET, UNION_OFFSET + SIGINFO_FIELDS), opts);
}

/** strace's line of a signal a thread received: `--- SIGCHLD {si_signo=SIGCHLD, …} ---`. */
export function signalLine(signo: number, errno: number, code: number, fields: Uint8Array, opts: SiginfoOptions = {}): string {
  return `--- ${signame(signo)} ${printSignalInfo(signo, errno, code, fields, opts)} ---`;
}
