// The reassembler (src/reassemble.ts) on its own, fed entries, exits and events directly as the
// packet loop does: pairing per thread, the rows' status, time order, batch sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyscallStatus, type SyscallBatch } from '../src/batch.js';
import { newStats, type SignalEvent, type TraceItem, type TraceStats } from '../src/events.js';
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
  signal(tid: number, ts: bigint, ignored: boolean, signo = 17): void {
    const ev: SignalEvent = { type: 'signal', ts, pid: 1, tid, signo, errno: 0, code: 1, ignored, fields: new Uint8Array(32) };
    this.r.event(ev, ...words(ts));
  }
  /** finishes; what came out, in order: `tid nr@tsEnter` per row, `tid SIGn[ ignored]` per signal */
  order(): string[] {
    this.r.finish();
    return this.items.flatMap((i) => {
      if (i.type === 'signal') return [`${i.tid} SIG${i.signo}${i.ignored ? ' ignored' : ''}`];
      if (i.type !== 'syscalls') return [i.type];
      return Array.from({ length: i.batch.length }, (_, k) => `${i.batch.tid[k]} nr${i.batch.nr[k]}@${i.batch.tsEnter[k]}`);
    });
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

// The recorder writes a SIGNAL at once but a thread's ENTRY/EXIT in per-CPU batches, so a signal
// sent to a thread in a call that has not blocked can arrive before that call's ENTRY. Where an
// ignored one goes (after the call it was sent during, as strace shows it) is decided by the
// times, not by the arrival order.
test('an ignored signal that arrives before the ENTRY of the call it was sent during still comes after that call', () => {
  const arrivals: Record<string, (f: Feed) => void>[] = [{
    'entry first': (f) => {
      f.entry(7, 0, 10n, [3n, 0n, 64n]);
      f.signal(7, 20n, true);
      f.exit(7, 0, 30n, 64n);
    },
    'signal first': (f) => {
      f.signal(7, 20n, true);
      f.entry(7, 0, 10n, [3n, 0n, 64n]);
      f.exit(7, 0, 30n, 64n);
    },
  }];
  for (const [name, feed] of Object.entries(arrivals[0]!)) {
    const f = new Feed();
    feed(f);
    assert.deepEqual(f.order(), ['7 nr0@10', '7 SIG17 ignored'], name);
    // the signal takes its place at the call's exit: after another thread's call inside it
    const g = new Feed();
    feed(g);
    g.entry(8, 39, 25n);
    g.exit(8, 39, 26n, 8n);
    assert.deepEqual(g.order(), ['7 nr0@10', '8 nr39@25', '7 SIG17 ignored'], name);
  }
});

test('a late ENTRY moves only the ignored signals of its thread sent during its call', () => {
  const f = new Feed();
  f.signal(7, 20n, true); // during the call below: after its exit
  f.signal(7, 5n, true); // before the call: stays at its time
  f.signal(7, 40n, true); // after the call: stays at its time
  f.signal(9, 21n, true); // another thread's, in no call: stays at its time
  f.signal(7, 22n, false); // delivered: where it came
  f.entry(7, 0, 10n);
  f.entry(8, 39, 25n);
  f.exit(8, 39, 26n, 8n);
  f.exit(7, 0, 30n, 1n);
  f.entry(8, 39, 35n);
  f.exit(8, 39, 36n, 8n);
  assert.deepEqual(f.order(), [
    '7 SIG17 ignored', '7 nr0@10', '9 SIG17 ignored', '7 SIG17', '8 nr39@25', '7 SIG17 ignored', '8 nr39@35', '7 SIG17 ignored',
  ]);
});

test('an ignored signal that arrived before both packets of its call goes after the exit when the exit came before the entry', () => {
  const f = new Feed();
  f.signal(7, 20n, true);
  f.exit(7, 0, 30n, 64n);
  f.entry(7, 0, 10n);
  f.entry(8, 39, 25n);
  f.exit(8, 39, 26n, 8n);
  assert.deepEqual(f.order(), ['7 nr0@10', '8 nr39@25', '7 SIG17 ignored']);
  assert.deepEqual([f.stats.complete, f.stats.noEntry], [2, 0]);
});

test('a delivered signal stays where it came, whatever came first', () => {
  for (const first of ['entry', 'signal']) {
    const f = new Feed();
    if (first === 'signal') f.signal(7, 20n, false, 14);
    f.entry(7, 0, 10n);
    if (first === 'entry') f.signal(7, 20n, false, 14);
    f.entry(8, 39, 25n);
    f.exit(8, 39, 26n, 8n);
    f.exit(7, 0, 30n, -4n);
    assert.deepEqual(f.order(), ['7 nr0@10', '7 SIG14', '8 nr39@25'], first);
  }
});
