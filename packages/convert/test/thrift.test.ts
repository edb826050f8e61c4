// The Thrift compact protocol reader and writer (src/thrift.ts): every wire type round-trips, a
// real Parquet footer is written back byte for byte, malformed input is an error, not a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { T, ThriftReader, ThriftWriter, type TStruct } from '../src/thrift.js';
import { convert } from '../src/index.js';
import { tmpPath } from './helpers.js';

const SAMPLE = new URL('../../../../samples/sh-fork.bin', import.meta.url).pathname;
const roundTrip = (s: TStruct) => new ThriftWriter().struct(s).finish();

test('every wire type survives write → read → write, values and bytes alike', () => {
  const inner: TStruct = new Map([[1, { t: T.BINARY, v: new TextEncoder().encode('col') }], [2, { t: T.I32, v: -7n }]]);
  const s: TStruct = new Map([
    [1, { t: T.TRUE, v: true }],
    [2, { t: T.FALSE, v: false }],
    [3, { t: T.BYTE, v: -128n }],
    [4, { t: T.I16, v: -32768n }],
    [5, { t: T.I32, v: 2147483647n }],
    // a field id jump above 15 (written as a full id), 64-bit extremes (zigzag varints)
    [40, { t: T.I64, v: -(2n ** 63n) }],
    [41, { t: T.I64, v: 2n ** 63n - 1n }],
    [42, { t: T.DOUBLE, v: Uint8Array.from([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]) }],
    [43, { t: T.BINARY, v: new Uint8Array(300).fill(7) }],
    [44, { t: T.LIST, elem: T.STRUCT, v: Array.from({ length: 20 }, () => ({ t: T.STRUCT, v: inner })) }],
    [45, { t: T.LIST, elem: T.TRUE, v: [{ t: T.TRUE, v: true }, { t: T.FALSE, v: false }] }],
    [46, { t: T.SET, elem: T.I32, v: [{ t: T.I32, v: 1n }, { t: T.I32, v: -1n }] }],
    [47, { t: T.MAP, k: T.BINARY, vt: T.I64, v: [[{ t: T.BINARY, v: Uint8Array.of(65) }, { t: T.I64, v: 5n }]] }],
    [48, { t: T.MAP, k: 0, vt: 0, v: [] }],
    [49, { t: T.STRUCT, v: inner }],
  ]);
  const bytes = roundTrip(s);
  const back = new ThriftReader(bytes).struct();
  assert.deepEqual(back, s);
  assert.deepEqual(roundTrip(back), bytes);
});

test('a Parquet footer made by parquet-wasm is read and written back byte for byte', async () => {
  const out = tmpPath('thrift-footer.parquet');
  await convert({ inputs: [SAMPLE], to: 'parquet', output: out, rowGroupSize: 100 });
  const file = readFileSync(out);
  const len = file.readUInt32LE(file.length - 8);
  const footer = file.subarray(file.length - 8 - len, file.length - 8);
  const r = new ThriftReader(footer);
  const meta = r.struct();
  assert.equal(r.pos, footer.length, 'the whole footer is one struct');
  const groups = meta.get(4);
  assert.ok(groups?.t === T.LIST && groups.v.length > 1, 'several row groups');
  assert.deepEqual(Buffer.from(roundTrip(meta)), Buffer.from(footer));
});

test('truncated or malformed input throws', () => {
  const bytes = roundTrip(new Map([[1, { t: T.BINARY, v: new Uint8Array(10) }], [2, { t: T.I64, v: 123456789n }]]));
  for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => new ThriftReader(bytes.subarray(0, cut)).struct(), /thrift:/);
  assert.throws(() => new ThriftReader(Uint8Array.of(0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).struct(), /varint too long/);
  assert.throws(() => new ThriftReader(Uint8Array.of(0x1d)).struct(), /unknown type 13/);
});
