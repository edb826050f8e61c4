/**
 * The hot path: walks the packets of a buffer and feeds the reassembler. No object per packet
 * and no BigInt for syscalls: fields are read as 32-bit words at offsets from layout.ts.
 */
import { FormatError } from './errors.js';
import type { TraceEvent } from './events.js';
import {
  CHUNK_FLAGS, CHUNK_LAYOUT, FD_INFO_FLAGS, FORK_FLAGS, FORMAT_VERSION, INFO_BITS, MAX_ARGS, MAX_PACKET_SIZE, PACKET_LAYOUTS, PROC_EXIT_FLAGS,
  PT, SIGNAL_FLAGS, SIGINFO_FIELDS, TRAILER_FLAGS, offsetOf,
} from './layout.js';
import type { Reassembler } from './reassemble.js';
import type { TraceStats } from './events.js';

// word offsets (÷4) of the fields the loop reads, from the one definition
const W_INFO = offsetOf('ENTRY', 'info') / 4;
const W_TID = offsetOf('ENTRY', 'pid_tid') / 4; // low word: tid; high word: tgid
const W_TS = offsetOf('ENTRY', 'ts') / 4;
const W_NR = offsetOf('ENTRY', 'nr') / 4;
const W_STRLEN = offsetOf('ENTRY', 'str_len') / 4;
const W_ARGS = offsetOf('ENTRY', 'args') / 4;
const W_EXIT_NR = offsetOf('EXIT', 'nr') / 4;
const W_RET = offsetOf('EXIT', 'ret') / 4;
const W_CONT_NR = offsetOf('ENTRY_CONT', 'nr') / 4;
const W_CONT_STRLEN = offsetOf('ENTRY_CONT', 'str_len') / 4;
const CONT_FIXED = PACKET_LAYOUTS.ENTRY_CONT.sizeof;
const W_DATA_NR = offsetOf('DATA', 'nr') / 4;
const W_DATA_LEN = offsetOf('DATA', 'data_len') / 4;
const DATA_FIXED = PACKET_LAYOUTS.DATA.sizeof;
const TRUNCATED = CHUNK_FLAGS.TRUNCATED.bit;
const READ_ERROR = CHUNK_FLAGS.READ_ERROR.bit;
const CHUNK_HDR = CHUNK_LAYOUT.sizeof;
const NARGS_SHIFT = INFO_BITS.NARGS.shift;
const TYPE_MASK = (1 << INFO_BITS.TYPE.width) - 1;

/**
 * Smallest valid size of each packet type code, 0 for a code no kind has: a typed array the
 * size of the type field, read without a bounds or hole check on the hot path.
 */
const MIN_SIZE = new Uint32Array(TYPE_MASK + 1);
const KIND_NAME: string[] = [];
for (const [k, l] of Object.entries(PACKET_LAYOUTS)) {
  MIN_SIZE[PT[k as keyof typeof PT]] = l.sizeof;
  KIND_NAME[PT[k as keyof typeof PT]] = k.toLowerCase();
}
const MAX_TYPE = KIND_NAME.length - 1;

const utf8 = new TextDecoder('utf-8');

/** What the packet loop needs besides the bytes. */
export interface DecodeContext {
  readonly file: string;
  readonly minor: number;
  readonly reasm: Reassembler;
  readonly stats: TraceStats;
}

/** Result of decoding a buffer: how far it got, and whether the rest is an incomplete packet. */
export interface DecodeResult {
  /** offset (within buf) of the first byte not consumed */
  next: number;
  /**
   * when the buffer ends inside a packet: that packet's size, or 0 when too few of its bytes
   * are there to read it (0 too when nothing is left)
   */
  need: number;
}

/**
 * Decodes whole packets from buf[start, end). `base` is buf's offset in the file (for errors).
 * buf.byteOffset + start must be a multiple of 8 (fields are read as aligned 32-bit words).
 * Stops before an incomplete packet at the end.
 */
export function decodePackets(ctx: DecodeContext, buf: Uint8Array, start: number, end: number, base: number): DecodeResult {
  // a misaligned start would read every field from the wrong bytes: a bug of the caller
  if (((buf.byteOffset + start) & 7) !== 0) throw new Error(`decodePackets: start ${start} is not 8-aligned`);
  const u32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2);
  const i32 = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2);
  const o = packetLoop(ctx, buf, u32, i32, start, end, base);
  // stopped before a packet that does not fit, or fewer than 8 bytes (a size word) are left
  return { next: o, need: end - o >= 8 ? u32[o >>> 2]! : 0 };
}

/**
 * The loop of decodePackets; returns the offset of the first packet not consumed. It returns
 * a plain number: V8 compiles this loop on stack (OSR) before the function ever returned, and
 * an object built at the exit then had no type feedback — a deoptimisation per call, 6 per 1M
 * syscalls, each followed by a recompile.
 */
function packetLoop(ctx: DecodeContext, buf: Uint8Array, u32: Uint32Array, i32: Int32Array, start: number, end: number, base: number): number {
  const { reasm, stats } = ctx;
  let o = start;
  while (end - o >= 8) {
    const w = o >>> 2;
    const size = u32[w]!;
    if (size === 0 || size % 8 !== 0 || size > MAX_PACKET_SIZE) {
      throw new FormatError(ctx.file, base + o, `a packet size that is a non-zero multiple of 8 up to ${MAX_PACKET_SIZE}`, String(size));
    }
    if (o + size > end) return o;
    const info = u32[w + W_INFO]!;
    const type = info & TYPE_MASK;
    const min = MIN_SIZE[type]!;
    if (min === 0) {
      // a kind from a newer minor version is skipped (and counted); otherwise it is corruption
      if (ctx.minor > FORMAT_VERSION.minor) {
        stats.unknownPackets++;
        stats.packets++;
        o += size;
        continue;
      }
      throw new FormatError(ctx.file, base + o + 4, `a packet type 1..${MAX_TYPE} in the info word`, String(type));
    }
    if (size < min) {
      throw new FormatError(ctx.file, base + o, `a ${KIND_NAME[type]} packet of at least ${min} bytes`, `size ${size}`);
    }
    stats.packets++;
    const tid = i32[w + W_TID]!;
    const pid = i32[w + W_TID + 1]!;
    const tsLo = i32[w + W_TS]!;
    const tsHi = i32[w + W_TS + 1]!;
    switch (type) {
      case PT.ENTRY: {
        const nargs = (info >>> NARGS_SHIFT) & 7;
        const strLen = u32[w + W_STRLEN]!;
        const argBytes = 8 * nargs;
        if (nargs > MAX_ARGS || min + argBytes + strLen > size) {
          throw new FormatError(ctx.file, base + o, `an entry packet holding its ${nargs} arguments and ${strLen} string bytes within ${size} bytes`);
        }
        reasm.entry(pid, tid, i32[w + W_NR]!, tsLo, tsHi, i32, w + W_ARGS, nargs);
        if (strLen > 0) decodeChunks(ctx, buf, o + min + argBytes, strLen, reasm.openRow(tid), base);
        break;
      }
      case PT.ENTRY_CONT: {
        const strLen = u32[w + W_CONT_STRLEN]!;
        if (CONT_FIXED + strLen > size) {
          throw new FormatError(ctx.file, base + o, `a continuation packet holding its ${strLen} string bytes within ${size} bytes`);
        }
        const r = reasm.openRow(tid);
        if (r < 0 || !reasm.isNr(r, i32[w + W_CONT_NR]!)) stats.orphanContinuations++;
        else decodeChunks(ctx, buf, o + CONT_FIXED, strLen, r, base);
        break;
      }
      case PT.EXIT:
        reasm.exit(pid, tid, i32[w + W_EXIT_NR]!, tsLo, tsHi, i32[w + W_RET]!, i32[w + W_RET + 1]!);
        break;
      case PT.DATA: {
        const len = u32[w + W_DATA_LEN]!;
        if (DATA_FIXED + len > size) {
          throw new FormatError(ctx.file, base + o, `a data packet holding its ${len} bytes of chunks within ${size} bytes`);
        }
        const r = reasm.openRow(tid);
        const ok = r >= 0 && reasm.isNr(r, i32[w + W_DATA_NR]!);
        if (!ok) stats.orphanData++;
        decodeData(ctx, buf, o + DATA_FIXED, len, ok ? r : -1, base);
        break;
      }
      default:
        reasm.event(decodeEvent(ctx, buf, o, size, type, base), tsLo, tsHi);
        break;
    }
    o += size;
  }
  return o;
}

function decodeChunks(ctx: DecodeContext, buf: Uint8Array, p: number, len: number, row: number, base: number): void {
  const end = p + len;
  while (p < end) {
    if (p + CHUNK_HDR > end) throw new FormatError(ctx.file, base + p, `a ${CHUNK_HDR}-byte string chunk header`, `${end - p} bytes left`);
    const arg = buf[p]!;
    const flags = buf[p + 1]!;
    const n = buf[p + 2]! | (buf[p + 3]! << 8);
    if (arg >= MAX_ARGS) throw new FormatError(ctx.file, base + p, `a string chunk argument index 0..${MAX_ARGS - 1}`, String(arg));
    if (p + CHUNK_HDR + n > end) {
      throw new FormatError(ctx.file, base + p + 2, `a string chunk length within the packet (at most ${end - p - CHUNK_HDR})`, String(n));
    }
    if (row >= 0) ctx.reasm.chunk(row, arg, flags, buf, p + CHUNK_HDR, n);
    p += CHUNK_HDR + n;
  }
}

/** The chunks of a DATA packet: checked like string chunks, handed to row r whole (header included). */
function decodeData(ctx: DecodeContext, buf: Uint8Array, p: number, len: number, row: number, base: number): void {
  const end = p + len;
  while (p < end) {
    if (p + CHUNK_HDR > end) throw new FormatError(ctx.file, base + p, `a ${CHUNK_HDR}-byte data chunk header`, `${end - p} bytes left`);
    const arg = buf[p]!;
    const flags = buf[p + 1]!;
    const n = buf[p + 2]! | (buf[p + 3]! << 8);
    if (arg >= MAX_ARGS) throw new FormatError(ctx.file, base + p, `a data chunk argument index 0..${MAX_ARGS - 1}`, String(arg));
    if (p + CHUNK_HDR + n > end) {
      throw new FormatError(ctx.file, base + p + 2, `a data chunk length within the packet (at most ${end - p - CHUNK_HDR})`, String(n));
    }
    if (row >= 0) {
      ctx.reasm.data(row, buf, p, CHUNK_HDR + n);
      if ((flags & TRUNCATED) !== 0) ctx.stats.truncatedData++;
      if ((flags & READ_ERROR) !== 0) ctx.stats.dataReadErrors++;
    }
    p += CHUNK_HDR + n;
  }
}

function cstr(buf: Uint8Array, start: number, len: number): string {
  let e = start;
  const end = start + len;
  while (e < end && buf[e] !== 0) e++;
  return utf8.decode(buf.subarray(start, e));
}

/** Decodes the rare packet kinds into event objects. */
function decodeEvent(ctx: DecodeContext, buf: Uint8Array, o: number, size: number, type: number, base: number): TraceEvent {
  const dv = new DataView(buf.buffer, buf.byteOffset + o, size);
  const at = (kind: keyof typeof PACKET_LAYOUTS, f: string): number => PACKET_LAYOUTS[kind].byName[f]!.offset;
  const ts = dv.getBigUint64(at('LOST', 'ts'), true);
  const tid = dv.getInt32(at('LOST', 'pid_tid'), true);
  const pid = dv.getInt32(at('LOST', 'pid_tid') + 4, true);
  const commAt = (kind: keyof typeof PACKET_LAYOUTS) => cstr(buf, o + at(kind, 'comm'), 16);
  const tail = (kind: keyof typeof PACKET_LAYOUTS, lenField: string, what: string): string => {
    const len = dv.getUint32(at(kind, lenField), true);
    const start = PACKET_LAYOUTS[kind].sizeof;
    if (start + len > size) {
      throw new FormatError(ctx.file, base + o + at(kind, lenField), `a ${what} length within the ${size}-byte packet`, String(len));
    }
    return utf8.decode(buf.subarray(o + start, o + start + len));
  };
  switch (type) {
    case PT.LOST:
      ctx.stats.lostEvents++;
      ctx.stats.lostPackets += dv.getBigUint64(at('LOST', 'count'), true);
      return {
        type: 'lost', ts, cpu: dv.getUint32(at('LOST', 'cpu'), true), count: dv.getBigUint64(at('LOST', 'count'), true),
        firstTs: dv.getBigUint64(at('LOST', 'first_ts'), true), lastTs: dv.getBigUint64(at('LOST', 'last_ts'), true), offset: base + o,
      };
    case PT.FORK:
      return {
        type: 'fork', ts, pid, tid, childPid: dv.getUint32(at('FORK', 'child_pid'), true), childTid: dv.getUint32(at('FORK', 'child_tid'), true),
        thread: (dv.getUint32(at('FORK', 'flags'), true) & FORK_FLAGS.THREAD.bit) !== 0, comm: commAt('FORK'),
      };
    case PT.EXEC:
      return { type: 'exec', ts, pid, tid, oldTid: dv.getUint32(at('EXEC', 'old_tid'), true), comm: commAt('EXEC'), filename: tail('EXEC', 'filename_len', 'filename') };
    case PT.PROC_EXIT:
      return {
        type: 'proc_exit', ts, pid, tid, exitCode: dv.getInt32(at('PROC_EXIT', 'exit_code'), true),
        groupDead: (dv.getUint32(at('PROC_EXIT', 'flags'), true) & PROC_EXIT_FLAGS.GROUP_DEAD.bit) !== 0, comm: commAt('PROC_EXIT'),
      };
    case PT.PROC_INFO:
      return { type: 'proc_info', ts, pid, tid, ppid: dv.getUint32(at('PROC_INFO', 'ppid'), true), comm: commAt('PROC_INFO'), exe: tail('PROC_INFO', 'exe_len', 'exe') };
    case PT.FD_INFO: {
      const len = dv.getUint32(at('FD_INFO', 'path_len'), true);
      const start = PACKET_LAYOUTS.FD_INFO.sizeof;
      if (start + len > size) {
        throw new FormatError(ctx.file, base + o + at('FD_INFO', 'path_len'), `a path length within the ${size}-byte packet`, String(len));
      }
      const flags = dv.getUint32(at('FD_INFO', 'flags'), true);
      return {
        type: 'fd_info', ts, pid, tid, fd: dv.getInt32(at('FD_INFO', 'fd'), true),
        cloexec: (flags & FD_INFO_FLAGS.CLOEXEC.bit) !== 0, deleted: (flags & FD_INFO_FLAGS.DELETED.bit) !== 0,
        ino: dv.getBigUint64(at('FD_INFO', 'ino'), true), mode: dv.getUint32(at('FD_INFO', 'mode'), true),
        path: buf.slice(o + start, o + start + len),
      };
    }
    case PT.SIGNAL: {
      ctx.stats.signals++;
      const f = at('SIGNAL', 'fields');
      return {
        type: 'signal', ts, pid, tid, signo: dv.getInt32(at('SIGNAL', 'signo'), true), errno: dv.getInt32(at('SIGNAL', 'sig_errno'), true),
        code: dv.getInt32(at('SIGNAL', 'code'), true), ignored: (dv.getUint32(at('SIGNAL', 'flags'), true) & SIGNAL_FLAGS.IGNORED.bit) !== 0,
        fields: buf.slice(o + f, o + f + SIGINFO_FIELDS),
      };
    }
    case PT.TRAILER: {
      const ncpus = dv.getUint32(at('TRAILER', 'ncpus'), true);
      const first = at('TRAILER', 'lost_per_cpu');
      if (first + 8 * ncpus > size) {
        throw new FormatError(ctx.file, base + o + at('TRAILER', 'ncpus'), `a CPU count whose counters fit in the ${size}-byte trailer`, String(ncpus));
      }
      const flags = dv.getUint32(at('TRAILER', 'flags'), true);
      return {
        type: 'trailer', ts, events: dv.getBigUint64(at('TRAILER', 'events'), true), written: dv.getBigUint64(at('TRAILER', 'written'), true),
        lost: dv.getBigUint64(at('TRAILER', 'lost'), true),
        lostPerCpu: Array.from({ length: ncpus }, (_, i) => dv.getBigUint64(first + 8 * i, true)),
        interrupted: (flags & TRAILER_FLAGS.INTERRUPTED.bit) !== 0, writeError: (flags & TRAILER_FLAGS.WRITE_ERROR.bit) !== 0,
      };
    }
    default:
      throw new FormatError(ctx.file, base + o + 4, 'a known packet type', String(type));
  }
}
