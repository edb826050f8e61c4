// The packet loop (src/decode.ts) on its own, fed buffers directly: what it consumes, what it
// asks for when a buffer ends inside a packet, and the errors it names by file offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePackets, type DecodeResult } from '../src/decode.js';
import { PacketWriter } from '../src/encode.js';
import { FormatError } from '../src/errors.js';
import { newStats, type TraceItem, type TraceStats } from '../src/events.js';
import { CHUNK_FLAGS, FORMAT_VERSION, MAX_PACKET_SIZE, offsetOf } from '../src/layout.js';
import { Reassembler } from '../src/reassemble.js';
import { batchSyscalls, type Syscall } from '../src/syscall.js';
import type { TraceHeader } from '../src/header.js';
import { META } from './helpers.js';

const FILE = 'mem.bin';
/** where the buffers are said to start in the file (errors add it to their offsets) */
const BASE = 4096;
const HEADER: TraceHeader = { version: FORMAT_VERSION, meta: META, syscalls: [], traceH: '', size: BASE, format: 'v1' };

interface Run {
  reasm: Reassembler;
  stats: TraceStats;
  items: TraceItem[];
  decode(buf: Uint8Array, start: number, end: number, base?: number): DecodeResult;
  /** ends the input; the syscalls and events delivered */
  finish(): { calls: Syscall[]; events: TraceItem[] };
}

function run(minor: number = FORMAT_VERSION.minor): Run {
  const stats = newStats();
  const items: TraceItem[] = [];
  const reasm = new Reassembler({ stats, emit: (i) => items.push(i) });
  return {
    reasm, stats, items,
    decode: (buf, start, end, base = BASE) => decodePackets({ file: FILE, minor, reasm, stats }, buf, start, end, base),
    finish() {
      reasm.finish();
      const calls: Syscall[] = [];
      for (const i of items) if (i.type === 'syscalls') calls.push(...batchSyscalls(i.batch, HEADER));
      return { calls, events: items.filter((i) => i.type !== 'syscalls') };
    },
  };
}

/** A copy at an 8-aligned offset of a fresh buffer (decodePackets reads aligned words). */
const aligned = (b: Uint8Array) => new Uint8Array(b);

const enc = new TextEncoder();
const BIG = -0x7edc_ba98_7654_3211n;

function sample(): Uint8Array {
  const w = new PacketWriter();
  w.entry({ pid: 10, tid: 11, ts: 1000n, nr: 257, args: [-100n, 0x7fff_1234_5678n, 0n, 0o644n], chunks: [{ arg: 1, bytes: enc.encode('/etc/'), flags: CHUNK_FLAGS.MORE.bit }] });
  w.cont({ pid: 10, tid: 11, ts: 1001n, nr: 257, chunks: [{ arg: 1, bytes: enc.encode('passwd'), flags: CHUNK_FLAGS.CONT.bit }] });
  w.entry({ pid: 10, tid: 12, ts: 1002n, nr: 0, args: [3n, BIG, 4096n] });
  w.exit({ pid: 10, tid: 11, ts: 1500n, nr: 257, ret: 3n });
  w.exit({ pid: 10, tid: 12, ts: 1600n, nr: 0, ret: -11n });
  w.procExit({ pid: 10, tid: 12, ts: 1700n, exitCode: 0, groupDead: true, comm: 'app' });
  return w.take();
}

test('whole packets: all consumed, 64-bit arguments and results exact, chunks joined, events in time order', () => {
  const bytes = aligned(sample());
  const r = run();
  assert.deepEqual(r.decode(bytes, 0, bytes.length), { next: bytes.length, need: 0 });
  const { calls, events } = r.finish();
  assert.deepEqual(calls.map((c) => [c.tid, c.nr, c.args, c.ret, c.strings[1] ?? null]), [
    [11, 257, [-100n, 0x7fff_1234_5678n, 0n, 0o644n], 3n, '/etc/passwd'],
    [12, 0, [3n, BIG, 4096n], -11n, null],
  ]);
  assert.deepEqual(events.map((e) => e.type), ['proc_exit']);
  assert.equal(r.stats.packets, 6);
});

test('a buffer ending inside a packet: stops at its start and asks for its size; the rest decodes from there', () => {
  const bytes = aligned(sample());
  const whole = run();
  whole.decode(bytes, 0, bytes.length);
  const want = whole.finish().calls;
  for (let cut = 1; cut < bytes.length; cut++) {
    const r = run();
    const first = r.decode(bytes, 0, cut);
    assert.ok(first.next <= cut && first.next % 8 === 0, `cut ${cut}: next ${first.next}`);
    const left = cut - first.next;
    const size = new DataView(bytes.buffer).getUint32(first.next, true);
    // fewer than 8 bytes of the next packet: its size cannot be read yet
    assert.equal(first.need, left >= 8 ? size : 0, `cut ${cut}`);
    const rest = aligned(bytes.subarray(first.next));
    assert.deepEqual(r.decode(rest, 0, rest.length, BASE + first.next), { next: rest.length, need: 0 });
    assert.deepEqual(r.finish().calls, want, `cut ${cut}`);
  }
});

test('a start that is not 8-aligned is a caller bug, not a format error', () => {
  const bytes = aligned(sample());
  assert.throws(() => run().decode(bytes, 4, bytes.length), (e: Error) => !(e instanceof FormatError) && /not 8-aligned/.test(e.message));
});

test('bad sizes and types: FormatErrors at the file offset of the word that is wrong', () => {
  const bytes = aligned(sample());
  const second = new DataView(bytes.buffer).getUint32(0, true); // the cont packet starts here
  const bad = (mutate: (dv: DataView) => void, offset: number, found: string | undefined) => {
    const b = aligned(bytes);
    mutate(new DataView(b.buffer));
    assert.throws(() => run().decode(b, 0, b.length), (e: unknown) => {
      assert.ok(e instanceof FormatError, String(e));
      assert.equal(e.file, FILE);
      assert.equal(e.offset, offset);
      assert.equal(e.found, found);
      return true;
    });
  };
  bad((dv) => dv.setUint32(second, 0, true), BASE + second, '0');
  bad((dv) => dv.setUint32(second, 12, true), BASE + second, '12');
  bad((dv) => dv.setUint32(second, MAX_PACKET_SIZE + 8, true), BASE + second, String(MAX_PACKET_SIZE + 8));
  bad((dv) => dv.setUint32(second + 4, (dv.getUint32(second + 4, true) & ~0xf) | 15, true), BASE + second + 4, '15');
  // an entry whose string length runs past its packet
  bad((dv) => dv.setUint32(offsetOf('ENTRY', 'str_len'), 4096, true), BASE, undefined);
});

test('an unknown packet type from a newer minor version is skipped and counted', () => {
  const bytes = aligned(sample());
  const second = new DataView(bytes.buffer).getUint32(0, true);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(second + 4, (dv.getUint32(second + 4, true) & ~0xf) | 15, true);
  const r = run(FORMAT_VERSION.minor + 1);
  assert.deepEqual(r.decode(bytes, 0, bytes.length), { next: bytes.length, need: 0 });
  assert.equal(r.stats.unknownPackets, 1);
  // the continuation was the skipped packet: the path keeps its first chunk only
  assert.equal(r.finish().calls[0]!.strings[1], '/etc/');
});

test('a continuation or data packet without its entry is counted as an orphan, not attached elsewhere', () => {
  const w = new PacketWriter();
  w.cont({ pid: 1, tid: 1, ts: 10n, nr: 257, chunks: [{ arg: 1, bytes: enc.encode('x') }] });
  w.entry({ pid: 1, tid: 1, ts: 20n, nr: 0, args: [0n, 0n, 1n] });
  // a continuation of another syscall number than the open entry's
  w.cont({ pid: 1, tid: 1, ts: 21n, nr: 257, chunks: [{ arg: 1, bytes: enc.encode('y') }] });
  w.data({ pid: 1, tid: 2, ts: 22n, nr: 0, chunks: [{ arg: 1, bytes: enc.encode('z') }] });
  w.exit({ pid: 1, tid: 1, ts: 30n, nr: 0, ret: 1n });
  const bytes = aligned(w.take());
  const r = run();
  r.decode(bytes, 0, bytes.length);
  const { calls } = r.finish();
  assert.equal(r.stats.orphanContinuations, 2);
  assert.equal(r.stats.orphanData, 1);
  assert.deepEqual(calls.map((c) => [c.nr, c.strings.some((s) => s !== undefined && s !== '')]), [[0, false]]);
});
