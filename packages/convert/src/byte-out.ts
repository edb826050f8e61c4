/**
 * Byte-level output for the line formats. Rows are written straight into a Buffer with small
 * `put*` functions that take and return the write position — no JS string per field (strings
 * built per row cost more in garbage collection than in formatting). A sink asks for room for
 * a whole row (`row(n)`), writes it with local `buf`/`pos` variables, then stores `pos` back.
 * Full chunks go to the stream; flush() reports backpressure.
 */
import { Buffer } from 'node:buffer';
import { once } from 'node:events';

const CHUNK = 1 << 20;
const HEX_UPPER = Buffer.from('0123456789ABCDEF', 'latin1');
const TWO32 = 4294967296;
/** "00".."99" as bytes */
const DIGITS2 = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');

/** Writes a safe integer in decimal at p; returns the new position. */
export function putInt(b: Uint8Array, p: number, n: number): number {
  if (n < 0) {
    b[p++] = 45; // '-'
    n = -n;
  }
  if (n < 10) {
    b[p] = 48 + n;
    return p + 1;
  }
  let len = 2;
  for (let x = n; x >= 100; x = Math.floor(x / 10)) len++;
  let q = p + len - 1;
  if (n < 2147483648) {
    while (n >= 100) {
      const m = (n / 100) | 0;
      const r = 2 * (n - m * 100);
      b[q--] = DIGITS2[r + 1]!;
      b[q--] = DIGITS2[r]!;
      n = m;
    }
  } else {
    while (n >= 100) {
      const m = Math.floor(n / 100);
      const r = 2 * (n - m * 100);
      b[q--] = DIGITS2[r + 1]!;
      b[q--] = DIGITS2[r]!;
      n = m;
    }
  }
  if (n >= 10) {
    b[q--] = DIGITS2[2 * n + 1]!;
    b[q] = DIGITS2[2 * n]!;
  } else {
    b[q] = 48 + n;
  }
  return p + len;
}

/** Writes a non-negative integer below 10^9 zero-padded to 9 digits. */
export function putNine(b: Uint8Array, p: number, n: number): number {
  let q = p + 8;
  for (let k = 0; k < 4; k++) {
    const m = (n / 100) | 0;
    const r = 2 * (n - m * 100);
    b[q--] = DIGITS2[r + 1]!;
    b[q--] = DIGITS2[r]!;
    n = m;
  }
  b[q] = 48 + n;
  return p + 9;
}

/** Writes src[s, e) at p. */
export function putBytes(b: Uint8Array, p: number, src: Uint8Array, s = 0, e = src.length): number {
  if (e - s > 64) {
    b.set(s === 0 && e === src.length ? src : src.subarray(s, e), p);
    return p + e - s;
  }
  for (let k = s; k < e; k++) b[p++] = src[k]!;
  return p;
}

/** Writes a string of one-byte chars (ASCII, latin1) at p. */
export function putLatin1(b: Buffer, p: number, s: string): number {
  return p + b.write(s, p, 'latin1');
}

/** Writes a string as UTF-8 at p (the caller reserved 3 bytes per char). */
export function putUtf8(b: Buffer, p: number, s: string): number {
  return p + b.write(s, p, 'utf8');
}

/** Writes a 64-bit value from its halves in decimal (exact; BigInt only beyond 2^53). */
export function putInt64(b: Buffer, p: number, lo: number, hi: number, big: BigInt64Array, i: number): number {
  if (hi >= -0x200000 && hi < 0x200000) return putInt(b, p, hi * TWO32 + lo);
  return putLatin1(b, p, big[i]!.toString());
}

/** Writes two 32-bit words as 16 upper-case hex digits. */
export function putHex16(b: Uint8Array, p: number, lo: number, hi: number): number {
  let q = p + 15;
  for (let k = 0; k < 8; k++, lo >>>= 4) b[q--] = HEX_UPPER[lo & 15]!;
  for (let k = 0; k < 8; k++, hi >>>= 4) b[q--] = HEX_UPPER[hi & 15]!;
  return p + 16;
}

export class ByteOut {
  buf: Buffer = Buffer.allocUnsafe(CHUNK);
  pos = 0;
  private failed: Error | undefined;
  private needDrain = false;

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', (e: Error) => {
      this.failed = e;
    });
  }

  /** Makes room for n more bytes (sends the full chunk on); returns the buffer to write into at `pos`. */
  row(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      this.send();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
    return this.buf;
  }

  private send(): void {
    if (this.pos === 0) return;
    if (this.failed) throw this.failed;
    if (!this.out.write(this.buf.subarray(0, this.pos))) this.needDrain = true;
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }

  /** Appends a string of one-byte chars. */
  latin1(s: string): void {
    const b = this.row(s.length);
    this.pos = putLatin1(b, this.pos, s);
  }

  /** Appends a string as UTF-8. */
  utf8(s: string): void {
    const b = this.row(3 * s.length);
    this.pos = putUtf8(b, this.pos, s);
  }

  /** Appends bytes. */
  raw(u: Uint8Array, start = 0, end = u.length): void {
    const b = this.row(end - start);
    this.pos = putBytes(b, this.pos, u, start, end);
  }

  /** Appends one byte. */
  byte(c: number): void {
    const b = this.row(1);
    b[this.pos++] = c;
  }

  /** Appends 16 upper-case hex digits of two 32-bit words. */
  hex16(lo: number, hi: number): void {
    const b = this.row(16);
    this.pos = putHex16(b, this.pos, lo, hi);
  }

  /** Sends what is buffered; resolves when the stream can take more. */
  flush(): void | Promise<void> {
    this.send();
    if (this.failed) throw this.failed;
    if (this.needDrain) {
      this.needDrain = false;
      return once(this.out as NodeJS.EventEmitter, 'drain').then(() => undefined);
    }
  }

  /** Flushes; the stream itself is closed by its owner. */
  async close(): Promise<void> {
    await this.flush();
  }
}
