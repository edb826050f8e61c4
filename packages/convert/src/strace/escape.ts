/**
 * String escaping as strace prints it (util.c string_quote, default style): printable ASCII as
 * is, `"` and `\` escaped, C escapes for \t \n \v \f \r, every other byte in octal with as few
 * digits as the next character allows.
 */
import { Buffer } from 'node:buffer';

/** bytes from which a run of plain characters is decoded by Buffer rather than fromCharCode */
const LONG_RUN = 48;

const ESC: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

/** Escapes `bytes[0, n)` without quotes; bytes in `extra` (`<>` for -y paths) are escaped in octal too. */
export function escapeBytes(bytes: Uint8Array, n = bytes.length, extra?: string): string {
  let out = '';
  let plain = 0; // start of the current run of plain characters
  const flush = (i: number) => {
    if (i <= plain) return;
    // a run of printable ASCII: a short one from its codes, a long one (a path, a -s 4096 buffer)
    // decoded natively: fromCharCode.apply spreads the bytes into an argument list first, ~3 µs
    // for 1,000 bytes against ~0.15 µs
    out += i - plain < LONG_RUN
      ? String.fromCharCode.apply(null, bytes.subarray(plain, i) as unknown as number[])
      : Buffer.from(bytes.buffer, bytes.byteOffset + plain, i - plain).toString('latin1');
  };
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c >= 0x20 && c < 0x7f && c !== 34 && c !== 92 && (extra === undefined || !extra.includes(String.fromCharCode(c)))) continue;
    flush(i);
    plain = i + 1;
    const e = ESC[c];
    if (e !== undefined) {
      out += e;
    } else {
      // \ooo when the next character is an octal digit, else as few digits as needed
      const next = i + 1 < n ? bytes[i + 1]! : 0;
      if (next >= 0x30 && next <= 0x37) out += '\\' + c.toString(8).padStart(3, '0');
      else out += '\\' + c.toString(8);
    }
  }
  flush(n);
  return out;
}

/**
 * A quoted string: `"…"`, cut to `limit` bytes with `...` after the closing quote when longer,
 * or when the capture itself was cut (`truncated`).
 */
export function quoteString(bytes: Uint8Array, limit: number | undefined, truncated: boolean): string {
  const cut = limit !== undefined && bytes.length > limit;
  const n = cut ? limit : bytes.length;
  return `"${escapeBytes(bytes, n)}"${cut || truncated ? '...' : ''}`;
}

/** Every byte as `\xNN` (strace's QUOTE_FORCE_HEX, getrandom's buffer). */
export function hexBytes(bytes: Uint8Array, n = bytes.length): string {
  let out = '';
  for (let i = 0; i < n; i++) out += '\\x' + HEX2[bytes[i]!]!;
  return out;
}

const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * A data buffer of `len` bytes as strace prints it (printstrn): its first -s (`limit`) bytes
 * quoted, `...` after when `len` is longer. `bytes` is what the recording holds: when the
 * recorder kept fewer bytes than would print, they print and `...` follows.
 */
export function quoteBuffer(bytes: Uint8Array, len: number, limit: number, hex = false): string {
  const want = Math.min(len, limit);
  const n = Math.min(want, bytes.length);
  const body = hex ? hexBytes(bytes, n) : escapeBytes(bytes, n);
  return `"${body}"${len > limit || n < want ? '...' : ''}`;
}

/** A NUL-terminated string inside a fixed-size field (strace's print_quoted_cstring): up to the NUL, `...` when there is none. */
export function quoteCString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `"${escapeBytes(bytes, nul)}"`;
  return `"${escapeBytes(bytes, Math.max(0, bytes.length - 1))}"...`;
}
