/**
 * Exact 64-bit formatting without a BigInt per value: a BigInt64Array is read as two 32-bit
 * halves (little-endian: low word first), and a value that fits in 2^53 is formatted as a
 * Number. BigInt is only the fallback for values that really need 64 bits.
 */
import { Buffer } from 'node:buffer';
import { key, putInt, putKey, putLatin1, putNine, type Key } from './byte-out.js';

/** The low (unsigned) and high (signed) 32-bit words of a BigInt64Array, without copying. */
export interface Halves {
  readonly lo: Uint32Array;
  readonly hi: Int32Array;
}

/** Views a BigInt64Array as its 32-bit halves: value i is hi[2i+1]·2^32 + lo[2i]. */
export function halves(a: BigInt64Array): Halves {
  return {
    lo: new Uint32Array(a.buffer, a.byteOffset, a.length * 2),
    hi: new Int32Array(a.buffer, a.byteOffset, a.length * 2),
  };
}

const TWO32 = 4294967296;
/** |hi| below 2^21 means the value is below 2^53 in magnitude: exact as a Number */
const SAFE_HI = 0x200000;

/** "0000".."FFFF", built on first use */
let HEX4: string[] | undefined;
function hex4(): string[] {
  if (!HEX4) {
    HEX4 = [];
    for (let i = 0; i < 65536; i++) HEX4.push(i.toString(16).toUpperCase().padStart(4, '0'));
  }
  return HEX4;
}

/** Two 32-bit words as 16 upper-case hex digits (the value's two's complement). */
export function hex16(lo: number, hi: number): string {
  const HEX4 = hex4();
  return HEX4[(hi >>> 16) & 0xffff]! + HEX4[hi & 0xffff]! + HEX4[(lo >>> 16) & 0xffff]! + HEX4[lo & 0xffff]!;
}

/** A Number (integer, |n| < 2^53) as 16 upper-case hex digits of its 64-bit two's complement. */
export function hexNum(n: number): string {
  const lo = n >>> 0; // n mod 2^32, also for negatives
  const hi = Math.floor(n / TWO32) | 0;
  return hex16(lo, hi);
}


/**
 * Converts CLOCK_MONOTONIC ns of a recording to wall-clock ns since the epoch (the header's
 * `clock`: wall = mono − monotonicNs + realtimeNs), exactly, from the halves.
 */
export class WallClock {
  /** realtime − monotonic, ns */
  readonly offset: bigint;
  private readonly offSec: number;
  private readonly offNs: number;
  private readonly offLo: number;
  private readonly offHi: number;
  /** the offset's low word (unsigned) and high word (signed), for 64-bit adds on the halves */
  get offsetLo(): number {
    return this.offLo;
  }
  get offsetHi(): number {
    return this.offHi;
  }
  private readonly fast: boolean;

  constructor(clock: { readonly monotonicNs: string; readonly realtimeNs: string }) {
    this.offset = BigInt(clock.realtimeNs) - BigInt(clock.monotonicNs);
    this.fast = this.offset >= 0n && this.offset < 2n ** 62n;
    this.offSec = Number(this.offset / 1_000_000_000n);
    this.offNs = Number(this.offset % 1_000_000_000n);
    this.offLo = Number(BigInt.asUintN(32, this.offset));
    this.offHi = Number(BigInt.asIntN(32, this.offset >> 32n));
  }

  /** the monotonic ns at which the current wall-clock second starts (NaN: none yet) */
  private winStart = NaN;
  /** that second's decimal digits */
  private win: Key = key('');

  /**
   * Writes the wall-clock ns of monotonic value i in decimal at p (dv views b's memory; up to 3
   * bytes past the value are scribbled on, as putKey does); returns the new position.
   */
  put(b: Uint8Array, dv: DataView, p: number, h: Halves, big: BigInt64Array, i: number): number {
    const mono = this.safeMono(h, i);
    if (mono >= 0) return this.putSafe(b, dv, p, mono);
    return putLatin1(b as Buffer, p, (big[i]! + this.offset).toString());
  }

  /**
   * Monotonic value i as a Number when the fast path takes it (the offset is small and the
   * value below 2^53), else -1.
   */
  safeMono(h: Halves, i: number): number {
    const hi = h.hi[2 * i + 1]!;
    return this.fast && hi >= 0 && hi < SAFE_HI ? hi * TWO32 + h.lo[2 * i]! : -1;
  }

  /** put() of a monotonic value that safeMono() returned. */
  putSafe(b: Uint8Array, dv: DataView, p: number, mono: number): number {
    // most values fall in the second of the previous one: its digits, then 9 of ns
    let d = mono - this.winStart;
    if (!(d >= 0 && d < 1e9)) {
      const ns = mono % 1e9;
      let sec = (mono - ns) / 1e9 + this.offSec;
      let wns = ns + this.offNs;
      if (wns >= 1e9) {
        wns -= 1e9;
        sec++;
      }
      if (sec === 0) return putInt(b, dv, p, wns);
      this.winStart = mono - wns;
      this.win = key(String(sec));
      d = wns;
    }
    return putNine(b, dv, putKey(b, dv, p, this.win), d);
  }

  /** Whole wall-clock seconds since the epoch of monotonic value i (exact). */
  secondsAt(h: Halves, big: BigInt64Array, i: number): number {
    const hi = h.hi[2 * i + 1]!;
    if (this.fast && hi >= 0 && hi < SAFE_HI) {
      const mono = hi * TWO32 + h.lo[2 * i]!;
      const ns = mono % 1e9;
      return (mono - ns) / 1e9 + this.offSec + (ns + this.offNs >= 1e9 ? 1 : 0);
    }
    return Number((big[i]! + this.offset) / 1_000_000_000n);
  }

  /** Wall-clock value of monotonic `src[i]` written into `dst[i]` (64-bit add on the halves). */
  addInto(src: Halves, dst: Halves, i: number): void {
    const lo = src.lo[2 * i]! + this.offLo;
    const carry = lo >= TWO32 ? 1 : 0;
    (dst.lo as Uint32Array)[2 * i] = lo; // wraps mod 2^32
    (dst.hi as Int32Array)[2 * i + 1] = src.hi[2 * i + 1]! + this.offHi + carry;
  }
}
