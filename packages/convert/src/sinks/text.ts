/**
 * text: vltrace's own text format (vltrace 0.1 `-l text`, docs/legacy-0.1-format.md §7): two
 * header lines (the recorder's argv, then the column names), then one line per syscall entry
 * and one per exit, in time order (an exit is printed once no later entry precedes it).
 * Numbers are `0x` + 16 upper-case hex digits; string arguments are their raw bytes in quotes
 * (`[WARNING: string truncated]"…` without the closing quote when cut); a failed read appends
 * ` [Warning: bpf read error occurred]`. `-t` adds the time since the first event as the first
 * column; `-K` sets the separator. As in 0.1, a negative return value prints as ERR = −ret,
 * RES = 0xFFFFFFFFFFFFFFFF. Lost-event reports, which 0.1 did not have, print as
 * `LOST SEP 0x<packets> SEP 0x<cpu>` lines so a gap stays visible, and signals as
 * `SIGNAL SEP 0x<PID_TID> SEP SIGCHLD SEP {si_signo=…}` (strace's siginfo text), with
 * ` SEP ignored` when the signal was discarded when sent.
 */
import { Buffer } from 'node:buffer';
import { StrFlags, SyscallStatus, type SignalEvent, type TraceItem } from '@vltrace/format';
import { ByteOut, key, putBytes, putHex16, putKey, type Key } from '../byte-out.js';
import { syscallNames, prepare, type PreparedRows } from '../fields.js';
import { hexNum } from '../int64.js';
import { lostRows, RowStatus, type Rows } from '../schema.js';
import { signame } from '../strace/args.js';
import { printSignalInfo } from '../strace/siginfo.js';
import type { Sink, SinkOptions } from '../sink.js';

const TWO32 = 4294967296;
// constants as Keys: written in whole 32-bit words (see byte-out.ts)
const READ_ERROR = key(' [Warning: bpf read error occurred]');
const TRUNCATED = key('[WARNING: string truncated]');
const MINUS_ONE = key('0xFFFFFFFFFFFFFFFF');
const ZERO = key('0x0000000000000000');
const NL = 10;
const QUOTE = 34;

/** Exits waiting to be printed, as a min-heap on exit time (parallel arrays: no object per row). */
class ExitHeap {
  keys: number[] = [];
  batches: PreparedRows[] = [];
  rows: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, p: PreparedRows, row: number): void {
    const { keys, batches, rows } = this;
    let i = keys.length;
    keys.push(key);
    batches.push(p);
    rows.push(row);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (keys[up]! <= key) break;
      keys[i] = keys[up]!;
      batches[i] = batches[up]!;
      rows[i] = rows[up]!;
      i = up;
    }
    keys[i] = key;
    batches[i] = p;
    rows[i] = row;
  }

  /** Removes the earliest exit; returns it through `top`. */
  pop(top: { p: PreparedRows | undefined; row: number }): void {
    const { keys, batches, rows } = this;
    top.p = batches[0];
    top.row = rows[0]!;
    const k = keys.pop()!;
    const b = batches.pop()!;
    const r = rows.pop()!;
    const n = keys.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
      if (keys[c]! >= k) break;
      keys[i] = keys[c]!;
      batches[i] = batches[c]!;
      rows[i] = rows[c]!;
      i = c;
    }
    keys[i] = k;
    batches[i] = b;
    rows[i] = r;
  }
}

export function createTextSink(stream: NodeJS.WritableStream, options: SinkOptions): Sink {
  const o = new ByteOut(stream);
  const sepChar = (options.separator ?? ' ').slice(0, 1) || ' ';
  const sep = Buffer.from(sepChar, 'utf8');
  const withTs = (options.timestamps ?? 0) > 0;
  const lookup = syscallNames(options.header);
  const nameCache: Key[] = [];
  const names = (nr: number) => (nr >= 0 && nr < 1000 ? (nameCache[nr] ??= key(lookup(nr), 'utf8')) : key(lookup(nr), 'utf8'));
  const exitName = (nr: number) => (nr < 0 || nr >= 1000 ? key('sys_exit 0x' + hexNum(nr)) : names(nr));
  const fill = key(`${sepChar}${'-'.repeat(18)}${sepChar}${'-'.repeat(18)}${sepChar}`, 'utf8');
  const heap = new ExitHeap();
  const top: { p: PreparedRows | undefined; row: number } = { p: undefined, row: 0 };
  // first_ts: the first event's time; times print as unsigned 64-bit differences from it
  let firstLo = 0;
  let firstHi = 0;
  let haveFirst = false;

  const header = [
    options.header.meta.argv.join(sepChar),
    ['PID_TID', ...(withTs ? ['TIME(nsec)'] : []), 'ERR', 'RES', 'SYSCALL', 'ARG1', 'ARG2', 'ARG3', 'ARG4', 'ARG5', 'ARG6', 'AUX_DATA'].join(sepChar),
  ];
  o.utf8(header.join('\n') + '\n');

  const sepByte = sep.length === 1 ? sep[0]! : -1;
  const putSep = (b: Buffer, p: number) => (sepByte >= 0 ? ((b[p] = sepByte), p + 1) : putBytes(b, p, sep));
  /** 0x + 16 hex digits (dv views b) */
  const putHex = (b: Buffer, dv: DataView, p: number, lo: number, hi: number) => {
    b[p] = 48;
    b[p + 1] = 120;
    return putHex16(dv, p + 2, lo, hi);
  };
  /** the time column: ns since first_ts, unsigned */
  const putTs = (b: Buffer, dv: DataView, p: number, lo: number, hi: number) => {
    if (!withTs) return p;
    let l = lo - firstLo;
    let h = hi - firstHi;
    if (l < 0) {
      l += TWO32;
      h -= 1;
    }
    return putSep(b, putHex(b, dv, p, l, h | 0));
  };

  const exitLine = (r: PreparedRows, i: number) => {
    const batch = r.b;
    const name = exitName(batch.nr[i]!);
    const b = o.row(128 + name.length);
    const dv = o.dv;
    let p = putTs(b, dv, o.pos, r.tsX.lo[2 * i]!, r.tsX.hi[2 * i + 1]!);
    p = putSep(b, putHex(b, dv, p, batch.tid[i]!, batch.pid[i]!));
    const lo = r.ret.lo[2 * i]!;
    const hi = r.ret.hi[2 * i + 1]!;
    if (hi < 0) {
      // 0.1 splits any negative value: err = −ret, res = −1
      const nlo = -lo;
      p = putSep(b, putHex(b, dv, p, nlo >>> 0, (~hi + (nlo === 0 ? 1 : 0)) | 0));
      p = putKey(b, dv, p, MINUS_ONE);
    } else {
      p = putSep(b, putKey(b, dv, p, ZERO));
      p = putHex(b, dv, p, lo, hi);
    }
    p = putKey(b, dv, putSep(b, p), name);
    b[p++] = NL;
    o.pos = p;
  };

  const entryLine = (r: PreparedRows, i: number) => {
    const batch = r.b;
    const name = names(batch.nr[i]!);
    let room = 256 + name.length;
    for (let a = 0; a < batch.nargs[i]!; a++) room += batch.strings[a]!.offsets[i + 1]! - batch.strings[a]!.offsets[i]! + 64;
    const b = o.row(room);
    const dv = o.dv;
    let p = putTs(b, dv, o.pos, r.tsE.lo[2 * i]!, r.tsE.hi[2 * i + 1]!);
    p = putHex(b, dv, p, batch.tid[i]!, batch.pid[i]!);
    p = putKey(b, dv, p, fill);
    p = putKey(b, dv, p, name);
    let readError = false;
    for (let a = 0; a < batch.nargs[i]!; a++) {
      p = putSep(b, p);
      const c = batch.strings[a]!;
      const f = c.flags[i]!;
      if ((f & StrFlags.PRESENT) === 0) {
        const h = r.args[a]!;
        p = putHex(b, dv, p, h.lo[2 * i]!, h.hi[2 * i + 1]!);
        continue;
      }
      const cut = (f & StrFlags.TRUNCATED) !== 0;
      if (cut) p = putKey(b, dv, p, TRUNCATED);
      b[p++] = QUOTE;
      p = putBytes(b, p, c.data, c.offsets[i]!, c.offsets[i + 1]!);
      if (!cut) b[p++] = QUOTE;
      if ((f & StrFlags.READ_ERROR) !== 0) readError = true;
    }
    if (readError) p = putKey(b, dv, p, READ_ERROR);
    b[p++] = NL;
    o.pos = p;
  };

  /** Writes the exit lines of calls that ended before a line at time (lo, hi). */
  const exitsUntil = (lo: number, hi: number) => {
    if (!haveFirst) {
      firstLo = lo;
      firstHi = hi;
      haveFirst = true;
    }
    const start = (hi - firstHi) * TWO32 + (lo - firstLo);
    while (heap.size > 0 && heap.keys[0]! <= start) {
      heap.pop(top);
      exitLine(top.p!, top.row);
    }
  };

  /** The time row i's line is printed at (its entry's; a no-entry row's exit), as exitsUntil takes it. */
  const startOf = (p: PreparedRows, i: number) => {
    const h = p.b.status[i] === SyscallStatus.NO_ENTRY ? p.tsX : p.tsE;
    return (h.hi[2 * i + 1]! - firstHi) * TWO32 + (h.lo[2 * i]! - firstLo);
  };

  const rows = (b: Rows) => {
    const p = prepare(b);
    for (let i = 0; i < b.length; i++) {
      const status = b.status[i]!;
      const h = status === SyscallStatus.NO_ENTRY ? p.tsX : p.tsE;
      const lo = h.lo[2 * i]!;
      const hi = h.hi[2 * i + 1]!;
      exitsUntil(lo, hi);
      if (status === RowStatus.LOST) {
        const buf = o.row(128);
        o.pos = putTs(buf, o.dv, o.pos, lo, hi);
        o.latin1(['LOST', '0x' + hexNum(Number(b.lost?.[i] ?? 0n)), '0x' + hexNum(b.cpu?.[i] ?? 0)].join(sepChar) + '\n');
        continue;
      }
      if (status !== SyscallStatus.NO_ENTRY) entryLine(p, i);
      if (status !== SyscallStatus.UNFINISHED) {
        const end = (p.tsX.hi[2 * i + 1]! - firstHi) * TWO32 + (p.tsX.lo[2 * i]! - firstLo);
        // nothing else pending and the next row starts after this exit: the next exitsUntil
        // would print it first thing, so print it now (a thread's calls one after the other,
        // the common case, never touch the heap)
        if (heap.size === 0 && i + 1 < b.length && end <= startOf(p, i + 1)) exitLine(p, i);
        else heap.push(end, p, i);
      }
    }
    return o.flush();
  };

  const signal = (e: SignalEvent) => {
    const lo = Number(BigInt.asUintN(32, e.ts));
    const hi = Number(BigInt.asIntN(32, e.ts >> 32n));
    exitsUntil(lo, hi);
    const b = o.row(64);
    o.pos = putTs(b, o.dv, o.pos, lo, hi);
    o.latin1('SIGNAL' + sepChar);
    const head = o.row(32);
    o.pos = putHex(head, o.dv, o.pos, e.tid, e.pid);
    const fields = [signame(e.signo), printSignalInfo(e.signo, e.errno, e.code, e.fields), ...(e.ignored ? ['ignored'] : [])];
    o.latin1(sepChar + fields.join(sepChar) + '\n');
    return o.flush();
  };

  /**
   * Syscall batches formatted, whose memory goes back to the reader (SinkOptions.recycle) once
   * no exit of theirs waits in the heap: usually at once, the heap holding a few calls at most.
   */
  const done: Rows[] = [];
  const release = (recycle: (b: Rows) => void) => {
    const waiting = new Set<Rows>();
    for (const p of heap.batches) waiting.add(p.b);
    let kept = 0;
    for (const b of done) {
      if (waiting.has(b)) done[kept++] = b;
      else recycle(b);
    }
    done.length = kept;
  };

  return {
    write(item: TraceItem) {
      if (item.type === 'syscalls') {
        const flushed = rows(item.batch);
        if (options.recycle) {
          done.push(item.batch);
          release(options.recycle);
        }
        return flushed;
      }
      if (item.type === 'lost') return rows(lostRows(item, []));
      if (item.type === 'signal') return signal(item);
    },
    async close() {
      while (heap.size > 0) {
        heap.pop(top);
        exitLine(top.p!, top.row);
      }
      await o.close();
    },
  };
}
