// Exact 64-bit formatting without a BigInt per value (src/int64.ts), against BigInt arithmetic:
// halves of a BigInt64Array, hex, and the wall clock (monotonic + the header's offset).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { halves, hex16, hexNum, WallClock } from '../src/int64.js';

const VALUES = [0n, 1n, -1n, 2n ** 31n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 63n - 1n, -(2n ** 63n),
  0x0123_4567_89ab_cdefn, -0x0123_4567_89ab_cdefn];

test('halves view a BigInt64Array as its words without copying', () => {
  const a = new BigInt64Array(VALUES);
  const h = halves(a);
  VALUES.forEach((v, i) => {
    assert.equal(h.lo[2 * i], Number(BigInt.asUintN(32, v)));
    assert.equal(h.hi[2 * i + 1], Number(BigInt.asIntN(32, v >> 32n)));
  });
  a[0] = 5n;
  assert.equal(h.lo[0], 5, 'a view, not a copy');
});

test('hex16 and hexNum: 16 upper-case digits of the two\'s complement', () => {
  const a = new BigInt64Array(VALUES);
  const h = halves(a);
  VALUES.forEach((v, i) => {
    const want = BigInt.asUintN(64, v).toString(16).toUpperCase().padStart(16, '0');
    assert.equal(hex16(h.lo[2 * i]!, h.hi[2 * i + 1]!), want);
    if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)) assert.equal(hexNum(Number(v)), want);
  });
});

/** Every value of `mono` through put(), secondsAt() and addInto(), against BigInt. */
function checkClock(clock: { monotonicNs: string; realtimeNs: string }, mono: readonly bigint[]): void {
  const wc = new WallClock(clock);
  const off = BigInt(clock.realtimeNs) - BigInt(clock.monotonicNs);
  assert.equal(wc.offset, off);
  const big = new BigInt64Array(mono);
  const h = halves(big);
  const dst = new BigInt64Array(mono.length);
  const dh = halves(dst);
  const b = Buffer.alloc(64);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  mono.forEach((m, i) => {
    const end = wc.put(b, dv, 0, h, big, i);
    assert.equal(b.toString('latin1', 0, end), String(m + off), `put ${m}`);
    const secs = (m + off) / 1_000_000_000n - ((m + off) % 1_000_000_000n < 0n ? 1n : 0n);
    assert.equal(wc.secondsAt(h, big, i), Number(secs), `secondsAt ${m}`);
    wc.addInto(h, dh, i);
    assert.equal(dst[i], BigInt.asIntN(64, m + off), `addInto ${m}`);
  });
}

test('WallClock: monotonic ns → wall-clock ns, across second boundaries, fast and BigInt paths', () => {
  // values in order (the cached second is reused), then jumps back and forth
  const mono: bigint[] = [];
  for (let k = 0n; k < 2000n; k++) mono.push(1_000_000_000n + k * 777_777n);
  mono.push(999_999_999n, 1_999_999_999n, 2_000_000_000n, 10n ** 15n, 5n, 2n ** 53n + 3n, 2n ** 62n);
  checkClock({ monotonicNs: '1000000000', realtimeNs: '1764150000000000000' }, mono);
  // an offset whose ns part carries into the next second
  checkClock({ monotonicNs: '123456789', realtimeNs: '1764150000987654321' }, mono);
  // realtime before monotonic (a clock set back): the BigInt path
  checkClock({ monotonicNs: '5000000000000', realtimeNs: '1000' }, [5_000_000_000_000n, 5_000_000_001_000n, 6_000_000_000_000n]);
});
