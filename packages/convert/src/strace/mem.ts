/**
 * Reading the memory a recording holds behind pointer arguments (the format's data chunks), as
 * strace reads the tracee's memory: a struct prints only when all of it was read, otherwise
 * strace prints the address (`umove_or_printaddr`), and so do we. Everything is decoded from the
 * recorded bytes (little-endian, the x86-64 ABI), never from the machine converting.
 */
import type { DataChunk } from '@vltrace/format';
import type { ArgPrinter } from './args.js';
import type { Call } from './call.js';

const TWO32 = 4294967296;

/**
 * A little-endian view of captured bytes, with strace's ways of printing fields. Reads past the
 * end give 0 rather than throwing: printers check lengths, and a recording that holds less than
 * they expected must still print, never crash.
 */
export class Mem {
  readonly dv: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  private has(o: number, n: number): boolean {
    return o >= 0 && o + n <= this.bytes.length;
  }

  u8(o: number): number {
    return this.bytes[o] ?? 0;
  }
  u16(o: number): number {
    return this.has(o, 2) ? this.dv.getUint16(o, true) : 0;
  }
  /** big-endian u16 (a port in network order) */
  be16(o: number): number {
    return this.has(o, 2) ? this.dv.getUint16(o, false) : 0;
  }
  be32(o: number): number {
    return this.has(o, 4) ? this.dv.getUint32(o, false) : 0;
  }
  i32(o: number): number {
    return this.has(o, 4) ? this.dv.getInt32(o, true) : 0;
  }
  u32(o: number): number {
    return this.has(o, 4) ? this.dv.getUint32(o, true) : 0;
  }
  u64(o: number): bigint {
    return this.has(o, 8) ? this.dv.getBigUint64(o, true) : 0n;
  }
  i64(o: number): bigint {
    return this.has(o, 8) ? this.dv.getBigInt64(o, true) : 0n;
  }
  /** The 64-bit word at o is zero. */
  zero64(o: number): boolean {
    return this.u32(o) === 0 && this.u32(o + 4) === 0;
  }
  /** An unsigned 64-bit field in decimal (`%llu`). */
  udec(o: number): string {
    const hi = this.u32(o + 4);
    return hi < 0x200000 ? String(hi * TWO32 + this.u32(o)) : this.u64(o).toString();
  }
  /** A signed 64-bit field in decimal (`%lld`). */
  dec(o: number): string {
    const hi = this.i32(o + 4);
    return hi >= -0x200000 && hi < 0x200000 ? String(hi * TWO32 + this.u32(o)) : this.i64(o).toString();
  }
  /** A 64-bit field in hex (`%#llx`: 0 is `0`). */
  hex(o: number): string {
    const hi = this.u32(o + 4);
    const lo = this.u32(o);
    if (hi === 0) return lo === 0 ? '0' : '0x' + lo.toString(16);
    return hi < 0x200000 ? '0x' + (hi * TWO32 + lo).toString(16) : '0x' + this.u64(o).toString(16);
  }
  /** A pointer field: `NULL` or hex (strace's printaddr). */
  ptr(o: number): string {
    return this.zero64(o) ? 'NULL' : this.hex(o);
  }
  /** The sub-view [o, o + n). */
  sub(o: number, n = this.bytes.length - o): Mem {
    return new Mem(this.bytes.subarray(o, o + n));
  }
}

/**
 * When the memory behind an argument is read and printed:
 * - `in`: what the caller passes, read at entry;
 * - `out`: what the kernel fills, read at exit and printed only when the call succeeded;
 * - `exit`: read at exit and printed whatever the result (a timeout that returns the time left).
 */
export type Phase = 'in' | 'out' | 'exit';

/** The captured memory behind argument k for `phase`, or undefined (strace then prints the address). */
export function captured(c: Call, k: number, phase: Phase): DataChunk | undefined {
  if (phase === 'in') return c.mem(k, false);
  if (!c.returned || (phase === 'out' && c.failed)) return undefined;
  return c.mem(k, true);
}

/** The whole struct of `size` bytes behind argument k, or undefined when any of it is missing. */
export function structOf(c: Call, k: number, phase: Phase, size: number): Mem | undefined {
  const d = captured(c, k, phase);
  if (d === undefined || d.readError || d.bytes.length < size) return undefined;
  return new Mem(d.bytes);
}

/** Prints a struct read from memory. */
export type StructPrinter = (m: Mem, c: Call, k: number) => string;

/**
 * An argument pointing to a struct of `size` bytes: `NULL`, the address when the struct is not
 * in the recording (or the call failed, for `out`), else what `print` makes of it.
 */
export function structArg(phase: Phase, size: number, print: StructPrinter): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k)) return 'NULL';
    const m = structOf(c, k, phase, size);
    return m === undefined ? c.hex(k) : print(m, c, k);
  };
}

/**
 * An array of `n` elements of `size` bytes as strace prints it (print_array): `[]` when empty,
 * at most `limit` elements then `...` (strace's -s applies to arrays too), and when the memory
 * holds fewer elements than that, what it holds then `...`; undefined when it holds none (the
 * caller prints the address).
 */
export function printArray(
  m: Mem, n: number, size: number, limit: number, elem: (m: Mem, o: number, i: number) => string,
): string | undefined {
  if (n === 0) return '[]';
  const have = Math.floor(m.length / size);
  if (have === 0) return undefined;
  const shown = Math.min(n, limit, have);
  let s = '[';
  for (let i = 0; i < shown; i++) s += (i ? ', ' : '') + elem(m, i * size, i);
  if (shown < n) s += shown ? ', ...' : '...';
  return s + ']';
}

/** The set bits of a bitmap (fd_set, cpu_set_t) below `nbits`, in order. */
export function setBits(m: Mem, nbits: number): number[] {
  const out: number[] = [];
  const nbytes = Math.min(m.length, Math.ceil(nbits / 8));
  for (let i = 0; i < nbytes; i++) {
    const b = m.u8(i);
    if (b === 0) continue;
    for (let j = 0; j < 8; j++) if (b & (1 << j) && i * 8 + j < nbits) out.push(i * 8 + j);
  }
  return out;
}
