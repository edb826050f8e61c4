/**
 * Reassembly: entry packet + continuation chunks + exit packet → one syscall row; rows are
 * delivered as SyscallBatches ordered by entry time, within a bounded reorder window.
 *
 * Rows live in a columnar store in arrival order. A row is done when its exit came (complete),
 * when its exit can no longer come (unfinished: the thread started another syscall or exited,
 * or the trace ended), or when it is an exit without entry (no-entry). A flush emits the done
 * rows older than `maxTs - window`, sorted by entry time, then compacts the store. A row still
 * waiting for its exit after the window stays in the store and is delivered late when it ends,
 * so memory stays bounded by the window plus one pending row per thread. With the `entered`
 * option, such a row is also delivered at its turn, as an ENTERED row (its entry alone).
 *
 * When a flush emits the store's first rows as they are (in order, one batch, the common case
 * of a dense trace), the batch takes the store's fixed-width columns themselves (handOver) and
 * the store starts new ones: no copy of them.
 */
import { allocBatch, packed, StrFlags, SyscallStatus, type StringColumn, type SyscallBatch } from './batch.js';
import type { SignalEvent, TraceEvent, TraceItem, TraceStats } from './events.js';
import { CHUNK_FLAGS, MAX_ARGS } from './layout.js';
import { ColumnPool } from './pool.js';
import { Threads } from './threads.js';
import { syscallByName } from './tables/index.js';

/**
 * Internal row states beyond the public statuses (every value below PENDING is a public one):
 * still waiting for its exit; and waiting, already delivered as ENTERED (`entered` option).
 */
const PENDING = 5;
const PENDING_SHOWN = 6;
const TWO32 = 4294967296;
/** Syscall numbers whose exit may carry nr -1 (registers restored by rt_sigreturn). */
const NR_RT_SIGRETURN = 15;
const NR_EXECVE = syscallByName('execve')!.nr;
const NR_EXECVEAT = syscallByName('execveat')!.nr;
const utf8 = new TextEncoder();
/** runs of consecutive rows shorter than this are copied element by element (see emitBatch) */
const SHORT_RUN = 16;
/**
 * With quickStart, the store's first flush comes at this many rows, the next ones at twice as
 * many, up to the batch size: a consumer in another thread (a converter's writer) gets its
 * first rows after a few ms of decoding instead of after a whole batch, which cold code takes
 * ~100 ms to decode. Not the default: batches that do not line up with 64K-row groups cost
 * the Parquet writer copies (+20 MB peak RSS on 1M rows).
 */
const FIRST_FLUSH = 4096;

/** The store's columns of the values a batch holds as they are (Reassembler.handOver). */
interface FixedColumns {
  readonly pid: Int32Array;
  readonly tid: Int32Array;
  readonly nr: Int32Array;
  readonly tsE: Int32Array;
  readonly tsX: Int32Array;
  readonly argw: readonly Int32Array[];
  readonly nargs: Uint8Array;
  readonly ret: Int32Array;
  readonly status: Uint8Array;
  readonly comm: Int32Array;
}

/** An event waiting for its turn: `key` is the time it takes its place at. */
interface Queued {
  key: number;
  ev: TraceEvent;
}

const MORE = CHUNK_FLAGS.MORE.bit;
const TRUNCATED = CHUNK_FLAGS.TRUNCATED.bit;
const READ_ERROR = CHUNK_FLAGS.READ_ERROR.bit;
const CONT = CHUNK_FLAGS.CONT.bit;
/** internal string flag: more chunks are expected */
const OPEN = 0x80;
/**
 * Byte slots per row: the six string arguments, then the row's data chunks (DATA_SLOT), with
 * the same offsets, lengths and flags, each slot in a heap of its own (SlotHeap).
 */
const SLOTS = MAX_ARGS + 1;
const DATA_SLOT = MAX_ARGS;

/**
 * The bytes of one slot of every row, in the order they came: the strings of rows that came
 * one after the other lie one after the other, so a batch takes a run of them with one copy
 * (one heap for all slots interleaved them, and a batch copied string by string).
 */
class SlotHeap {
  bytes = new Uint8Array(1 << 16);
  end = 0;
  /** the other buffer: compaction copies the strings kept into it, then the two swap */
  private spare = new Uint8Array(1 << 16);

  /** Room for `extra` more bytes at the end. */
  reserve(extra: number): void {
    const need = this.end + extra;
    if (need <= this.bytes.length) return;
    let len = this.bytes.length * 2;
    while (len < need) len *= 2;
    const h = new Uint8Array(len);
    h.set(this.bytes.subarray(0, this.end));
    this.bytes = h;
  }

  /** Copies len bytes of src from `from` to the end; returns where they start. */
  push(src: Uint8Array, from: number, len: number): number {
    this.reserve(len);
    const at = this.end;
    copyBytes(this.bytes, at, src, from, len);
    this.end = at + len;
    return at;
  }

  /** The buffer a compaction copies the strings kept into (they are at most what is here now). */
  compactTo(): Uint8Array {
    if (this.spare.length < this.end) this.spare = new Uint8Array(this.bytes.length);
    return this.spare;
  }

  /** Ends a compaction that wrote `end` bytes into compactTo()'s buffer. */
  compacted(end: number): void {
    const b = this.bytes;
    this.bytes = this.spare;
    this.spare = b;
    this.end = end;
  }
}

export interface ReassemblerOptions {
  /** reorder window in ns of trace time (default 0.5 s) */
  windowNs?: number;
  /** rows per emitted batch at most, and the store's flush threshold (default 65536) */
  batchRows?: number;
  /** flush first at FIRST_FLUSH rows, doubling up to batchRows (default false) */
  quickStart?: boolean;
  /**
   * deliver a row still waiting for its exit when the window passes its entry as an ENTERED
   * row, in entry order, then the whole call again when it ends (default false: delivered
   * once, late, when it ends)
   */
  entered?: boolean;
  /**
   * where the store's columns come from after a batch took them along: memory of batches the
   * consumer gave back (default: a pool of its own, never given anything, so new columns)
   */
  pool?: ColumnPool;
  emit: (item: TraceItem) => void;
  stats: TraceStats;
}

export class Reassembler {
  private readonly window: number;
  private readonly cap: number;
  /** rows at which the store flushes next (FIRST_FLUSH doubling up to cap) */
  private flushAt: number;
  private readonly emit: (item: TraceItem) => void;
  private readonly stats: TraceStats;
  private readonly entered: boolean;
  private readonly pool: ColumnPool;

  // the row store, in arrival order; `n` rows used
  private n = 0;
  private size: number;
  private pid!: Int32Array;
  private tid!: Int32Array;
  private nr!: Int32Array;
  private tsE!: Int32Array; // lo, hi word pairs
  private tsX!: Int32Array;
  private key!: Float64Array; // entry (or exit) time as a double, for ordering only
  /** raw arguments, column-major: argw[a] holds (lo, hi) word pairs of argument a per row */
  private argw: Int32Array[] = [];
  private nargs!: Uint8Array;
  private ret!: Int32Array;
  private status!: Uint8Array;
  private strOff!: Int32Array; // SLOTS per row, into heap
  private strLen!: Int32Array;
  private strFlags!: Uint8Array;
  /** bit a set when slot a of the row is used (strOff/strLen/strFlags are valid) */
  private strMask!: Uint8Array;
  private comm!: Int32Array;
  private readonly heaps: SlotHeap[] = Array.from({ length: SLOTS }, () => new SlotHeap());

  /** per-thread pending/orphan rows and comm */
  private readonly th = new Threads();
  private readonly comms: string[] = [];
  private readonly commIndex = new Map<string, number>();
  /** events waiting for their turn, in arrival order (they are rare) */
  private events: Queued[] = [];
  /**
   * Ignored signals sent to a thread while it was in a syscall, by tid: a tracer sees such a
   * signal when the thread leaves the kernel (ptrace stops it there even for ignored signals),
   * so it takes its place after that syscall's exit, not at the time it was sent.
   */
  private readonly held = new Map<number, Queued[]>();
  /**
   * Ignored signals in `events` (not held, not emitted yet), by tid: how many, and the latest
   * time one was sent (not lowered when one leaves): an entry of that thread before that time,
   * arriving after them, may still be the call they were sent during (see regroup).
   */
  private readonly loose = new Map<number, { n: number; sent: number }>();
  private maxKey = 0;

  constructor(opts: ReassemblerOptions) {
    this.window = opts.windowNs ?? 5e8;
    this.cap = opts.batchRows ?? 65536;
    this.flushAt = opts.quickStart ? Math.min(this.cap, FIRST_FLUSH) : this.cap;
    this.emit = opts.emit;
    this.stats = opts.stats;
    this.entered = opts.entered ?? false;
    this.pool = opts.pool ?? new ColumnPool();
    // room for a batch from the start (grown by doubling when rows wait longer): growing from a
    // few thousand rows copied the columns four times per recording; pages not written cost
    // nothing, so a small recording does not pay for the room
    this.size = this.cap;
    this.alloc(this.size);
  }

  private alloc(size: number): void {
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(old: T | undefined, make: (k: number) => T, k: number): T => {
      const a = make(size * k);
      if (old) a.set(old.subarray(0, Math.min(old.length, a.length)) as never);
      return a;
    };
    this.pid = grow(this.pid, (k) => new Int32Array(k), 1);
    this.tid = grow(this.tid, (k) => new Int32Array(k), 1);
    this.nr = grow(this.nr, (k) => new Int32Array(k), 1);
    this.tsE = grow(this.tsE, (k) => new Int32Array(k), 2);
    this.tsX = grow(this.tsX, (k) => new Int32Array(k), 2);
    this.key = grow(this.key, (k) => new Float64Array(k), 1);
    for (let a = 0; a < MAX_ARGS; a++) this.argw[a] = grow(this.argw[a], (k) => new Int32Array(k), 2);
    this.nargs = grow(this.nargs, (k) => new Uint8Array(k), 1);
    this.ret = grow(this.ret, (k) => new Int32Array(k), 2);
    this.status = grow(this.status, (k) => new Uint8Array(k), 1);
    this.strOff = grow(this.strOff, (k) => new Int32Array(k), SLOTS);
    this.strLen = grow(this.strLen, (k) => new Int32Array(k), SLOTS);
    this.strFlags = grow(this.strFlags, (k) => new Uint8Array(k), SLOTS);
    this.strMask = grow(this.strMask, (k) => new Uint8Array(k), 1);
    this.comm = grow(this.comm, (k) => new Int32Array(k), 1);
  }

  private newRow(): number {
    if (this.n >= this.flushAt) {
      this.flush(false);
      if (this.flushAt < this.cap) this.flushAt = Math.min(this.cap, 2 * this.flushAt);
    }
    if (this.n >= this.size) {
      this.size *= 2;
      this.alloc(this.size);
    }
    // the row is all zeros where it is not written (see compact)
    return this.n++;
  }

  private noteKey(k: number): void {
    if (k > this.maxKey) this.maxKey = k;
  }

  /** An entry packet: `nargs` raw arguments at words[argWord..] as (lo, hi) pairs. */
  entry(pid: number, tid: number, nr: number, tsLo: number, tsHi: number, words: Int32Array, argWord: number, nargs: number): void {
    const key = tsHi * TWO32 + (tsLo >>> 0);
    if (key > this.maxKey) this.maxKey = key;
    const th = this.th;
    const t = th.slot(tid);
    th.lastDone[t] = -1;
    const prev = th.pending[t]!;
    if (prev >= 0) this.finishRow(t, prev, SyscallStatus.UNFINISHED);
    if (this.held.size > 0) this.release(tid, -1);
    let r = -1;
    const o = th.orphan[t]!;
    if (o >= 0) {
      th.orphan[t] = -1;
      // an exit of this very call that arrived first (packets from another CPU)
      if (this.nr[o] === nr && this.key[o]! >= key) {
        r = o;
        this.stats.noEntry--;
      }
    }
    if (r < 0) {
      r = this.newRow();
      this.status[r] = PENDING;
      th.pending[t] = r;
      if (this.loose.size > 0) this.regroup(tid, key, -1);
    } else {
      this.status[r] = SyscallStatus.COMPLETE;
      this.stats.complete++;
      th.lastDone[t] = r;
      if (this.loose.size > 0) this.regroup(tid, key, this.key[r]!);
    }
    this.pid[r] = pid;
    this.tid[r] = tid;
    this.nr[r] = nr;
    this.tsE[2 * r] = tsLo;
    this.tsE[2 * r + 1] = tsHi;
    this.key[r] = key;
    this.nargs[r] = nargs;
    // the columns past nargs hold zeros already (see compact), so rows can be copied in runs
    const argw = this.argw;
    for (let a = 0; a < nargs; a++) {
      const col = argw[a]!;
      col[2 * r] = words[argWord + 2 * a]!;
      col[2 * r + 1] = words[argWord + 2 * a + 1]!;
    }
    this.comm[r] = this.commFor(t, pid);
  }

  /** The comm of a thread, else of its process (threads named before tracing began). */
  private commFor(t: number, pid: number): number {
    const c = this.th.comm[t]!;
    if (c >= 0) return c;
    const p = this.th.find(pid);
    return p >= 0 ? this.th.comm[p]! : -1;
  }

  /** The row of tid that string chunks go to, or -1. */
  openRow(tid: number): number {
    const t = this.th.find(tid);
    if (t < 0) return -1;
    const p = this.th.pending[t]!;
    return p >= 0 ? p : this.th.lastDone[t]!;
  }

  /** Whether row r is syscall nr (continuations must match their entry). */
  isNr(r: number, nr: number): boolean {
    return this.nr[r] === nr;
  }

  /** A string chunk for argument `arg` of row r (from openRow). */
  chunk(r: number, arg: number, flags: number, bytes: Uint8Array, start: number, len: number): void {
    const s = r * SLOTS + arg;
    const bit = 1 << arg;
    const f = (this.strMask[r]! & bit) !== 0 ? this.strFlags[s]! : 0;
    if ((flags & CONT) !== 0) {
      // a continuation for a string that is not open (its start was lost): drop it, counted
      if ((f & OPEN) === 0) {
        this.stats.orphanContinuations++;
        return;
      }
      this.append(s, arg, bytes, start, len);
    } else {
      this.strOff[s] = this.heaps[arg]!.push(bytes, start, len);
      this.strLen[s] = len;
    }
    let nf = StrFlags.PRESENT | (f & (StrFlags.TRUNCATED | StrFlags.READ_ERROR));
    if ((flags & TRUNCATED) !== 0) nf |= StrFlags.TRUNCATED;
    if ((flags & READ_ERROR) !== 0) nf |= StrFlags.READ_ERROR;
    if ((flags & MORE) !== 0) nf |= OPEN;
    this.strFlags[s] = nf;
    this.strMask[r]! |= bit;
  }

  /**
   * Appends bytes to slot s (valid) of heap `a`, moving what it holds to the heap's end first
   * if needed.
   */
  private append(s: number, a: number, bytes: Uint8Array, start: number, len: number): void {
    const h = this.heaps[a]!;
    const off = this.strOff[s]!;
    const cur = this.strLen[s]!;
    if (off + cur !== h.end) {
      // other rows' bytes came between: move this slot's to the end first
      h.reserve(cur + len);
      h.bytes.copyWithin(h.end, off, off + cur);
      this.strOff[s] = h.end;
      h.end += cur;
    }
    h.push(bytes, start, len);
    this.strLen[s] = cur + len;
  }

  /**
   * A data chunk for row r (from openRow): `len` bytes at bytes[start], its chunk header
   * included, appended to the row's data as they are (batchData reads them).
   */
  data(r: number, bytes: Uint8Array, start: number, len: number): void {
    const s = r * SLOTS + DATA_SLOT;
    const bit = 1 << DATA_SLOT;
    if ((this.strMask[r]! & bit) === 0) {
      this.strOff[s] = this.heaps[DATA_SLOT]!.end;
      this.strLen[s] = 0;
      this.strFlags[s] = StrFlags.PRESENT;
      this.strMask[r]! |= bit;
    }
    this.append(s, DATA_SLOT, bytes, start, len);
  }

  /** An exit packet. */
  exit(pid: number, tid: number, nr: number, tsLo: number, tsHi: number, retLo: number, retHi: number): void {
    const key = tsHi * TWO32 + (tsLo >>> 0);
    if (key > this.maxKey) this.maxKey = key;
    const th = this.th;
    const t = th.slot(tid);
    th.lastDone[t] = -1;
    if (this.held.size > 0) this.release(tid, key);
    let r = th.pending[t]!;
    if (r >= 0 && (this.nr[r] === nr || (nr === -1 && this.nr[r] === NR_RT_SIGRETURN))) {
      th.pending[t] = -1;
      this.status[r] = SyscallStatus.COMPLETE;
      this.stats.complete++;
      th.lastDone[t] = r; // data read at exit follows
    } else {
      if (r >= 0) this.finishRow(t, r, SyscallStatus.UNFINISHED);
      r = this.newRow();
      this.status[r] = SyscallStatus.NO_ENTRY;
      this.stats.noEntry++;
      this.pid[r] = pid;
      this.tid[r] = tid;
      this.nr[r] = nr;
      this.key[r] = key; // entry time and arguments stay 0 (a new row)
      this.comm[r] = this.commFor(t, pid);
      th.orphan[t] = r;
      th.lastDone[t] = r;
    }
    this.tsX[2 * r] = tsLo;
    this.tsX[2 * r + 1] = tsHi;
    this.ret[2 * r] = retLo;
    this.ret[2 * r + 1] = retHi;
  }

  private finishRow(t: number, r: number, status: number): void {
    this.th.pending[t] = -1;
    this.status[r] = status;
    if (status === SyscallStatus.UNFINISHED) this.stats.unfinished++;
  }

  /** A lost/process/trailer event; `tsLo/tsHi` order it among the syscalls. */
  event(ev: TraceEvent, tsLo: number, tsHi: number): void {
    const key = tsHi * TWO32 + (tsLo >>> 0);
    this.noteKey(key);
    const th = this.th;
    switch (ev.type) {
      case 'fork':
        th.comm[th.slot(ev.childTid)] = this.commId(ev.comm);
        break;
      case 'exec': {
        const c = this.commId(ev.comm);
        const t = th.slot(ev.tid);
        th.comm[t] = c;
        // a non-leader thread that execs takes over the leader's tid: its execve moves with it
        if (ev.oldTid !== ev.tid) {
          const ot = th.find(ev.oldTid);
          const r = ot >= 0 ? th.pending[ot]! : -1;
          if (r >= 0) {
            th.pending[ot] = -1;
            const other = th.pending[t]!;
            if (other >= 0) this.finishRow(t, other, SyscallStatus.UNFINISHED);
            this.tid[r] = ev.tid;
            th.pending[t] = r;
          }
        }
        const r = th.pending[t]!;
        if (r >= 0) {
          this.comm[r] = c;
          this.recoverExecFilename(r, ev.filename);
        }
        break;
      }
      case 'proc_info':
        th.comm[th.slot(ev.tid)] = this.commId(ev.comm);
        break;
      case 'signal': {
        const t = th.find(ev.tid);
        const c = t >= 0 ? this.commFor(t, ev.pid) : -1;
        if (c >= 0) ev = { ...ev, comm: this.comms[c]! };
        if (ev.ignored && t >= 0 && th.pending[t]! >= 0) {
          this.hold(ev.tid, { key, ev });
          return;
        }
        break;
      }
      case 'proc_exit': {
        if (this.held.size > 0) this.release(ev.tid, -1);
        // whatever the task was in (exit_group, or killed in a blocking call) never returns
        const t = th.find(ev.tid);
        if (t >= 0) {
          const r = th.pending[t]!;
          if (r >= 0) this.finishRow(t, r, SyscallStatus.UNFINISHED);
          th.lastDone[t] = -1;
          th.orphan[t] = -1;
        }
        break;
      }
      default:
        break;
    }
    this.queue({ key, ev });
  }

  private hold(tid: number, h: Queued): void {
    const list = this.held.get(tid);
    if (list) list.push(h);
    else this.held.set(tid, [h]);
  }

  /** Queues the signals held for tid, at `key` (its syscall's exit), or each at its own when -1. */
  private release(tid: number, key: number): void {
    const list = this.held.get(tid);
    if (!list) return;
    this.held.delete(tid);
    for (const h of list) this.queue(key < 0 ? h : { key: Math.max(key, h.key), ev: h.ev });
  }

  /** Queues an event for its turn, counting the ignored signals among them (see regroup). */
  private queue(q: Queued): void {
    this.events.push(q);
    const ev = q.ev;
    if (ev.type !== 'signal' || !ev.ignored) return;
    const l = this.loose.get(ev.tid);
    const sent = Number(ev.ts);
    if (!l) this.loose.set(ev.tid, { n: 1, sent });
    else {
      l.n++;
      if (sent > l.sent) l.sent = sent;
    }
  }

  /** An ignored signal leaves `events` (emitted, or held again). */
  private unqueue(ev: SignalEvent): void {
    const l = this.loose.get(ev.tid)!;
    if (--l.n === 0) this.loose.delete(ev.tid);
  }

  /**
   * An entry of tid at `key` came after ignored signals sent to tid later than it: the recorder
   * writes a SIGNAL at once but a thread's packets in batches, so a thread in a call that has
   * not blocked may still have its ENTRY in its CPU's batch when the signal arrives. Such a
   * signal was sent during this call: it is placed as if the entry had come first, by the
   * times, not by arrival. While the call runs (`exitKey` -1) it is held for its exit; when
   * the call's exit came before its entry (`exitKey`), it goes after that exit (or at its own
   * time, if it was sent later).
   */
  private regroup(tid: number, key: number, exitKey: number): void {
    // mostly the entry is later than every such signal: nothing to look at
    const l = this.loose.get(tid);
    if (l === undefined || l.sent <= key) return;
    const evs = this.events;
    let kept = 0;
    for (let i = 0; i < evs.length; i++) {
      const q = evs[i]!;
      const ev = q.ev;
      if (ev.type === 'signal' && ev.ignored && ev.tid === tid) {
        if (Number(ev.ts) > key) {
          if (exitKey < 0) {
            this.unqueue(ev);
            this.hold(tid, q);
            continue;
          }
          q.key = Math.max(q.key, exitKey);
        }
      }
      evs[kept++] = q;
    }
    evs.length = kept;
  }

  /**
   * An execve whose filename could not be read at entry (a freshly forked child's pages are
   * not faulted in yet, and the old image is gone at exit) gets it from the exec event: the
   * kernel's own copy of the same string (bprm->filename).
   */
  private recoverExecFilename(r: number, filename: string): void {
    const arg = this.nr[r] === NR_EXECVE ? 0 : this.nr[r] === NR_EXECVEAT ? 1 : -1;
    if (arg < 0 || filename === '') return;
    const s = r * SLOTS + arg;
    const present = (this.strMask[r]! >> arg) & 1;
    if (present && (this.strFlags[s]! & StrFlags.READ_ERROR) === 0) return;
    const bytes = utf8.encode(filename);
    this.strOff[s] = this.heaps[arg]!.push(bytes, 0, bytes.length);
    this.strLen[s] = bytes.length;
    this.strFlags[s] = StrFlags.PRESENT;
    this.strMask[r]! |= 1 << arg;
  }

  private commId(name: string): number {
    let id = this.commIndex.get(name);
    if (id === undefined) {
      id = this.comms.length;
      this.comms.push(name);
      this.commIndex.set(name, id);
    }
    return id;
  }

  /** End of input: every row still waiting is unfinished; emit everything. */
  finish(): void {
    for (const tid of [...this.held.keys()]) this.release(tid, -1);
    const th = this.th;
    for (let t = 0; t < th.count; t++) {
      const r = th.pending[t]!;
      if (r >= 0) this.finishRow(t, r, SyscallStatus.UNFINISHED);
    }
    this.flush(true);
  }

  /**
   * Emits done rows older than the watermark (all done rows when `all`), sorted by entry time,
   * interleaved with the events before them; compacts the store.
   */
  flush(all: boolean): void {
    let mark = all ? Infinity : this.maxKey - this.window;
    let sel = this.select(mark);
    // a burst faster than the window: emit what is done rather than grow without bound
    if (!all && this.n - sel.length > (this.flushAt * 3) / 4) {
      mark = Infinity;
      sel = this.select(mark);
    }
    // select() says whether its rows are in time order
    if (!this.selInOrder) {
      const key = this.key;
      sel.sort((a, b) => key[a]! - key[b]!);
    }
    this.countLate(sel);
    // merge the selected rows with the events up to the mark, in time order
    const evs = this.events;
    let kept = 0;
    let e = 0;
    let from = 0;
    evs.sort((a, b) => a.key - b.key);
    for (; e < evs.length; e++) {
      const ev = evs[e]!;
      if (ev.key > mark) break;
      let to = from;
      while (to < sel.length && this.key[sel[to]!]! <= ev.key) to++;
      this.emitRows(sel, from, to);
      from = to;
      if (ev.ev.type === 'signal' && ev.ev.ignored) this.unqueue(ev.ev);
      this.emit(ev.ev);
    }
    this.emitRows(sel, from, sel.length);
    while (e < evs.length) evs[kept++] = evs[e++]!;
    evs.length = kept;
    this.compact(mark);
  }

  private lastEmittedKey = -Infinity;

  private countLate(sel: Int32Array): void {
    if (sel.length === 0) return;
    const first = this.key[sel[0]!]!;
    if (first < this.lastEmittedKey) {
      for (let i = 0; i < sel.length && this.key[sel[i]!]! < this.lastEmittedKey; i++) this.stats.lateRows++;
    }
    const last = this.key[sel[sel.length - 1]!]!;
    if (last > this.lastEmittedKey) this.lastEmittedKey = last;
  }

  /** reused by select(): a plain array grown by push cost ~20 ns per row */
  private selBuf = new Int32Array(0);

  /**
   * The done rows at or before mark, in store order (a view valid until the next select); with
   * `entered`, also the waiting rows not delivered yet.
   */
  private select(mark: number): Int32Array {
    if (this.selBuf.length < this.n) this.selBuf = new Int32Array(this.size);
    const sel = this.selBuf;
    const { status, key, strMask } = this;
    const bytes = new Array<number>(SLOTS).fill(0);
    const entered = this.entered;
    let inOrder = true;
    let last = -Infinity;
    let k = 0;
    for (let r = 0; r < this.n; r++) {
      const s = status[r]!;
      const kr = key[r]!;
      if (kr > mark || (entered ? s === PENDING_SHOWN : s >= PENDING)) continue;
      sel[k++] = r;
      if (kr < last) inOrder = false;
      last = kr;
      if (strMask[r] !== 0) this.addStringBytes(bytes, r);
    }
    this.selInOrder = inOrder;
    this.selBytes = bytes;
    return sel.subarray(0, k);
  }

  /** string bytes per slot of the rows the last select() chose (what stringBytes gives for all of them) */
  private selBytes: number[] = [];

  private emitRows(sel: Int32Array, from: number, to: number): void {
    for (let i = from; i < to; i += this.cap) this.emitBatch(sel, i, Math.min(to, i + this.cap));
  }

  // emitBatch is three loops in three methods: a function optimised on stack (OSR) in one loop
  // would carry the others without type feedback and be thrown away on reaching them, batch
  // after batch, until fully optimised (13 deoptimisations per 1M syscalls before the split).
  private emitBatch(sel: Int32Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    const bytes = from === 0 && to === sel.length ? this.selBytes : this.stringBytes(sel, from, to);
    let b: SyscallBatch;
    if (this.mayHandOver(sel, from, to)) {
      b = this.handOver(n, bytes);
    } else {
      b = allocBatch(n, bytes, this.comms, bytes[DATA_SLOT]);
      this.copyFixed(b, sel, from, n);
    }
    this.copyStrings(b, sel, from, n);
    if (this.entered) this.markEntered(b, sel, from, n);
    this.emit({ type: 'syscalls', batch: b });
  }

  /** set by select: the rows selected are in time order as they are in the store (no sort needed) */
  private selInOrder = false;
  /** the fixed-width columns went out with a batch: compaction moves the rows kept into new ones */
  private handed = false;

  /**
   * Whether rows sel[from, to) are the store's first rows, in order, and the whole selection:
   * then the batch can be the store's columns themselves. Not with `entered` (its rows' status
   * in the batch differs from the store's), not for the second batch of a flush (a transferred
   * batch takes its whole buffers along: two batches must not share one).
   */
  private mayHandOver(sel: Int32Array, from: number, to: number): boolean {
    return !this.entered && !this.handed && this.selInOrder && from === 0 && to === sel.length && sel[to - 1] === to - 1;
  }

  /** A batch of the store's first n rows that takes the store's fixed-width columns as they are. */
  private handOver(n: number, bytes: readonly number[]): SyscallBatch {
    this.handed = true;
    const big = (a: Int32Array) => new BigInt64Array(a.buffer, a.byteOffset, n);
    // the properties of allocBatch's batch, in its order (one shape for every consumer)
    return {
      length: n,
      pid: this.pid.subarray(0, n),
      tid: this.tid.subarray(0, n),
      nr: this.nr.subarray(0, n),
      tsEnter: big(this.tsE),
      tsExit: big(this.tsX),
      args: packed(MAX_ARGS, (a) => big(this.argw[a]!)),
      nargs: this.nargs.subarray(0, n),
      ret: big(this.ret),
      status: this.status.subarray(0, n),
      strings: packed(MAX_ARGS, (a) => this.stringColumn(n, bytes[a]!)),
      data: this.stringColumn(n, bytes[DATA_SLOT]!),
      comm: this.comm.subarray(0, n),
      comms: this.comms,
    };
  }

  /**
   * An empty string column of n rows and `bytes` bytes: its offsets and flags (5 bytes per row,
   * the same sizes batch after batch) from the pool, zeroed; its bytes new.
   */
  private stringColumn(n: number, bytes: number): StringColumn {
    return { offsets: this.pool.int32(n + 1, true), data: new Uint8Array(bytes), flags: this.pool.uint8(n, true) };
  }

  /** Rows of b still waiting for their exit go out as ENTERED, once: they stay in the store. */
  private markEntered(b: SyscallBatch, sel: Int32Array, from: number, n: number): void {
    const status = this.status;
    for (let j = 0; j < n; j++) {
      const r = sel[from + j]!;
      if (status[r] !== PENDING) continue;
      b.status[j] = SyscallStatus.ENTERED;
      status[r] = PENDING_SHOWN;
    }
  }

  /** Bytes of the strings of rows sel[from, to), per argument, then of their data. */
  private stringBytes(sel: Int32Array, from: number, to: number): number[] {
    const bytes = new Array<number>(SLOTS).fill(0);
    const strMask = this.strMask;
    for (let i = from; i < to; i++) if (strMask[sel[i]!] !== 0) this.addStringBytes(bytes, sel[i]!);
    return bytes;
  }

  /** Adds the lengths of row r's strings (and data) to bytes, per slot. */
  private addStringBytes(bytes: number[], r: number): void {
    const m = this.strMask[r]!;
    for (let a = 0; a < SLOTS; a++) if ((m >> a) & 1) bytes[a]! += this.strLen[r * SLOTS + a]!;
  }

  /** The fixed-width columns of rows sel[from, from + n) into b. */
  private copyFixed(b: SyscallBatch, sel: Int32Array, from: number, n: number): void {
    const tsE = new Int32Array(b.tsEnter.buffer);
    const tsX = new Int32Array(b.tsExit.buffer);
    const ret = new Int32Array(b.ret.buffer);
    const args = packed(MAX_ARGS, (a) => new Int32Array(b.args[a]!.buffer));
    // long runs of consecutive rows (one thread's calls in order) are
    // copied with set(); short ones (threads interleaved) element by element, since each set()
    // of a subarray allocates a view and costs more than a few plain stores
    const { pid, tid, nr, status, nargs, comm } = this;
    const srcE = this.tsE;
    const srcX = this.tsX;
    const srcR = this.ret;
    const argw = this.argw;
    for (let i = 0; i < n;) {
      const r0 = sel[from + i]!;
      let len = 1;
      while (i + len < n && sel[from + i + len] === r0 + len) len++;
      const r1 = r0 + len;
      if (len < SHORT_RUN) {
        for (let r = r0, j = i; r < r1; r++, j++) {
          b.pid[j] = pid[r]!;
          b.tid[j] = tid[r]!;
          b.nr[j] = nr[r]!;
          b.status[j] = status[r]!;
          b.nargs[j] = nargs[r]!;
          b.comm[j] = comm[r]!;
          tsE[2 * j] = srcE[2 * r]!;
          tsE[2 * j + 1] = srcE[2 * r + 1]!;
          tsX[2 * j] = srcX[2 * r]!;
          tsX[2 * j + 1] = srcX[2 * r + 1]!;
          ret[2 * j] = srcR[2 * r]!;
          ret[2 * j + 1] = srcR[2 * r + 1]!;
        }
        for (let a = 0; a < MAX_ARGS; a++) {
          const src = argw[a]!;
          const dst = args[a]!;
          for (let r = r0, j = i; r < r1; r++, j++) {
            dst[2 * j] = src[2 * r]!;
            dst[2 * j + 1] = src[2 * r + 1]!;
          }
        }
      } else {
        b.pid.set(pid.subarray(r0, r1), i);
        b.tid.set(tid.subarray(r0, r1), i);
        b.nr.set(nr.subarray(r0, r1), i);
        b.status.set(status.subarray(r0, r1), i);
        b.nargs.set(nargs.subarray(r0, r1), i);
        b.comm.set(comm.subarray(r0, r1), i);
        tsE.set(srcE.subarray(2 * r0, 2 * r1), 2 * i);
        tsX.set(srcX.subarray(2 * r0, 2 * r1), 2 * i);
        ret.set(srcR.subarray(2 * r0, 2 * r1), 2 * i);
        for (let a = 0; a < MAX_ARGS; a++) args[a]!.set(argw[a]!.subarray(2 * r0, 2 * r1), 2 * i);
      }
      i += len;
    }
  }

  /** per slot, reused by copyStrings: bytes written, and the run of heap bytes not copied yet */
  private readonly strPos = new Int32Array(SLOTS);
  private readonly runFrom = new Int32Array(SLOTS);
  private readonly runEnd = new Int32Array(SLOTS);

  /**
   * The strings of rows sel[from, from + n) into b's string columns, and their flags. Strings
   * that follow each other in their slot's heap are copied as one run.
   */
  private copyStrings(b: SyscallBatch, sel: Int32Array, from: number, n: number): void {
    const { strMask, strFlags, strLen, strOff, heaps, stats, status, strPos, runFrom, runEnd } = this;
    const cols = [...b.strings, b.data];
    strPos.fill(0);
    runFrom.fill(-1);
    runEnd.fill(-1);
    // only rows with a string get their end offset here; fillOffsets gives the others theirs
    let used = 0;
    for (let i = 0; i < n; i++) {
      const r = sel[from + i]!;
      const m = strMask[r]!;
      if (m === 0) continue;
      used |= m;
      for (let a = 0; a < SLOTS; a++) {
        if (((m >> a) & 1) === 0) continue;
        const s = r * SLOTS + a;
        const col = cols[a]!;
        const f = strFlags[s]!;
        const off = strOff[s]!;
        const len = strLen[s]!;
        if (off !== runEnd[a]) {
          // not where the run ends: copy the run, start another here
          const run = runEnd[a]! - runFrom[a]!;
          if (run > 0) copyBytes(col.data, strPos[a]! - run, heaps[a]!.bytes, runFrom[a]!, run);
          runFrom[a] = off;
          runEnd[a] = off;
        }
        runEnd[a]! += len;
        strPos[a]! += len;
        col.offsets[i + 1] = strPos[a]!;
        if (a === DATA_SLOT) {
          col.flags[i] = StrFlags.PRESENT;
          continue;
        }
        // a string still open when its syscall ended lost its last chunks
        const out = (f & OPEN) !== 0 ? (f & ~OPEN) | StrFlags.TRUNCATED : f;
        col.flags[i] = out;
        // an ENTERED row's strings are counted when the whole call is delivered
        if (status[r]! >= PENDING) continue;
        if ((out & StrFlags.TRUNCATED) !== 0) stats.truncatedStrings++;
        if ((f & StrFlags.READ_ERROR) !== 0) stats.readErrors++;
      }
    }
    for (let a = 0; a < SLOTS; a++) {
      if (((used >> a) & 1) === 0) continue; // a column no row used keeps its all-zero offsets
      const run = runEnd[a]! - runFrom[a]!;
      if (run > 0) copyBytes(cols[a]!.data, strPos[a]! - run, heaps[a]!.bytes, runFrom[a]!, run);
      fillOffsets(cols[a]!, n);
    }
  }

  /** Drops emitted rows, keeps the rest (in order) at the front, rebuilds indexes and the heaps. */
  private compact(mark: number): void {
    const remap = new Int32Array(this.n).fill(-1);
    // the fixed-width columns the rows kept come from: the store's, or after a hand-over the
    // batch's, the store taking new ones
    const src = this.fixedColumns();
    const handed = this.handed;
    if (handed) this.newFixedColumns();
    // the loop in its own method (see emitBatch)
    const w = this.keepRows(mark, remap, src, handed);
    // rows from w on are new rows again: the columns a row may leave unwritten (arguments past
    // nargs, entry or exit values a row lacks, its strings) are zeroed here in bulk, which cost
    // 5-10 % of the decoding as stores in entry() and newRow() (2 M rows against 30 fills);
    // new columns are zeros already
    if (handed) this.strMask.fill(0, w, this.n);
    else this.clearRows(w, this.n);
    this.handed = false;
    this.n = w;
    this.th.remapRows(remap);
  }

  private fixedColumns(): FixedColumns {
    const { pid, tid, nr, tsE, tsX, argw, nargs, ret, status, comm } = this;
    return { pid, tid, nr, tsE, tsX, argw, nargs, ret, status, comm };
  }

  /** Zeroed fixed-width columns of the store's size (the old ones went out with a batch). */
  private newFixedColumns(): void {
    const size = this.size;
    const pool = this.pool;
    // from batches their consumer gave back when there are some (Trace.recycle); zeroed where
    // rows may leave them unwritten (the columns clearRows clears), every row writes the others
    this.pid = pool.int32(size, false);
    this.tid = pool.int32(size, false);
    this.nr = pool.int32(size, false);
    this.tsE = pool.int32(2 * size, true);
    this.tsX = pool.int32(2 * size, true);
    this.argw = packed(MAX_ARGS, () => pool.int32(2 * size, true));
    this.nargs = pool.uint8(size, true);
    this.ret = pool.int32(2 * size, true);
    this.status = pool.uint8(size, false);
    this.comm = pool.int32(size, false);
  }

  /**
   * Moves the rows still needed to the front (their fixed-width columns from `src`, which are
   * other columns than the store's when `moved`) and their strings to the heaps' fronts;
   * returns how many; remap: old → new row.
   */
  private keepRows(mark: number, remap: Int32Array, src: FixedColumns, moved: boolean): number {
    const { key, strMask, strOff, strLen, heaps } = this;
    const status = src.status;
    const to = heaps.map((h) => h.compactTo());
    const ends = new Int32Array(SLOTS);
    const n = this.n;
    let w = 0;
    for (let r = 0; r < n; r++) {
      if (status[r]! < PENDING && key[r]! <= mark) continue;
      remap[r] = w;
      if (w !== r || moved) this.moveRow(r, w, src);
      const m = strMask[w]!;
      for (let a = 0; a < SLOTS; a++) {
        const s = w * SLOTS + a;
        if (((m >> a) & 1) === 0) continue;
        const off = strOff[s]!;
        const len = strLen[s]!;
        to[a]!.set(heaps[a]!.bytes.subarray(off, off + len), ends[a]!);
        strOff[s] = ends[a]!;
        ends[a]! += len;
      }
      w++;
    }
    for (let a = 0; a < SLOTS; a++) heaps[a]!.compacted(ends[a]!);
    return w;
  }

  /** Zeros rows [from, to) of the columns not every row writes. */
  private clearRows(from: number, to: number): void {
    if (to <= from) return;
    this.nargs.fill(0, from, to);
    this.strMask.fill(0, from, to);
    this.tsE.fill(0, 2 * from, 2 * to);
    this.tsX.fill(0, 2 * from, 2 * to);
    this.ret.fill(0, 2 * from, 2 * to);
    for (let a = 0; a < MAX_ARGS; a++) this.argw[a]!.fill(0, 2 * from, 2 * to);
  }

  /** Row `from` to row `to`: its fixed-width columns from `src` (the store's own, or older ones). */
  private moveRow(from: number, to: number, src: FixedColumns): void {
    this.pid[to] = src.pid[from]!;
    this.tid[to] = src.tid[from]!;
    this.nr[to] = src.nr[from]!;
    this.nargs[to] = src.nargs[from]!;
    this.status[to] = src.status[from]!;
    this.comm[to] = src.comm[from]!;
    const pair = (d: Int32Array, s: Int32Array) => {
      d[2 * to] = s[2 * from]!;
      d[2 * to + 1] = s[2 * from + 1]!;
    };
    pair(this.tsE, src.tsE);
    pair(this.tsX, src.tsX);
    pair(this.ret, src.ret);
    for (let a = 0; a < MAX_ARGS; a++) pair(this.argw[a]!, src.argw[a]!);
    if (from === to) return;
    this.key[to] = this.key[from]!;
    this.strMask[to] = this.strMask[from]!;
    this.strOff.copyWithin(SLOTS * to, SLOTS * from, SLOTS * from + SLOTS);
    this.strLen.copyWithin(SLOTS * to, SLOTS * from, SLOTS * from + SLOTS);
    this.strFlags.copyWithin(SLOTS * to, SLOTS * from, SLOTS * from + SLOTS);
  }
}

/** Copies src[from, from+len) to dst[at..]; a loop for short strings (no subarray object per copy). */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, len: number): void {
  if (len > 64) {
    dst.set(src.subarray(from, from + len), at);
    return;
  }
  for (let k = 0; k < len; k++) dst[at + k] = src[from + k]!;
}

/** Rows without a string in this column end where the previous row ended. */
function fillOffsets(col: StringColumn, n: number): void {
  const { offsets, flags } = col;
  for (let i = 0; i < n; i++) if (flags[i] === 0) offsets[i + 1] = offsets[i]!;
}
