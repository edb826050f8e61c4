// The four string-capture modes of vltrace(1) -s differ in how the recorder splits strings into
// packets; the reader reassembles each shape into the same syscall (FORMAT.md, "String chunks").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketWriter, type ChunkSpec } from '../src/encode.js';
import { CHUNK_FLAGS } from '../src/layout.js';
import { enc, image, syscallsOf } from './helpers.js';

const { MORE, CONT, TRUNCATED } = { MORE: CHUNK_FLAGS.MORE.bit, CONT: CHUNK_FLAGS.CONT.bit, TRUNCATED: CHUNK_FLAGS.TRUNCATED.bit };
const P = 7;
const s = (tag: string, digits: number) => `START ${tag} ${'1234567890'.repeat(digits / 10)} ${tag} END`;
/** mount(dev, dir, type, flags, data): three strings at 0, 1, 2 */
const MOUNT = 165;
const ARGS = [0x1000n, 0x2000n, 0x3000n, 0x101n, 0x102n];

/** Splits a string into 383-byte chunks of one argument (const/full modes). */
function chunks(arg: number, str: string, n?: number): ChunkSpec[] {
  const b = enc(str);
  const out: ChunkSpec[] = [];
  const count = n ?? Math.floor(b.length / 383) + 1;
  for (let k = 0; k < count; k++) {
    const part = b.subarray(k * 383, (k + 1) * 383);
    out.push({ arg, bytes: part, flags: (k > 0 ? CONT : 0) | (k < count - 1 ? MORE : 0) });
  }
  return out;
}

/** Writes an entry whose chunks are spread one per packet after the first `inFirst`. */
function write(w: PacketWriter, ts: bigint, all: ChunkSpec[], inFirst: number): void {
  const first = all.slice(0, inFirst);
  const rest = all.slice(inFirst);
  w.entry({ pid: P, tid: P, ts, nr: MOUNT, args: ARGS, chunks: first, more: rest.length > 0 });
  rest.forEach((c, i) => w.cont({ pid: P, tid: P, ts, nr: MOUNT, chunks: [c], more: i < rest.length - 1 }));
  w.exit({ pid: P, tid: P, ts: ts + 1n, nr: MOUNT, ret: -2n });
}

test('fast, packet, const and full shapes reassemble to the same strings', async () => {
  const [a, b, c] = [s('111', 10), s('222', 10), s('333', 10)]; // 28 bytes each
  const [la, lb, lc] = [s('111', 1260), s('222', 1260), s('333', 1260)]; // 1278 bytes each
  const w = new PacketWriter();
  // fast: one packet, three slots (126 max each)
  write(w, 10n, [{ arg: 0, bytes: enc(a) }, { arg: 1, bytes: enc(b) }, { arg: 2, bytes: enc(c) }], 3);
  // fast with a string over the 3-slot limit of 126: cut and flagged
  write(w, 20n, [{ arg: 0, bytes: enc(la.slice(0, 126)), flags: TRUNCATED }, { arg: 1, bytes: enc(b) }, { arg: 2, bytes: enc(c) }], 3);
  // packet: one packet per string argument
  write(w, 30n, [{ arg: 0, bytes: enc(a) }, { arg: 1, bytes: enc(b) }, { arg: 2, bytes: enc(c) }], 1);
  // const, N = 4 (-s 1531): always 4 chunks per string, empty once the string has ended
  write(w, 40n, [...chunks(0, a, 4), ...chunks(1, b, 4), ...chunks(2, c, 4)], 1);
  // full, N = 4: as many 383-byte chunks as each string needs
  write(w, 50n, [...chunks(0, la), ...chunks(1, lb), ...chunks(2, lc)], 1);
  // full with a limit reached: the last chunk says truncated
  const cut = chunks(0, la.slice(0, 765), 2);
  cut[1] = { ...cut[1]!, flags: CONT | TRUNCATED };
  write(w, 60n, [...cut, { arg: 1, bytes: enc(b) }, { arg: 2, bytes: enc(c) }], 1);
  const { calls, trace } = await syscallsOf(image(w));
  assert.equal(calls.length, 6);
  const strs = calls.map((x) => x.strings.slice(0, 3));
  assert.deepEqual(strs[0], [a, b, c]);
  assert.deepEqual(strs[1], [la.slice(0, 126), b, c]);
  assert.deepEqual(calls[1]!.truncated.slice(0, 3), [true, false, false]);
  assert.deepEqual(strs[2], [a, b, c]);
  assert.deepEqual(strs[3], [a, b, c]);
  assert.deepEqual(strs[4], [la, lb, lc]);
  assert.deepEqual(strs[5], [la.slice(0, 765), b, c]);
  assert.deepEqual(calls[5]!.truncated.slice(0, 3), [true, false, false]);
  assert.deepEqual(calls[4]!.truncated.slice(0, 3), [false, false, false]);
  assert.equal(trace.stats.truncatedStrings, 2);
  assert.ok(calls.every((x) => x.name === 'mount' && x.errnoName === 'ENOENT' && x.args.length === 5));
});

test('continuation chunks of two threads interleaved on the ring still reassemble', async () => {
  const w = new PacketWriter();
  const x = 'x'.repeat(900);
  const y = 'y'.repeat(900);
  const cx = chunks(0, x);
  const cy = chunks(0, y);
  w.entry({ pid: 1, tid: 1, ts: 10n, nr: 2, args: [0n, 0n, 0n], chunks: [cx[0]!], more: true });
  w.entry({ pid: 2, tid: 2, ts: 11n, nr: 2, args: [0n, 0n, 0n], chunks: [cy[0]!], more: true });
  w.cont({ pid: 1, tid: 1, ts: 10n, nr: 2, chunks: [cx[1]!], more: true });
  w.cont({ pid: 2, tid: 2, ts: 11n, nr: 2, chunks: [cy[1]!], more: true });
  w.cont({ pid: 2, tid: 2, ts: 11n, nr: 2, chunks: [cy[2]!] });
  w.cont({ pid: 1, tid: 1, ts: 10n, nr: 2, chunks: [cx[2]!] });
  w.exit({ pid: 1, tid: 1, ts: 20n, nr: 2, ret: 3n });
  w.exit({ pid: 2, tid: 2, ts: 21n, nr: 2, ret: 4n });
  // a continuation whose entry was lost is counted, not silently merged
  w.cont({ pid: 3, tid: 3, ts: 30n, nr: 2, chunks: [{ arg: 0, bytes: enc('zz'), flags: CONT }] });
  const { calls, trace } = await syscallsOf(image(w));
  assert.deepEqual(calls.map((c) => c.strings[0]), [x, y]);
  assert.equal(trace.stats.orphanContinuations, 1);
});
