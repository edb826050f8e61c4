/**
 * Byte-level output for the line formats. Rows are written straight into a Buffer with small
 * `put*` functions that take and return the write position — no JS string per field (strings
 * built per row cost more in garbage collection than in formatting). A sink asks for room for
 * a whole row (`row(n)`), writes it with local `buf`/`pos` variables, then stores `pos` back.
 * Full chunks go to the stream; flush() reports backpressure.
 */
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { WriteStream } from 'node:fs';
import { Socket } from 'node:net';

const CHUNK = 1 << 20;
/**
 * The first chunk is small: it fills within the first rows, so that sending a full chunk (the
 * branch in row()) has run before V8 optimises the row loops. Left cold, that branch was taken
 * for the first time by optimised code, which V8 then threw away ("insufficient type feedback")
 * and compiled again, the loop running unoptimised meanwhile.
 */
const FIRST_CHUNK = 16 << 10;
/** bytes past every reservation that a write may scribble on (putKey's padding) */
export const SLACK = 8;
const TWO32 = 4294967296;

/** "0000".."9999" as little-endian 32-bit words: one DataView store writes four digits */
const DIGITS4 = new Int32Array(10000);
for (let i = 0; i < 10000; i++) {
  const s = String(i).padStart(4, '0');
  DIGITS4[i] = s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);
}

// The number writers below store whole 32-bit words through a DataView of the buffer (dv).
// A number of fewer digits than its words hold scribbles up to 3 bytes past its end, as putKey
// does: the next write overwrites them, and ByteOut keeps SLACK spare bytes for the last one.

/** Writes 0 ≤ n < 10^4 in decimal without padding; returns the new position. */
function putSmall(dv: DataView, p: number, n: number): number {
  const len = n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : 4;
  // the word holds the 4 zero-padded digits, first digit in its low byte: shift the padding out
  dv.setInt32(p, DIGITS4[n]! >>> (32 - 8 * len), true);
  return p + len;
}

/** Writes 0 ≤ n < 10^8 zero-padded to 8 digits at p. */
function putEightAt(dv: DataView, p: number, n: number): void {
  const hi = (n / 10000) | 0;
  dv.setInt32(p, DIGITS4[hi]!, true);
  dv.setInt32(p + 4, DIGITS4[n - hi * 10000]!, true);
}

/** Writes a safe integer in decimal at p; returns the new position. */
export function putInt(b: Uint8Array, dv: DataView, p: number, n: number): number {
  if (n < 0) {
    b[p++] = 45; // '-'
    n = -n;
  }
  if (n < 1e4) return putSmall(dv, p, n);
  if (n >= 1e8) return putLarge(b, dv, p, n);
  const hi = (n / 1e4) | 0;
  p = putSmall(dv, p, hi);
  dv.setInt32(p, DIGITS4[n - hi * 1e4]!, true);
  return p + 4;
}

/** putInt from 10^8 up to 2^53 (out of line: putInt stays small enough to be inlined). */
function putLarge(b: Uint8Array, dv: DataView, p: number, n: number): number {
  // the quotient is below 10^8, the remainder 8 zero-padded digits
  const hi = Math.floor(n / 1e8);
  p = putInt(b, dv, p, hi);
  putEightAt(dv, p, n - hi * 1e8);
  return p + 8;
}

/** Writes a non-negative integer below 10^9 zero-padded to 9 digits. */
export function putNine(b: Uint8Array, dv: DataView, p: number, n: number): number {
  const top = (n / 1e8) | 0;
  b[p] = 48 + top;
  putEightAt(dv, p + 1, n - top * 1e8);
  return p + 9;
}

/**
 * Writes the unsigned 64-bit value hi·2^32 + lo (hi, lo: unsigned 32-bit words) in decimal,
 * exactly, without BigInt: one long division by 10^8 over 16-bit limbs leaves a quotient below
 * 2^38 and an 8-digit remainder.
 */
export function putU64(b: Uint8Array, dv: DataView, p: number, lo: number, hi: number): number {
  if (hi < 0x200000) return putInt(b, dv, p, hi * TWO32 + lo);
  let t = hi >>> 16; // < 65536 < 10^8: quotient digit 0
  t = t * 65536 + (hi & 0xffff);
  const q2 = Math.floor(t / 1e8);
  t = (t - q2 * 1e8) * 65536 + (lo >>> 16);
  const q1 = Math.floor(t / 1e8);
  t = (t - q1 * 1e8) * 65536 + (lo & 0xffff);
  const q0 = Math.floor(t / 1e8);
  const r = t - q0 * 1e8;
  p = putInt(b, dv, p, (q2 * 65536 + q1) * 65536 + q0);
  putEightAt(dv, p, r);
  return p + 8;
}

/** Writes src[s, e) at p. */
export function putBytes(b: Uint8Array, p: number, src: Uint8Array, s = 0, e = src.length): number {
  // a native copy costs about as much as 16 byte stores (plus a view for a part of src)
  if (e - s > 16 && (e - s > 48 || (s === 0 && e === src.length))) {
    b.set(s === 0 && e === src.length ? src : src.subarray(s, e), p);
    return p + e - s;
  }
  for (let k = s; k < e; k++) b[p++] = src[k]!;
  return p;
}

/**
 * A constant byte string (a JSON key, a separator run) prepared for fast copying: one 32-bit
 * DataView store per 4 bytes, the last word padded — putKey writes up to 3 bytes past the key,
 * which the next write overwrites (ByteOut keeps SLACK bytes spare at the end of its buffer).
 */
export interface Key {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly length: number;
}

export function key(s: string | Uint8Array, encoding: 'latin1' | 'utf8' = 'latin1'): Key {
  const bytes = typeof s === 'string' ? new Uint8Array(Buffer.from(s, encoding)) : s;
  const words = new Int32Array((bytes.length + 3) >> 2);
  for (let k = 0; k < bytes.length; k++) words[k >> 2]! |= bytes[k]! << (8 * (k & 3));
  return { bytes, words, length: bytes.length };
}

/**
 * Writes a Key at p (dv views the same memory as b) and returns p + its length. Up to 3 bytes
 * after it are overwritten with padding: the buffer must have that much room past the key
 * (ByteOut's buffers do). Kept this small so that V8 inlines it into the row writers, which
 * call it a dozen times per row: keys are short constants (the longest, ~170 bytes, is still
 * cheaper in word stores than through TypedArray.set).
 */
export function putKey(b: Uint8Array, dv: DataView, p: number, k: Key): number {
  const w = k.words;
  for (let j = 0, q = p; j < w.length; j++, q += 4) dv.setInt32(q, w[j]!, true);
  return p + k.length;
}

/** Writes a string of one-byte chars (ASCII, latin1) at p. */
export function putLatin1(b: Buffer, p: number, s: string): number {
  return p + b.write(s, p, 'latin1');
}

/** Writes a string as UTF-8 at p (the caller reserved 3 bytes per char). */
export function putUtf8(b: Buffer, p: number, s: string): number {
  return p + b.write(s, p, 'utf8');
}

/** Writes a signed 64-bit value from its halves (lo unsigned, hi signed) in decimal, exactly. */
export function putInt64(b: Uint8Array, dv: DataView, p: number, lo: number, hi: number): number {
  if (hi >= -0x200000 && hi < 0x200000) return putInt(b, dv, p, hi * TWO32 + lo);
  if (hi >= 0) return putU64(b, dv, p, lo, hi);
  // negative: the magnitude is the two's complement
  b[p++] = 45;
  const nlo = (-lo) >>> 0;
  return putU64(b, dv, p, nlo, (~hi + (nlo === 0 ? 1 : 0)) >>> 0);
}

/** "00".."FF" as 16-bit little-endian pairs: two of them make one 32-bit store of 4 digits */
const HEX2W = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  const s = i.toString(16).toUpperCase().padStart(2, '0');
  HEX2W[i] = s.charCodeAt(0) | (s.charCodeAt(1) << 8);
}

/** Writes two 32-bit words as 16 upper-case hex digits, four 32-bit stores (dv views the buffer). */
export function putHex16(dv: DataView, p: number, lo: number, hi: number): number {
  dv.setInt32(p, HEX2W[hi >>> 24]! | (HEX2W[(hi >>> 16) & 255]! << 16), true);
  dv.setInt32(p + 4, HEX2W[(hi >>> 8) & 255]! | (HEX2W[hi & 255]! << 16), true);
  dv.setInt32(p + 8, HEX2W[lo >>> 24]! | (HEX2W[(lo >>> 16) & 255]! << 16), true);
  dv.setInt32(p + 12, HEX2W[(lo >>> 8) & 255]! | (HEX2W[lo & 255]! << 16), true);
  return p + 16;
}

const NO_BYTES = Buffer.alloc(0);

/**
 * Full chunks kept for reuse. Every new chunk is fresh memory, and on this kind of machine (a
 * VM whose page faults cost ~10 µs each) the faults of 1 MiB chunks were ~17 k per million csv
 * rows, a sixth of the writing thread's time; a chunk whose write has completed is written into
 * again instead. No write completes while a batch is formatted (the callbacks run between
 * batches), so the pool holds a batch's worth: 64K rows of csv are ~7 MiB, of text ~10 (jsonl,
 * ~16, is written in slices: see LINE_SLICE in schema.ts).
 */
const POOL = 20;

/**
 * Whether a stream is done with a chunk once the chunk's write callback has run, so that the
 * chunk may be written into again: Node's file and socket streams (a pipe, a TTY, stdout)
 * write it out and drop it. Any other Writable may keep what it is given (a PassThrough whose
 * reader collects the chunks, say): its chunks are never reused.
 */
export function releasesChunks(stream: NodeJS.WritableStream): boolean {
  return stream instanceof WriteStream || stream instanceof Socket || stream === process.stdout || stream === process.stderr;
}

export class ByteOut {
  // buf and dv start empty and get their first chunk in the constructor: a field stored twice
  // is "mutable" for V8 from then on. With one value only, V8 compiles the row loops assuming
  // it is constant, then throws that code away when the first chunk fills (~55–85 ms of
  // TurboFan work twice per run, and the loop runs unoptimised meanwhile).
  buf: Buffer = NO_BYTES;
  /** a DataView of buf */
  dv: DataView = new DataView(NO_BYTES.buffer, 0, 0);
  pos = 0;
  /** rows are reserved up to here; the SLACK bytes after it take putKey's padding */
  private limit = 0;
  private failed: Error | undefined;
  private needDrain = false;
  /** written chunks the stream is done with (only when it releases them: releasesChunks()) */
  private readonly free: Buffer[] = [];
  private readonly release: ((chunk: Buffer) => () => void) | undefined;

  constructor(private readonly out: NodeJS.WritableStream) {
    this.setBuf(Buffer.allocUnsafe(FIRST_CHUNK + SLACK));
    if (releasesChunks(out)) {
      this.release = (chunk) => () => {
        if (this.free.length < POOL) this.free.push(chunk);
      };
    }
    out.on('error', (e: Error) => {
      this.failed = e;
    });
  }

  /** Makes room for n more bytes (sends the full chunk on); returns the buffer to write into at `pos`. */
  row(n: number): Buffer {
    if (this.pos + n > this.limit) {
      this.send();
      if (n > this.limit) this.setBuf(Buffer.allocUnsafe(n + SLACK));
    }
    return this.buf;
  }

  private send(): void {
    if (this.pos === 0) return;
    if (this.failed) throw this.failed;
    const chunk = this.buf;
    // only whole chunks go back to the pool (the first is smaller, a large row's bigger)
    const done = this.release && chunk.length === CHUNK + SLACK ? this.release(chunk) : undefined;
    if (!this.out.write(chunk.subarray(0, this.pos), done)) this.needDrain = true;
    this.setBuf(this.free.pop() ?? Buffer.allocUnsafe(CHUNK + SLACK));
    this.pos = 0;
  }

  private setBuf(b: Buffer): void {
    this.buf = b;
    this.limit = b.length - SLACK;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
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
