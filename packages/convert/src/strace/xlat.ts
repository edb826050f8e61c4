/**
 * The constant printer: one engine for every flag set and enum, after strace's src/xlat.c.
 * Tables are data (tables/*.ts); decoders pick a table and call printFlags or printValue, and
 * never join names by hand. The print style (-X raw|abbrev|verbose) is a parameter.
 * Values may be numbers (the fast path, 32-bit) or bigints (64-bit flags).
 */

/** strace -X: raw numbers, names (the default), or numbers with names in a comment. */
export type XlatStyle = 'raw' | 'abbrev' | 'verbose';

/** How a table is searched (strace's XT_NORMAL, XT_SORTED, XT_INDEXED); documents the table's shape. */
export type XlatLookup = 'normal' | 'sorted' | 'indexed';

/** One constant family: names and values, the header they come from, and the default for unknown values. */
export interface Xlat {
  /** the kernel or libc header the values come from */
  readonly header: string;
  /** printed in a comment after an unknown value, like strace's `SEEK_???` */
  readonly dflt: string;
  readonly lookup: XlatLookup;
  /** [value, name] in table order; for flags, multi-bit values come first */
  readonly entries: readonly (readonly [bigint, string])[];
  /** the same entries as numbers when every value fits in 32 bits (the fast path), else undefined */
  readonly small: readonly (readonly [number, string])[] | undefined;
  /** first name of each value */
  readonly byValue: ReadonlyMap<bigint, string>;
  readonly byNumber: ReadonlyMap<number, string>;
}

/** Builds a table. Values may be numbers (exact up to 2^53) or bigints. */
export function xlat(
  meta: { header: string; dflt: string; lookup?: XlatLookup },
  entries: readonly (readonly [number | bigint, string])[],
): Xlat {
  const rows = entries.map(([v, n]) => [BigInt(v), n] as const);
  const lookup = meta.lookup ?? 'normal';
  if (lookup !== 'normal') {
    for (let k = 1; k < rows.length; k++) {
      if (rows[k]![0] <= rows[k - 1]![0]) throw new Error(`xlat ${meta.dflt}: ${rows[k]![1]} breaks the ${lookup} order`);
    }
  }
  const byValue = new Map<bigint, string>();
  const byNumber = new Map<number, string>();
  for (const [v, n] of rows) {
    if (!byValue.has(v)) byValue.set(v, n);
    if (!byNumber.has(Number(v))) byNumber.set(Number(v), n);
  }
  const fits = rows.every(([v]) => v >= 0n && v <= 0xffffffffn);
  const small = fits ? rows.map(([v, n]) => [Number(v), n] as const) : undefined;
  return { header: meta.header, dflt: meta.dflt, lookup, entries: rows, small, byValue, byNumber };
}

/** `%#llx`: 0 stays `0`, anything else is `0x…`. Negative values print as their 64-bit pattern. */
export function hex(v: bigint | number): string {
  if (typeof v === 'number') {
    if (v === 0) return '0';
    if (v > 0 && v <= Number.MAX_SAFE_INTEGER) return '0x' + v.toString(16);
    v = BigInt(v);
  }
  if (v === 0n) return '0';
  return '0x' + (v < 0n ? BigInt.asUintN(64, v) : v).toString(16);
}

/** How an unknown or raw value is written: hex (the default), signed or unsigned decimal. */
export type XlatFormat = 'x' | 'd' | 'u';

function num(v: bigint | number, fmt: XlatFormat): string {
  if (fmt === 'x') return hex(v);
  if (fmt === 'u' && v < 0) return BigInt.asUintN(64, BigInt(v)).toString();
  return v.toString();
}

/** The name of `v` in `x`, or undefined. */
export function lookupValue(x: Xlat, v: bigint | number): string | undefined {
  return typeof v === 'number' ? x.byNumber.get(v) : x.byValue.get(v);
}

/**
 * An enum value (strace's printxval): its name, or the number with a `X_???` comment when unknown.
 */
export function printValue(x: Xlat, v: bigint | number, style: XlatStyle = 'abbrev', fmt: XlatFormat = 'x'): string {
  if (style === 'raw') return num(v, fmt);
  const name = lookupValue(x, v);
  if (name === undefined) return `${num(v, fmt)} /* ${x.dflt} */`;
  return style === 'verbose' ? `${num(v, fmt)} /* ${name} */` : name;
}

/**
 * A bit set (strace's printflags_ex): the name of every entry whose bits are all set, joined with
 * `|`, each match clearing its bits, then the leftover bits in hex. A zero value prints the
 * table's zero entry if it has one, else `0`. Nothing known: hex with a `X_???` comment.
 * Several tables may be given (strace's varargs): they are scanned in order.
 */
export function printFlags(x: Xlat | readonly Xlat[], value: bigint | number, style: XlatStyle = 'abbrev'): string {
  const v0 = typeof value === 'number' ? value : BigInt.asUintN(64, value);
  if (style === 'raw') return hex(v0);
  const names = sprintFlags(x, v0);
  if (names === undefined) {
    const dflt = Array.isArray(x) ? (x as readonly Xlat[])[0]!.dflt : (x as Xlat).dflt;
    return v0 === 0 || v0 === 0n ? '0' : `${hex(v0)} /* ${dflt} */`;
  }
  return style === 'verbose' ? `${hex(v0)} /* ${names} */` : names;
}

/**
 * The `A|B|0x10` text of a bit set, or undefined when no name matched (the caller decides how
 * to print an unknown value). Used for composite fields (open flags, mmap flags, socket types).
 */
export function sprintFlags(x: Xlat | readonly Xlat[], value: bigint | number): string | undefined {
  const tables: readonly Xlat[] = Array.isArray(x) ? (x as readonly Xlat[]) : [x as Xlat];
  if (typeof value === 'number' && value >= 0 && value <= 0xffffffff && tables.every((t) => t.small)) {
    return sprintSmall(tables, value);
  }
  let flags = BigInt.asUintN(64, BigInt(value));
  let out = '';
  let n = 0;
  for (const t of tables) {
    for (const [v, name] of t.entries) {
      if ((flags === v && n === 0) || (v !== 0n && (flags & v) === v)) {
        out += n++ ? '|' + name : name;
        flags &= ~v;
      }
      if (flags === 0n && n > 0) break;
    }
  }
  if (n === 0) return undefined;
  if (flags !== 0n) out += '|' + hex(flags);
  return out;
}

/** sprintFlags for 32-bit values: the same rules in Number arithmetic (no allocation per bit). */
function sprintSmall(tables: readonly Xlat[], value: number): string | undefined {
  let flags = value;
  let out = '';
  let n = 0;
  for (const t of tables) {
    for (const [v, name] of t.small!) {
      if ((flags === v && n === 0) || (v !== 0 && ((flags & v) >>> 0) === v)) {
        out += n++ ? '|' + name : name;
        flags = (flags & ~v) >>> 0;
      }
      if (flags === 0 && n > 0) break;
    }
  }
  if (n === 0) return undefined;
  if (flags !== 0) out += '|' + hex(flags);
  return out;
}
