/**
 * vltrace 0.1.0 packets (docs/legacy-0.1-format.md §5): strings rebuilt per thread by the rules
 * of §5.4, complete entries handed to the shared Reassembler. §5.5 (and v01.ts) lists the choices
 * made where the old format leaves room.
 */
import { FormatError } from '../errors.js';
import { CHUNK_FLAGS, MAX_ARGS } from '../layout.js';
import type { Reassembler } from '../reassemble.js';
import type { PacketDecoder } from '../reader.js';
import type { DecodeResult } from '../decode.js';
import type { TraceStats } from '../events.js';
import { LEGACY_EM_STRINGS, LEGACY_ENTRY_SIZE, LEGACY_EXIT_SIZE, LEGACY_INFO, LEGACY_PACKET_TYPES, LEGACY_PAD, type LegacyPreamble } from './preamble.js';

// ---------------------------------------------------------------------------------------------
// Packets (§5).

const TRUNCATED = CHUNK_FLAGS.TRUNCATED.bit;
const READ_ERROR = CHUNK_FLAGS.READ_ERROR.bit;

/** String states of an entry being assembled. */
const S_NONE = 0;
const S_OPEN = 1;
const S_CLOSED = 2;

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
  /** bytes of each string so far */
  len: Int32Array;
  /**
   * held (multi-packet) entries outlive the read buffer: their strings are copied into `data`;
   * the single-packet path is delivered at once: its strings are views src[start, start+len)
   */
  held: boolean;
  data: Uint8Array[];
  src: Uint8Array;
  start: Int32Array;
}

const EMPTY = new Uint8Array(0);

function newState(): EntryState {
  return {
    pid: 0, tid: 0, nr: 0, tsLo: 0, tsHi: 0, nargs: 0, mask: 0, args: new Int32Array(2 * MAX_ARGS),
    state: new Uint8Array(MAX_ARGS), flags: new Uint8Array(MAX_ARGS), len: new Int32Array(MAX_ARGS), held: false,
    data: Array.from({ length: MAX_ARGS }, () => EMPTY), src: EMPTY, start: new Int32Array(MAX_ARGS),
  };
}

function strnlen(buf: Uint8Array, p: number, max: number): number {
  const e = Math.min(p + max, buf.length);
  let i = p;
  while (i < e && buf[i] !== 0) i++;
  return i - p;
}

/** States kept for reuse (with their string storage). */
const POOL_MAX = 64;

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
  private readonly pool: EntryState[] = [];

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
    return { next: o, need: 0 }; // fewer bytes than a size field: the packet's size is unknown
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

    // §5.4 rule 1: a pure continuation chunk of argument A-1
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
      st = single ? this.scratch : (this.pool.pop() ?? newState());
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
      st.len.fill(0);
      if (!single) this.threads.set(tid, st);
    } else if (st === undefined || !same(st)) {
      // a later packet of an entry whose first packet is missing
      this.stats.orphanContinuations++;
      return;
    }

    // §5.4 rule 3: the arguments this packet covers
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
        // fast mode: the buffer is split into 1, 2 or 3 slots (§4.2)
        const nslots = Math.min(nstr, 3);
        if (slot >= nslots) continue; // vltrace captures 3 strings at most
        const s = Math.floor(this.bufSize / nslots);
        const from = slot * s;
        slot++;
        const startLen = Math.min(s - 1, auxLen - from);
        if (startLen < 0) continue;
        this.start(st, i, buf, aux + from, startLen, s - 2, false);
        if (err && st.len[i] === 0) {
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
    st.len[arg] = 0;
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
    if (!st.held) {
      // one packet: one piece per string
      st.src = buf;
      st.start[arg] = p;
      st.len[arg] = len;
      return;
    }
    const have = st.len[arg]!;
    let d = st.data[arg]!;
    if (have + len > d.length) {
      const nd = new Uint8Array(Math.max(2 * d.length, have + len, 512));
      nd.set(d.subarray(0, have));
      st.data[arg] = d = nd;
    }
    d.set(buf.subarray(p, p + len), have);
    st.len[arg] = have + len;
  }

  /** Hands an entry and its strings to the reassembler. */
  private deliver(st: EntryState): void {
    const { reasm } = this;
    reasm.entry(st.pid, st.tid, st.nr, st.tsLo, st.tsHi, st.args, 0, st.nargs);
    const r = reasm.openRow(st.tid);
    if (r < 0) return;
    for (let arg = 0; arg < MAX_ARGS; arg++) {
      let fin = st.flags[arg]!;
      const state = st.state[arg]!;
      // a string still open lost its last chunks (missing packets)
      if (state === S_OPEN) fin |= TRUNCATED;
      // S_NONE with flags: e.g. a read error on a packet without string buffer (empty string)
      if (state === S_NONE && fin === 0) continue;
      const len = state === S_NONE ? 0 : st.len[arg]!;
      if (st.held) reasm.chunk(r, arg, fin, st.data[arg]!, 0, len);
      else reasm.chunk(r, arg, fin, len === 0 ? EMPTY : st.src, st.start[arg]!, len);
    }
    if (st.held && this.pool.length < POOL_MAX) {
      st.held = false;
      this.pool.push(st);
    }
    st.src = EMPTY;
  }
}

function popcount(m: number): number {
  let n = 0;
  for (; m !== 0; m &= m - 1) n++;
  return n;
}
