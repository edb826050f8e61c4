/**
 * Reader of vltrace 0.1.0 bin logs (the original Intel pmem/vltrace format), so that old
 * recordings convert with the same tools as v1 files. The format is specified in
 * vltrace-0.1-format.md (sections 2 and 3); section numbers below refer to it.
 *
 * A log is a preamble (`VLTRACE_TAB\0` + version + an embedded 1000 × 80-byte syscall table,
 * then `VLTRACE_LOG\0` + BUF_SIZE + cwd + vltrace's own argv) followed by raw perf samples: each
 * record is a packet struct whose first field is its size L, plus 4 perf padding bytes (L + 4 on
 * disk, 2.3). Entry packets (80 bytes, or 80 + BUF_SIZE with a string buffer) may be split into
 * several packets per string argument (2.7); the info word's A/B/W/C bits say which arguments a
 * packet covers (2.5). Exit packets are 40 bytes.
 *
 * Strings are reassembled here, per thread, following the normative rules of 2.8; a complete
 * entry is then handed to the shared Reassembler (entry + one chunk per string piece), which
 * pairs it with its exit. A multi-packet entry is held back until its last packet (B == 7), so an
 * exit read between its packets (perf rings drained mid-submission, 2.11) still pairs with it.
 *
 * The preamble is parsed declaratively with binary-parser (a cold path); the packet loop reads
 * 32-bit words (records are 4-aligned: L is a multiple of 8, plus 4 padding bytes).
 */
import { Parser } from 'binary-parser';
import { FormatError } from '../errors.js';
import type { HeaderSyscall, StringCapture, TraceHeader, TraceMeta } from '../header.js';
import { CHUNK_FLAGS, MAX_ARGS } from '../layout.js';
import type { Reassembler } from '../reassemble.js';
import type { PacketDecoder } from '../reader.js';
import type { DecodeResult } from '../decode.js';
import type { TraceStats } from '../events.js';

/** First 12 bytes of a vltrace 0.1 log. */
export const LEGACY_MAGIC = 'VLTRACE_TAB\0';
/** Signature of the log header that follows the syscall table. */
export const LEGACY_LOG_MAGIC = 'VLTRACE_LOG\0';

/** Fixed part of the table header: signature, version, arch, record size, record count. */
export const LEGACY_TAB_HEADER_SIZE = 36;
/** sizeof(struct sc_desc) on x86-64. */
export const LEGACY_SC_DESC_SIZE = 80;
/** Records in the table vltrace 0.1 writes (SC_TBL_SIZE). */
export const LEGACY_TABLE_RECORDS = 1000;
/** Most table records accepted (vltrace writes 1000; a rebuilt vltrace might write more). */
export const LEGACY_MAX_TABLE_RECORDS = 4096;
/** BUF_SIZE vltrace 0.1 writes: bytes of the string buffer of an entry packet. */
export const LEGACY_BUF_SIZE = 384;
/** Bounds accepted for BUF_SIZE (the packet size 80 + BUF_SIZE must stay a multiple of 8). */
export const LEGACY_MIN_BUF_SIZE = 24;
export const LEGACY_MAX_BUF_SIZE = 4096;
/** Largest cwd_len accepted: PATH_MAX, NUL included. */
export const LEGACY_MAX_CWD_LEN = 4096;
/** Largest hdr_size accepted: 4 + the argv blob, which vltrace keeps below MAX_LEN_STR (4096). */
export const LEGACY_MAX_HDR_SIZE = 4 + 4096;
/** Size of an entry packet without string buffer (offsetof(aux_str)). */
export const LEGACY_ENTRY_SIZE = 80;
/** Size of an exit packet. */
export const LEGACY_EXIT_SIZE = 40;
/** The perf alignment bytes after every packet on disk. */
export const LEGACY_PAD = 4;

/** Packet types (bits 0-1 of the info word, E_MASK). */
export const LEGACY_PACKET_TYPES = { KP_ENTRY: 0, KP_EXIT: 1, TP_ENTRY: 2, TP_EXIT: 3 } as const;
/** Bits of the info word of entry packets (2.5). */
export const LEGACY_INFO = {
  TYPE_MASK: 0x3,
  ARG_FIRST_SHIFT: 2,
  ARG_LAST_SHIFT: 5,
  /** arg_last value meaning "up to the last argument; the entry is complete" */
  LAST_PACKET: 7,
  WILL_BE_CONT: 0x100,
  IS_CONT: 0x200,
  BPF_READ_ERROR: 0x400,
  /** bits 2..9: all zero = a single-packet entry (A=0, B=7, W=0, C=0) */
  ARG_MASK: 0x3fc,
} as const;
/** Mask bits EM_str_1..EM_str_6 of the syscall table (2.9). */
export const LEGACY_EM_STRINGS = 0x3f;

// ---------------------------------------------------------------------------------------------
// Preamble (2.1, 2.2), declared with binary-parser.

const cut = (s: string): string => {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
};

/** struct sc_desc (2.2), 80 bytes. */
export const scDescParser = new Parser()
  .endianness('little')
  .uint32('num')
  .string('num_str', { length: 4, formatter: cut })
  .seek(8) // char *handler_name: a pointer into vltrace's address space
  .string('syscall_name', { length: 32, formatter: cut })
  .uint32('name_length')
  .uint32('args_qty')
  .uint32('mask')
  .int32('available')
  .uint32('nstrings')
  .string('positions', { length: 6, formatter: cut })
  .seek(6);

/** The table header (offset 0, 36 bytes). */
export const tabHeaderParser = new Parser()
  .endianness('little')
  .string('tab_magic', { length: 12 })
  .uint32('major')
  .uint32('minor')
  .uint32('patch')
  .uint32('arch')
  .uint32('record_size')
  .uint32('count');

/** The log header after the table (20 bytes). */
export const logHeaderParser = new Parser()
  .endianness('little')
  .string('log_magic', { length: 12 })
  .uint32('buf_size')
  .uint32('cwd_len');

/** hdr_size and argc (8 bytes, unaligned in the file). */
export const argHeaderParser = new Parser().endianness('little').uint32('hdr_size').uint32('argc');

/** The whole preamble, once its size fields have been checked (see legacyPreambleStep). */
export const legacyPreambleParser = new Parser()
  .endianness('little')
  .nest('tab', { type: tabHeaderParser })
  .array('table', { type: scDescParser, length: function (this: { tab: { count: number } }) { return this.tab.count; } })
  .nest('log', { type: logHeaderParser })
  .string('cwd', { length: function (this: { log: { cwd_len: number } }) { return this.log.cwd_len; }, formatter: cut })
  .nest('args', { type: argHeaderParser })
  .buffer('argv', { length: function (this: { args: { hdr_size: number } }) { return this.args.hdr_size - 4; } });

/** One record of the embedded syscall table, as parsed. */
export interface LegacyScDesc {
  num: number;
  num_str: string;
  syscall_name: string;
  name_length: number;
  args_qty: number;
  mask: number;
  available: number;
  nstrings: number;
  positions: string;
}

/** The decoded preamble of a vltrace 0.1 log. */
export interface LegacyPreamble {
  version: { major: number; minor: number; patch: number };
  arch: number;
  /** the embedded table, index = syscall number (sc_id of entry packets) */
  table: LegacyScDesc[];
  bufSize: number;
  cwd: string;
  argc: number;
  argv: string[];
  /** byte offset of the first packet */
  size: number;
}

interface RawPreamble {
  tab: { tab_magic: string; major: number; minor: number; patch: number; arch: number; record_size: number; count: number };
  table: LegacyScDesc[];
  log: { log_magic: string; buf_size: number; cwd_len: number };
  cwd: string;
  args: { hdr_size: number; argc: number };
  argv: Uint8Array;
}

const utf8 = new TextDecoder('utf-8');

/**
 * One step of preamble parsing over the bytes read so far: checks every size field as soon as
 * it is available and returns either how many bytes the preamble needs (at least) or, when all
 * are there, the decoded preamble. Throws FormatError naming the offset of a bad field.
 */
export function legacyPreambleStep(file: string, b: Uint8Array): { need: number } | { done: LegacyPreamble } {
  if (b.length < LEGACY_TAB_HEADER_SIZE) return { need: LEGACY_TAB_HEADER_SIZE };
  const tab = tabHeaderParser.parse(b.subarray(0, LEGACY_TAB_HEADER_SIZE)) as RawPreamble['tab'];
  if (tab.tab_magic !== LEGACY_MAGIC) {
    throw new FormatError(file, 0, `signature ${JSON.stringify(LEGACY_MAGIC)} (a vltrace 0.1 log)`, JSON.stringify(tab.tab_magic));
  }
  if (tab.major !== 0 || tab.minor < 1) {
    throw new FormatError(file, 12, 'vltrace log version 0.1.x (0.x, x >= 1)', `${tab.major}.${tab.minor}.${tab.patch}`);
  }
  if (tab.arch !== 1) throw new FormatError(file, 24, 'architecture 1 (x86_64)', String(tab.arch));
  if (tab.record_size !== LEGACY_SC_DESC_SIZE) {
    throw new FormatError(file, 28, `a syscall table record size of ${LEGACY_SC_DESC_SIZE} (struct sc_desc)`, String(tab.record_size));
  }
  if (tab.count > LEGACY_MAX_TABLE_RECORDS) {
    throw new FormatError(file, 32, `a syscall table of at most ${LEGACY_MAX_TABLE_RECORDS} records`, String(tab.count));
  }
  const logAt = LEGACY_TAB_HEADER_SIZE + tab.count * LEGACY_SC_DESC_SIZE;
  if (b.length < logAt + 20) return { need: logAt + 20 };
  const log = logHeaderParser.parse(b.subarray(logAt, logAt + 20)) as RawPreamble['log'];
  if (log.log_magic !== LEGACY_LOG_MAGIC) {
    throw new FormatError(file, logAt, `log signature ${JSON.stringify(LEGACY_LOG_MAGIC)}`, JSON.stringify(log.log_magic));
  }
  if (log.buf_size < LEGACY_MIN_BUF_SIZE || log.buf_size > LEGACY_MAX_BUF_SIZE || log.buf_size % 8 !== 0) {
    throw new FormatError(file, logAt + 12, `a string buffer size (BUF_SIZE, 384 in vltrace 0.1), multiple of 8 in ${LEGACY_MIN_BUF_SIZE}..${LEGACY_MAX_BUF_SIZE}`, String(log.buf_size));
  }
  if (log.cwd_len < 1 || log.cwd_len > LEGACY_MAX_CWD_LEN) {
    throw new FormatError(file, logAt + 16, `a cwd length (NUL included) in 1..${LEGACY_MAX_CWD_LEN}`, String(log.cwd_len));
  }
  const h = logAt + 20 + log.cwd_len;
  if (b.length < h + 8) return { need: h + 8 };
  const args = argHeaderParser.parse(b.subarray(h, h + 8)) as RawPreamble['args'];
  if (args.hdr_size < 4 || args.hdr_size > LEGACY_MAX_HDR_SIZE) {
    throw new FormatError(file, h, `a header size (4 + argv bytes) in 4..${LEGACY_MAX_HDR_SIZE}`, String(args.hdr_size));
  }
  const size = h + 4 + args.hdr_size;
  if (b.length < size) return { need: size };
  const raw = legacyPreambleParser.parse(b.subarray(0, size)) as RawPreamble;
  for (let i = 0; i < raw.table.length; i++) {
    const d = raw.table[i]!;
    if (d.syscall_name !== '' && d.args_qty > MAX_ARGS) {
      throw new FormatError(file, LEGACY_TAB_HEADER_SIZE + i * LEGACY_SC_DESC_SIZE + 52,
        `an argument count 0..${MAX_ARGS} for syscall ${JSON.stringify(d.syscall_name)}`, String(d.args_qty));
    }
  }
  const blob = utf8.decode(raw.argv);
  const argv = blob === '' ? [] : blob.replace(/\0$/, '').split('\0');
  return {
    done: {
      version: { major: raw.tab.major, minor: raw.tab.minor, patch: raw.tab.patch },
      arch: raw.tab.arch, table: raw.table, bufSize: raw.log.buf_size, cwd: raw.cwd,
      argc: raw.args.argc, argv, size,
    },
  };
}

/** Parses a whole preamble held in memory (bytes may continue with packets). */
export function parseLegacyPreamble(file: string, bytes: Uint8Array): LegacyPreamble {
  const r = legacyPreambleStep(file, bytes);
  if ('done' in r) return r.done;
  throw new FormatError(file, bytes.length, `a ${r.need}-byte vltrace 0.1 preamble (at least)`, `end of file after ${bytes.length} bytes`);
}

// ---------------------------------------------------------------------------------------------
// Metadata from vltrace's own argv (src/cl_parser.c: getopt_long with "+thdrfp:l:s:o:").

const SHORT_WITH_ARG = new Set(['p', 'l', 's', 'o']);
const LONG_OPTS: Record<string, { arg: boolean; short?: string }> = {
  timestamp: { arg: false, short: 't' }, failed: { arg: false }, help: { arg: false, short: 'h' },
  debug: { arg: false, short: 'd' }, list: { arg: false }, 'll-list': { arg: false }, 'builtin-list': { arg: false },
  'no-progress': { arg: false, short: 'r' }, 'full-follow-fork': { arg: false, short: 'f' }, pid: { arg: true, short: 'p' },
  format: { arg: true, short: 'l' }, 'string-args': { arg: true, short: 's' }, expr: { arg: true },
  output: { arg: true, short: 'o' }, 'ebpf-src-dir': { arg: true }, 'hex-separator': { arg: true },
};

/** What vltrace's command line says about the recording (best effort, never throws). */
function fromArgv(argv: readonly string[]): { opts: Map<string, string>; command: string[] | null } {
  const opts = new Map<string, string>();
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { i++; break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const matches = Object.keys(LONG_OPTS).filter((k) => k === name || k.startsWith(name));
      const key = matches.includes(name) ? name : matches.length === 1 ? matches[0]! : undefined;
      if (key === undefined) continue;
      const def = LONG_OPTS[key]!;
      const id = def.short ?? key;
      if (def.arg) opts.set(id, eq >= 0 ? a.slice(eq + 1) : (argv[++i] ?? ''));
      else opts.set(id, '');
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (SHORT_WITH_ARG.has(c)) {
          opts.set(c, j + 1 < a.length ? a.slice(j + 1) : (argv[++i] ?? ''));
          break;
        }
        opts.set(c, '');
      }
      continue;
    }
    break; // '+' in the getopt string: options end at the first non-option
  }
  return { opts, command: i < argv.length ? argv.slice(i) : null };
}

/**
 * String capture settings from `-s` (2.7.2). Const vs full mode depended on the kernel version,
 * which the log does not record: both capture up to N·383−1 bytes; reported as 'full'.
 */
function stringCapture(s: string | undefined, bufSize: number): StringCapture {
  const chunk = bufSize - 1;
  const max1 = bufSize - 2;
  const max3 = Math.floor(bufSize / 3) - 2;
  const len = s === undefined ? NaN : Number.parseInt(s, 10);
  // no (or unparsable) -s: vltrace's default is fast mode
  if (!Number.isFinite(len) || len <= max3) return { mode: 'fast', length: Number.isFinite(len) ? len : 0, max: max1 };
  if (len <= max1) return { mode: 'packet', length: len, max: max1 };
  const n = Math.ceil((len + 1) / chunk);
  return { mode: 'full', length: len, max: n * chunk - 1 };
}

function buildMeta(p: LegacyPreamble): TraceMeta {
  const { opts, command } = fromArgv(p.argv);
  const pid = opts.get('p');
  const pids = pid !== undefined && /^\d+$/.test(pid) ? [Number(pid)] : [];
  return {
    arch: 'x86_64',
    kernelRelease: '',
    hostname: '',
    clock: { monotonicNs: '', realtimeNs: '' },
    cwd: p.cwd,
    argv: p.argv,
    command,
    pids,
    systemWide: pids.length === 0 && command === null,
    followForks: opts.has('f'),
    strings: stringCapture(opts.get('s'), p.bufSize),
    expr: opts.get('expr') ?? 'all',
    failedOnly: opts.has('failed'),
    ncpus: 0,
    ringSize: 0,
    recorder: `vltrace ${p.version.major}.${p.version.minor}.${p.version.patch}`,
    startedAt: '',
    legacy: {
      version: `${p.version.major}.${p.version.minor}.${p.version.patch}`,
      patch: p.version.patch,
      bufSize: p.bufSize,
      argc: p.argc,
      tableRecords: p.table.length,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The reader entry point.

/**
 * Reads the preamble of a vltrace 0.1 log (`head` = the bytes already read, `read` reads the
 * following ones) and returns the header and a packet decoder factory. The byte source is left
 * exactly at the first packet.
 */
export async function openLegacy(
  file: string,
  head: Uint8Array,
  read: (buf: Uint8Array, off: number, len: number) => Promise<number>,
): Promise<{ header: TraceHeader; decoder: (reasm: Reassembler, stats: TraceStats) => PacketDecoder }> {
  let buf = new Uint8Array(Math.max(LEGACY_TAB_HEADER_SIZE, head.length));
  buf.set(head);
  let have = head.length;
  let pre: LegacyPreamble;
  for (;;) {
    const r = legacyPreambleStep(file, buf.subarray(0, have));
    if ('done' in r) {
      pre = r.done;
      break;
    }
    if (r.need > buf.length) {
      const nb = new Uint8Array(r.need);
      nb.set(buf.subarray(0, have));
      buf = nb;
    }
    while (have < r.need) {
      const got = await read(buf, have, r.need - have);
      if (got <= 0) {
        throw new FormatError(file, have, `a vltrace 0.1 preamble of at least ${r.need} bytes`, `end of file after ${have} bytes`);
      }
      have += got;
    }
  }
  const syscalls: HeaderSyscall[] = [];
  pre.table.forEach((d, nr) => {
    const name = d.syscall_name.slice(4); // SyS_ / sys_ (LEN_SYS)
    if (name !== '') syscalls.push([nr, name, d.args_qty]);
  });
  const header: TraceHeader = {
    version: { major: pre.version.major, minor: pre.version.minor },
    meta: buildMeta(pre),
    syscalls,
    traceH: '',
    size: pre.size,
    format: 'legacy-0.1',
  };
  return { header, decoder: (reasm, stats) => new LegacyDecoder(file, pre, reasm, stats) };
}

// ---------------------------------------------------------------------------------------------
// Packets (2.3-2.8).

const MORE = CHUNK_FLAGS.MORE.bit;
const CONT = CHUNK_FLAGS.CONT.bit;
const TRUNCATED = CHUNK_FLAGS.TRUNCATED.bit;
const READ_ERROR = CHUNK_FLAGS.READ_ERROR.bit;

/** String states of an entry being assembled. */
const S_NONE = 0;
const S_OPEN = 1;
const S_CLOSED = 2;

/** A piece of a string: bytes[start, start+len). */
interface Piece {
  bytes: Uint8Array;
  start: number;
  len: number;
}

/** A syscall entry being assembled from its packets (one per thread). */
interface EntryState {
  pid: number;
  tid: number;
  nr: number;
  tsLo: number;
  tsHi: number;
  nargs: number;
  mask: number;
  /** 6 raw args as (lo, hi) words */
  args: Int32Array;
  state: Uint8Array;
  flags: Uint8Array;
  pieces: Piece[][];
  /** true while held in `threads` (pieces are copies); false for the single-packet fast path */
  held: boolean;
}

function newState(): EntryState {
  return {
    pid: 0, tid: 0, nr: 0, tsLo: 0, tsHi: 0, nargs: 0, mask: 0, args: new Int32Array(2 * MAX_ARGS),
    state: new Uint8Array(MAX_ARGS), flags: new Uint8Array(MAX_ARGS), pieces: Array.from({ length: MAX_ARGS }, () => []), held: false,
  };
}

function strnlen(buf: Uint8Array, p: number, max: number): number {
  const i = buf.subarray(p, p + max).indexOf(0);
  return i < 0 ? max : i;
}

const EMPTY = new Uint8Array(0);
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** Decodes the packet stream of a vltrace 0.1 log into the reassembler. */
export class LegacyDecoder implements PacketDecoder {
  private readonly maxSize: number;
  private readonly bufSize: number;
  /** per table index: args_qty (6 for unknown) and string mask */
  private readonly nargsOf: Uint8Array;
  private readonly maskOf: Uint8Array;
  /** multi-packet entries waiting for their last packet, by tid */
  private readonly threads = new Map<number, EntryState>();
  private readonly scratch = newState();

  constructor(
    private readonly file: string,
    pre: LegacyPreamble,
    private readonly reasm: Reassembler,
    private readonly stats: TraceStats,
  ) {
    this.bufSize = pre.bufSize;
    this.maxSize = LEGACY_ENTRY_SIZE + pre.bufSize;
    this.nargsOf = new Uint8Array(pre.table.length).fill(MAX_ARGS);
    this.maskOf = new Uint8Array(pre.table.length);
    pre.table.forEach((d, i) => {
      if (d.syscall_name === '') return;
      this.nargsOf[i] = d.args_qty;
      this.maskOf[i] = d.mask & LEGACY_EM_STRINGS;
    });
  }

  decode(buf: Uint8Array, start: number, end: number, base: number): DecodeResult {
    if (((buf.byteOffset + start) & 3) !== 0) {
      // records are 4-aligned relative to each other: decode an aligned copy
      const copy = buf.slice(start, end);
      const r = this.decode(copy, 0, copy.length, base + start);
      return { next: start + r.next, need: r.need };
    }
    const i32 = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2);
    const { stats, reasm } = this;
    let o = start;
    while (end - o >= 4) {
      const w = o >>> 2;
      const size = i32[w]! >>> 0;
      if (size % 8 !== 0 || size < LEGACY_EXIT_SIZE || size > this.maxSize) {
        throw new FormatError(this.file, base + o,
          `a vltrace 0.1 packet size field: a multiple of 8 in ${LEGACY_EXIT_SIZE}..${this.maxSize} (40 exit, 80 or ${this.maxSize} entry)`, String(size));
      }
      const rec = size + LEGACY_PAD;
      if (o + rec > end) return { next: o, need: rec };
      stats.packets++;
      const info = i32[w + 1]! >>> 0;
      const type = info & LEGACY_INFO.TYPE_MASK;
      const tid = i32[w + 2]!;
      const pid = i32[w + 3]!;
      const idLo = i32[w + 4]!;
      const idHi = i32[w + 5]!;
      if (idHi !== idLo >> 31) {
        throw new FormatError(this.file, base + o + 16, 'a syscall number (sc_id) in the int32 range', `0x${(idHi >>> 0).toString(16).padStart(8, '0')}${(idLo >>> 0).toString(16).padStart(8, '0')}`);
      }
      switch (type) {
        case LEGACY_PACKET_TYPES.KP_EXIT:
        case LEGACY_PACKET_TYPES.TP_EXIT:
          // sc_id 0xFFFFFFFFFFFFFFFF (rt_sigreturn restored the registers) is nr -1
          reasm.exit(pid, tid, idLo, i32[w + 6]!, i32[w + 7]!, i32[w + 8]!, i32[w + 9]!);
          break;
        case LEGACY_PACKET_TYPES.TP_ENTRY:
          throw new FormatError(this.file, base + o + 4, 'a packet type 0 (kprobe entry), 1 (kretprobe exit) or 3 (tracepoint exit); type 2 is never written', String(type));
        default:
          if (size < LEGACY_ENTRY_SIZE) {
            throw new FormatError(this.file, base + o, `an entry packet of ${LEGACY_ENTRY_SIZE} or ${this.maxSize} bytes`, `size ${size}`);
          }
          this.entryPacket(buf, i32, o, size, base, info, pid, tid, idLo);
          break;
      }
      o += rec;
    }
    return { next: o, need: end > o ? LEGACY_EXIT_SIZE + LEGACY_PAD : 0 };
  }

  /** End of input: entries still waiting for packets are delivered as they are, and counted. */
  end(): void {
    for (const st of this.threads.values()) {
      this.stats.orphanContinuations++;
      this.deliver(st);
    }
    this.threads.clear();
  }

  private entryPacket(buf: Uint8Array, i32: Int32Array, o: number, size: number, base: number, info: number, pid: number, tid: number, nr: number): void {
    const w = o >>> 2;
    const tsLo = i32[w + 6]!;
    const tsHi = i32[w + 7]!;
    const aux = o + LEGACY_ENTRY_SIZE;
    const auxLen = Math.min(size - LEGACY_ENTRY_SIZE, this.bufSize);
    const err = (info & LEGACY_INFO.BPF_READ_ERROR) !== 0;
    const multi = (info & LEGACY_INFO.ARG_MASK) !== 0;
    let a = 0;
    let b: number = LEGACY_INFO.LAST_PACKET;
    let willCont = false;
    let isCont = false;
    if (multi) {
      a = (info >>> LEGACY_INFO.ARG_FIRST_SHIFT) & 7;
      b = (info >>> LEGACY_INFO.ARG_LAST_SHIFT) & 7;
      willCont = (info & LEGACY_INFO.WILL_BE_CONT) !== 0;
      isCont = (info & LEGACY_INFO.IS_CONT) !== 0;
    }
    let st = this.threads.get(tid);
    const same = (s: EntryState): boolean => s.nr === nr && s.tsLo === tsLo && s.tsHi === tsHi && s.pid === pid;

    // 2.8 rule 2: a pure continuation chunk of argument A-1
    if (multi && a === b) {
      if (!isCont || a === 0) {
        throw new FormatError(this.file, base + o + 4, 'an info word with arg_first == arg_last only on continuation packets (is_cont set, arg_first >= 1)', hex(info));
      }
      if (st === undefined || !same(st) || st.state[a - 1] === S_NONE) {
        this.stats.orphanContinuations++;
        return;
      }
      const arg = a - 1;
      if (st.state[arg] === S_OPEN) this.append(st, arg, buf, aux, auxLen, willCont);
      // else: the string already ended (const mode sends its N packets anyway): ignored
      if (err) st.flags[arg]! |= READ_ERROR;
      return;
    }

    if (a === 0) {
      if (st !== undefined) {
        // the previous multi-packet entry of this thread never got its last packet
        this.stats.orphanContinuations++;
        this.threads.delete(tid);
        this.deliver(st);
      }
      const single = b === LEGACY_INFO.LAST_PACKET;
      st = single ? this.scratch : newState();
      st.held = !single;
      st.pid = pid;
      st.tid = tid;
      st.nr = nr;
      st.tsLo = tsLo;
      st.tsHi = tsHi;
      const known = nr >= 0 && nr < this.nargsOf.length;
      st.nargs = known ? this.nargsOf[nr]! : MAX_ARGS;
      st.mask = known ? this.maskOf[nr]! : 0;
      st.args.set(i32.subarray(w + 8, w + 8 + 2 * MAX_ARGS));
      st.state.fill(S_NONE);
      st.flags.fill(0);
      for (const p of st.pieces) p.length = 0;
      if (!single) this.threads.set(tid, st);
    } else if (st === undefined || !same(st)) {
      // a later packet of an entry whose first packet is missing
      this.stats.orphanContinuations++;
      return;
    }

    // 2.8 rule 3: the arguments this packet covers
    const first = a === 0 ? 0 : isCont && st.state[a - 1] === S_OPEN ? a - 1 : a;
    const last = Math.min(b === LEGACY_INFO.LAST_PACKET ? st.nargs - 1 : b - 1, MAX_ARGS - 1);
    let slot = 0;
    let errTarget = -1;
    const nstr = popcount(st.mask);
    for (let i = first; i <= last; i++) {
      if ((st.mask & (1 << i)) === 0) continue;
      if (auxLen <= 0) continue; // an entry packet without string buffer: the string was not captured
      if (multi) {
        if (errTarget < 0) errTarget = i;
        if (i === a - 1) this.append(st, i, buf, aux, auxLen, willCont);
        else this.start(st, i, buf, aux, Math.min(this.bufSize - 1, auxLen), this.bufSize - 2, willCont);
      } else {
        // fast mode: the buffer is split into 1, 2 or 3 slots (2.7.3)
        const nslots = Math.min(nstr, 3);
        if (slot >= nslots) continue; // vltrace captures 3 strings at most
        const s = Math.floor(this.bufSize / nslots);
        const from = slot * s;
        slot++;
        const startLen = Math.min(s - 1, auxLen - from);
        if (startLen < 0) continue;
        this.start(st, i, buf, aux + from, startLen, s - 2, false);
        if (err && this.strLength(st, i) === 0) {
          st.flags[i]! |= READ_ERROR; // a failed read leaves a zero-filled (empty) slot
          errTarget = -2;
        }
      }
    }
    if (err) {
      if (multi && isCont && a > 0) errTarget = a - 1;
      if (errTarget >= 0) st.flags[errTarget]! |= READ_ERROR;
      else if (errTarget === -1) {
        // no empty slot to blame: flag every string of the packet
        for (let i = first; i <= last; i++) if ((st.mask & (1 << i)) !== 0) st.flags[i]! |= READ_ERROR;
      }
    }
    if (b === LEGACY_INFO.LAST_PACKET) {
      if (st.held) this.threads.delete(tid);
      this.deliver(st);
    }
  }

  /** Starts the string of argument `arg` from up to `cap` bytes at buf[p]; `max` = longest complete. */
  private start(st: EntryState, arg: number, buf: Uint8Array, p: number, cap: number, max: number, willCont: boolean): void {
    const len = strnlen(buf, p, Math.min(max + 1, cap));
    st.pieces[arg]!.length = 0;
    this.piece(st, arg, buf, p, len);
    if (len <= max && len < cap) st.state[arg] = S_CLOSED;
    else if (willCont) st.state[arg] = S_OPEN;
    else {
      st.state[arg] = S_CLOSED;
      st.flags[arg]! |= TRUNCATED;
    }
  }

  /** Appends a continuation chunk (aux_str up to its NUL, at most BUF_SIZE-1 bytes) to an open string. */
  private append(st: EntryState, arg: number, buf: Uint8Array, p: number, auxLen: number, willCont: boolean): void {
    const cap = Math.min(this.bufSize - 1, auxLen);
    const len = strnlen(buf, p, cap);
    this.piece(st, arg, buf, p, len);
    if (len < this.bufSize - 1) st.state[arg] = S_CLOSED;
    else if (willCont) st.state[arg] = S_OPEN;
    else {
      st.state[arg] = S_CLOSED;
      st.flags[arg]! |= TRUNCATED;
    }
  }

  private piece(st: EntryState, arg: number, buf: Uint8Array, p: number, len: number): void {
    // held entries outlive the read buffer: copy; the single-packet path is delivered at once
    st.pieces[arg]!.push(st.held ? { bytes: buf.slice(p, p + len), start: 0, len } : { bytes: buf, start: p, len });
  }

  private strLength(st: EntryState, arg: number): number {
    let n = 0;
    for (const p of st.pieces[arg]!) n += p.len;
    return n;
  }

  /** Hands an entry and its strings to the reassembler. */
  private deliver(st: EntryState): void {
    const { reasm } = this;
    reasm.entry(st.pid, st.tid, st.nr, st.tsLo, st.tsHi, st.args, 0, st.nargs);
    const r = reasm.openRow(st.tid);
    if (r < 0) return;
    for (let arg = 0; arg < MAX_ARGS; arg++) {
      const pieces = st.pieces[arg]!;
      let fin = st.flags[arg]!;
      // a string still open lost its last chunks (missing packets)
      if (st.state[arg] === S_OPEN) fin |= TRUNCATED;
      if (pieces.length === 0) {
        if (fin !== 0) reasm.chunk(r, arg, fin, EMPTY, 0, 0); // e.g. a read error on a packet without string buffer
        continue;
      }
      for (let k = 0; k < pieces.length; k++) {
        const p = pieces[k]!;
        let f = k > 0 ? CONT : 0;
        f |= k < pieces.length - 1 ? MORE : fin;
        reasm.chunk(r, arg, f, p.bytes, p.start, p.len);
      }
    }
    for (const p of st.pieces) p.length = 0;
  }
}

function popcount(m: number): number {
  let n = 0;
  for (; m !== 0; m &= m - 1) n++;
  return n;
}
