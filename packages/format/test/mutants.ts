// Corrupted copies of valid recordings, by kind: header prefix fields, section kinds and lengths,
// META and SYSCALLS JSON edits, packet fields (sizes, types, info bits, lengths, string chunk
// headers), random bytes and cuts. Deterministic: a failure replays from its name.
import {
  CHUNK_LAYOUT, FILE_HEADER_LAYOUT, INFO_BITS, MAX_HEADER_SIZE, MAX_PACKET_SIZE, PACKET_LAYOUTS, PT, SECTION_KINDS,
  SECTION_LAYOUT, align8, offsetOf,
} from '../src/layout.js';

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A corrupted file, and the offset of its first byte that differs from the good file (-1: the header changed). */
export interface Mutant {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly firstBad: number;
}

/** One packet of a good file. */
export interface PacketInfo {
  readonly offset: number;
  readonly size: number;
  readonly type: number;
  readonly nargs: number;
}

/** A v1 file taken apart: its header prefix, sections and packets. */
export class FileModel {
  readonly headerSize: number;
  readonly sections: { kind: number; offset: number; data: Uint8Array }[] = [];
  readonly packets: PacketInfo[] = [];

  readonly bytes: Uint8Array;

  constructor(file: Uint8Array) {
    // a plain Uint8Array: a Buffer's slice() is a view, and mutants are made by slice() and writes
    const bytes = (this.bytes = Uint8Array.from(file));
    const dv = view(bytes);
    this.headerSize = dv.getUint32(FILE_HEADER_LAYOUT.byName['header_size']!.offset, true);
    const n = dv.getUint32(FILE_HEADER_LAYOUT.byName['nsections']!.offset, true);
    let o = FILE_HEADER_LAYOUT.sizeof;
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(o + 4, true);
      this.sections.push({ kind: dv.getUint32(o, true), offset: o, data: bytes.subarray(o + SECTION_LAYOUT.sizeof, o + SECTION_LAYOUT.sizeof + len) });
      o += SECTION_LAYOUT.sizeof + align8(len);
    }
    for (let p = this.headerSize; p < bytes.length;) {
      const size = dv.getUint32(p, true);
      const info = dv.getUint32(p + 4, true);
      this.packets.push({ offset: p, size, type: info & 0xf, nargs: (info >>> INFO_BITS.NARGS.shift) & 7 });
      p += size;
    }
  }

  get body(): Uint8Array {
    return this.bytes.subarray(this.headerSize);
  }

  section(kind: number): Uint8Array {
    return this.sections.find((s) => s.kind === kind)!.data;
  }

  /** The packet holding byte `offset`. */
  packetAt(offset: number): PacketInfo | undefined {
    for (let i = this.packets.length - 1; i >= 0; i--) if (this.packets[i]!.offset <= offset) return this.packets[i];
    return undefined;
  }

  /** A file with these sections (kind, bytes) and the same packets; `prefix` patches the header's fixed fields. */
  rebuild(sections: readonly (readonly [number, Uint8Array])[]): Uint8Array {
    const size = FILE_HEADER_LAYOUT.sizeof + sections.reduce((s, [, d]) => s + SECTION_LAYOUT.sizeof + align8(d.length), 0);
    const body = this.body;
    const out = new Uint8Array(size + body.length);
    out.set(this.bytes.subarray(0, FILE_HEADER_LAYOUT.sizeof));
    const dv = view(out);
    dv.setUint32(FILE_HEADER_LAYOUT.byName['header_size']!.offset, size, true);
    dv.setUint32(FILE_HEADER_LAYOUT.byName['nsections']!.offset, sections.length, true);
    let o = FILE_HEADER_LAYOUT.sizeof;
    for (const [kind, d] of sections) {
      dv.setUint32(o, kind, true);
      dv.setUint32(o + 4, d.length, true);
      out.set(d, o + SECTION_LAYOUT.sizeof);
      o += SECTION_LAYOUT.sizeof + align8(d.length);
    }
    out.set(body, size);
    return out;
  }

  /** The file with META and/or SYSCALLS replaced by these bytes (other sections kept). */
  withJson(meta: Uint8Array | undefined, syscalls: Uint8Array | undefined): Uint8Array {
    return this.rebuild(this.sections.map((s) => [s.kind, s.kind === SECTION_KINDS.META.code && meta ? meta
      : s.kind === SECTION_KINDS.SYSCALLS.code && syscalls ? syscalls : s.data] as const));
  }
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const utf8 = new TextEncoder();
const text = new TextDecoder();
const json = (v: unknown): Uint8Array => utf8.encode(v === undefined ? '' : JSON.stringify(v));

/** Values a JSON field is replaced by: wrong types, nulls, huge and odd numbers, non-objects. */
export const JSON_VALUES: readonly unknown[] = [
  undefined, null, 0, -1, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 63, 0xffffffff, 65536, 1e9,
  '', 'x', '-5', '1e3', '0x10', ' 12', '99999999999999999999999999999', '18446744073709551615', 'é\u0000',
  true, false, [], {}, [1, 'a'], ['a'], [[1, 'read', 3]], { a: 1 }, { monotonicNs: '1', realtimeNs: '2' },
];

/** A random JSON value, nested up to `depth`. */
function randomJson(rand: () => number, depth = 2): unknown {
  const r = rand();
  if (r < 0.5 || depth === 0) return JSON_VALUES[Math.floor(rand() * JSON_VALUES.length)];
  if (r < 0.6) return 'z'.repeat(Math.floor(rand() * 20000));
  if (r < 0.8) return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth - 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [`k${i}`, randomJson(rand, depth - 1)]));
}

/** Sets (or deletes, for undefined) the value at a dotted path of a JSON object copy. */
function setPath(o: Record<string, unknown>, path: string, v: unknown): Record<string, unknown> {
  const copy = structuredClone(o);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) return copy;
    at = at[k] as Record<string, unknown>;
  }
  if (v === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = v;
  return copy;
}

/** META edits: every key (nested ones too) × every value, non-objects, broken JSON, random edits. */
export function* metaMutants(m: FileModel, seed: number, randomCount: number): Generator<Mutant> {
  const meta = JSON.parse(text.decode(m.section(SECTION_KINDS.META.code))) as Record<string, unknown>;
  const paths = Object.entries(meta).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? [k, ...Object.keys(v).map((s) => `${k}.${s}`)] : [k]));
  for (const p of paths) {
    for (const [i, v] of JSON_VALUES.entries()) yield { name: `meta ${p}=${i}`, bytes: m.withJson(json(setPath(meta, p, v)), undefined), firstBad: -1 };
  }
  for (const [i, v] of JSON_VALUES.entries()) yield { name: `meta=${i}`, bytes: m.withJson(json(v), undefined), firstBad: -1 };
  const raw = m.section(SECTION_KINDS.META.code);
  const rand = rng(seed);
  for (let i = 0; i < 40; i++) {
    yield { name: `meta cut ${i}`, bytes: m.withJson(raw.subarray(0, Math.floor(rand() * raw.length)), undefined), firstBad: -1 };
    const bad = raw.slice();
    bad[Math.floor(rand() * bad.length)] = [0xff, 0x80, 0x00, 0x22, 0x7b][i % 5]!;
    yield { name: `meta byte ${i}`, bytes: m.withJson(bad, undefined), firstBad: -1 };
  }
  for (let i = 0; i < randomCount; i++) {
    let edited = meta;
    for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
      edited = setPath(edited, rand() < 0.9 ? paths[Math.floor(rand() * paths.length)]! : `extra${k}`, randomJson(rand));
    }
    yield { name: `meta random ${seed}/${i}`, bytes: m.withJson(json(edited), undefined), firstBad: -1 };
  }
}

/** SYSCALLS edits: each column of every row, single rows, whole tables, huge and duplicate numbers. */
export function* syscallsMutants(m: FileModel, seed: number, randomCount: number): Generator<Mutant> {
  const table = JSON.parse(text.decode(m.section(SECTION_KINDS.SYSCALLS.code))) as unknown[][];
  const rand = rng(seed);
  const at = (t: unknown) => m.withJson(undefined, json(t));
  for (const [i, v] of JSON_VALUES.entries()) {
    yield { name: `syscalls=${i}`, bytes: at(v), firstBad: -1 };
    for (let c = 0; c < 3; c++) yield { name: `syscalls[*][${c}]=${i}`, bytes: at(table.map((r) => r.map((x, k) => (k === c ? v : x)))), firstBad: -1 };
    yield { name: `syscalls[0]=${i}`, bytes: at([v, ...table.slice(1)]), firstBad: -1 };
  }
  yield { name: 'syscalls: a duplicate number', bytes: at([...table, [table[0]![0], 'again', 1]]), firstBad: -1 };
  yield { name: 'syscalls: 200k rows', bytes: at(Array.from({ length: 200_000 }, (_, i) => [i % 70_000, `s${i}`, 1])), firstBad: -1 };
  yield { name: 'syscalls: 65536 rows', bytes: at(Array.from({ length: 65536 }, (_, i) => [i, `s${i}`, i % 7])), firstBad: -1 };
  for (const nr of [-1, 65536, 2 ** 31, 1e9, 1e308, 0.5]) yield { name: `syscalls nr ${nr}`, bytes: at([[nr, 'x', 1], ...table]), firstBad: -1 };
  for (let i = 0; i < randomCount; i++) {
    const t = table.map((r) => [...r]);
    for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
      const row = Math.floor(rand() * t.length);
      if (rand() < 0.2 || !Array.isArray(t[row])) t[row] = randomJson(rand) as unknown[];
      else t[row]![Math.floor(rand() * 4)] = randomJson(rand);
    }
    yield { name: `syscalls random ${seed}/${i}`, bytes: at(t), firstBad: -1 };
  }
}

const U32_VALUES = [0, 1, 4, 7, 8, 16, 24, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff];

/** The fixed header fields and the section headers, set to odd values. */
export function* headerMutants(m: FileModel, seed: number, randomCount: number): Generator<Mutant> {
  const f = FILE_HEADER_LAYOUT.byName;
  const rand = rng(seed);
  const patch = (name: string, edit: (dv: DataView) => void): Mutant => {
    const bytes = m.bytes.slice();
    edit(view(bytes));
    return { name, bytes, firstBad: -1 };
  };
  for (let i = 0; i < 8; i++) for (const v of [0, 0x5f, 0xff]) yield patch(`magic[${i}]=${v}`, (dv) => dv.setUint8(i, v));
  for (const v of [0, 2, 0xffff]) yield patch(`major=${v}`, (dv) => dv.setUint16(f['version_major']!.offset, v, true));
  for (const v of [1, 0xffff]) yield patch(`minor=${v}`, (dv) => dv.setUint16(f['version_minor']!.offset, v, true));
  const sizes = [...U32_VALUES, m.headerSize - 8, m.headerSize + 8, m.headerSize + 1, m.headerSize - 1, MAX_HEADER_SIZE, MAX_HEADER_SIZE + 8, m.bytes.length + 8];
  for (const v of sizes) yield patch(`header_size=${v}`, (dv) => dv.setUint32(f['header_size']!.offset, v >>> 0, true));
  for (const v of U32_VALUES) yield patch(`flags=${v}`, (dv) => dv.setUint32(f['flags']!.offset, v, true));
  for (const v of [...U32_VALUES, 2, 3, 4, 100]) yield patch(`nsections=${v}`, (dv) => dv.setUint32(f['nsections']!.offset, v, true));
  for (const [i, s] of m.sections.entries()) {
    for (const v of [...U32_VALUES, 1, 2, 3, 4, 5, 0xfffe]) yield patch(`section ${i} kind=${v}`, (dv) => dv.setUint32(s.offset, v, true));
    const lens = [...U32_VALUES, s.data.length - 1, s.data.length + 1, s.data.length + 8, m.headerSize, m.headerSize - s.offset - 8, MAX_HEADER_SIZE];
    for (const v of lens) yield patch(`section ${i} len=${v}`, (dv) => dv.setUint32(s.offset + 4, v >>> 0, true));
  }
  // whole sections: missing, repeated, reordered, an unknown one, META not UTF-8
  const all = m.sections.map((s) => [s.kind, s.data] as const);
  for (let i = 0; i < all.length; i++) {
    yield { name: `without section ${i}`, bytes: m.rebuild(all.filter((_, k) => k !== i)), firstBad: -1 };
    yield { name: `section ${i} twice`, bytes: m.rebuild([...all, all[i]!]), firstBad: -1 };
  }
  yield { name: 'sections reversed', bytes: m.rebuild([...all].reverse()), firstBad: -1 };
  yield { name: 'no sections', bytes: m.rebuild([]), firstBad: -1 };
  yield { name: 'an unknown section', bytes: m.rebuild([[77, utf8.encode('\u0000garbage')], ...all]), firstBad: -1 };
  yield { name: 'empty sections', bytes: m.rebuild(all.map(([k]) => [k, new Uint8Array(0)])), firstBad: -1 };
  // random bytes anywhere in the header
  for (let i = 0; i < randomCount; i++) {
    const bytes = m.bytes.slice();
    for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) bytes[Math.floor(rand() * m.headerSize)] = Math.floor(rand() * 256);
    yield { name: `header bytes ${seed}/${i}`, bytes, firstBad: -1 };
  }
}

/** Field offsets within packets, from the layout. */
const F = {
  strLen: offsetOf('ENTRY', 'str_len'),
  nr: offsetOf('ENTRY', 'nr'),
  contStrLen: offsetOf('ENTRY_CONT', 'str_len'),
  filenameLen: offsetOf('EXEC', 'filename_len'),
  exeLen: offsetOf('PROC_INFO', 'exe_len'),
  pathLen: offsetOf('FD_INFO', 'path_len'),
  ncpus: offsetOf('TRAILER', 'ncpus'),
  lostCount: offsetOf('LOST', 'count'),
  forkFlags: offsetOf('FORK', 'flags'),
  comm: offsetOf('FORK', 'comm'),
  args: offsetOf('ENTRY', 'args'),
};

/** Where the string chunk headers of an entry or continuation packet are (from its bytes). */
function chunkOffsets(bytes: Uint8Array, p: PacketInfo): number[] {
  const dv = view(bytes);
  const start = p.offset + (p.type === PT.ENTRY ? PACKET_LAYOUTS.ENTRY.sizeof + 8 * p.nargs : PACKET_LAYOUTS.ENTRY_CONT.sizeof);
  const end = start + dv.getUint32(p.offset + (p.type === PT.ENTRY ? F.strLen : F.contStrLen), true);
  const out: number[] = [];
  for (let c = start; c + CHUNK_LAYOUT.sizeof <= end; c += CHUNK_LAYOUT.sizeof + dv.getUint16(c + 2, true)) out.push(c);
  return out;
}

/**
 * Packet field edits: for `count` random packets, one field set to an odd value: the size, the
 * type and the other info bits, the syscall number, string and tail lengths, chunk headers,
 * CPU counts; plus random bytes in the packet area and cuts.
 */
export function* packetMutants(m: FileModel, seed: number, count: number): Generator<Mutant> {
  const rand = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  for (let i = 0; i < count; i++) {
    const bytes = m.bytes.slice();
    const dv = view(bytes);
    const p = pick(m.packets);
    const o = p.offset;
    const edits: [string, number, () => void][] = [];
    const u32 = (what: string, at: number, values: readonly number[]) => {
      const v = pick(values) >>> 0;
      edits.push([`${what}=${v}`, at, () => dv.setUint32(at, v, true)]);
    };
    u32('size', o, [...U32_VALUES, p.size - 8, p.size + 8, p.size + 4, MAX_PACKET_SIZE, MAX_PACKET_SIZE + 8, 32, 40]);
    const info = dv.getUint32(o + 4, true);
    const bit = (b: { shift: number; width: number }, v: number) => ((info & ~(((1 << b.width) - 1) << b.shift)) | (v << b.shift)) >>> 0;
    u32('type', o + 4, Array.from({ length: 16 }, (_, t) => bit(INFO_BITS.TYPE, t)));
    u32('nargs', o + 4, Array.from({ length: 8 }, (_, n) => bit(INFO_BITS.NARGS, n)));
    u32('info bits', o + 4, [info ^ (1 << INFO_BITS.WILL_BE_CONT.shift), info ^ (1 << INFO_BITS.IS_CONT.shift), info ^ (1 << INFO_BITS.BPF_READ_ERROR.shift),
      bit(INFO_BITS.ARG_FIRST, 7), bit(INFO_BITS.ARG_LAST, 6), (info | 0xffff0000) >>> 0, Math.floor(rand() * 2 ** 32)]);
    u32('nr', o + F.nr, [0xffffffff, 0x7fffffff, 0x80000000, 1e6, 15, 59, 231]);
    if (p.type === PT.ENTRY || p.type === PT.ENTRY_CONT) {
      const sl = o + (p.type === PT.ENTRY ? F.strLen : F.contStrLen);
      const len = dv.getUint32(sl, true);
      u32('str_len', sl, [...U32_VALUES, len - 1, len + 1, len + 8, p.size, 65536]);
      for (const c of chunkOffsets(m.bytes, p)) {
        const v = pick([0, 5, 6, 7, 8, 0xff]);
        edits.push([`chunk arg=${v}`, c, () => dv.setUint8(c, v)]);
        const fl = pick([0, 1, 2, 4, 8, 0x0f, 0xf0, 0xff]);
        edits.push([`chunk flags=${fl}`, c + 1, () => dv.setUint8(c + 1, fl)]);
        const n = dv.getUint16(c + 2, true);
        const nl = pick([0, 1, n - 1, n + 1, n + 4, 0x7fff, 0xffff]) & 0xffff;
        edits.push([`chunk len=${nl}`, c + 2, () => dv.setUint16(c + 2, nl, true)]);
      }
    }
    if (p.type === PT.EXEC) u32('filename_len', o + F.filenameLen, [...U32_VALUES, p.size, 65536]);
    if (p.type === PT.PROC_INFO) u32('exe_len', o + F.exeLen, [...U32_VALUES, p.size, 65536]);
    if (p.type === PT.FD_INFO) u32('path_len', o + F.pathLen, [...U32_VALUES, p.size, 65536]);
    if (p.type === PT.TRAILER) u32('ncpus', o + F.ncpus, [...U32_VALUES, 2, 3, 1000, 8192]);
    if (p.type === PT.LOST) u32('lost count', o + F.lostCount + 4, U32_VALUES);
    if (p.type === PT.FORK) u32('fork flags', o + F.forkFlags, U32_VALUES);
    if (p.type === PT.FORK || p.type === PT.EXEC || p.type === PT.PROC_EXIT || p.type === PT.PROC_INFO) {
      const c = o + offsetOf(p.type === PT.FORK ? 'FORK' : p.type === PT.EXEC ? 'EXEC' : p.type === PT.PROC_EXIT ? 'PROC_EXIT' : 'PROC_INFO', 'comm');
      edits.push(['comm bytes', c, () => bytes.fill(0xff, c, c + 16)]);
    }
    if (p.type === PT.ENTRY && p.nargs > 0) {
      const a = o + F.args + 8 * Math.floor(rand() * p.nargs);
      edits.push(['arg', a, () => dv.setBigUint64(a, 0xffffffffffffffffn, true)]);
    }
    const [what, at, apply] = pick(edits);
    apply();
    yield { name: `packet ${seed}/${i} at ${o} (type ${p.type}): ${what}`, bytes, firstBad: at };
  }
}

/** Random bytes in the packet area (anywhere, or set to 0xff), and cuts at random positions. */
export function* bodyMutants(m: FileModel, seed: number, count: number): Generator<Mutant> {
  const rand = rng(seed);
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) {
      const cut = m.headerSize + Math.floor(rand() * (m.bytes.length - m.headerSize));
      yield { name: `cut ${seed}/${i} at ${cut}`, bytes: m.bytes.slice(0, cut), firstBad: cut };
      continue;
    }
    const bytes = m.bytes.slice();
    let first = bytes.length;
    for (let k = 1 + Math.floor(rand() * 6); k > 0; k--) {
      const at = m.headerSize + Math.floor(rand() * (bytes.length - m.headerSize));
      bytes[at] = i % 3 === 2 ? 0xff : Math.floor(rand() * 256);
      first = Math.min(first, at);
    }
    yield { name: `bytes ${seed}/${i}`, bytes, firstBad: first };
  }
}
