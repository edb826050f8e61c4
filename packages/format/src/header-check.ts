/**
 * Validation of the header's JSON sections, so that a TraceHeader is what its type says: every
 * field of TraceMeta present with its type, clock readings that BigInt() parses, a syscall table
 * whose numbers index a bounded dictionary. Corrupt or hand-edited headers then fail here, at
 * parse time, with a FormatError naming the field — instead of a TypeError or an allocation
 * wherever a consumer first touches the field.
 */
import { FormatError } from './errors.js';
import { MAX_ARGS, MAX_TABLE_NR } from './layout.js';
import type { HeaderSyscall, TraceMeta } from './header.js';

/** A check of one value, and what it expects (for the error message). */
interface Check {
  readonly ok: (v: unknown) => boolean;
  readonly what: string;
}

/** Largest value of a clock reading: int64 nanoseconds, as the outputs' timestamps are. */
const MAX_NS = (1n << 63n) - 1n;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text: Check = { ok: (v) => typeof v === 'string', what: 'a string' };
const flag: Check = { ok: (v) => typeof v === 'boolean', what: 'true or false' };
const count: Check = { ok: (v) => Number.isSafeInteger(v) && (v as number) >= 0, what: 'a non-negative integer' };
const texts: Check = { ok: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), what: 'an array of strings' };
const ns: Check = {
  ok: (v) => typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_NS,
  what: `a decimal string of nanoseconds (0..${MAX_NS})`,
};
const STRING_MODES: readonly string[] = ['fast', 'packet', 'const', 'full'] satisfies readonly TraceMeta['strings']['mode'][];

/** The declared keys of an interface, without its index signature. */
type DeclaredKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };

/**
 * Every declared field of TraceMeta and its check (a missing one does not compile); `clock` and
 * `strings` are objects of these fields.
 */
const META_FIELDS: { readonly [K in DeclaredKeys<TraceMeta>]: Check | Readonly<Record<string, Check>> } = {
  arch: text,
  kernelRelease: text,
  hostname: text,
  clock: { monotonicNs: ns, realtimeNs: ns },
  cwd: text,
  argv: texts,
  command: { ok: (v) => v === null || texts.ok(v), what: 'null or an array of strings' },
  pids: { ok: (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff), what: 'an array of process ids' },
  systemWide: flag,
  followForks: flag,
  strings: {
    mode: { ok: (v) => STRING_MODES.includes(v as string), what: `one of ${STRING_MODES.join(', ')}` },
    length: count,
    max: count,
  },
  expr: text,
  failedOnly: flag,
  ncpus: count,
  ringSize: count,
  recorder: text,
  startedAt: text,
};

const isCheck = (c: Check | Readonly<Record<string, Check>>): c is Check => typeof c.ok === 'function';

/** What a value was, shortly, for an error message. */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Checks the META section's JSON value (at file offset `at`) and returns it as TraceMeta. */
export function checkMeta(file: string, at: number, m: unknown): TraceMeta {
  if (!isObject(m)) throw new FormatError(file, at, 'recording metadata as a JSON object', shown(m));
  for (const [key, check] of Object.entries(META_FIELDS)) {
    const v = m[key];
    if (isCheck(check)) {
      if (!check.ok(v)) throw new FormatError(file, at, `recording metadata whose ${key} is ${check.what}`, shown(v));
      continue;
    }
    if (!isObject(v)) throw new FormatError(file, at, `recording metadata whose ${key} is an object of ${Object.keys(check).join(', ')}`, shown(v));
    for (const [sub, c] of Object.entries(check)) {
      if (!c.ok(v[sub])) throw new FormatError(file, at, `recording metadata whose ${key}.${sub} is ${c.what}`, shown(v[sub]));
    }
  }
  return m as TraceMeta;
}

/** A syscall name: an identifier (outputs print it as it is, unquoted). */
const SYSCALL_NAME = /^\w{1,64}$/;

/**
 * Checks the SYSCALLS section's JSON value (at file offset `at`): [nr, name, nargs] rows, each
 * number once, names of 1-64 letters, digits and underscores.
 */
export function checkSyscalls(file: string, at: number, t: unknown): HeaderSyscall[] {
  if (!Array.isArray(t)) throw new FormatError(file, at, 'the syscall table as a JSON array of [nr, name, nargs] rows', shown(t));
  const seen = new Set<number>();
  t.forEach((r: unknown, i) => {
    const ok = Array.isArray(r) && r.length === 3 && Number.isInteger(r[0]) && r[0] >= 0 && r[0] <= MAX_TABLE_NR
      && typeof r[1] === 'string' && SYSCALL_NAME.test(r[1]) && Number.isInteger(r[2]) && r[2] >= 0 && r[2] <= MAX_ARGS;
    if (!ok) throw new FormatError(file, at, `the syscall table's row ${i} as [nr 0..${MAX_TABLE_NR}, name (an identifier), nargs 0..${MAX_ARGS}]`, shown(r));
    if (seen.has(r[0])) throw new FormatError(file, at, `the syscall table's row ${i} with a number not given before`, shown(r));
    seen.add(r[0]);
  });
  return t as HeaderSyscall[];
}
