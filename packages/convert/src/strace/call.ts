/**
 * One syscall row as the decoders see it: raw arguments by index in the C widths a decoder
 * asks for, captured strings, the result, and the shared state (options, fd tracker).
 * The sink reuses one Call for every row, and reads 64-bit columns as 32-bit halves, so that
 * decoding a row allocates no BigInt unless a value really needs 64 bits.
 */
import { Buffer } from 'node:buffer';
import { MAX_ARGS, StrFlags, SyscallStatus, batchData, type DataChunk, type SyscallBatch } from '@vltrace/format';
import type { FdTracker } from './fds.js';
import type { XlatStyle } from './xlat.js';

/** The settings decoders read. */
export interface StraceConfig {
  /** -X */
  readonly style: XlatStyle;
  /** -s: bytes of a non-path string printed before `...` */
  readonly stringLimit: number;
  /** -y */
  readonly decodeFds: boolean;
}

const TWO32 = 4294967296;
/** |hi| below 2^21: the value is exact as a Number */
const SAFE_HI = 0x200000;

/** A 64-bit column as its low (unsigned) and high (signed) words. */
export interface Words {
  lo: Uint32Array;
  hi: Int32Array;
}

export function words(a: BigInt64Array): Words {
  return { lo: new Uint32Array(a.buffer, a.byteOffset, a.length * 2), hi: new Int32Array(a.buffer, a.byteOffset, a.length * 2) };
}

export class Call {
  b!: SyscallBatch;
  i = 0;
  /** process id (tgid) and thread id */
  pid = 0;
  tid = 0;
  name = '';
  private args: Words[] = [];
  private rets!: Words;
  private readonly views = new WeakMap<SyscallBatch, { args: Words[]; ret: Words }>();

  constructor(
    readonly cfg: StraceConfig,
    readonly fds: FdTracker,
  ) {}

  /** Points the call at row i of a batch. */
  at(b: SyscallBatch, i: number, name: string): this {
    if (b !== this.b) {
      this.b = b;
      // a call printed when it returns may be in an earlier batch than the row before it
      let v = this.views.get(b);
      if (!v) {
        v = { args: Array.from({ length: MAX_ARGS }, (_, k) => words(b.args[k]!)), ret: words(b.ret) };
        this.views.set(b, v);
      }
      this.args = v.args;
      this.rets = v.ret;
    }
    this.i = i;
    this.pid = b.pid[i]!;
    this.tid = b.tid[i]!;
    this.name = name;
    return this;
  }

  /** Raw argument k as a signed 64-bit value. */
  arg(k: number): bigint {
    return this.b.args[k]![this.i]!;
  }

  /** Argument k as a C int (low 32 bits, signed). */
  int(k: number): number {
    return this.args[k]!.lo[2 * this.i]! | 0;
  }

  /** Argument k as a C unsigned int. */
  uint(k: number): number {
    return this.args[k]!.lo[2 * this.i]!;
  }

  /** Argument k as an unsigned long. */
  ulong(k: number): bigint {
    return BigInt.asUintN(64, this.arg(k));
  }

  /** Argument k is 0. */
  isZero(k: number): boolean {
    const w = this.args[k]!;
    return w.lo[2 * this.i] === 0 && w.hi[2 * this.i + 1] === 0;
  }

  /** Argument k as a signed (long) or unsigned (unsigned long) decimal. */
  dec(k: number, signed: boolean): string {
    const w = this.args[k]!;
    const hi = w.hi[2 * this.i + 1]!;
    const lo = w.lo[2 * this.i]!;
    if (hi >= 0 && hi < SAFE_HI) return String(hi * TWO32 + lo);
    if (signed && hi >= -SAFE_HI && hi < 0) return String(hi * TWO32 + lo);
    return signed ? this.arg(k).toString() : this.ulong(k).toString();
  }

  /** Argument k in hex, `%#lx` (0 is `0`). */
  hex(k: number): string {
    const w = this.args[k]!;
    const hi = w.hi[2 * this.i + 1]!;
    const lo = w.lo[2 * this.i]!;
    if (hi === 0) return lo === 0 ? '0' : '0x' + lo.toString(16);
    if (hi > 0 && hi < SAFE_HI) return '0x' + (hi * TWO32 + lo).toString(16);
    return '0x' + this.ulong(k).toString(16);
  }

  /** How many raw arguments the entry recorded (0 for a no-entry row). */
  get nargs(): number {
    return this.b.nargs[this.i]!;
  }

  get status(): number {
    return this.b.status[this.i]!;
  }

  /** True when the call returned (complete or no-entry). */
  get returned(): boolean {
    return this.b.status[this.i]! !== SyscallStatus.UNFINISHED;
  }

  /** Raw return value (0 when unfinished). */
  get ret(): bigint {
    return this.b.ret[this.i]!;
  }

  /** The call returned an error (-4095..-1). */
  get failed(): boolean {
    return this.returned && this.rets.hi[2 * this.i + 1] === -1 && this.rets.lo[2 * this.i]! >= TWO32 - 4095;
  }

  /** errno of a failed call. */
  get errno(): number {
    return TWO32 - this.rets.lo[2 * this.i]!;
  }

  /** The call returned without error. */
  get ok(): boolean {
    return this.returned && !this.failed;
  }

  /** Return value as a C int. */
  get retInt(): number {
    return this.rets.lo[2 * this.i]! | 0;
  }

  /** Return value as a signed decimal. */
  get retDec(): string {
    const hi = this.rets.hi[2 * this.i + 1]!;
    const lo = this.rets.lo[2 * this.i]!;
    return hi >= -SAFE_HI && hi < SAFE_HI ? String(hi * TWO32 + lo) : this.ret.toString();
  }

  /** Return value in hex. */
  get retHex(): string {
    const hi = this.rets.hi[2 * this.i + 1]!;
    const lo = this.rets.lo[2 * this.i]!;
    if (hi === 0) return lo === 0 ? '0' : '0x' + lo.toString(16);
    if (hi > 0 && hi < SAFE_HI) return '0x' + (hi * TWO32 + lo).toString(16);
    return '0x' + BigInt.asUintN(64, this.ret).toString(16);
  }

  /** Captured bytes of string argument k, or undefined when it was not captured. */
  bytes(k: number): Uint8Array | undefined {
    const col = this.b.strings[k]!;
    if ((col.flags[this.i]! & StrFlags.PRESENT) === 0) return undefined;
    return col.data.subarray(col.offsets[this.i]!, col.offsets[this.i + 1]!);
  }

  /** StrFlags of string argument k. */
  strFlags(k: number): number {
    return this.b.strings[k]!.flags[this.i]!;
  }

  /**
   * The memory the recorder read behind argument k at the call's entry (`exit` false) or exit,
   * or undefined when none was read (not in the capture table, a failed call, a recording
   * without data packets).
   */
  mem(k: number, exit: boolean): DataChunk | undefined {
    return batchData(this.b, k, this.i, exit);
  }

  /** String argument k as a byte string (one char per byte, for the fd tracker), or undefined. */
  text(k: number): string | undefined {
    const b = this.bytes(k);
    return b === undefined ? undefined : Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  }
}
