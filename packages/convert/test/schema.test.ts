import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyscallBatch } from '@vltrace/format';
import { COLUMNS, escapeBytes, unescapeBytes } from '../src/index.js';
import { inSet, ROW_STATUS_NAMES, ROWS } from '../src/schema.js';
import { edgeCases, expectedRows, writeTrace } from './helpers.js';
import { arrowSchema } from '../src/arrow-rows.js';
import { hex16, hexNum, WallClock, halves } from '../src/int64.js';
import { putInt, putInt64, putNine, SLACK } from '../src/byte-out.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

test('SCHEMA.md lists every column of src/schema.ts, in order', () => {
  const md = readFileSync(join(ROOT, 'SCHEMA.md'), 'utf8');
  const names: string[] = [];
  for (const line of md.split('\n')) {
    const m = /^\| [\d–]+ \| (.+?) \|/.exec(line);
    if (!m) continue;
    const cells = m[1]!.match(/`(\w+)`/g)!.map((c) => c.slice(1, -1));
    if (cells.length === 2) {
      // `arg0` … `arg5`
      const [a, b] = cells as [string, string];
      const stem = a.replace(/\d+$/, '');
      for (let k = Number(a.slice(stem.length)); k <= Number(b.slice(stem.length)); k++) names.push(stem + k);
    } else names.push(cells[0]!);
  }
  assert.deepEqual(names, COLUMNS.map((c) => c.name));
  assert.deepEqual(arrowSchema().fields.map((f) => f.name), names);
});

test('escaping: invalid bytes and backslashes escaped, valid UTF-8 kept, inverse exact', () => {
  const cases: number[][] = [[0x61, 0xff, 0x62], [0x5c, 0xc3, 0xa9], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98, 0x80, 0x80]];
  const want = ['a\\xffb', '\\\\é', '\\xe2\\x82', '\\xed\\xa0\\x80', '😀\\x80'];
  cases.forEach((c, k) => {
    const u = Uint8Array.from(c);
    assert.equal(escapeBytes(u, 0, u.length), want[k]);
    assert.deepEqual(unescapeBytes(want[k]!), u);
  });
  for (let n = 0; n < 200; n++) {
    const u = Uint8Array.from({ length: 1 + (n % 17) }, (_, i) => (n * 31 + i * 97) & 255);
    assert.deepEqual(unescapeBytes(escapeBytes(u, 0, u.length)), u);
  }
});

test('64-bit helpers: hex of halves and numbers, exact wall clock', () => {
  assert.equal(hex16(0x89abcdef, 0x01234567), '0123456789ABCDEF');
  assert.equal(hexNum(-1), 'FFFFFFFFFFFFFFFF');
  assert.equal(hexNum(-100), 'FFFFFFFFFFFFFF9C');
  assert.equal(hexNum(2 ** 40 + 5), '0000010000000005');
  const w = new WallClock({ monotonicNs: '1000000000', realtimeNs: '1764150000999999999' });
  const src = BigInt64Array.of(1_000_000_001n, 2n ** 62n);
  const dst = new BigInt64Array(2);
  w.addInto(halves(src), halves(dst), 0);
  w.addInto(halves(src), halves(dst), 1);
  assert.deepEqual([...dst], [1764150001000000000n, 2n ** 62n - 1_000_000_000n + 1764150000999999999n]);
});

test('decimal writers: exact for every digit count and sign, 64-bit from halves, nothing written before the position', () => {
  const b = Buffer.alloc(64 + SLACK);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // each value is written after a marker it must not touch, then closed at the position it returns
  const show = (write: (p: number) => number) => {
    b.fill(0x3f);
    b[0] = 0x5b; // '['
    const e = write(1);
    b[e] = 0x5d; // ']'
    return b.toString('latin1', 0, e + 1);
  };
  const ints = [0, 7, 9, 10, 42, 99, 100, 999, 1000, 9999, 10000, 12345, 99999999, 1e8, 123456789, 2 ** 31, 2 ** 32 + 1, 9999999999999, 2 ** 53 - 1];
  for (const n of [...ints, ...ints.map((x) => -x).filter((x) => x !== 0)]) {
    assert.equal(show((p) => putInt(b, dv, p, n)), `[${n}]`);
  }
  const i64 = [0n, 1n, -1n, 4095n, -4095n, 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 18446744073709551n, 0x7fffffff00000000n, -0x100000000n];
  for (const v of i64) {
    const h = halves(BigInt64Array.of(v));
    assert.equal(show((p) => putInt64(b, dv, p, h.lo[0]!, h.hi[1]!)), `[${v}]`);
  }
  for (const n of [0, 5, 999999999, 100000000, 12]) assert.equal(show((p) => putNine(b, dv, p, n)), `[${String(n).padStart(9, '0')}]`);
  const w = new WallClock({ monotonicNs: '1000000000', realtimeNs: '1764150000999999999' });
  const mono = BigInt64Array.of(1_000_000_001n, 1_500_000_000n, 2_000_000_000n, 1n, 2n ** 62n);
  const h = halves(mono);
  for (let i = 0; i < mono.length; i++) {
    assert.equal(show((p) => w.put(b, dv, p, h, mono, i)), `[${mono[i]! - 1000000000n + 1764150000999999999n}]`);
  }
});

// Every writer (csv, jsonl, arrow, parquet) is checked against expectedRows, the reader's own view
// of the rows (csv-jsonl.test.ts, arrow-parquet.test.ts); this ties that view to the one
// definition of the null rules, on rows of every status.
test('the rows follow each column\'s null rule (COLUMNS: the statuses where it has a value)', async () => {
  const rows = await expectedRows(writeTrace('rules.bin', edgeCases()));
  assert.deepEqual([...new Set(rows.map((r) => r['status']))].sort(), [...ROW_STATUS_NAMES].sort(), 'rows of every status');
  for (const r of rows) {
    const s = ROW_STATUS_NAMES.indexOf(r['status'] as (typeof ROW_STATUS_NAMES)[number]);
    for (const c of COLUMNS) {
      const where = `${c.name} in a ${r['status']} row`;
      if (!inSet(c.rows, s)) assert.equal(r[c.name], null, where);
      else if (c.alsoNull === '') assert.notEqual(r[c.name], null, where);
    }
  }
  assert.equal(ROWS.all, (1 << ROW_STATUS_NAMES.length) - 1);
  assert.ok(COLUMNS.every((c) => (c.rows & ~ROWS.all) === 0 && c.rows !== 0));
});

test('rowRange: rows [from, to) of a batch as views hold what a copy of those rows holds', async () => {
  const { openTrace, batchString } = await import('@vltrace/format');
  const { rowRange, selectRows } = await import('../src/select.js');
  const file = writeTrace('row-range.bin', edgeCases());
  const t = await openTrace(file);
  const b: SyscallBatch = (await t.batches().next()).value!;
  assert.ok(b.length >= 5, `rows: ${b.length}`);
  const show = (r: SyscallBatch, i: number) =>
    [r.pid[i], r.tid[i], r.nr[i], r.tsEnter[i], r.tsExit[i], r.nargs[i], r.ret[i], r.status[i], r.comm[i], ...r.args.map((a: BigInt64Array) => a[i]),
      ...[0, 1, 2, 3, 4, 5].map((a) => `${batchString(r, a, i)}/${r.strings[a]!.flags[i]}`), r.data.offsets[i + 1]! - r.data.offsets[i]!].join(' ');
  for (const [from, to] of [[0, b.length], [1, 4], [2, b.length], [b.length - 1, b.length]] as const) {
    const view = rowRange(b, from, to);
    const idx = Int32Array.from({ length: to - from }, (_, k) => from + k);
    const copy = selectRows(b, idx, idx.length);
    assert.equal(view.length, to - from);
    for (let i = 0; i < view.length; i++) assert.equal(show(view, i), show(copy, i), `rows ${from}..${to}, row ${i}`);
    assert.equal(view.pid.buffer, b.pid.buffer, 'a view, not a copy');
  }
});
