/**
 * Packet encoder: the inverse of decode.ts, driven by the same layout. Used to write synthetic
 * traces (tests, benchmarks, samples) and by the recorder's TypeScript side for the packets it
 * writes itself. The native recorder writes the same bytes through trace.h.
 */
import {
  CHUNK_FLAGS, CHUNK_LAYOUT, FD_INFO_FLAGS, FORK_FLAGS, INFO_BITS, PACKET_LAYOUTS, PROC_EXIT_FLAGS, PT, SIGINFO_FIELDS, SIGNAL_FLAGS, TRAILER_FLAGS,
  align8,
  type PacketKind,
} from './layout.js';

/** A string chunk to put in an entry or continuation packet. */
export interface ChunkSpec {
  readonly arg: number;
  readonly bytes: Uint8Array;
  /** CHUNK_FLAGS bits */
  readonly flags?: number;
}

const enc = new TextEncoder();

/** Appends packets to a growing buffer. */
export class PacketWriter {
  private buf = new Uint8Array(1 << 16);
  private dv = new DataView(this.buf.buffer);
  /** bytes written */
  length = 0;
  /** packets written */
  packets = 0;

  private reserve(size: number): number {
    const need = this.length + size;
    if (need > this.buf.length) {
      let n = this.buf.length * 2;
      while (n < need) n *= 2;
      const b = new Uint8Array(n);
      b.set(this.buf.subarray(0, this.length));
      this.buf = b;
      this.dv = new DataView(b.buffer);
    }
    const o = this.length;
    this.buf.fill(0, o, o + size);
    this.length += size;
    this.packets++;
    return o;
  }

  private head(kind: PacketKind, size: number, info: number, pid: number, tid: number, ts: bigint): number {
    const o = this.reserve(size);
    const f = PACKET_LAYOUTS[kind].byName;
    this.dv.setUint32(o + f['size']!.offset, size, true);
    this.dv.setUint32(o + f['info']!.offset, (info | PT[kind]) >>> 0, true);
    this.dv.setUint32(o + f['pid_tid']!.offset, tid, true);
    this.dv.setUint32(o + f['pid_tid']!.offset + 4, pid, true);
    this.dv.setBigUint64(o + f['ts']!.offset, BigInt.asUintN(64, ts), true);
    return o;
  }

  private set(kind: PacketKind, o: number, field: string, v: number | bigint): void {
    const f = PACKET_LAYOUTS[kind].byName[field]!;
    if (typeof v === 'bigint') this.dv.setBigUint64(o + f.offset, BigInt.asUintN(64, v), true);
    else if (f.type === 'i32') this.dv.setInt32(o + f.offset, v, true);
    else this.dv.setUint32(o + f.offset, v >>> 0, true);
  }

  private chunks(at: number, chunks: readonly ChunkSpec[]): void {
    let p = at;
    for (const c of chunks) {
      this.buf[p] = c.arg;
      this.buf[p + 1] = c.flags ?? 0;
      this.dv.setUint16(p + 2, c.bytes.length, true);
      this.buf.set(c.bytes, p + CHUNK_LAYOUT.sizeof);
      p += CHUNK_LAYOUT.sizeof + c.bytes.length;
    }
  }

  /** An entry packet. `more` sets will_be_cont (continuation packets follow). */
  entry(p: { pid: number; tid: number; ts: bigint; nr: number; args: readonly bigint[]; chunks?: readonly ChunkSpec[]; more?: boolean }): void {
    const chunks = p.chunks ?? [];
    const strLen = chunks.reduce((s, c) => s + CHUNK_LAYOUT.sizeof + c.bytes.length, 0);
    const fixed = PACKET_LAYOUTS.ENTRY.sizeof;
    const size = align8(fixed + 8 * p.args.length + strLen);
    let info = p.args.length << INFO_BITS.NARGS.shift;
    if (chunks.length > 0) {
      info |= chunks[0]!.arg << INFO_BITS.ARG_FIRST.shift;
      info |= chunks[chunks.length - 1]!.arg << INFO_BITS.ARG_LAST.shift;
      if (chunks.some((c) => (c.flags ?? 0) & CHUNK_FLAGS.READ_ERROR.bit)) info |= 1 << INFO_BITS.BPF_READ_ERROR.shift;
    }
    if (p.more) info |= 1 << INFO_BITS.WILL_BE_CONT.shift;
    const o = this.head('ENTRY', size, info, p.pid, p.tid, p.ts);
    this.set('ENTRY', o, 'nr', p.nr);
    this.set('ENTRY', o, 'str_len', strLen);
    p.args.forEach((a, i) => this.dv.setBigUint64(o + fixed + 8 * i, BigInt.asUintN(64, a), true));
    this.chunks(o + fixed + 8 * p.args.length, chunks);
  }

  /** A continuation packet with further string chunks of the thread's current entry. */
  cont(p: { pid: number; tid: number; ts: bigint; nr: number; chunks: readonly ChunkSpec[]; more?: boolean }): void {
    const strLen = p.chunks.reduce((s, c) => s + CHUNK_LAYOUT.sizeof + c.bytes.length, 0);
    const fixed = PACKET_LAYOUTS.ENTRY_CONT.sizeof;
    let info = 1 << INFO_BITS.IS_CONT.shift;
    if (p.chunks.length > 0) {
      info |= p.chunks[0]!.arg << INFO_BITS.ARG_FIRST.shift;
      info |= p.chunks[p.chunks.length - 1]!.arg << INFO_BITS.ARG_LAST.shift;
    }
    if (p.more) info |= 1 << INFO_BITS.WILL_BE_CONT.shift;
    const o = this.head('ENTRY_CONT', align8(fixed + strLen), info, p.pid, p.tid, p.ts);
    this.set('ENTRY_CONT', o, 'nr', p.nr);
    this.set('ENTRY_CONT', o, 'str_len', strLen);
    this.chunks(o + fixed, p.chunks);
  }

  exit(p: { pid: number; tid: number; ts: bigint; nr: number; ret: bigint }): void {
    const o = this.head('EXIT', PACKET_LAYOUTS.EXIT.sizeof, 0, p.pid, p.tid, p.ts);
    this.set('EXIT', o, 'nr', p.nr);
    this.set('EXIT', o, 'ret', p.ret);
  }

  /** A data packet: memory behind arguments of the thread's current syscall (CHUNK_FLAGS.EXIT: read at exit). */
  data(p: { pid: number; tid: number; ts: bigint; nr: number; chunks: readonly ChunkSpec[] }): void {
    const len = p.chunks.reduce((s, c) => s + CHUNK_LAYOUT.sizeof + c.bytes.length, 0);
    const fixed = PACKET_LAYOUTS.DATA.sizeof;
    const o = this.head('DATA', align8(fixed + len), 0, p.pid, p.tid, p.ts);
    this.set('DATA', o, 'nr', p.nr);
    this.set('DATA', o, 'data_len', len);
    this.chunks(o + fixed, p.chunks);
  }

  /** A signal packet; `fields` is the siginfo union (at most SIGINFO_FIELDS bytes). */
  signal(p: { pid: number; tid: number; ts: bigint; signo: number; code: number; errno?: number; ignored?: boolean; fields?: Uint8Array }): void {
    const o = this.head('SIGNAL', PACKET_LAYOUTS.SIGNAL.sizeof, 0, p.pid, p.tid, p.ts);
    this.set('SIGNAL', o, 'signo', p.signo);
    this.set('SIGNAL', o, 'sig_errno', p.errno ?? 0);
    this.set('SIGNAL', o, 'code', p.code);
    this.set('SIGNAL', o, 'flags', p.ignored ? SIGNAL_FLAGS.IGNORED.bit : 0);
    if (p.fields) this.buf.set(p.fields.subarray(0, SIGINFO_FIELDS), o + PACKET_LAYOUTS.SIGNAL.byName['fields']!.offset);
  }

  lost(p: { ts: bigint; cpu: number; count: bigint; firstTs: bigint; lastTs: bigint }): void {
    const o = this.head('LOST', PACKET_LAYOUTS.LOST.sizeof, 0, 0, 0, p.ts);
    this.set('LOST', o, 'cpu', p.cpu);
    this.set('LOST', o, 'count', p.count);
    this.set('LOST', o, 'first_ts', p.firstTs);
    this.set('LOST', o, 'last_ts', p.lastTs);
  }

  private comm(kind: PacketKind, o: number, comm: string): void {
    this.buf.set(enc.encode(comm).subarray(0, 15), o + PACKET_LAYOUTS[kind].byName['comm']!.offset);
  }

  fork(p: { pid: number; tid: number; ts: bigint; childPid: number; childTid: number; thread?: boolean; comm: string }): void {
    const o = this.head('FORK', PACKET_LAYOUTS.FORK.sizeof, 0, p.pid, p.tid, p.ts);
    this.set('FORK', o, 'child_pid', p.childPid);
    this.set('FORK', o, 'child_tid', p.childTid);
    this.set('FORK', o, 'flags', p.thread ? FORK_FLAGS.THREAD.bit : 0);
    this.comm('FORK', o, p.comm);
  }

  exec(p: { pid: number; tid: number; ts: bigint; oldTid?: number; comm: string; filename: string }): void {
    const name = enc.encode(p.filename);
    const o = this.head('EXEC', align8(PACKET_LAYOUTS.EXEC.sizeof + name.length), 0, p.pid, p.tid, p.ts);
    this.set('EXEC', o, 'old_tid', p.oldTid ?? p.tid);
    this.set('EXEC', o, 'filename_len', name.length);
    this.comm('EXEC', o, p.comm);
    this.buf.set(name, o + PACKET_LAYOUTS.EXEC.sizeof);
  }

  procExit(p: { pid: number; tid: number; ts: bigint; exitCode: number; groupDead?: boolean; comm: string }): void {
    const o = this.head('PROC_EXIT', PACKET_LAYOUTS.PROC_EXIT.sizeof, 0, p.pid, p.tid, p.ts);
    this.set('PROC_EXIT', o, 'exit_code', p.exitCode);
    this.set('PROC_EXIT', o, 'flags', p.groupDead === false ? 0 : PROC_EXIT_FLAGS.GROUP_DEAD.bit);
    this.comm('PROC_EXIT', o, p.comm);
  }

  procInfo(p: { pid: number; tid: number; ts: bigint; ppid: number; comm: string; exe: string }): void {
    const exe = enc.encode(p.exe);
    const o = this.head('PROC_INFO', align8(PACKET_LAYOUTS.PROC_INFO.sizeof + exe.length), 0, p.pid, p.tid, p.ts);
    this.set('PROC_INFO', o, 'ppid', p.ppid);
    this.set('PROC_INFO', o, 'exe_len', exe.length);
    this.comm('PROC_INFO', o, p.comm);
    this.buf.set(exe, o + PACKET_LAYOUTS.PROC_INFO.sizeof);
  }

  /** A descriptor (or, fd FD_CWD, the working directory) process `pid` held before recording started. */
  fdInfo(p: { pid: number; tid?: number; ts: bigint; fd: number; path: Uint8Array | string; cloexec?: boolean; deleted?: boolean; ino?: bigint; mode?: number }): void {
    const path = typeof p.path === 'string' ? enc.encode(p.path) : p.path;
    const o = this.head('FD_INFO', align8(PACKET_LAYOUTS.FD_INFO.sizeof + path.length), 0, p.pid, p.tid ?? p.pid, p.ts);
    this.set('FD_INFO', o, 'fd', p.fd);
    this.set('FD_INFO', o, 'flags', (p.cloexec ? FD_INFO_FLAGS.CLOEXEC.bit : 0) | (p.deleted ? FD_INFO_FLAGS.DELETED.bit : 0));
    this.set('FD_INFO', o, 'ino', p.ino ?? 0n);
    this.set('FD_INFO', o, 'mode', p.mode ?? 0);
    this.set('FD_INFO', o, 'path_len', path.length);
    this.buf.set(path, o + PACKET_LAYOUTS.FD_INFO.sizeof);
  }

  trailer(p: { ts: bigint; events: bigint; written: bigint; lost: bigint; lostPerCpu: readonly bigint[]; interrupted?: boolean; writeError?: boolean }): void {
    const fixed = PACKET_LAYOUTS.TRAILER.sizeof;
    const o = this.head('TRAILER', fixed + 8 * p.lostPerCpu.length, 0, 0, 0, p.ts);
    this.set('TRAILER', o, 'events', p.events);
    this.set('TRAILER', o, 'written', p.written);
    this.set('TRAILER', o, 'lost', p.lost);
    this.set('TRAILER', o, 'ncpus', p.lostPerCpu.length);
    this.set('TRAILER', o, 'flags', (p.interrupted ? TRAILER_FLAGS.INTERRUPTED.bit : 0) | (p.writeError ? TRAILER_FLAGS.WRITE_ERROR.bit : 0));
    p.lostPerCpu.forEach((v, i) => this.dv.setBigUint64(o + fixed + 8 * i, v, true));
  }

  /** The bytes written so far (a view; copy it before writing more). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Returns the bytes written so far and starts over. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }
}
