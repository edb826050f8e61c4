// Batches given back to the reader (Trace.recycle) and the pool their memory goes to
// (src/pool.ts): the rows read are the same with and without recycling, the memory is reused,
// and nothing but the reader's own column sizes is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { synthesizeTrace } from '@vltrace/testkit';
import { batchBuffers, batchString, type SyscallBatch } from '../src/batch.js';
import { ColumnPool } from '../src/pool.js';
import { openTrace, type OpenTraceOptions } from '../src/reader.js';
import { tmpFile } from './helpers.js';

test('ColumnPool: a column given back is handed out again, zeroed when asked; other sizes and kinds are not kept', () => {
  const pool = new ColumnPool();
  const a = pool.int32(1024, true);
  a.fill(7);
  pool.give([a.buffer]);
  const b = pool.int32(1024, false);
  assert.equal(b.buffer, a.buffer, 'the same memory again');
  assert.equal(b[5], 7, 'not zeroed unless asked');
  pool.give([b.buffer, b.buffer]); // twice: kept once
  const c = pool.int32(1024, true);
  assert.equal(c.buffer, a.buffer);
  assert.ok(c.every((v) => v === 0), 'zeroed when asked');
  assert.notEqual(pool.int32(1024, true).buffer, a.buffer, 'given back once, handed out once');
  // a size it never handed out, a SharedArrayBuffer to a pool of ArrayBuffers: not kept
  const odd = new ArrayBuffer(999);
  pool.give([odd, new SharedArrayBuffer(4096)]);
  assert.notEqual(pool.uint8(999, false).buffer, odd);
  assert.ok(!(pool.int32(1024, false).buffer instanceof SharedArrayBuffer));
  // a shared pool hands out SharedArrayBuffers and keeps only those
  const shared = new ColumnPool(true);
  const s = shared.uint8(4096, false);
  assert.ok(s.buffer instanceof SharedArrayBuffer);
  shared.give([new ArrayBuffer(4096)]);
  assert.ok(shared.uint8(4096, false).buffer instanceof SharedArrayBuffer);
  // at most maxBytes kept
  const small = new ColumnPool(false, 8192);
  const cols = [small.uint8(4096, false), small.uint8(4096, false), small.uint8(4096, false)];
  small.give(cols.map((x) => x.buffer));
  const again = [small.uint8(4096, false), small.uint8(4096, false), small.uint8(4096, false)].map((x) => x.buffer);
  assert.equal(again.filter((x) => cols.some((c) => c.buffer === x)).length, 2);
});

/** Every value of every row, as text (all six arguments: those past nargs are 0, as missing values are). */
function rowsOf(b: SyscallBatch, out: string[]): void {
  for (let i = 0; i < b.length; i++) {
    const args = b.args.map((a) => a[i]);
    const strs = [0, 1, 2, 3, 4, 5].map((a) => batchString(b, a, i) ?? '-');
    out.push(`${b.pid[i]} ${b.tid[i]} ${b.comms[b.comm[i]!]} ${b.nr[i]} ${b.nargs[i]} ${b.tsEnter[i]} ${b.tsExit[i]} ${b.status[i]} ${b.ret[i]} ${args.join(',')} ${strs.join('|')}`);
  }
}

async function read(file: string, opts: OpenTraceOptions, giveBack?: (t: Awaited<ReturnType<typeof openTrace>>, b: SyscallBatch) => void | Promise<void>) {
  const t = await openTrace(file, opts);
  const rows: string[] = [];
  const seen = new Set<ArrayBufferLike>();
  let reused = 0;
  let shared = 0;
  for await (const b of t.batches()) {
    if (seen.has(b.pid.buffer)) reused++;
    seen.add(b.pid.buffer);
    if (b.tsExit.buffer instanceof SharedArrayBuffer) shared++;
    rowsOf(b, rows);
    await giveBack?.(t, b);
  }
  return { rows, reused, shared, stats: t.stats };
}

test('Trace.recycle: batches given back hold later batches, and every row read is the same as without', async () => {
  const file = tmpFile('recycle.bin', new Uint8Array(0));
  await synthesizeTrace(file, { syscalls: 300_000, seed: 11 });
  const plain = await read(file, {});
  const recycled = await read(file, {}, (t, b) => t.recycle(b));
  assert.equal(plain.rows.length, 300_000);
  assert.equal(plain.reused, 0);
  assert.ok(recycled.reused >= 1, `batches in recycled memory: ${recycled.reused}`);
  assert.deepEqual(recycled.rows, plain.rows);
  assert.deepEqual(recycled.stats, plain.stats);
  // the small batches of quickStart, and a reorder window wide enough to keep rows across flushes
  const quick = await read(file, { quickStart: true, windowNs: 5e9 }, (t, b) => t.recycle(b));
  assert.deepEqual(quick.rows, plain.rows);
});

test('sharedColumns: batches in SharedArrayBuffers, given back from another thread by posting them', async () => {
  const file = tmpFile('recycle-shared.bin', new Uint8Array(0));
  await synthesizeTrace(file, { syscalls: 300_000, seed: 12 });
  const plain = await read(file, {});
  // what the decoding thread of vltrace-convert does: the batch goes to another thread, which
  // posts its shared buffers back (the same memory, as new objects) when done with it
  const { port1, port2 } = new MessageChannel();
  const viaPort = await read(file, { sharedColumns: true }, async (t, b) => {
    const back = new Promise<ArrayBufferLike[]>((r) => port2.once('message', r));
    port1.postMessage(batchBuffers(b).filter((x) => x instanceof SharedArrayBuffer));
    t.recycle(await back);
  });
  port1.close();
  assert.ok(viaPort.shared >= 2, `batches with shared columns: ${viaPort.shared}`);
  assert.deepEqual(viaPort.rows, plain.rows);
  assert.deepEqual(viaPort.stats, plain.stats);
});
