/**
 * Test-only writer of vltrace 0.1.0 bin logs, byte by byte from docs/legacy-0.1-format.md (§2,
 * §5), independent of the reader: a DataView writer, not the reader's binary-parser declarations.
 *
 * It also simulates vltrace's eBPF string capture (§4): a string argument is a piece of tracee
 * memory (the string, its NUL, then unrelated bytes, with an optional unreadable page after
 * `readable` bytes), and each mode reads it the way its template does: fast (fixed-size reads
 * into 1/2/3 slots), packet (one fixed 383-byte read per string), const (N fixed reads per
 * string, all N packets always sent) and full (bpf_probe_read_str, at most N packets).
 */

/** EM_* flag bits of the syscall table (§2.3). */
export const EM = {
  str_1: 1 << 0, str_2: 1 << 1, str_3: 1 << 2, str_4: 1 << 3, str_5: 1 << 4, str_6: 1 << 5,
  fd_1: 1 << 6, fd_3: 1 << 8,
  path_1: 1 << 12, path_2: 1 << 13, path_3: 1 << 14, path_4: 1 << 15,
  fileat: 1 << 18, fileat2: (1 << 18) | (1 << 19), no_ret: 1 << 20, rfd: 1 << 21, rpid: 1 << 22,
} as const;

/** One syscall of the embedded table. */
export interface LegacySc {
  readonly nr: number;
  /** display name; written as `SyS_<name>` unless `kernelName` is given */
  readonly name: string;
  readonly nargs: number;
  readonly mask: number;
  readonly kernelName?: string;
  /** defined but not available in the running kernel: empty name, num_str zeros */
  readonly unavailable?: boolean;
}

/** The syscalls the tests use, with vltrace 0.1's arg counts and flags. */
export const TABLE: readonly LegacySc[] = [
  { nr: 0, name: 'read', nargs: 3, mask: EM.fd_1 },
  { nr: 2, name: 'open', nargs: 3, mask: EM.str_1 | EM.path_1 | EM.rfd },
  { nr: 3, name: 'close', nargs: 1, mask: EM.fd_1 },
  { nr: 15, name: 'rt_sigreturn', nargs: 6, mask: EM.no_ret },
  { nr: 39, name: 'getpid', nargs: 0, mask: 0, kernelName: 'sys_getpid' },
  { nr: 56, name: 'clone', nargs: 6, mask: EM.rpid },
  { nr: 59, name: 'execve', nargs: 3, mask: EM.str_1 | EM.path_1 },
  { nr: 82, name: 'rename', nargs: 2, mask: EM.str_1 | EM.str_2 | EM.path_1 | EM.path_2 },
  { nr: 165, name: 'mount', nargs: 5, mask: EM.str_1 | EM.str_2 | EM.str_3 | EM.path_1 | EM.path_2 },
  { nr: 175, name: 'init_module', nargs: 3, mask: EM.str_3 },
  { nr: 191, name: 'getxattr', nargs: 4, mask: EM.str_1 | EM.str_2 | EM.path_1, unavailable: true },
  { nr: 195, name: 'llistxattr', nargs: 3, mask: EM.str_1 | EM.path_1 },
  { nr: 231, name: 'exit_group', nargs: 1, mask: EM.no_ret },
  { nr: 249, name: 'request_key', nargs: 4, mask: EM.str_1 | EM.str_2 | EM.str_3 },
  { nr: 257, name: 'openat', nargs: 4, mask: EM.fd_1 | EM.str_2 | EM.path_2 | EM.fileat | EM.rfd },
  { nr: 264, name: 'renameat', nargs: 4, mask: EM.fd_1 | EM.fd_3 | EM.str_2 | EM.str_4 | EM.path_2 | EM.path_4 | EM.fileat2 },
  { nr: 266, name: 'symlinkat', nargs: 3, mask: EM.str_1 | EM.str_3 | EM.path_1 | EM.path_3 },
  { nr: 301, name: 'fanotify_mark', nargs: 5, mask: EM.str_5 },
  { nr: 320, name: 'kexec_file_load', nargs: 5, mask: EM.str_4 },
  // a pseudo-numbered syscall (not defined on x86-64, §2.2): only the embedded table names it
  { nr: 701, name: 'vlt_pseudo_701', nargs: 2, mask: EM.str_2 },
];

export const NR = Object.fromEntries(TABLE.map((s) => [s.name, s.nr])) as Record<string, number>;

const enc = new TextEncoder();
export const bytesOf = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc.encode(s) : s);

export interface PreambleOptions {
  table?: readonly LegacySc[];
  cwd?: string;
  argv?: readonly string[];
  bufSize?: number;
  version?: readonly [number, number, number];
  arch?: number;
  recordSize?: number;
  count?: number;
}

export const SC_DESC_SIZE = 80;
export const TABLE_RECORDS = 1000;
export const PREAMBLE_FIXED = 36 + TABLE_RECORDS * SC_DESC_SIZE; // 80036

/** The preamble (§2): table header, the 1000 × 80-byte table, log header, cwd, argv. */
export function legacyPreamble(o: PreambleOptions = {}): Uint8Array {
  const table = o.table ?? TABLE;
  const count = o.count ?? TABLE_RECORDS;
  const cwd = enc.encode(`${o.cwd ?? '/tmp'}\0`);
  const argv = enc.encode((o.argv ?? ['vltrace', '-l', 'bin', '-o', 'x.bin', 'ls']).map((a) => `${a}\0`).join(''));
  const tableBytes = count * SC_DESC_SIZE;
  const size = 36 + tableBytes + 12 + 4 + 4 + cwd.length + 4 + 4 + argv.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(enc.encode('VLTRACE_TAB\0'), 0);
  const [maj, min, pat] = o.version ?? [0, 1, 0];
  dv.setUint32(12, maj, true);
  dv.setUint32(16, min, true);
  dv.setUint32(20, pat, true);
  dv.setUint32(24, o.arch ?? 1, true);
  dv.setUint32(28, o.recordSize ?? SC_DESC_SIZE, true);
  dv.setUint32(32, count, true);
  const byNr = new Map(table.map((s) => [s.nr, s]));
  for (let i = 0; i < count; i++) {
    const r = 36 + i * SC_DESC_SIZE;
    const s = byNr.get(i);
    if (!s) {
      // never-defined slot: num 1000, num_str "NA"
      dv.setUint32(r, 1000, true);
      out.set(enc.encode('NA'), r + 4);
      continue;
    }
    dv.setUint32(r, i, true);
    if (s.unavailable) {
      dv.setUint32(r + 52, s.nargs, true);
      dv.setUint32(r + 56, s.mask, true);
      continue; // name empty, num_str zeros, available 0
    }
    out.set(enc.encode(String(i)).subarray(0, 3), r + 4);
    dv.setBigUint64(r + 8, 0x5555_5555_0000n + BigInt(i) * 16n, true); // handler_name pointer
    const name = enc.encode(s.kernelName ?? `SyS_${s.name}`);
    out.set(name.subarray(0, 31), r + 16);
    dv.setUint32(r + 48, Math.min(name.length, 31), true);
    dv.setUint32(r + 52, s.nargs, true);
    dv.setUint32(r + 56, s.mask, true);
    dv.setInt32(r + 60, 1, true);
    const pos = [0, 1, 2, 3, 4, 5].filter((k) => (s.mask & (1 << k)) !== 0);
    dv.setUint32(r + 64, pos.length, true);
    out.set(enc.encode(pos.join('')), r + 68);
    // 6 padding bytes stay zero
  }
  let p = 36 + tableBytes;
  out.set(enc.encode('VLTRACE_LOG\0'), p);
  dv.setUint32(p + 12, o.bufSize ?? 384, true);
  dv.setUint32(p + 16, cwd.length, true);
  p += 20;
  out.set(cwd, p);
  p += cwd.length;
  dv.setUint32(p, 4 + argv.length, true); // hdr_size, unaligned
  dv.setUint32(p + 4, (o.argv ?? ['vltrace', '-l', 'bin', '-o', 'x.bin', 'ls']).length, true);
  out.set(argv, p + 8);
  return out;
}

/** A string argument as it lies in tracee memory. */
export interface Mem {
  /** the string (a NUL follows it) */
  readonly s: string | Uint8Array;
  /** bytes after the NUL (unrelated memory; default: non-NUL garbage) */
  readonly after?: Uint8Array;
  /** bytes readable from the string's start before an unmapped page (default: unlimited) */
  readonly readable?: number;
}

const GARBAGE = enc.encode('#garbage-after-nul#');

function memByte(m: Mem, s: Uint8Array, i: number): number {
  if (i < s.length) return s[i]!;
  if (i === s.length) return 0;
  const k = i - s.length - 1;
  if (m.after) return k < m.after.length ? m.after[k]! : 0x2a;
  return GARBAGE[k % GARBAGE.length]!;
}

/** bpf_probe_read(k bytes at p): all or nothing; on failure the destination is zero-filled. */
function probeRead(m: Mem, p: number, k: number): { ok: boolean; bytes: Uint8Array } {
  const s = bytesOf(m.s);
  const out = new Uint8Array(k);
  if (p + k > (m.readable ?? Infinity)) return { ok: false, bytes: out };
  for (let i = 0; i < k; i++) out[i] = memByte(m, s, p + i);
  return { ok: true, bytes: out };
}

/** bpf_probe_read_str(size, p): bytes copied including the NUL, or -14 (EFAULT). */
function probeReadStr(m: Mem, p: number, size: number): { ret: number; bytes: Uint8Array } {
  const s = bytesOf(m.s);
  const out = new Uint8Array(size);
  const readable = m.readable ?? Infinity;
  for (let i = 0; i < size - 1; i++) {
    if (p + i >= readable) return { ret: -14, bytes: new Uint8Array(size) };
    const c = memByte(m, s, p + i);
    if (c === 0) return { ret: i + 1, bytes: out };
    out[i] = c;
  }
  return { ret: size, bytes: out };
}

export type Mode = 'fast' | 'packet' | 'const' | 'full';

export interface LegacyCall {
  pid: number;
  tid: number;
  nr: number;
  ts: bigint;
  /** the 6 raw registers (missing ones are 0) */
  args: readonly bigint[];
  /** string arguments by 0-based index */
  strings?: Readonly<Record<number, Mem>>;
}

/** Info word of an entry packet (§5.4). */
export function info(a: number, b: number, w = false, c = false, e = false): number {
  return (a << 2) | (b << 5) | (w ? 0x100 : 0) | (c ? 0x200 : 0) | (e ? 0x400 : 0);
}

/** Appends a log: the preamble, then records of L + 4 bytes. */
export class LegacyWriter {
  private parts: Uint8Array[] = [];
  /** packets written */
  packets = 0;
  readonly bufSize: number;
  readonly table: readonly LegacySc[];
  readonly preambleSize: number;
  /** byte offset of each record written, in order */
  readonly offsets: number[] = [];
  private length = 0;

  constructor(o: PreambleOptions = {}) {
    this.bufSize = o.bufSize ?? 384;
    this.table = o.table ?? TABLE;
    const pre = legacyPreamble(o);
    this.preambleSize = pre.length;
    this.push(pre);
  }

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }

  /** Any bytes (for corrupt-file tests). */
  raw(b: Uint8Array): this {
    this.push(b);
    return this;
  }

  /** A struct data_entry_s (§5.3) + 4 perf padding bytes (garbage, as perf leaves them). */
  entryPacket(pid: number, tid: number, sc: bigint, ts: bigint, args: readonly bigint[], infoWord: number, aux?: Uint8Array): this {
    const size = 80 + (aux ? aux.length : 0);
    const out = new Uint8Array(size + 4);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, size, true);
    dv.setUint32(4, infoWord, true);
    dv.setUint32(8, tid, true); // pid_tid: TID in the low half
    dv.setUint32(12, pid, true); // TGID in the high half
    dv.setBigUint64(16, BigInt.asUintN(64, sc), true);
    dv.setBigUint64(24, ts, true);
    for (let i = 0; i < 6; i++) dv.setBigUint64(32 + 8 * i, BigInt.asUintN(64, args[i] ?? 0n), true);
    if (aux) out.set(aux, 80);
    out.fill(0xee, size);
    this.offsets.push(this.length);
    this.push(out);
    this.packets++;
    return this;
  }

  /** A struct data_exit_s (§5.2): type 3 (tracepoint) by default; sc -1n for rt_sigreturn. */
  exit(pid: number, tid: number, sc: number | bigint, ts: bigint, ret: bigint, type: 1 | 3 = 3): this {
    const out = new Uint8Array(44);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, 40, true);
    dv.setUint32(4, type, true);
    dv.setUint32(8, tid, true);
    dv.setUint32(12, pid, true);
    dv.setBigUint64(16, BigInt.asUintN(64, BigInt(sc)), true);
    dv.setBigUint64(24, ts, true);
    dv.setBigInt64(32, ret, true);
    out.fill(0xee, 40);
    this.offsets.push(this.length);
    this.push(out);
    this.packets++;
    return this;
  }

  private desc(nr: number): LegacySc | undefined {
    return this.table.find((s) => s.nr === nr);
  }

  private positions(nr: number): number[] {
    const m = this.desc(nr)?.mask ?? 0;
    return [0, 1, 2, 3, 4, 5].filter((k) => (m & (1 << k)) !== 0);
  }

  /** Writes an entry the way vltrace's template for `mode` does (n = N for const/full). */
  call(mode: Mode, c: LegacyCall, n = 2): this {
    const pos = this.positions(c.nr);
    const sc = BigInt(c.nr);
    if (pos.length === 0) return this.entryPacket(c.pid, c.tid, sc, c.ts, c.args, 0);
    const mem = (k: number): Mem => c.strings?.[pos[k]!] ?? { s: '' };
    const B = this.bufSize;
    const entry = (infoWord: number, aux: Uint8Array) => this.entryPacket(c.pid, c.tid, sc, c.ts, c.args, infoWord, aux);
    if (mode === 'fast' || (mode === 'packet' && pos.length === 1)) {
      // §4.2: one packet, 1/2/3 slots of B/k bytes, reading slot-1 bytes each, info = type only
      const ns = Math.min(pos.length, 3);
      const slot = Math.floor(B / ns);
      const aux = new Uint8Array(B);
      let err = false;
      for (let k = 0; k < ns; k++) {
        const r = probeRead(mem(k), 0, slot - 1);
        if (!r.ok) err = true;
        aux.set(r.bytes, k * slot);
      }
      return entry(err ? 0x400 : 0, aux);
    }
    const next = (k: number) => (k + 1 < pos.length ? pos[k + 1]! : 7);
    if (mode === 'packet') {
      // §4.3, packet mode: one packet per string, 383 bytes each
      for (let k = 0; k < pos.length; k++) {
        const r = probeRead(mem(k), 0, B - 1);
        const aux = new Uint8Array(B);
        aux.set(r.bytes);
        entry(info(k === 0 ? 0 : pos[k - 1]! + 1, k + 1 < pos.length ? pos[k]! + 1 : 7, false, false, !r.ok), aux);
      }
      return this;
    }
    for (let k = 0; k < pos.length; k++) {
      const s = pos[k]!;
      const a0 = k === 0 ? 0 : s;
      const m = mem(k);
      const buf = (b: Uint8Array) => {
        const aux = new Uint8Array(B);
        aux.set(b.subarray(0, B));
        return aux;
      };
      if (mode === 'const') {
        // §4.3, const mode: N packets per string, fixed 383-byte reads
        let p = 0;
        let r = probeRead(m, p, B - 1);
        if (!r.ok) {
          entry(info(a0, next(k), false, false, true), buf(r.bytes));
          continue;
        }
        entry(info(a0, s + 1, true), buf(r.bytes));
        let error = false;
        for (let j = 0; j < n - 2 && !error; j++) {
          p += B - 1;
          r = probeRead(m, p, B - 1);
          if (r.ok) entry(info(s + 1, s + 1, true, true), buf(r.bytes));
          else error = true;
        }
        let last = new Uint8Array(B);
        if (!error) {
          p += B - 1;
          r = probeRead(m, p, B - 1);
          if (r.ok) last = buf(r.bytes);
          else error = true;
        }
        entry(info(s + 1, next(k), false, true, error), last);
        continue;
      }
      // §4.3, full mode: bpf_probe_read_str, at most N packets
      let p = 0;
      let r = probeReadStr(m, p, B);
      if (r.ret < B) {
        entry(info(a0, next(k), false, false, r.ret < 0), r.bytes);
        continue;
      }
      entry(info(a0, s + 1, true), r.bytes);
      let ended = false;
      for (let j = 0; j < n - 2; j++) {
        p += B - 1;
        r = probeReadStr(m, p, B);
        if (r.ret < B) {
          ended = true;
          break;
        }
        entry(info(s + 1, s + 1, true, true), r.bytes);
      }
      if (!ended) {
        p += B - 1;
        r = probeReadStr(m, p, B);
      }
      entry(info(s + 1, next(k), false, true, r.ret < 0), r.bytes);
    }
    return this;
  }

  /** The whole file. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** The strings vltrace 0.1's own test suite traced: `START <nnn> <1234567890 × reps> <nnn> END`. */
export function suiteString(nnn: 111 | 222 | 333, reps: number): string {
  return `START ${nnn} ${'1234567890'.repeat(reps)} ${nnn} END`;
}
