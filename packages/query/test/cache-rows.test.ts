// The cache's Parquet holds exactly the rows `vltrace-convert --to parquet` writes for the same
// recording (the one writer of the schema: the cache goes through it), lost and signal rows
// included: same columns and types, every value, nulls included — on the hand-built fixture, on
// a synthetic recording over several row groups, and on one with odd strings, lost events,
// unknown syscalls and recorded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { synthesizeTrace } from '@vltrace/testkit';
import { convert } from '@vltrace/convert';
import { TraceDb, sqlString } from '../src/db.js';
import { prepareRecording } from '../src/recording.js';
import { buildFixture, tmpDir, writeTrace } from './fixture.js';

async function compare(bin: string, dir: string): Promise<void> {
  const db = await TraceDb.create();
  try {
    const cache = await prepareRecording(bin, db, { cacheDir: join(dir, 'cache') });
    const out = join(dir, 'convert.parquet');
    await convert({ inputs: [bin], to: 'parquet', output: out });
    const read = (files: readonly string[]) => `read_parquet([${files.map(sqlString).join(', ')}])`;
    const d = await db.query(`DESCRIBE SELECT * FROM ${read(cache.syscalls)}`);
    const c = await db.query(`DESCRIBE SELECT * FROM ${read([out])}`);
    assert.deepEqual(d.rows.map((r) => [r['column_name'], r['column_type']]), c.rows.map((r) => [r['column_name'], r['column_type']]));
    const n = await db.query(`SELECT (SELECT count(*) FROM ${read(cache.syscalls)}) AS d, (SELECT count(*) FROM ${read([out])}) AS c`);
    assert.equal(n.rows[0]!['d'], n.rows[0]!['c']);
    for (const [a, b, what] of [[cache.syscalls, [out], 'the cache'], [[out], cache.syscalls, "convert's Parquet"]] as const) {
      const diff = await db.query(`SELECT * FROM ${read(a)} EXCEPT ALL SELECT * FROM ${read(b)} LIMIT 3`);
      assert.deepEqual(diff.rows, [], `rows only in ${what}`);
    }
  } finally {
    db.close();
  }
}

test('the cache = convert\'s Parquet: the fixture (signals, lost events, unfinished and no-entry calls)', async () => {
  const dir = tmpDir('vq-cache-rows-');
  await compare(writeTrace(buildFixture(), 'fixture.bin', dir), dir);
});

test('the cache = convert\'s Parquet: 300k synthetic syscalls (several row groups, long strings)', async () => {
  const dir = tmpDir('vq-cache-rows-');
  const bin = join(dir, 'synth.bin');
  await synthesizeTrace(bin, { syscalls: 300_000, seed: 7 });
  await compare(bin, dir);
});

test('the cache = convert\'s Parquet: invalid UTF-8, cut and unreadable strings, lost rows, unknown syscalls, recorded memory', async () => {
  const { PacketWriter, CHUNK_FLAGS } = await import('@vltrace/format');
  const w = new PacketWriter();
  const bytes = (...b: number[]) => Uint8Array.from(b);
  w.entry({ pid: 7, tid: 7, ts: 1_000_000_100n, nr: 257, args: [-100n, 1n, 0n, 0n], chunks: [{ arg: 1, bytes: bytes(0x2f, 0xff, 0x5c, 0x61) }] });
  w.exit({ pid: 7, tid: 7, ts: 1_000_000_200n, nr: 257, ret: -2n });
  w.entry({ pid: 7, tid: 8, ts: 1_000_000_300n, nr: 82, args: [1n, 2n], chunks: [{ arg: 0, bytes: bytes(0x61), flags: CHUNK_FLAGS.TRUNCATED.bit }, { arg: 1, bytes: bytes(), flags: CHUNK_FLAGS.READ_ERROR.bit }] });
  w.exit({ pid: 7, tid: 8, ts: 1_000_000_400n, nr: 82, ret: 0n });
  // memory behind arguments: a buffer at exit, one at entry over two packets (the data column)
  const { EXIT, MORE, CONT } = { EXIT: CHUNK_FLAGS.EXIT.bit, MORE: CHUNK_FLAGS.MORE.bit, CONT: CHUNK_FLAGS.CONT.bit };
  w.entry({ pid: 7, tid: 7, ts: 1_000_000_410n, nr: 0, args: [3n, 0x1000n, 64n] });
  w.exit({ pid: 7, tid: 7, ts: 1_000_000_420n, nr: 0, ret: 4n });
  w.data({ pid: 7, tid: 7, ts: 1_000_000_420n, nr: 0, chunks: [{ arg: 1, bytes: bytes(0, 0xff, 0x5c, 10), flags: EXIT }] });
  w.entry({ pid: 7, tid: 7, ts: 1_000_000_430n, nr: 1, args: [1n, 0x2000n, 500n] });
  w.data({ pid: 7, tid: 7, ts: 1_000_000_430n, nr: 1, chunks: [{ arg: 1, bytes: new Uint8Array(383).fill(0x61), flags: MORE }] });
  w.data({ pid: 7, tid: 7, ts: 1_000_000_430n, nr: 1, chunks: [{ arg: 1, bytes: new Uint8Array(117).fill(0), flags: CONT }] });
  w.exit({ pid: 7, tid: 7, ts: 1_000_000_440n, nr: 1, ret: 500n });
  w.lost({ ts: 1_000_000_500n, cpu: 1, count: 42n, firstTs: 1_000_000_450n, lastTs: 1_000_000_500n });
  w.entry({ pid: 7, tid: 7, ts: 1_000_000_600n, nr: 999, args: [BigInt.asIntN(64, 0xffffffffffffffffn)] });
  w.exit({ pid: 7, tid: 7, ts: 1_000_000_700n, nr: 999, ret: -38n });
  w.exit({ pid: 9, tid: 9, ts: 1_000_000_800n, nr: 0, ret: 5n });
  w.entry({ pid: 7, tid: 7, ts: 1_000_000_900n, nr: 231, args: [0n] });
  const dir = tmpDir('vq-cache-rows-');
  await compare(writeTrace(w, 'odd.bin', dir), dir);
  const db = await TraceDb.create();
  try {
    const p = await prepareRecording(join(dir, 'odd.bin'), db, { cacheDir: join(dir, 'cache') });
    const { rows } = await db.query(`SELECT syscall, octet_length(data) AS n FROM read_parquet([${p.syscalls.map(sqlString).join(', ')}]) WHERE data IS NOT NULL ORDER BY ts_enter`);
    // each chunk: a 4-byte header and its bytes
    assert.deepEqual(rows, [{ syscall: 'read', n: 8 }, { syscall: 'write', n: 4 + 383 + 4 + 117 }]);
  } finally {
    db.close();
  }
});
