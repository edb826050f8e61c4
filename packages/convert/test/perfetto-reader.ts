// Reads a `--to perfetto` file back as Perfetto's trace processor imports it: decoded by
// protobufjs against Perfetto's published field numbers (fixtures/perfetto-trace.proto), then
// the sequence's rules checked (incremental state cleared first, interned names and track
// descriptors before their use, the trace clock), the events sorted by time and paired into
// slices per track (BEGIN…END nest, INSTANT is a slice of no duration), flows joined.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO = join(fileURLToPath(new URL('../../', import.meta.url)), 'test/fixtures/perfetto-trace.proto'); // from dist/test/
const root = protobuf.loadSync(PROTO);
const TraceMsg = root.lookupType('perfetto.protos.Trace');

const SEQ_INCREMENTAL_STATE_CLEARED = 1;
const SEQ_NEEDS_INCREMENTAL_STATE = 2;
const MONOTONIC = 3;
const REALTIME = 1;
const TYPE = { BEGIN: 1, END: 2, INSTANT: 3 } as const;

export type ArgValue = string | bigint | boolean;

/** A slice as the trace processor's `slice` table has it (an instant: dur 0). */
export interface Slice {
  readonly track: bigint;
  readonly name: string;
  readonly ts: bigint;
  dur: bigint;
  readonly instant: boolean;
  readonly args: Record<string, ArgValue>;
  /** slices it is nested in on its track */
  readonly depth: number;
  readonly flowIds: readonly bigint[];
  readonly terminatingFlowIds: readonly bigint[];
}

export interface Track {
  readonly uuid: bigint;
  parent?: bigint;
  name?: string;
  process?: { pid: number; name?: string };
  thread?: { pid: number; tid: number; name?: string };
}

export interface PerfettoTrace {
  readonly packets: number;
  /** by uuid; a later descriptor of the same uuid updates it (names after exec) */
  readonly tracks: Map<bigint, Track>;
  /** process and thread tracks by pid and tid */
  readonly processes: Map<number, Track>;
  readonly threads: Map<number, Track>;
  /** every slice and instant, by time */
  readonly slices: Slice[];
  /** flows: the event with a flow id, and the one that terminates it */
  readonly flows: { from: Slice; to: Slice }[];
  readonly clocks: { primary: number; monotonic: bigint; realtime: bigint };
}

interface RawAnnotation { nameIid?: string; name?: string; boolValue?: boolean; uintValue?: string; intValue?: string; stringValue?: string }
interface RawEvent { nameIid?: string; name?: string; type?: number; trackUuid?: string; debugAnnotations?: RawAnnotation[]; flowIds?: string[]; terminatingFlowIds?: string[] }
interface RawDescriptor {
  uuid?: string; parentUuid?: string; name?: string;
  process?: { pid?: number; processName?: string }; thread?: { pid?: number; tid?: number; threadName?: string };
}
interface RawPacket {
  timestamp?: string; timestampClockId?: number; trustedPacketSequenceId?: number; sequenceFlags?: number; firstPacketOnSequence?: boolean;
  trackEvent?: RawEvent; trackDescriptor?: RawDescriptor;
  clockSnapshot?: { clocks?: { clockId?: number; timestamp?: string }[]; primaryTraceClock?: number };
  internedData?: { eventNames?: { iid: string; name: string }[]; debugAnnotationNames?: { iid: string; name: string }[] };
  tracePacketDefaults?: { timestampClockId?: number };
}

interface Pending { ts: bigint; order: number; track: bigint; type: number; name: string; args: Record<string, ArgValue>; flowIds: bigint[]; terminatingFlowIds: bigint[] }

/** Decodes and imports a trace file; throws (assert) where it breaks a rule of the format. */
export function readPerfetto(file: string): PerfettoTrace {
  const msg = TraceMsg.decode(readFileSync(file));
  const { packet: packets = [] } = TraceMsg.toObject(msg, { longs: String, enums: Number }) as { packet?: RawPacket[] };
  const eventNames = new Map<string, string>();
  const argNames = new Map<string, string>();
  const tracks = new Map<bigint, Track>();
  const processes = new Map<number, Track>();
  const threads = new Map<number, Track>();
  const clocks = { primary: 0, monotonic: 0n, realtime: 0n };
  const pending: Pending[] = [];
  let cleared = false;
  let defaultClock: number | undefined;
  const intern = (into: Map<string, string>, what: string, entries: { iid: string; name: string }[] = []) => {
    for (const { iid, name } of entries) {
      const had = into.get(iid);
      assert.ok(had === undefined || had === name, `${what} iid ${iid} redefined: ${had} then ${name}`);
      into.set(iid, name);
    }
  };
  packets.forEach((p, k) => {
    if (p.clockSnapshot) {
      for (const c of p.clockSnapshot.clocks ?? []) {
        if (c.clockId === MONOTONIC) clocks.monotonic = BigInt(c.timestamp!);
        if (c.clockId === REALTIME) clocks.realtime = BigInt(c.timestamp!);
      }
      clocks.primary = p.clockSnapshot.primaryTraceClock ?? 0;
      return;
    }
    assert.equal(p.trustedPacketSequenceId, 1, `packet ${k}: on the sequence`);
    const flags = p.sequenceFlags ?? 0;
    if (flags & SEQ_INCREMENTAL_STATE_CLEARED) {
      cleared = true;
      defaultClock = p.tracePacketDefaults?.timestampClockId;
    } else {
      assert.ok(cleared, `packet ${k}: incremental state used before it was cleared`);
      assert.ok(flags & SEQ_NEEDS_INCREMENTAL_STATE, `packet ${k}: SEQ_NEEDS_INCREMENTAL_STATE missing`);
    }
    intern(eventNames, 'event name', p.internedData?.eventNames);
    intern(argNames, 'annotation name', p.internedData?.debugAnnotationNames);
    if (p.trackDescriptor) {
      const d = p.trackDescriptor;
      const uuid = BigInt(d.uuid!);
      const t: Track = tracks.get(uuid) ?? { uuid };
      if (d.parentUuid !== undefined) t.parent = BigInt(d.parentUuid);
      if (d.name !== undefined) t.name = d.name;
      if (d.process) {
        t.process = { pid: d.process.pid!, ...(d.process.processName !== undefined ? { name: d.process.processName } : {}) };
        processes.set(d.process.pid!, t);
      }
      if (d.thread) {
        t.thread = { pid: d.thread.pid!, tid: d.thread.tid!, ...(d.thread.threadName !== undefined ? { name: d.thread.threadName } : {}) };
        threads.set(d.thread.tid!, t);
        if (t.parent !== undefined) assert.ok(tracks.get(t.parent)?.process?.pid === d.thread.pid, `thread ${d.thread.tid}: its parent track is its process's`);
      }
      tracks.set(uuid, t);
    }
    const e = p.trackEvent;
    if (!e) return;
    assert.ok(p.timestamp !== undefined, `packet ${k}: an event without a timestamp`);
    assert.equal(p.timestampClockId ?? defaultClock, MONOTONIC, `packet ${k}: timestamps are CLOCK_MONOTONIC`);
    const track = BigInt(e.trackUuid ?? '0');
    assert.ok(tracks.has(track), `packet ${k}: event on track ${track} before its descriptor`);
    let name = e.name ?? '';
    if (e.nameIid !== undefined) {
      assert.ok(eventNames.has(e.nameIid), `packet ${k}: event name iid ${e.nameIid} not interned yet`);
      name = eventNames.get(e.nameIid)!;
    }
    const args: Record<string, ArgValue> = {};
    for (const a of e.debugAnnotations ?? []) {
      let key = a.name;
      if (a.nameIid !== undefined) {
        assert.ok(argNames.has(a.nameIid), `packet ${k}: annotation name iid ${a.nameIid} not interned yet`);
        key = argNames.get(a.nameIid);
      }
      const v = a.stringValue ?? (a.intValue !== undefined ? BigInt(a.intValue) : a.uintValue !== undefined ? BigInt(a.uintValue) : a.boolValue);
      assert.ok(key !== undefined && v !== undefined, `packet ${k}: an annotation without name or value`);
      args[key] = v;
    }
    pending.push({
      ts: BigInt(p.timestamp), order: k, track, type: e.type ?? 0, name, args,
      flowIds: (e.flowIds ?? []).map(BigInt), terminatingFlowIds: (e.terminatingFlowIds ?? []).map(BigInt),
    });
  });
  // the trace processor sorts the events by time (ties in file order), then pairs them per track
  pending.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.order - b.order));
  const stacks = new Map<bigint, Slice[]>();
  const slices: Slice[] = [];
  const flowStart = new Map<bigint, Slice>();
  const flows: { from: Slice; to: Slice }[] = [];
  for (const ev of pending) {
    const stack = stacks.get(ev.track) ?? [];
    stacks.set(ev.track, stack);
    if (ev.type === TYPE.END) {
      const open = stack.pop();
      assert.ok(open, `an END at ${ev.ts} on track ${ev.track} without a BEGIN`);
      open.dur = ev.ts - open.ts;
      continue;
    }
    assert.ok(ev.type === TYPE.BEGIN || ev.type === TYPE.INSTANT, `event type ${ev.type}`);
    const s: Slice = {
      track: ev.track, name: ev.name, ts: ev.ts, dur: ev.type === TYPE.INSTANT ? 0n : -1n, instant: ev.type === TYPE.INSTANT,
      args: ev.args, depth: stack.length, flowIds: ev.flowIds, terminatingFlowIds: ev.terminatingFlowIds,
    };
    slices.push(s);
    if (ev.type === TYPE.BEGIN) stack.push(s);
    for (const f of s.flowIds) flowStart.set(f, s);
    for (const f of s.terminatingFlowIds) {
      const from = flowStart.get(f);
      assert.ok(from, `flow ${f} ends at ${s.name} (${s.ts}) before it starts`);
      flows.push({ from, to: s });
      flowStart.delete(f);
    }
  }
  for (const [t, stack] of stacks) assert.equal(stack.length, 0, `track ${t}: slices never ended: ${stack.map((s) => s.name).join(', ')}`);
  return { packets: packets.length, tracks, processes, threads, slices, flows, clocks };
}
