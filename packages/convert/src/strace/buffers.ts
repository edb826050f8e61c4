/**
 * Data buffers and the arrays of them strace prints (src/io.c, execve.c, getcwd.c, readlink.c):
 * read/write buffers cut at -s, iovec arrays, execve's argv and envp. The bytes come from the
 * recording's data chunks (FORMAT.md "Data chunks": ARGLEN/RETLEN buffers, IOV, ARGV, ARGC).
 */
import { ITEM_FLAGS } from '@vltrace/format';
import { PATH_LIMIT, type ArgPrinter } from './args.js';
import type { Call } from './call.js';
import { escapeBytes, quoteBuffer, quoteString } from './escape.js';
import { captured, Mem, type Phase } from './mem.js';

/** Where a buffer's length comes from: an argument, or the call's result. */
export type BufLen = { arg: number } | 'ret';

function lenOf(c: Call, len: BufLen): number {
  if (len === 'ret') return Number(c.ret);
  return Number(c.ulong(len.arg));
}

/**
 * A data buffer (strace's printstrn): -s bytes quoted, `...` when longer. `phase` `in` for what
 * the caller writes (write, sendto: its length is an argument), `out` for what the kernel
 * fills (read, recvfrom: the result says how much; a failed call prints the address).
 * `cap`: an argument that bounds the length too (recvfrom's size). `hex`: every byte as \xNN.
 */
export function buffer(phase: Phase, len: BufLen, opts: { cap?: number; hex?: boolean } = {}): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k)) return 'NULL';
    const d = captured(c, k, phase);
    if (d === undefined || (d.readError && d.bytes.length === 0)) return c.hex(k);
    let n = lenOf(c, len);
    if (opts.cap !== undefined) n = Math.min(n, Number(c.ulong(opts.cap)));
    return quoteBuffer(d.bytes, n, c.cfg.stringLimit, opts.hex);
  };
}

/**
 * getcwd's buffer: a path of the result's length (the NUL included), printed whole as paths are
 * (strace's printpathn), not cut at -s.
 */
export const cwdBuffer: ArgPrinter = (c, k) => {
  const d = captured(c, k, 'out');
  if (d === undefined || (d.readError && d.bytes.length === 0)) return c.isZero(k) ? 'NULL' : c.hex(k);
  const n = Math.max(0, Math.min(Number(c.ret), PATH_LIMIT + 1));
  const b = d.bytes.subarray(0, n);
  const nul = b.indexOf(0);
  if (nul >= 0) return `"${escapeBytes(b, nul)}"`;
  // no NUL within the result's length: strace prints the bytes and `...`
  return quoteString(b.subarray(0, Math.max(0, n - 1)), undefined, true);
};

// ------------------------------------------------------------------ iovec arrays

/**
 * An iovec array as strace prints it (tprint_iov_upto): `[{iov_base="...", iov_len=5}, ...]`,
 * each buffer cut at -s; for what the kernel filled (readv), the buffers together hold as many
 * bytes as the call returned. The IOV chunk: u32 count, then per iovec u64 base, u64 len,
 * u16 bytes, u8 flags and the bytes.
 */
export function iovec(phase: Phase, countArg: number): ArgPrinter {
  return (c, k) => {
    if (c.isZero(k)) return 'NULL';
    // what the kernel fills is read at exit whatever the result: a failed call shows the bases
    const d = phase === 'in' ? captured(c, k, 'in') : captured(c, k, 'exit');
    if (d === undefined || d.bytes.length < 4) return c.hex(k);
    const failed = phase !== 'in' && c.failed;
    const n = Number(c.ulong(countArg));
    if (n === 0) return '[]';
    const m = new Mem(d.bytes);
    const recorded = m.u32(0);
    const limit = c.cfg.stringLimit;
    // what the kernel filled: the result bounds the bytes shown, buffer after buffer
    let left = phase === 'in' || failed ? Infinity : Number(c.ret);
    let o = 4;
    let s = '[';
    let i = 0;
    for (; i < n && i < recorded && i < limit; i++) {
      if (o + 19 > m.length) break;
      const base = m.ptr(o);
      const iovLen = m.u64(o + 8);
      const nbytes = m.u16(o + 16);
      const flags = m.u8(o + 18);
      const bytes = m.bytes.subarray(o + 19, Math.min(m.length, o + 19 + nbytes));
      o += 19 + nbytes;
      const len = Math.min(Number(iovLen), left);
      left -= len;
      let shown: string;
      if (base === 'NULL') shown = 'NULL';
      else if (failed) shown = base;
      else if ((flags & ITEM_FLAGS.READ_ERROR.bit) !== 0 && bytes.length === 0) shown = base;
      else shown = quoteBuffer(bytes, len, limit);
      s += `${i ? ', ' : ''}{iov_base=${shown}, iov_len=${iovLen}}`;
    }
    if (i === 0) return c.hex(k);
    if (i < n) s += ', ...';
    return s + ']';
  };
}

// ------------------------------------------------------------------ execve

/**
 * execve's argv (strace's printargv): `["cat", "/etc/hostname"]`, each string cut at -s, at
 * most -s strings then `...`. The ARGV chunk: u32 count, then per string u16 len, u8 flags, bytes.
 */
export const argv: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  const d = captured(c, k, 'in');
  if (d === undefined || d.bytes.length < 4) return c.hex(k);
  const m = new Mem(d.bytes);
  const count = m.u32(0);
  const limit = c.cfg.stringLimit;
  let s = '[';
  let o = 4;
  let i = 0;
  for (; i < count && i < limit; i++) {
    if (o + 3 > m.length) break;
    const len = m.u16(o);
    const flags = m.u8(o + 2);
    const bytes = m.bytes.subarray(o + 3, Math.min(m.length, o + 3 + len));
    o += 3 + len;
    // an unreadable string: strace prints its address, which the recording does not hold
    if ((flags & ITEM_FLAGS.READ_ERROR.bit) !== 0 && bytes.length === 0) break;
    s += (i ? ', ' : '') + quoteString(bytes, limit, (flags & ITEM_FLAGS.TRUNCATED.bit) !== 0);
  }
  if (i < count) s += i ? ', ...' : '...';
  return s + ']';
};

/** execve's envp (strace's printargc, the default): the address and `/* 35 vars *\/`. */
export const envc: ArgPrinter = (c, k) => {
  if (c.isZero(k)) return 'NULL';
  const d = captured(c, k, 'in');
  if (d === undefined || d.bytes.length < 4) return c.hex(k);
  const n = new Mem(d.bytes).u32(0);
  return `${c.hex(k)} /* ${n} var${n === 1 ? '' : 's'} */`;
};
