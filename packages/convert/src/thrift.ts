/**
 * Thrift compact protocol, generically: enough to read a Parquet footer (FileMetaData) into a
 * tree that keeps every field id and type, change a few fields, and write it back. Used to
 * splice row groups encoded by several threads into one Parquet file (parquet-splice.ts).
 * Spec: https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 */

/** Compact protocol type ids. */
export const T = { STOP: 0, TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

/** A value with its wire type. i16/i32/i64 are bigint (a cold path: exactness first). */
export type TValue =
  | { t: 1 | 2; v: boolean }
  | { t: 3 | 4 | 5 | 6; v: bigint }
  | { t: 7; v: Uint8Array }
  | { t: 8; v: Uint8Array }
  | { t: 9 | 10; elem: number; v: TValue[] }
  | { t: 11; k: number; vt: number; v: [TValue, TValue][] }
  | { t: 12; v: TStruct };

/** A struct: field id → value, in wire order. */
export type TStruct = Map<number, TValue>;

/** Reads a compact-protocol struct from bytes starting at `pos`. */
export class ThriftReader {
  constructor(private readonly b: Uint8Array, public pos = 0) {}

  private byte(): number {
    if (this.pos >= this.b.length) throw new Error('thrift: unexpected end of data');
    return this.b[this.pos++]!;
  }

  private varint(): bigint {
    let shift = 0n;
    let v = 0n;
    for (;;) {
      const c = this.byte();
      v |= BigInt(c & 0x7f) << shift;
      if ((c & 0x80) === 0) return v;
      shift += 7n;
      if (shift > 70n) throw new Error('thrift: varint too long');
    }
  }

  private zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }

  private value(t: number): TValue {
    switch (t) {
      case T.TRUE:
      case T.FALSE:
        return { t, v: t === T.TRUE };
      case T.BYTE: {
        const x = this.byte();
        return { t, v: BigInt(x > 127 ? x - 256 : x) };
      }
      case T.I16:
      case T.I32:
      case T.I64:
        return { t, v: this.zigzag() };
      case T.DOUBLE:
        this.pos += 8;
        return { t, v: this.b.slice(this.pos - 8, this.pos) };
      case T.BINARY: {
        const n = Number(this.varint());
        if (this.pos + n > this.b.length) throw new Error('thrift: binary runs past the data');
        this.pos += n;
        return { t, v: this.b.slice(this.pos - n, this.pos) };
      }
      case T.LIST:
      case T.SET: {
        const h = this.byte();
        const size = h >> 4 === 15 ? Number(this.varint()) : h >> 4;
        const elem = h & 15;
        const v: TValue[] = [];
        // booleans inside containers are one byte each (1 = true)
        for (let i = 0; i < size; i++) {
          if (elem === T.TRUE || elem === T.FALSE) {
            const on = this.byte() === 1;
            v.push({ t: on ? T.TRUE : T.FALSE, v: on });
          } else v.push(this.value(elem));
        }
        return { t, elem, v };
      }
      case T.MAP: {
        const size = Number(this.varint());
        const kv = size > 0 ? this.byte() : 0;
        const v: [TValue, TValue][] = [];
        for (let i = 0; i < size; i++) v.push([this.value(kv >> 4), this.value(kv & 15)]);
        return { t, k: kv >> 4, vt: kv & 15, v };
      }
      case T.STRUCT:
        return { t, v: this.struct() };
      default:
        throw new Error(`thrift: unknown type ${t}`);
    }
  }

  /** A struct (fields until STOP). */
  struct(): TStruct {
    const s: TStruct = new Map();
    let last = 0;
    for (;;) {
      const h = this.byte();
      const t = h & 15;
      if (t === T.STOP) return s;
      const id = h >> 4 ? last + (h >> 4) : Number(this.zigzag());
      s.set(id, this.value(t));
      last = id;
    }
  }
}

/** Writes compact-protocol structs. */
export class ThriftWriter {
  private parts: number[] = [];
  private chunks: Uint8Array[] = [];

  private bytes(u: Uint8Array): void {
    this.flushParts();
    this.chunks.push(u);
  }

  private flushParts(): void {
    if (this.parts.length) {
      this.chunks.push(Uint8Array.from(this.parts));
      this.parts = [];
    }
  }

  private varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
  }

  private zigzag(v: bigint): void {
    this.varint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  private value(x: TValue, inContainer = false): void {
    switch (x.t) {
      case T.TRUE:
      case T.FALSE:
        if (inContainer) this.parts.push(x.t === T.TRUE ? 1 : 2);
        return; // a field's boolean is its type nibble
      case T.BYTE:
        this.parts.push(Number(BigInt.asUintN(8, x.v)));
        return;
      case T.I16:
      case T.I32:
      case T.I64:
        this.zigzag(x.v);
        return;
      case T.DOUBLE:
        this.bytes(x.v);
        return;
      case T.BINARY:
        this.varint(BigInt(x.v.length));
        this.bytes(x.v);
        return;
      case T.LIST:
      case T.SET:
        if (x.v.length < 15) this.parts.push((x.v.length << 4) | x.elem);
        else {
          this.parts.push(0xf0 | x.elem);
          this.varint(BigInt(x.v.length));
        }
        for (const e of x.v) this.value(e, true);
        return;
      case T.MAP:
        this.varint(BigInt(x.v.length));
        if (x.v.length > 0) this.parts.push((x.k << 4) | x.vt);
        for (const [k, v] of x.v) {
          this.value(k, true);
          this.value(v, true);
        }
        return;
      case T.STRUCT:
        this.struct(x.v);
        return;
    }
  }

  /** A struct; fields are written in increasing id order. */
  struct(s: TStruct): this {
    let last = 0;
    for (const id of [...s.keys()].sort((a, b) => a - b)) {
      const x = s.get(id)!;
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.parts.push((delta << 4) | x.t);
      else {
        this.parts.push(x.t);
        this.zigzag(BigInt(id));
      }
      this.value(x);
      last = id;
    }
    this.parts.push(T.STOP);
    return this;
  }

  /** The bytes written. */
  finish(): Uint8Array {
    this.flushParts();
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    const out = new Uint8Array(n);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}
