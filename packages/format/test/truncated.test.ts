// Recordings cut at any byte (a recorder killed, a disk full, a copy interrupted): the reader
// delivers everything up to the last whole packet, then warns with the cut packet's offset; a
// cut inside the header is a FormatError that says so. Every cut position of the last 4 KiB of
// a real recording (samples/ls.bin) is read through a file, as vltrace-convert reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, type Hash } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTrace, type OpenTraceOptions, type Trace } from '../src/reader.js';
import { FormatError, type FormatWarning } from '../src/errors.js';
import { PT } from '../src/layout.js';
import { batchSyscalls } from '../src/syscall.js';
import type { TraceStats } from '../src/events.js';
import type { SyscallBatch } from '../src/batch.js';
import { tmpFile } from './helpers.js';
import { LegacyWriter, NR } from './legacy-synth.js';
import { packetsOf, synthesizeTrace, type Packet } from '@vltrace/testkit';

const SAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../../samples');
/** how much of the end of a recording is cut at every byte */
const TAIL = 4096;
/** small reads and batches: the cost of opening a trace is then ~1 ms, not the 8 MiB of default buffers */
const OPTS: OpenTraceOptions = { readSize: 65536, batchRows: 1024 };

/** The last element of `a` for which `f` holds, and its index. */
function findLast<T>(a: readonly T[], f: (x: T) => boolean): [T, number] {
  for (let i = a.length - 1; i >= 0; i--) if (f(a[i]!)) return [a[i]!, i];
  throw new Error('none');
}

/**
 * What a read delivers: a hash of every column of every batch and of every event (cheap enough
 * for thousands of reads), the counters and the warnings; `rows` (each syscall as JSON) on demand.
 */
interface Read {
  digest: string;
  stats: Omit<TraceStats, 'bytes'>;
  warnings: FormatWarning[];
  rows: string[];
  status: string[];
  /** per row, what its entry says (its exit for a no-entry row) */
  entryKey: string[];
  events: string[];
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));

function hashBatch(h: Hash, b: SyscallBatch): void {
  const n = b.length;
  const cols: ArrayBufferView[] = [b.pid, b.tid, b.nr, b.tsEnter, b.tsExit, b.nargs, b.ret, b.status, b.comm, ...b.args].map((c) => c.subarray(0, n));
  for (const s of b.strings) cols.push(s.flags.subarray(0, n), s.offsets.subarray(0, n + 1), s.data.subarray(s.offsets[0]!, s.offsets[n]!));
  for (const c of cols) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  h.update(b.comms.join('\0'));
}

async function readTrace(t: Trace, rows = false): Promise<Read> {
  const r: Read = { digest: '', stats: undefined!, warnings: [], rows: [], status: [], entryKey: [], events: [] };
  const h = createHash('sha1');
  for await (const it of t.items()) {
    if (it.type !== 'syscalls') {
      r.events.push(json(it));
      h.update(json(it));
      continue;
    }
    hashBatch(h, it.batch);
    if (!rows) continue;
    for (const s of batchSyscalls(it.batch, t.header)) {
      r.rows.push(json(s));
      r.status.push(s.status);
      const { pid, tid, nr, args, strings, tsEnter, tsExit } = s;
      r.entryKey.push(json(s.status === 'no-entry' ? { pid, tid, nr, tsExit } : { pid, tid, nr, args, strings, tsEnter }));
    }
  }
  r.digest = h.digest('hex');
  const { bytes: _b, ...stats } = t.stats;
  r.stats = stats;
  r.warnings = t.warnings;
  return r;
}

/** The warnings of a cut at `cut` inside the packet at `b` of `size` bytes (or at its start). */
function checkWarnings(r: Read, file: string, cut: number, b: number, size: number): void {
  const at = `cut at ${cut}`;
  if (cut === b) {
    assert.deepEqual(r.warnings.map((w) => [w.offset, /^no trailer/.test(w.message)]), [[cut, true]], at);
    return;
  }
  const inside = cut - b;
  assert.equal(r.warnings.length, 2, `${at}: ${json(r.warnings)}`);
  assert.deepEqual([r.warnings[0]!.file, r.warnings[0]!.offset], [file, b], at);
  assert.match(r.warnings[0]!.message, new RegExp(`^truncated packet at end of file \\(${inside < 8
    ? `${inside} bytes, too few to hold its size` : `${inside} of its ${size} bytes`}\\): the recording was cut short`), at);
  assert.equal(r.warnings[1]!.offset, cut, at);
  assert.match(r.warnings[1]!.message, /^no trailer/, at);
}

test('every cut of the last 4 KiB of a real recording: the whole packets before the cut, then a warning with its offset', { timeout: 120_000 }, async () => {
  const full = readFileSync(join(SAMPLES, 'ls.bin'));
  const packets = packetsOf(full);
  assert.equal(packets.at(-1)!.offset + packets.at(-1)!.size, full.length, 'the sample ends with a whole packet');
  const whole = await readTrace(await openTrace(join(SAMPLES, 'ls.bin'), OPTS), true);
  assert.deepEqual(whole.warnings, []);
  // where each syscall of the whole file starts: its entry packet (its exit for a no-entry row),
  // found by its time (Syscall times are the packets' own clock)
  const firstPacket = new Map<string, number>();
  for (const p of packets) if (p.type === PT.ENTRY || p.type === PT.EXIT) firstPacket.set(`${p.type}:${p.ts}`, p.offset);
  const rowStart = whole.rows.map((row) => {
    const s = JSON.parse(row) as { tsEnter?: string; tsExit?: string; status: string };
    const at = s.status === 'no-entry' ? firstPacket.get(`${PT.EXIT}:${s.tsExit}`) : firstPacket.get(`${PT.ENTRY}:${s.tsEnter}`);
    assert.ok(at !== undefined, `row ${row} has its packet`);
    return at;
  });
  // one file, cut shorter and shorter (truncating is cheap; writing thousands of copies is not)
  const file = tmpFile('cut.bin', full);
  const read = async (cut: number, rows = false) => {
    truncateSync(file, cut);
    return readTrace(await openTrace(file, OPTS), rows);
  };
  const lo = full.length - TAIL;
  // first the packet boundaries: the rows of the packets before b are those of the whole file
  // that start before b, in the same order; a syscall whose exit is cut off is unfinished, its
  // entry unchanged
  const atBoundary = new Map<number, Read>();
  for (const p of [...packets].reverse().filter((q) => q.offset + q.size >= lo)) {
    const b = p.offset;
    const r = await read(b, true);
    const want = rowStart.filter((at) => at < b).length;
    assert.equal(r.rows.length, want, `rows before offset ${b}`);
    for (let i = 0; i < want; i++) {
      assert.equal(r.entryKey[i], whole.entryKey[i], `row ${i} before offset ${b}`);
      if (r.status[i] === whole.status[i]) assert.equal(r.rows[i], whole.rows[i], `row ${i} before offset ${b}`);
      else assert.deepEqual([r.status[i], whole.status[i]], ['unfinished', 'complete'], `row ${i} before offset ${b}`);
    }
    assert.deepEqual(r.events, whole.events.slice(0, r.events.length), 'events: a prefix of the whole file\'s');
    checkWarnings(r, file, b, b, p.size);
    atBoundary.set(b, r);
  }
  // then every cut: what the last boundary before it gave, and the warning
  writeFileSync(file, full);
  for (let cut = full.length - 1; cut >= lo; cut--) {
    const [p] = findLast(packets, (q) => q.offset <= cut);
    const ref = atBoundary.get(p.offset)!;
    const r = await read(cut);
    assert.deepEqual([r.digest, r.stats], [ref.digest, ref.stats], `cut at ${cut}`);
    checkWarnings(r, file, cut, p.offset, p.size);
  }
  assert.ok(atBoundary.size > 50, `${atBoundary.size} packets in the tail`);
});

test('cuts after several reads: the carried partial packet and the short last read', async () => {
  // a file several 64 KiB reads long: the cut packet may straddle the last two reads
  const src = tmpFile('synth-cut-src.bin', new Uint8Array(0));
  await synthesizeTrace(src, { syscalls: 1500, seed: 11 });
  const full = readFileSync(src);
  const packets = packetsOf(full);
  assert.ok(full.length > 2 * 65536 + packets[0]!.offset + 500, `${full.length} bytes`);
  const file = tmpFile('synth-cut.bin', full);
  // every cut around the end of the second read, and in the last packets
  const around = 2 * 65536 + packets[0]!.offset;
  const positions = [...Array.from({ length: 300 }, (_, i) => full.length - 1 - i), ...Array.from({ length: 400 }, (_, i) => around + 200 - i)];
  const refs = new Map<number, Read>();
  for (const p of packets.filter((q) => positions.some((c) => c >= q.offset && c < q.offset + q.size)).reverse()) {
    truncateSync(file, p.offset);
    refs.set(p.offset, await readTrace(await openTrace(file, OPTS)));
  }
  writeFileSync(file, full);
  for (const cut of positions) {
    const [p] = findLast(packets, (q) => q.offset <= cut);
    truncateSync(file, cut);
    const r = await readTrace(await openTrace(file, OPTS));
    assert.deepEqual([r.digest, r.stats], [refs.get(p.offset)!.digest, refs.get(p.offset)!.stats], `cut at ${cut}`);
    checkWarnings(r, file, cut, p.offset, p.size);
  }
});

test('a cut inside the header is a FormatError saying so, at the cut', async () => {
  const full = readFileSync(join(SAMPLES, 'ls.bin'));
  const size = packetsOf(full)[0]!.offset;
  // the prefix byte by byte, then around each section boundary and every 61st byte
  const positions = new Set<number>();
  for (let c = 1; c < 64; c++) positions.add(c);
  for (let c = 64; c < size; c += 61) positions.add(c);
  for (let o = 24; o < size;) {
    for (let d = -2; d <= 9; d++) if (o + d > 0 && o + d < size) positions.add(o + d);
    o += 8 + ((full.readUInt32LE(o + 4) + 7) & ~7);
  }
  positions.add(size - 1);
  // exactly the header: a recording without packets
  const file = tmpFile('header-cut.bin', full.subarray(0, size));
  const r = await readTrace(await openTrace(file));
  assert.deepEqual([r.digest, r.warnings.map((w) => w.message.slice(0, 10))], [createHash('sha1').digest('hex'), ['no trailer']]);
  for (const cut of [...positions].sort((a, b) => b - a)) {
    truncateSync(file, cut);
    await assert.rejects(openTrace(file), (e: unknown) => {
      assert.ok(e instanceof FormatError, `cut at ${cut}: ${String(e)}`);
      assert.equal(e.offset, cut);
      assert.match(e.message, /^.*: offset \d+: expected a \d+-byte (vltrace )?file header, found end of file after \d+ bytes \(the file was cut inside its header\)$/);
      return true;
    });
  }
  truncateSync(file, 0);
  await assert.rejects(openTrace(file), /offset 0: expected a vltrace recording, found an empty file/);
});

test('vltrace 0.1 logs cut anywhere in their last records, or inside the preamble', async () => {
  const w = new LegacyWriter();
  let ts = 1_000_000n;
  for (let i = 0; i < 12; i++) {
    w.call('fast', { pid: 7, tid: 7, nr: NR['open']!, ts: (ts += 100n), args: [0x1000n, 0n, 0n], strings: { 0: { s: `/etc/f${i}` } } });
    w.exit(7, 7, NR['open']!, (ts += 100n), BigInt(i));
  }
  const full = w.bytes();
  const bounds = [...w.offsets, full.length];
  const file = tmpFile('legacy-cut.bin', full);
  const read = async (cut: number) => {
    truncateSync(file, cut);
    return readTrace(await openTrace(file, OPTS));
  };
  const lo = bounds[bounds.length - 6]!;
  const refs = new Map<number, Read>();
  for (const b of bounds.filter((o) => o >= lo).reverse()) refs.set(b, await read(b));
  writeFileSync(file, full);
  for (let cut = full.length; cut >= lo; cut--) {
    const [b] = findLast(bounds, (o) => o <= cut);
    const r = await read(cut);
    assert.deepEqual([r.digest, r.stats], [refs.get(b)!.digest, refs.get(b)!.stats], `cut at ${cut}`);
    assert.deepEqual(r.warnings.map((x) => x.offset), cut === b ? [] : [b], `cut at ${cut}`);
    if (cut !== b) assert.match(r.warnings[0]!.message, /^truncated packet at end of file/);
  }
  for (const cut of [w.preambleSize - 1, 100, 11, 10, 8]) {
    truncateSync(file, cut);
    await assert.rejects(openTrace(file), /the file was cut inside its header/, `cut at ${cut}`);
  }
});
