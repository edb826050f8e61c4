/**
 * The Protocol Buffers wire encoding, as much of it as a writer of Perfetto traces needs:
 * field tags, varints (from a JS number or from the two 32-bit words of a 64-bit column, so that
 * no BigInt is made per value), fixed64, and length-delimited fields whose size the caller
 * computes first (the *Size functions), so that every message is written front to back once.
 */

/** Wire types (the low 3 bits of a field's tag). */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2 } as const;

/** A field's tag, the key before its value. */
export function tag(field: number, wire: number): number {
  return field * 8 + wire;
}

/** Bytes the varint of n takes (n a non-negative integer, at most 2^53). */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let s = 5;
  for (let v = Math.floor(n / 0x800000000); v > 0; v = Math.floor(v / 0x80)) s++;
  return s;
}

/** Writes the varint of n (a non-negative integer, at most 2^53) at p; returns the end. */
export function putVarint(b: Uint8Array, p: number, n: number): number {
  if (n < 0x80000000) {
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    return p;
  }
  return putVarintWords(b, p, n >>> 0, Math.floor(n / 0x100000000));
}

/** Bytes the varint of the 64-bit value lo + hi·2^32 takes (hi, lo as unsigned words). */
export function varintWordsSize(lo: number, hi: number): number {
  if (hi === 0) return varintSize(lo >>> 0);
  return Math.ceil((64 - Math.clz32(hi)) / 7);
}

/**
 * Writes the varint of the 64-bit value lo + hi·2^32 (two's complement: a negative int64 is
 * hi ≥ 2^31, ten bytes, as protobuf encodes int64) at p; returns the end.
 */
export function putVarintWords(b: Uint8Array, p: number, lo: number, hi: number): number {
  lo >>>= 0;
  hi >>>= 0;
  while (hi !== 0) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo >= 0x80) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  b[p++] = lo;
  return p;
}

/** Writes a fixed64 (little endian) of n, a non-negative integer below 2^53; returns the end. */
export function putFixed64(b: Uint8Array, p: number, n: number): number {
  const lo = n >>> 0;
  const hi = Math.floor(n / 0x100000000);
  b[p] = lo;
  b[p + 1] = lo >>> 8;
  b[p + 2] = lo >>> 16;
  b[p + 3] = lo >>> 24;
  b[p + 4] = hi;
  b[p + 5] = hi >>> 8;
  b[p + 6] = hi >>> 16;
  b[p + 7] = hi >>> 24;
  return p + 8;
}

/** Bytes a length-delimited field takes with its tag: the tag, the length's varint, the body. */
export function lenFieldSize(tagSize: number, body: number): number {
  return tagSize + varintSize(body) + body;
}

/** Bytes a varint field takes with its tag. */
export function varintFieldSize(tagSize: number, n: number): number {
  return tagSize + varintSize(n);
}

const utf8 = new TextEncoder();

/**
 * A message built field by field into a growing buffer: for the packets written now and then
 * (descriptors, interned names, process events), where computing sizes first is not worth it.
 */
export class ProtoMessage {
  private b = new Uint8Array(64);
  private n = 0;

  /** the encoded message (a view, valid until the next write) */
  get bytes(): Uint8Array {
    return this.b.subarray(0, this.n);
  }

  private room(k: number): void {
    if (this.n + k <= this.b.length) return;
    const grown = new Uint8Array(Math.max(this.b.length * 2, this.n + k));
    grown.set(this.b.subarray(0, this.n));
    this.b = grown;
  }

  /** a varint field: a non-negative integer up to 2^53, or any int64 as a bigint */
  varint(field: number, v: number | bigint): this {
    this.room(20);
    this.n = putVarint(this.b, this.n, tag(field, WIRE.VARINT));
    if (typeof v === 'number') this.n = putVarint(this.b, this.n, v);
    else {
      const u = BigInt.asUintN(64, v);
      this.n = putVarintWords(this.b, this.n, Number(u & 0xffffffffn), Number(u >> 32n));
    }
    return this;
  }

  bool(field: number, v: boolean): this {
    return this.varint(field, v ? 1 : 0);
  }

  fixed64(field: number, v: number): this {
    this.room(16);
    this.n = putVarint(this.b, this.n, tag(field, WIRE.I64));
    this.n = putFixed64(this.b, this.n, v);
    return this;
  }

  bytesField(field: number, v: Uint8Array): this {
    this.room(16 + v.length);
    this.n = putVarint(this.b, this.n, tag(field, WIRE.LEN));
    this.n = putVarint(this.b, this.n, v.length);
    this.b.set(v, this.n);
    this.n += v.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, utf8.encode(s));
  }

  message(field: number, m: ProtoMessage): this {
    return this.bytesField(field, m.bytes);
  }
}
