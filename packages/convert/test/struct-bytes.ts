// Building the bytes of x86-64 kernel structs for synthetic recordings: fields at their ABI
// offsets, little-endian, as the recorder would read them from a tracee's memory.

const enc = new TextEncoder();

/** A zeroed struct of `size` bytes and setters by offset. */
export class Bytes {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  u8(o: number, v: number): this {
    this.bytes[o] = v;
    return this;
  }
  u16(o: number, v: number): this {
    this.dv.setUint16(o, v, true);
    return this;
  }
  be16(o: number, v: number): this {
    this.dv.setUint16(o, v, false);
    return this;
  }
  u32(o: number, v: number): this {
    this.dv.setUint32(o, v >>> 0, true);
    return this;
  }
  i32(o: number, v: number): this {
    this.dv.setInt32(o, v, true);
    return this;
  }
  u64(o: number, v: number | bigint): this {
    this.dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v)), true);
    return this;
  }
  str(o: number, s: string | Uint8Array): this {
    this.bytes.set(typeof s === 'string' ? enc.encode(s) : s, o);
    return this;
  }
}

export function text(s: string): Uint8Array {
  return enc.encode(s);
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** struct stat: mode, size, rdev. */
export function stat(mode: number, size: number, rdev = 0): Uint8Array {
  return new Bytes(144).u64(0, 0x803).u64(8, 1234).u64(16, 1).u32(24, mode).u64(40, rdev).u64(48, size).u64(56, 4096).bytes;
}

/** A timespec or timeval. */
export function ts(sec: number | bigint, frac: number | bigint): Uint8Array {
  return new Bytes(16).u64(0, sec).u64(8, frac).bytes;
}

/** A 64-bit signal mask of the given signals. */
export function sigmask(...sigs: number[]): Uint8Array {
  let m = 0n;
  for (const s of sigs) m |= 1n << BigInt(s - 1);
  return new Bytes(8).u64(0, m).bytes;
}

/** struct sockaddr_in. */
export function sin(port: number, addr: readonly number[]): Uint8Array {
  return new Bytes(16).u16(0, 2).be16(2, port).str(4, new Uint8Array(addr)).bytes;
}

/** An int. */
export function int(v: number): Uint8Array {
  return new Bytes(4).i32(0, v).bytes;
}

/** A u32 count (ARGC, DIRENTS payloads). */
export const count = (n: number) => new Bytes(4).u32(0, n).bytes;

/** An ARGV payload: u32 count, then each string as u16 len, u8 flags, bytes. */
export function argvPayload(count: number, items: readonly (string | { s: string; truncated?: boolean })[]): Uint8Array {
  const parts = [new Bytes(4).u32(0, count).bytes];
  for (const it of items) {
    const s = typeof it === 'string' ? it : it.s;
    const b = text(s);
    parts.push(new Bytes(3).u16(0, b.length).u8(2, typeof it !== 'string' && it.truncated ? 2 : 0).bytes, b);
  }
  return cat(...parts);
}

/** An IOV payload: u32 count, then each iovec as u64 base, u64 len, u16 bytes, u8 flags, bytes. */
export function iovPayload(items: readonly { base: bigint; len: number; data: string }[]): Uint8Array {
  const parts = [new Bytes(4).u32(0, items.length).bytes];
  for (const it of items) {
    const b = text(it.data);
    parts.push(new Bytes(19).u64(0, it.base).u64(8, it.len).u16(16, b.length).bytes, b);
  }
  return cat(...parts);
}
