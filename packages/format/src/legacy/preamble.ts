/**
 * vltrace 0.1.0 preamble (docs/legacy-0.1-format.md §2, §3): constants, the binary-parser
 * definitions of the table/log headers, and the metadata a v1 reader can derive from them.
 */
import { Parser } from 'binary-parser';
import { FormatError } from '../errors.js';
import type { StringCapture, TraceMeta } from '../header.js';
import { MAX_ARGS } from '../layout.js';

/** First 12 bytes of a vltrace 0.1 log. */
export const LEGACY_MAGIC = 'VLTRACE_TAB\0';
/** Signature of the log header that follows the syscall table. */
export const LEGACY_LOG_MAGIC = 'VLTRACE_LOG\0';

/** Fixed part of the table header: signature, version, arch, record size, record count. */
export const LEGACY_TAB_HEADER_SIZE = 36;
/** sizeof(struct sc_desc) on x86-64. */
export const LEGACY_SC_DESC_SIZE = 80;
/** Most table records accepted (vltrace writes 1000; a rebuilt vltrace might write more). */
export const LEGACY_MAX_TABLE_RECORDS = 4096;
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
/** Bits of the info word of entry packets (§5.4). */
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
/** Mask bits EM_str_1..EM_str_6 of the syscall table (§2.3). */
export const LEGACY_EM_STRINGS = 0x3f;

// ---------------------------------------------------------------------------------------------
// Preamble (§2), declared with binary-parser.

const cut = (s: string): string => {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
};

/** struct sc_desc (§2.2), 80 bytes. */
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
// Metadata from vltrace's own argv (§3.1: getopt-style, options end at the command).

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
 * String capture settings from `-s` (§4.1). Const vs full mode depended on the kernel version,
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

export function buildMeta(p: LegacyPreamble): TraceMeta {
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
