/**
 * Byte-exact strings. Captured string arguments are raw bytes from user memory: most are UTF-8,
 * some are not. Text outputs that must be valid UTF-8 (CSV, JSON Lines, Arrow/Parquet utf8
 * columns) store a string that is not valid UTF-8 with the escaping rule of SCHEMA.md: every byte
 * that is not part of a valid UTF-8 sequence becomes `\xNN` (two lower-case hex digits) and
 * every backslash becomes `\\`; the row's `str_flags` says which strings were escaped, so the
 * original bytes can always be recovered (`unescapeBytes`).
 */
import { Buffer, isAscii as isAsciiNative, isUtf8 } from 'node:buffer';

/** A Buffer view of a Uint8Array (no copy), for its fast latin1/utf8 slicing. */
export function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * True when every byte of u[start, end) is ASCII. Long ranges (a whole string column) use node's
 * native check (SIMD); short ones (one path) a loop, cheaper than a view and a native call.
 */
export function isAscii(u: Uint8Array, start = 0, end = u.length): boolean {
  if (end - start > 64) return isAsciiNative(u.subarray(start, end));
  for (let i = start; i < end; i++) if (u[i]! >= 0x80) return false;
  return true;
}

/** Whether u[start, end) is valid UTF-8. */
export function isValidUtf8(u: Uint8Array, start: number, end: number): boolean {
  return isUtf8(u.subarray(start, end));
}

/** Length of the valid UTF-8 sequence starting at u[i] (before `end`), or 0 if invalid. */
function seqLen(u: Uint8Array, i: number, end: number): number {
  const b = u[i]!;
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < end && u[i + k]! >= lo && u[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no surrogates
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const HEX = '0123456789abcdef';

/** The escaped text of bytes that are not valid UTF-8 (the SCHEMA.md rule). */
export function escapeBytes(u: Uint8Array, start: number, end: number): string {
  const buf = asBuffer(u);
  let out = '';
  let run = start; // start of the current run of valid, backslash-free bytes
  let i = start;
  while (i < end) {
    const b = u[i]!;
    const n = b === 0x5c ? 0 : seqLen(u, i, end);
    if (n > 0) {
      i += n;
      continue;
    }
    if (run < i) out += buf.toString('utf8', run, i);
    out += b === 0x5c ? '\\\\' : `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    i++;
    run = i;
  }
  if (run < end) out += buf.toString('utf8', run, end);
  return out;
}

/** Inverse of escapeBytes: the original bytes of an escaped string. */
export function unescapeBytes(s: string): Uint8Array {
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') continue;
    parts.push(Buffer.from(s.slice(run, i), 'utf8'));
    if (s[i + 1] === 'x') {
      parts.push(Buffer.from([parseInt(s.slice(i + 2, i + 4), 16)]));
      i += 3;
    } else {
      parts.push(Buffer.from('\\'));
      i += 1;
    }
    run = i + 1;
  }
  parts.push(Buffer.from(s.slice(run), 'utf8'));
  return new Uint8Array(Buffer.concat(parts));
}

/** String i of a Utf8-layout column as text: { text, escaped } (escaped when not valid UTF-8). */
export function textOf(data: Uint8Array, start: number, end: number): { text: string; escaped: boolean } {
  const buf = asBuffer(data);
  if (isAscii(data, start, end)) return { text: buf.toString('latin1', start, end), escaped: false };
  if (isValidUtf8(data, start, end)) return { text: buf.toString('utf8', start, end), escaped: false };
  return { text: escapeBytes(data, start, end), escaped: true };
}
