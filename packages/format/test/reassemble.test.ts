// The reassembler (src/reassemble.ts) on its own, fed entries, exits and events directly as the
// packet loop does: pairing per thread, the rows' status, time order, batch sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyscallStatus, type SyscallBatch } from '../src/batch.js';
import { newStats, type TraceItem, type TraceStats } from '../src/events.js';
import { Reassembler, type ReassemblerOptions } from '../src/reassemble.js';

/** The low and high 32-bit words of a 64-bit value, as the packet loop passes them. */
const words = (v: bigint): [number, number] => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];

class Feed {
  readonly stats: TraceStats = newStats();
  readonly items: TraceItem[] = [];
  readonly r: Reassembler;
  constructor(opts: Partial<ReassemblerOptions> = {}) {
    this.r = new Reassembler({ stats: this.stats, emit: (i) => this.items.push(i), ...opts });
  }
  entry(tid: number, nr: number, ts: bigint, args: readonly bigint[] = []): void {
    const a = new BigInt64Array(args);
    this.r.entry(1, tid, nr, ...words(ts), new Int32Array(a.buffer), 0, args.length);
  }
  exit(tid: number, nr: number, ts: bigint, ret: bigint): void {
    this.r.exit(1, tid, nr, ...words(ts), ...words(ret));
  }
  /** finishes; rows as [tid, nr, status, tsEnter, tsExit, ret] in delivery order */
  rows(): (string | number | bigint)[][] {
    this.r.finish();
    const out: (string | number | bigint)[][] = [];
    for (const b of this.batches()) {
      for (let i = 0; i < b.length; i++) out.push([b.tid[i]!, b.nr[i]!, b.status[i]!, b.tsEnter[i]!, b.tsExit[i]!, b.ret[i]!]);
    }
    return out;
  }
  batches(): SyscallBatch[] {
    return this.items.flatMap((i) => (i.type === 'syscalls' ? [i.batch] : []));
  }
}

const { COMPLETE, UNFINISHED, NO_ENTRY } = SyscallStatus;

test('entries and exits pair per thread; rows come in entry-time order whatever order the exits came in', () => {
  const f = new Feed();
  f.entry(11, 0, 100n, [3n, -1n, 4096n]);
  f.entry(12, 1, 110n, [1n]);
  f.exit(12, 1, 120n, 5n);
  f.entry(12, 3, 130n, [5n]);
  f.exit(11, 0, 200n, -11n);
  f.exit(12, 3, 210n, 0n);
  assert.deepEqual(f.rows(), [
    [11, 0, COMPLETE, 100n, 200n, -11n],
    [12, 1, COMPLETE, 110n, 120n, 5n],
    [12, 3, COMPLETE, 130n, 210n, 0n],
  ]);
  assert.deepEqual([f.stats.complete, f.stats.unfinished, f.stats.noEntry], [3, 0, 0]);
});

test('64-bit arguments and results keep every bit', () => {
  const f = new Feed();
  const big = [-(2n ** 63n), 2n ** 63n - 1n, -1n, 2n ** 32n, 2n ** 32n - 1n, 0x1234_5678_9abc_def0n];
  f.entry(7, 9, 2n ** 40n, big);
  f.exit(7, 9, 2n ** 40n + 5n, -(2n ** 63n) + 1n);
  f.r.finish();
  const b = f.batches()[0]!;
  assert.deepEqual(big.map((_, a) => b.args[a]![0]), big);
  assert.equal(b.nargs[0], 6);
  assert.equal(b.ret[0], -(2n ** 63n) + 1n);
  assert.equal(b.tsEnter[0], 2n ** 40n);
});

test('an exit without its entry is NO_ENTRY; an entry never answered is UNFINISHED at the end', () => {
  const f = new Feed();
  f.exit(20, 0, 50n, 1n);
  f.entry(21, 61, 60n, [-1n]);
  f.entry(22, 39, 70n);
  f.exit(22, 39, 71n, 22n);
  const rows = f.rows();
  assert.deepEqual(rows.map((r) => [r[0], r[2]]), [[20, NO_ENTRY], [21, UNFINISHED], [22, COMPLETE]]);
  assert.deepEqual([f.stats.complete, f.stats.unfinished, f.stats.noEntry], [1, 1, 1]);
});

test('a new entry on a thread whose previous call never returned closes that one as UNFINISHED', () => {
  const f = new Feed();
  f.entry(5, 59, 10n, [0n]);
  f.entry(5, 231, 20n, [0n]);
  assert.deepEqual(f.rows().map((r) => [r[1], r[2]]), [[59, UNFINISHED], [231, UNFINISHED]]);
});

test('rt_sigreturn: an exit with nr -1 completes the thread\'s pending call', () => {
  const f = new Feed();
  f.entry(8, 15, 10n);
  f.exit(8, -1, 12n, 0n);
  assert.deepEqual(f.rows(), [[8, 15, COMPLETE, 10n, 12n, 0n]]);
});

test('batches hold at most batchRows rows, in order', () => {
  const f = new Feed({ batchRows: 4 });
  for (let k = 0; k < 10; k++) {
    f.entry(1000 + k, 39, BigInt(100 + 10 * k));
    f.exit(1000 + k, 39, BigInt(105 + 10 * k), BigInt(k));
  }
  const rows = f.rows();
  assert.deepEqual(rows.map((r) => r[5]), [...Array(10).keys()].map(BigInt));
  const sizes = f.batches().map((b) => b.length);
  assert.ok(sizes.every((n) => n > 0 && n <= 4), String(sizes));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 10);
});

test('events take their place among the syscalls by time', () => {
  const f = new Feed();
  f.entry(1, 0, 100n);
  f.exit(1, 0, 110n, 0n);
  f.r.event({ type: 'lost', ts: 150n, cpu: 1, count: 3n, firstTs: 140n, lastTs: 150n, offset: 0 }, ...words(150n));
  f.entry(1, 1, 200n);
  f.exit(1, 1, 210n, 0n);
  f.r.finish();
  const order = f.items.flatMap((i) => (i.type === 'syscalls' ? [...i.batch.tsEnter].map(String) : [i.type]));
  assert.deepEqual(order, ['100', 'lost', '200']);
});
