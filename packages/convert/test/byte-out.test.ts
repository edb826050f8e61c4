// The byte writers of the line formats (src/byte-out.ts) against plain String/BigInt
// formatting: every digit-count boundary, the 64-bit extremes, random values; ByteOut's chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import {
  ByteOut, key, putBytes, putHex16, putInt, putInt64, putKey, putNine, putU64, releasesChunks, SLACK,
} from '../src/byte-out.js';
import { tmpPath } from './helpers.js';

const buf = Buffer.alloc(256);
const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
/** What a writer put at offset 3 (a start that is not word-aligned), as text. */
const at3 = (write: (p: number) => number) => buf.toString('latin1', 3, write(3));

/** 64-bit words of v: [lo unsigned, hi signed] */
const halvesOf = (v: bigint): [number, number] => [Number(BigInt.asUintN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];

/** LCG: the same values every run */
function* randomBig(n: number): Generator<bigint> {
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < n; i++) {
    x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n);
    yield BigInt.asIntN(64, x >> BigInt(i % 64)); // all magnitudes
  }
}

const BOUNDARIES: bigint[] = [0n, 1n, 9n, 10n, 99n, 100n, 9999n, 10000n, 99999999n, 100000000n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n,
  2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 10n ** 16n, 10n ** 18n, 2n ** 63n - 1n];
const SIGNED = [...BOUNDARIES, ...BOUNDARIES.map((v) => -v), -(2n ** 63n), ...randomBig(3000)];

test('putInt: safe integers in decimal, every digit count', () => {
  for (const v of SIGNED) {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) continue;
    assert.equal(at3((p) => putInt(buf, dv, p, Number(v))), String(v));
  }
});

test('putInt64 and putU64: 64-bit values from their halves, exactly', () => {
  for (const v of SIGNED) {
    const [lo, hi] = halvesOf(v);
    assert.equal(at3((p) => putInt64(buf, dv, p, lo, hi)), String(v));
    const u = BigInt.asUintN(64, v);
    assert.equal(at3((p) => putU64(buf, dv, p, lo, hi >>> 0)), String(u));
  }
});

test('putNine: zero-padded nanoseconds', () => {
  for (const n of [0, 1, 9, 10, 123456789, 999999999, 100000000, 5000]) {
    assert.equal(at3((p) => putNine(buf, dv, p, n)), String(n).padStart(9, '0'));
  }
});

test('putHex16: two words as 16 upper-case hex digits (two\'s complement)', () => {
  for (const v of SIGNED) {
    const [lo, hi] = halvesOf(v);
    assert.equal(at3((p) => putHex16(dv, p, lo, hi)), BigInt.asUintN(64, v).toString(16).toUpperCase().padStart(16, '0'));
  }
});

test('putKey writes the key and only scribbles within SLACK after it; putBytes copies any range', () => {
  for (const s of ['', 'a', 'ab,', '"ts_enter":', 'x'.repeat(170)]) {
    buf.fill(0xee);
    const k = key(s);
    const end = putKey(buf, dv, 3, k);
    assert.equal(buf.toString('latin1', 3, end), s);
    assert.ok(buf.subarray(end + SLACK).every((c) => c === 0xee), `past ${s.length} + SLACK untouched`);
  }
  assert.equal(key('é', 'utf8').length, 2);
  const src = Uint8Array.from({ length: 100 }, (_, k) => k);
  for (const [s, e] of [[0, 0], [0, 100], [5, 9], [10, 80], [0, 17], [3, 60]] as const) {
    const end = putBytes(buf, 3, src, s, e);
    assert.deepEqual([...buf.subarray(3, end)], [...src.subarray(s, e)]);
  }
});

test('ByteOut: rows larger and smaller than a chunk reach the stream whole and in order', async () => {
  const got: Buffer[] = [];
  const sink = new Writable({ write(c: Buffer, _e, cb) { got.push(Buffer.from(c)); cb(); } });
  const out = new ByteOut(sink);
  const want: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    const line = `${i},${'y'.repeat(i % 50)}\n`;
    out.latin1(line);
    want.push(line);
    if (i === 25_000) {
      const big = 'z'.repeat(3 << 20) + '\n'; // larger than a chunk
      out.latin1(big);
      want.push(big);
    }
    if (i % 10_000 === 0) await out.flush();
  }
  out.utf8('ü€\n');
  want.push('ü€\n');
  out.raw(Uint8Array.of(0x41, 0x42, 0x0a), 1);
  want.push('B\n');
  await out.close();
  assert.equal(Buffer.concat(got).toString('utf8'), want.join(''));
  assert.ok(got.length > 2, 'sent in several chunks');
});

/** ~20 MiB of numbered lines, written through a ByteOut with a flush every 1000 lines. */
async function writeLines(out: ByteOut): Promise<string> {
  const want: string[] = [];
  for (let i = 0; i < 400_000; i++) {
    const line = `${i} ${'abcdefghij'.repeat(5)}\n`;
    out.latin1(line);
    want.push(line);
    if (i % 1000 === 0) await out.flush();
  }
  await out.close();
  return want.join('');
}

test('ByteOut reuses its chunks only with streams that are done with a chunk once written', async () => {
  assert.equal(releasesChunks(createWriteStream('/dev/null')), true);
  assert.equal(releasesChunks(new Socket()), true);
  assert.equal(releasesChunks(process.stdout), true);
  assert.equal(releasesChunks(new PassThrough()), false);
  assert.equal(releasesChunks(new Writable({ write: (_c, _e, cb) => cb() })), false);
  // a stream that keeps what it is given: every chunk its own memory, the bytes intact
  const kept: Buffer[] = [];
  const keeper = new Writable({ write(c: Buffer, _e, cb) { kept.push(c); cb(); } });
  const want = await writeLines(new ByteOut(keeper));
  assert.equal(Buffer.concat(kept).toString('latin1'), want);
  assert.equal(new Set(kept.map((c) => c.buffer)).size, kept.length, 'no chunk memory written twice');
  // a file: chunks reused (they are fewer than the MiB written), the file the same bytes
  const path = tmpPath('byte-out-reuse.txt');
  const file = createWriteStream(path);
  const sent: ArrayBufferLike[] = [];
  const write = file.write.bind(file) as (c: Buffer, cb?: (e?: Error | null) => void) => boolean;
  (file as unknown as { write: typeof write }).write = (c, cb) => {
    sent.push(c.buffer);
    return write(c, cb);
  };
  const again = await writeLines(new ByteOut(file));
  await new Promise<void>((r) => file.end(r));
  assert.equal(readFileSync(path, 'latin1'), again);
  rmSync(path);
  assert.ok(sent.length > 20, `chunks sent: ${sent.length}`);
  assert.ok(new Set(sent).size < sent.length / 4, `distinct chunk buffers: ${new Set(sent).size} of ${sent.length}`);
});
