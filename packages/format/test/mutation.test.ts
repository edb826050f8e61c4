// Thousands of randomly corrupted and truncated copies of valid traces: the reader must never
// hang, never throw anything but FormatError, and never allocate from an unchecked size field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketWriter } from '../src/encode.js';
import { openTrace } from '../src/reader.js';
import { FormatError } from '../src/errors.js';
import { CHUNK_FLAGS } from '../src/layout.js';
import { enc, image } from './helpers.js';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(): Uint8Array {
  const w = new PacketWriter();
  w.procInfo({ pid: 10, tid: 10, ts: 1n, ppid: 1, comm: 'sh', exe: '/bin/sh' });
  for (let i = 0; i < 20; i++) {
    const ts = BigInt(100 + i * 50);
    w.entry({ pid: 10, tid: 10 + (i % 3), ts, nr: 257, args: [-100n, 1n, 0n, 0n], chunks: [{ arg: 1, bytes: enc(`/etc/file-${i}`), flags: i % 4 === 0 ? CHUNK_FLAGS.MORE.bit : 0 }], more: i % 4 === 0 });
    if (i % 4 === 0) w.cont({ pid: 10, tid: 10 + (i % 3), ts, nr: 257, chunks: [{ arg: 1, bytes: enc('-more'), flags: CHUNK_FLAGS.CONT.bit }] });
    w.exit({ pid: 10, tid: 10 + (i % 3), ts: ts + 7n, nr: 257, ret: i % 2 ? -2n : 3n });
    if (i === 7) w.fork({ pid: 10, tid: 10, ts: ts + 8n, childPid: 11, childTid: 11, comm: 'sh' });
    if (i === 9) w.exec({ pid: 11, tid: 11, ts: ts + 9n, comm: 'ls', filename: '/usr/bin/ls' });
    if (i === 11) w.lost({ ts: ts + 10n, cpu: 1, count: 3n, firstTs: ts, lastTs: ts + 9n });
  }
  w.procExit({ pid: 11, tid: 11, ts: 5000n, exitCode: 0, comm: 'ls' });
  w.trailer({ ts: 6000n, events: 70n, written: 67n, lost: 3n, lostPerCpu: [0n, 3n] });
  return image(w, [[257, 'openat', 4]]);
}

async function readEverything(bytes: Uint8Array): Promise<number> {
  const t = await openTrace((async function* () { yield bytes; })(), { name: 'mutant', readSize: 65536 });
  let n = 0;
  for await (const it of t.items()) if (it.type === 'syscalls') n += it.batch.length;
  return n;
}

test('corrupted and truncated copies fail only with FormatError, never hang', { timeout: 120_000 }, async () => {
  const good = sample();
  assert.equal(await readEverything(good), 20);
  const rand = rng(12345);
  let errors = 0;
  let ok = 0;
  const rssBefore = process.memoryUsage().rss;
  for (let iter = 0; iter < 4000; iter++) {
    let bytes = good.slice();
    const mode = iter % 4;
    if (mode === 0) {
      bytes = bytes.slice(0, Math.floor(rand() * bytes.length));
    } else {
      // flip a few bytes: anywhere, or concentrated on the packet area (sizes, infos, lengths)
      const start = mode === 1 ? 0 : bytes.length - 3000;
      const flips = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < flips; k++) {
        const at = start + Math.floor(rand() * (bytes.length - start));
        bytes[at] = mode === 3 ? 0xff : Math.floor(rand() * 256);
      }
    }
    try {
      await readEverything(bytes);
      ok++;
    } catch (e) {
      if (!(e instanceof FormatError)) {
        assert.fail(`iteration ${iter} (mode ${mode}) threw ${(e as Error)?.stack ?? String(e)}`);
      }
      assert.match(e.message, /^mutant: offset \d+: expected /);
      errors++;
    }
  }
  assert.ok(errors > 500, `many mutants were rejected (${errors})`);
  assert.ok(ok > 500, `many mutants still read (${ok})`);
  // no mutant made the reader allocate from a corrupted size field
  assert.ok(process.memoryUsage().rss - rssBefore < 256 << 20, 'memory stayed bounded');
});
