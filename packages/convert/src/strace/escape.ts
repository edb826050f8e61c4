/**
 * String escaping as strace prints it (util.c string_quote, default style): printable ASCII as
 * is, `"` and `\` escaped, C escapes for \t \n \v \f \r, every other byte in octal with as few
 * digits as the next character allows.
 */

const ESC: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

/** Escapes `bytes[0, n)` without quotes; bytes in `extra` (e.g. `<>` for -y paths) become `\xNN`. */
export function escapeBytes(bytes: Uint8Array, n = bytes.length, extra?: string): string {
  let out = '';
  let plain = 0; // start of the current run of plain characters
  const flush = (i: number) => {
    if (i > plain) out += String.fromCharCode.apply(null, bytes.subarray(plain, i) as unknown as number[]);
  };
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c >= 0x20 && c < 0x7f && c !== 34 && c !== 92 && (extra === undefined || !extra.includes(String.fromCharCode(c)))) continue;
    flush(i);
    plain = i + 1;
    const e = ESC[c];
    if (e !== undefined && (extra === undefined || !extra.includes(String.fromCharCode(c)))) {
      out += e;
    } else if (extra !== undefined && extra.includes(String.fromCharCode(c))) {
      out += '\\x' + c.toString(16).padStart(2, '0');
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
