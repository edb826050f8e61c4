/**
 * perfetto: a timeline for ui.perfetto.dev and Perfetto's trace processor, in Perfetto's
 * protobuf trace format (TrackEvent). One process track per process (named by its comm), one
 * thread track per thread under it; each syscall is a slice on its thread's track (BEGIN at its
 * entry, END at its exit) named by the syscall, with its strace text (`call`), its return value
 * (`ret`) and, when it failed, `errno` as arguments. Forks, execs, exits and signals are instant
 * events on the thread's track, a fork with a flow to the child's first event; lost records and
 * the recorder's totals are instants on a track of their own ("vltrace recorder").
 *
 * Timestamps are the recording's CLOCK_MONOTONIC ns as they are (every packet says so, through
 * the sequence's defaults); a clock snapshot of the header's monotonic and realtime readings
 * lets Perfetto show wall-clock time too.
 *
 * Packets are written as the items come, on one packet sequence as the Perfetto SDK writes
 * them: the first packet clears the incremental state, the names of syscalls and events and the
 * argument names are interned (each emitted once, before its first use), a track's descriptor
 * comes before its first event. Memory stays bounded: per live thread a few fields (threads
 * that exited are forgotten after EXITED_KEPT more exits), names by the syscall table.
 */
import { Buffer } from 'node:buffer';
import { writeSync } from 'node:fs';
import { errnoName, nameLookup, SyscallStatus, type SyscallBatch, type TraceEvent, type TraceHeader, type TraceItem } from '@vltrace/format';
import {
  BUILTIN_CLOCK, CLOCK, CLOCK_SNAPSHOT, DEBUG_ANNOTATION, EVENT_TYPE, INTERNED_DATA, INTERNED_STRING, PROCESS_DESCRIPTOR, SEQ,
  THREAD_DESCRIPTOR, TRACE, TRACE_PACKET, TRACE_PACKET_DEFAULTS, TRACK_DESCRIPTOR, TRACK_EVENT,
} from '../perfetto-proto.js';
import { lenFieldSize, ProtoMessage, putFixed64, putVarint, putVarintWords, tag, varintSize, varintWordsSize, WIRE } from '../protobuf.js';
import { sinkFile } from '../sink-file.js';
import type { Sink, SinkOptions } from '../sink.js';
import { signame } from '../strace/args.js';
import { words, type Words } from '../strace/call.js';
import { CallRenderer } from '../strace/call-text.js';
import { signalLine } from '../strace/siginfo.js';

/** The one packet sequence this writer uses. */
const SEQUENCE_ID = 1;
/** Bytes buffered before a write to the file. */
const CHUNK = 1 << 20;
/** Threads that exited whose track state is kept (an unfinished call of theirs may still come). */
const EXITED_KEPT = 4096;
/** Forks whose child has not shown up yet, at most (filters may leave children out). */
const PENDING_FLOWS = 65536;
/** The track of the recorder's own events (lost records, totals). */
const RECORDER_TRACK = 1;
const RECORDER_TRACK_NAME = 'vltrace recorder';
/** uuids of process and thread tracks: distinct from each other and from RECORDER_TRACK */
const processUuid = (pid: number) => pid * 4 + 3;
const threadUuid = (tid: number) => tid * 4 + 2;

/** Names of the debug annotations (arguments), interned at the start in this order (iid = index + 1). */
const ARG_NAMES = [
  'call', 'ret', 'errno', 'unfinished', 'no_entry', 'child_pid', 'child_tid', 'thread', 'filename', 'comm', 'old_tid',
  'exit_status', 'killed_by', 'core_dumped', 'group_dead', 'signal', 'ignored', 'cpu', 'count', 'first_ts', 'last_ts',
  'events', 'written', 'lost', 'interrupted', 'write_error',
] as const;
type ArgName = (typeof ARG_NAMES)[number];
const ARG: Record<ArgName, number> = Object.fromEntries(ARG_NAMES.map((n, k) => [n, k + 1])) as Record<ArgName, number>;

/** Names of the instant events (interned when first used, like the syscalls' names). */
const EVENT_NAMES = { fork: 'fork', thread: 'new thread', exec: 'exec', exit: 'exit', lost: 'lost records', end: 'end of recording' } as const;

const TAG = {
  packet: tag(TRACE.packet, WIRE.LEN),
  ts: tag(TRACE_PACKET.timestamp, WIRE.VARINT),
  trackEvent: tag(TRACE_PACKET.trackEvent, WIRE.LEN),
  type: tag(TRACK_EVENT.type, WIRE.VARINT),
  trackUuid: tag(TRACK_EVENT.trackUuid, WIRE.VARINT),
  nameIid: tag(TRACK_EVENT.nameIid, WIRE.VARINT),
  annotation: tag(TRACK_EVENT.debugAnnotations, WIRE.LEN),
  annotationName: tag(DEBUG_ANNOTATION.nameIid, WIRE.VARINT),
  intValue: tag(DEBUG_ANNOTATION.intValue, WIRE.VARINT),
  stringValue: tag(DEBUG_ANNOTATION.stringValue, WIRE.LEN),
  terminatingFlow: tag(TRACK_EVENT.terminatingFlowIds, WIRE.I64),
} as const;
/** every tag above but the two flow ones takes one byte */
const TERMINATING_FLOW_TAG_SIZE = varintSize(TAG.terminatingFlow);
/** `trusted_packet_sequence_id: 1, sequence_flags: SEQ_NEEDS_INCREMENTAL_STATE`, in every packet after the first */
const SEQUENCE_FIELDS = Uint8Array.from([
  tag(TRACE_PACKET.trustedPacketSequenceId, WIRE.VARINT), SEQUENCE_ID,
  tag(TRACE_PACKET.sequenceFlags, WIRE.VARINT), SEQ.NEEDS_INCREMENTAL_STATE,
]);
const TWO32 = 4294967296;

/** A constant debug annotation, as the bytes of its TrackEvent field. */
function annotationField(build: (a: ProtoMessage) => ProtoMessage): Uint8Array {
  return new ProtoMessage().message(TRACK_EVENT.debugAnnotations, build(new ProtoMessage())).bytes.slice();
}
const UNFINISHED_ARG = annotationField((a) => a.varint(DEBUG_ANNOTATION.nameIid, ARG.unfinished).bool(DEBUG_ANNOTATION.boolValue, true));
const NO_ENTRY_ARG = annotationField((a) => a.varint(DEBUG_ANNOTATION.nameIid, ARG.no_entry).bool(DEBUG_ANNOTATION.boolValue, true));

/**
 * Node's Buffer writes latin1 through this method; Buffer.write(…, 'latin1') reaches it after
 * an encoding dispatch that costs ~8% of this format's time.
 */
interface LatinBuffer extends Buffer {
  latin1Write(s: string, offset: number, length: number): number;
}
const writeLatin1: (b: Buffer, s: string, at: number) => number =
  typeof (Buffer.prototype as Partial<LatinBuffer>).latin1Write === 'function'
    ? (b, s, at) => (b as LatinBuffer).latin1Write(s, at, s.length)
    : (b, s, at) => b.write(s, at, s.length, 'latin1');

/** What the writer keeps of a thread. */
interface ThreadTrack {
  readonly tid: number;
  pid: number;
  /** the name its descriptor gave, and the comm index it came from (-1: from an event) */
  name: string;
  commIdx: number;
  /** a slice begun for an unfinished call, still open */
  open: boolean;
  /** the entry time of that unfinished call */
  openTs: bigint;
  /** it exited (its exit instant was written), at exitTs */
  exited: boolean;
  exitTs: bigint;
}

/** An annotation value for a cold packet. */
type ArgValue = string | number | bigint | boolean;

export function createPerfettoSink(out: string | number, options: SinkOptions): Sink {
  const header: TraceHeader = options.header;
  const file = sinkFile(out, options.mode);
  const renderer = new CallRenderer(header, { stringLimit: options.stringWidth, decodeFds: options.decodeFds });
  const syscallName = nameLookup(header);

  // ---- output buffer ----
  let buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  const flush = () => {
    let off = 0;
    while (off < pos) off += writeSync(file.fd, buf, off, pos - off);
    pos = 0;
  };
  /** makes room for n bytes at pos */
  const room = (n: number) => {
    if (pos + n <= buf.length) return;
    flush();
    if (n > buf.length) buf = Buffer.allocUnsafe(n);
  };
  /** a whole packet built with ProtoMessage */
  const packet = (p: ProtoMessage) => {
    const body = p.bytes;
    room(body.length + 11);
    buf[pos++] = TAG.packet;
    pos = putVarint(buf, pos, body.length);
    buf.set(body, pos);
    pos += body.length;
  };
  /** a packet of the sequence, with its timestamp (0n: none) */
  const seqPacket = (ts: bigint) => {
    const p = new ProtoMessage();
    if (ts > 0n) p.varint(TRACE_PACKET.timestamp, ts);
    return p.varint(TRACE_PACKET.trustedPacketSequenceId, SEQUENCE_ID).varint(TRACE_PACKET.sequenceFlags, SEQ.NEEDS_INCREMENTAL_STATE);
  };

  // ---- interned event names ----
  const nameIids = new Map<string, number>();
  /** iid of an event name, interned (in a packet of its own, before the event's) when new */
  const nameIid = (name: string): number => {
    let iid = nameIids.get(name);
    if (iid !== undefined) return iid;
    iid = nameIids.size + 1;
    nameIids.set(name, iid);
    const entry = new ProtoMessage().varint(INTERNED_STRING.iid, iid).string(INTERNED_STRING.name, name);
    packet(seqPacket(0n).message(TRACE_PACKET.internedData, new ProtoMessage().message(INTERNED_DATA.eventNames, entry)));
    return iid;
  };
  /** syscall name iids by number */
  const callIids: number[] = [];
  const callIid = (nr: number): number => (nr >= 0 ? (callIids[nr] ??= nameIid(syscallName(nr))) : nameIid(syscallName(nr)));

  // ---- tracks ----
  const processes = new Map<number, string>();
  const threads = new Map<number, ThreadTrack>();
  /** tids that exited, oldest first (their states are dropped beyond EXITED_KEPT) */
  const exitedOrder: number[] = [];
  let exitedHead = 0;

  const processDescriptor = (pid: number, name: string, ts: bigint) => {
    processes.set(pid, name);
    const proc = new ProtoMessage().varint(PROCESS_DESCRIPTOR.pid, pid);
    if (name) proc.string(PROCESS_DESCRIPTOR.processName, name);
    const track = new ProtoMessage().varint(TRACK_DESCRIPTOR.uuid, processUuid(pid)).message(TRACK_DESCRIPTOR.process, proc);
    packet(seqPacket(ts).message(TRACE_PACKET.trackDescriptor, track));
  };
  const threadDescriptor = (t: ThreadTrack, ts: bigint) => {
    const th = new ProtoMessage().varint(THREAD_DESCRIPTOR.pid, t.pid).varint(THREAD_DESCRIPTOR.tid, t.tid);
    if (t.name) th.string(THREAD_DESCRIPTOR.threadName, t.name);
    const track = new ProtoMessage()
      .varint(TRACK_DESCRIPTOR.uuid, threadUuid(t.tid))
      .varint(TRACK_DESCRIPTOR.parentUuid, processUuid(t.pid))
      .message(TRACK_DESCRIPTOR.thread, th);
    packet(seqPacket(ts).message(TRACE_PACKET.trackDescriptor, track));
  };
  /**
   * The track of thread tid of process pid, its descriptors written first when new (or when
   * its process changed: a tid reused, or the thread that exec'd taking the leader's tid); a
   * name (comm) not seen before renames it, and its process when it is the main thread.
   */
  const threadTrack = (tid: number, pid: number, name: string, commIdx: number, ts: bigint): ThreadTrack => {
    let t = threads.get(tid);
    if (t !== undefined && t.pid === pid) {
      if (commIdx >= 0 ? t.commIdx === commIdx : t.name === name) return t;
      t.commIdx = commIdx;
      if (t.name === name || name === '') return t;
      t.name = name;
    } else {
      if (t?.open) closeOpen(t, ts);
      t = { tid, pid, name, commIdx, open: false, openTs: 0n, exited: false, exitTs: 0n };
      threads.set(tid, t);
    }
    const proc = processes.get(pid);
    if (proc === undefined || (tid === pid && proc !== name && name !== '')) processDescriptor(pid, tid === pid || proc === undefined ? name : proc, ts);
    threadDescriptor(t, ts);
    return t;
  };
  /** a thread seen in an event: its track, named from the event's comm when it has one */
  const eventTrack = (tid: number, pid: number, comm: string | undefined, ts: bigint): ThreadTrack => {
    const known = threads.get(tid);
    if (known !== undefined && known.pid === pid && (comm === undefined || comm === known.name)) return known;
    return threadTrack(tid, pid, comm ?? known?.name ?? '', -1, ts);
  };
  const forgetExited = (tid: number) => {
    exitedOrder.push(tid);
    if (exitedOrder.length - exitedHead <= EXITED_KEPT) return;
    const old = exitedOrder[exitedHead++]!;
    const t = threads.get(old);
    if (t?.exited) threads.delete(old);
    if (exitedHead > EXITED_KEPT) {
      exitedOrder.splice(0, exitedHead);
      exitedHead = 0;
    }
  };

  // ---- flows: a fork to its child's first event ----
  const pendingFlows = new Map<number, number>();
  let nextFlow = 1;
  /** the flow a child's first event ends, or 0 */
  const flowInto = (tid: number): number => {
    if (pendingFlows.size === 0) return 0;
    const f = pendingFlows.get(tid);
    if (f === undefined) return 0;
    pendingFlows.delete(tid);
    return f;
  };

  // ---- the latest time seen: where calls still running at the end stop ----
  let endTs = 0n;

  // ---- syscall slices (the hot path: sizes computed, then written front to back) ----
  let views: { b: SyscallBatch; enter: Words; exit: Words; ret: Words } | undefined;
  const errnoFields: Uint8Array[] = [];
  /** the `errno` annotation of an errno, as its TrackEvent field */
  const errnoField = (e: number): Uint8Array =>
    (errnoFields[e] ??= annotationField((a) => a.varint(DEBUG_ANNOTATION.nameIid, ARG.errno).string(DEBUG_ANNOTATION.stringValue, errnoName(e) ?? `errno ${e}`)));

  /**
   * A syscall's BEGIN (or, for a no-entry row, its INSTANT) at ts (words at index k of w): name,
   * `call`, `ret` when it returned, `errno` when it failed, `extra` (a constant annotation).
   */
  const callEvent = (type: number, w: Words, k: number, uuid: number, iid: number, line: string, returned: boolean, extra: Uint8Array | undefined, flow: number) => {
    const c = renderer.call;
    const lineLen = line.length; // ASCII: one byte per character
    const callAnn = 2 + 1 + varintSize(lineLen) + lineLen;
    let te = 2 + 1 + varintSize(uuid) + 1 + varintSize(iid) + 1 + varintSize(callAnn) + callAnn;
    let retLo = 0;
    let retHi = 0;
    let retAnn = 0;
    let errnoBytes: Uint8Array | undefined;
    if (returned) {
      retLo = views!.ret.lo[2 * c.i]!;
      retHi = views!.ret.hi[2 * c.i + 1]!;
      retAnn = 2 + 1 + varintWordsSize(retLo, retHi >>> 0);
      te += 2 + retAnn;
      if (c.failed) {
        errnoBytes = errnoField(c.errno);
        te += errnoBytes.length;
      }
    }
    if (extra) te += extra.length;
    if (flow) te += TERMINATING_FLOW_TAG_SIZE + 8;
    const lo = w.lo[k]!;
    const hi = w.hi[k + 1]! >>> 0;
    const body = 1 + varintWordsSize(lo, hi) + SEQUENCE_FIELDS.length + 1 + varintSize(te) + te;
    room(body + 11);
    const b = buf;
    let p = pos;
    b[p++] = TAG.packet;
    p = putVarint(b, p, body);
    b[p++] = TAG.ts;
    p = putVarintWords(b, p, lo, hi);
    b.set(SEQUENCE_FIELDS, p);
    p += SEQUENCE_FIELDS.length;
    b[p++] = TAG.trackEvent;
    p = putVarint(b, p, te);
    b[p++] = TAG.type;
    b[p++] = type;
    b[p++] = TAG.trackUuid;
    p = putVarint(b, p, uuid);
    b[p++] = TAG.nameIid;
    p = putVarint(b, p, iid);
    b[p++] = TAG.annotation;
    p = putVarint(b, p, callAnn);
    b[p++] = TAG.annotationName;
    b[p++] = ARG.call;
    b[p++] = TAG.stringValue;
    p = putVarint(b, p, lineLen);
    p += writeLatin1(b, line, p);
    if (returned) {
      b[p++] = TAG.annotation;
      b[p++] = retAnn;
      b[p++] = TAG.annotationName;
      b[p++] = ARG.ret;
      b[p++] = TAG.intValue;
      p = putVarintWords(b, p, retLo, retHi);
      if (errnoBytes) {
        b.set(errnoBytes, p);
        p += errnoBytes.length;
      }
    }
    if (extra) {
      b.set(extra, p);
      p += extra.length;
    }
    if (flow) {
      p = putVarint(b, p, TAG.terminatingFlow);
      p = putFixed64(b, p, flow);
    }
    pos = p;
  };

  /** A slice's END at the time whose 64-bit value is lo + hi·2^32. */
  const sliceEnd = (uuid: number, lo: number, hi: number) => {
    const te = 2 + 1 + varintSize(uuid);
    const body = 1 + varintWordsSize(lo, hi) + SEQUENCE_FIELDS.length + 2 + te;
    room(body + 2);
    const b = buf;
    let p = pos;
    b[p++] = TAG.packet;
    b[p++] = body;
    b[p++] = TAG.ts;
    p = putVarintWords(b, p, lo, hi);
    b.set(SEQUENCE_FIELDS, p);
    p += SEQUENCE_FIELDS.length;
    b[p++] = TAG.trackEvent;
    b[p++] = te;
    b[p++] = TAG.type;
    b[p++] = EVENT_TYPE.SLICE_END;
    b[p++] = TAG.trackUuid;
    pos = putVarint(b, p, uuid);
  };
  const endAt = (uuid: number, ts: bigint) => {
    const u = BigInt.asUintN(64, ts);
    sliceEnd(uuid, Number(u & 0xffffffffn), Number(u >> 32n));
  };
  /** ends the slice of an unfinished call of t, if one is open */
  const closeOpen = (t: ThreadTrack, ts: bigint) => {
    if (!t.open) return;
    t.open = false;
    endAt(threadUuid(t.tid), ts > t.openTs ? ts : t.openTs);
  };

  const rows = (b: SyscallBatch) => {
    if (views?.b !== b) views = { b, enter: words(b.tsEnter), exit: words(b.tsExit), ret: words(b.ret) };
    const { enter, exit } = views;
    const { status, tid: tids, pid: pids, nr, comm } = b;
    let maxLo = 0;
    let maxHi = 0;
    for (let i = 0; i < b.length; i++) {
      const st = status[i]!;
      if (st === SyscallStatus.ENTERED) continue;
      const tid = tids[i]!;
      const ci = comm[i]!;
      const noEntry = st === SyscallStatus.NO_ENTRY;
      const tsW = noEntry ? exit : enter;
      let t = threads.get(tid);
      if (t === undefined || t.pid !== pids[i] || t.commIdx !== ci) {
        t = threadTrack(tid, pids[i]!, ci >= 0 ? b.comms[ci]! : '', ci, noEntry ? b.tsExit[i]! : b.tsEnter[i]!);
      }
      if (t.open) closeOpen(t, noEntry ? b.tsExit[i]! : b.tsEnter[i]!);
      // a call after the exit: the tid is another thread's now
      if (t.exited && !noEntry && b.tsEnter[i]! > t.exitTs) t.exited = false;
      const name = syscallName(nr[i]!);
      const iid = nr[i]! >= 0 ? (callIids[nr[i]!] ?? callIid(nr[i]!)) : callIid(nr[i]!);
      const line = renderer.text(b, i, name);
      const flow = flowInto(tid);
      const uuid = threadUuid(tid);
      if (st === SyscallStatus.COMPLETE) {
        callEvent(EVENT_TYPE.SLICE_BEGIN, enter, 2 * i, uuid, iid, line, true, undefined, flow);
        const lo = exit.lo[2 * i]!;
        const hi = exit.hi[2 * i + 1]! >>> 0;
        sliceEnd(uuid, lo, hi);
        if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
          maxHi = hi;
          maxLo = lo;
        }
      } else if (noEntry) {
        callEvent(EVENT_TYPE.INSTANT, tsW, 2 * i, uuid, iid, line, true, NO_ENTRY_ARG, flow);
      } else {
        // it never returned: the slice stays open until its thread exits or does something
        // else, or the recording ends
        callEvent(EVENT_TYPE.SLICE_BEGIN, enter, 2 * i, uuid, iid, line, false, UNFINISHED_ARG, flow);
        t.open = true;
        t.openTs = b.tsEnter[i]!;
        if (t.exited) closeOpen(t, t.exitTs);
      }
    }
    const batchEnd = BigInt(maxHi) * BigInt(TWO32) + BigInt(maxLo);
    if (batchEnd > endTs) endTs = batchEnd;
  };

  // ---- instants of events ----
  const annotation = (name: ArgName, v: ArgValue): ProtoMessage => {
    const a = new ProtoMessage().varint(DEBUG_ANNOTATION.nameIid, ARG[name]);
    if (typeof v === 'string') return a.string(DEBUG_ANNOTATION.stringValue, v);
    if (typeof v === 'boolean') return a.bool(DEBUG_ANNOTATION.boolValue, v);
    return a.varint(DEBUG_ANNOTATION.intValue, typeof v === 'bigint' ? v : BigInt(v));
  };
  /** An instant at ts on a track, named `name`, with arguments and flows. */
  const instant = (ts: bigint, uuid: number, name: string, args: readonly (readonly [ArgName, ArgValue | undefined])[], flowOut = 0, flowIn = 0) => {
    const iid = nameIid(name);
    const te = new ProtoMessage().varint(TRACK_EVENT.type, EVENT_TYPE.INSTANT).varint(TRACK_EVENT.trackUuid, uuid).varint(TRACK_EVENT.nameIid, iid);
    for (const [k, v] of args) if (v !== undefined) te.message(TRACK_EVENT.debugAnnotations, annotation(k, v));
    if (flowOut) te.fixed64(TRACK_EVENT.flowIds, flowOut);
    if (flowIn) te.fixed64(TRACK_EVENT.terminatingFlowIds, flowIn);
    packet(seqPacket(ts).message(TRACE_PACKET.trackEvent, te));
    if (ts > endTs) endTs = ts;
  };
  let recorderTrack = false;
  const onRecorderTrack = (ts: bigint) => {
    if (recorderTrack) return;
    recorderTrack = true;
    packet(seqPacket(ts).message(TRACE_PACKET.trackDescriptor, new ProtoMessage().varint(TRACK_DESCRIPTOR.uuid, RECORDER_TRACK).string(TRACK_DESCRIPTOR.name, RECORDER_TRACK_NAME)));
  };

  const event = (e: TraceEvent) => {
    renderer.event(e);
    switch (e.type) {
      case 'fork': {
        const parent = eventTrack(e.tid, e.pid, undefined, e.ts);
        const childPid = e.thread ? e.pid : e.childPid;
        // the child's track appears at its birth, named as its parent (what it inherits)
        eventTrack(e.childTid, childPid, e.comm, e.ts);
        const flow = nextFlow++;
        pendingFlows.set(e.childTid, flow);
        if (pendingFlows.size > PENDING_FLOWS) pendingFlows.delete(pendingFlows.keys().next().value!);
        instant(e.ts, threadUuid(parent.tid), e.thread ? EVENT_NAMES.thread : EVENT_NAMES.fork,
          [['child_pid', childPid], ['child_tid', e.childTid], ['thread', e.thread]], flow, flowInto(e.tid));
        return;
      }
      case 'exec': {
        const t = eventTrack(e.tid, e.pid, e.comm, e.ts);
        closeOpen(t, e.ts);
        instant(e.ts, threadUuid(t.tid), EVENT_NAMES.exec,
          [['filename', e.filename], ['comm', e.comm], ['old_tid', e.oldTid !== e.tid ? e.oldTid : undefined]], 0, flowInto(e.tid));
        return;
      }
      case 'proc_exit': {
        const t = eventTrack(e.tid, e.pid, undefined, e.ts);
        closeOpen(t, e.ts);
        const sig = e.exitCode & 0x7f;
        instant(e.ts, threadUuid(t.tid), EVENT_NAMES.exit, [
          ['exit_status', sig === 0 ? (e.exitCode >> 8) & 0xff : undefined],
          ['killed_by', sig !== 0 ? signame(sig) : undefined],
          ['core_dumped', e.exitCode & 0x80 ? true : undefined],
          ['group_dead', e.groupDead],
        ], 0, flowInto(e.tid));
        t.exited = true;
        t.exitTs = e.ts;
        forgetExited(e.tid);
        return;
      }
      case 'proc_info':
        eventTrack(e.tid, e.pid, e.comm, e.ts);
        return;
      case 'signal': {
        const t = eventTrack(e.tid, e.pid, e.comm, e.ts);
        instant(e.ts, threadUuid(t.tid), signame(e.signo), [
          ['signal', signalLine(e.signo, e.errno, e.code, e.fields)],
          ['ignored', e.ignored ? true : undefined],
        ], 0, flowInto(e.tid));
        return;
      }
      case 'lost':
        onRecorderTrack(e.ts);
        instant(e.ts, RECORDER_TRACK, EVENT_NAMES.lost, [['cpu', e.cpu], ['count', e.count], ['first_ts', e.firstTs], ['last_ts', e.lastTs]]);
        return;
      case 'trailer':
        onRecorderTrack(e.ts);
        instant(e.ts, RECORDER_TRACK, EVENT_NAMES.end, [
          ['events', e.events], ['written', e.written], ['lost', e.lost],
          ['interrupted', e.interrupted], ['write_error', e.writeError ? true : undefined],
        ]);
        return;
      case 'fd_info':
        return;
    }
  };

  // ---- the first packets: clocks, then the sequence's start (defaults, argument names) ----
  const clock = (id: number, ns: string) => new ProtoMessage().varint(CLOCK.clockId, id).varint(CLOCK.timestamp, BigInt(ns));
  const snapshot = new ProtoMessage();
  // (a recording without the clock pair still says its clock is the trace's)
  const clocks = header.meta.clock as TraceHeader['meta']['clock'] | undefined;
  if (clocks?.monotonicNs && clocks.realtimeNs) {
    snapshot.message(CLOCK_SNAPSHOT.clocks, clock(BUILTIN_CLOCK.MONOTONIC, clocks.monotonicNs));
    snapshot.message(CLOCK_SNAPSHOT.clocks, clock(BUILTIN_CLOCK.REALTIME, clocks.realtimeNs));
  }
  packet(new ProtoMessage().message(TRACE_PACKET.clockSnapshot, snapshot.varint(CLOCK_SNAPSHOT.primaryTraceClock, BUILTIN_CLOCK.MONOTONIC)));
  const argNames = new ProtoMessage();
  ARG_NAMES.forEach((n, k) => argNames.message(INTERNED_DATA.debugAnnotationNames, new ProtoMessage().varint(INTERNED_STRING.iid, k + 1).string(INTERNED_STRING.name, n)));
  packet(new ProtoMessage()
    .varint(TRACE_PACKET.trustedPacketSequenceId, SEQUENCE_ID)
    .varint(TRACE_PACKET.sequenceFlags, SEQ.INCREMENTAL_STATE_CLEARED)
    .bool(TRACE_PACKET.firstPacketOnSequence, true)
    .message(TRACE_PACKET.tracePacketDefaults, new ProtoMessage().varint(TRACE_PACKET_DEFAULTS.timestampClockId, BUILTIN_CLOCK.MONOTONIC))
    .message(TRACE_PACKET.internedData, argNames));

  let closed = false;
  return {
    write(item: TraceItem) {
      if (item.type === 'syscalls') rows(item.batch);
      else event(item);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        // calls still running when the recording ended end with it
        for (const t of threads.values()) closeOpen(t, endTs);
        flush();
      } catch (e) {
        file.abort();
        throw e;
      }
      file.done();
    },
  };
}
