// The threaded conversion (a decoding thread handing batches to the formatting thread) writes
// the same bytes as the one-thread path (`threads: false`, the CLI's --no-threads), in every
// format: on the sample recordings, on a recording with a lost-events report, truncated
// strings, a read error, continued strings and signals, and on a synthetic 1M-syscall recording
// (whose batches the decoding thread cuts differently: small ones first, `quickStart`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { synthesizeTrace } from '@vltrace/testkit';
import { BINARY_FORMATS, convert, FORMATS, type Format } from '../src/index.js';
import { edgeCases, tmpPath, writeTrace } from './helpers.js';

const SAMPLES = fileURLToPath(new URL('../../../../samples/', import.meta.url));

/** sha256 and size of what a conversion writes (a stream's bytes, or the output file). */
async function digest(input: string, to: Format, threads: boolean): Promise<{ sha: string; bytes: number; rows: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  if (BINARY_FORMATS.has(to)) {
    const output = tmpPath(`threads-${threads}.${to}`);
    const res = await convert({ inputs: [input], to, output, threads });
    const b = readFileSync(output);
    rmSync(output);
    return { sha: h.update(b).digest('hex'), bytes: b.length, rows: res.rows };
  }
  const stdout = new Writable({
    write(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      bytes += chunk.length;
      cb();
    },
  });
  const res = await convert({ inputs: [input], to, stdout, threads });
  return { sha: h.digest('hex'), bytes, rows: res.rows };
}

async function sameBytes(input: string, formats: readonly Format[] = FORMATS): Promise<void> {
  for (const to of formats) {
    const one = await digest(input, to, false);
    const two = await digest(input, to, true);
    assert.ok(one.bytes > 0, `${input} --to ${to}: no output`);
    assert.deepEqual(two, one, `${input} --to ${to}: the threaded output differs from the one-thread output`);
  }
}

test('threaded and one-thread conversions write the same bytes: the samples, every format', async () => {
  const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.bin'));
  assert.ok(samples.length >= 4, 'samples/*.bin');
  for (const f of samples) await sameBytes(join(SAMPLES, f));
});

test('threaded and one-thread conversions write the same bytes: lost events, truncated strings, read errors, signals', async () => {
  await sameBytes(writeTrace('threads-edge.bin', edgeCases()));
  await sameBytes(writeTrace('threads-edge-big.bin', edgeCases(2n ** 60n + 99n)));
});

test('threaded and one-thread conversions write the same bytes: a synthetic 1M-syscall recording, every format', async () => {
  const input = tmpPath('threads-1m.bin');
  await synthesizeTrace(input, { syscalls: 1_000_000 });
  try {
    await sameBytes(input);
  } finally {
    rmSync(input, { force: true });
  }
});

test('batches given back to the reader and output chunks reused: the same bytes as a sink fed without either', async () => {
  const input = tmpPath('recycle-300k.bin');
  await synthesizeTrace(input, { syscalls: 300_000, seed: 9 });
  try {
    const { openTrace } = await import('@vltrace/format');
    const { createSink } = await import('../src/sink.js');
    for (const to of ['csv', 'jsonl', 'hex', 'text', 'parquet'] as const) {
      // the reference: the reader's batches as they come (none given back), into a stream that
      // keeps its chunks (none reused)
      const trace = await openTrace(input);
      const ref = tmpPath(`recycle-ref.${to}`);
      const kept: Buffer[] = [];
      const keeper = new Writable({ write(c: Buffer, _e, cb) { kept.push(c); cb(); } });
      const sink = await createSink(to, BINARY_FORMATS.has(to) ? ref : keeper, { header: trace.header });
      for await (const item of trace.items()) await sink.write(item);
      await sink.close();
      const want = BINARY_FORMATS.has(to) ? readFileSync(ref) : Buffer.concat(kept);
      rmSync(ref, { force: true });
      // convert(): batches recycled in both thread settings, a file output (chunks reused)
      for (const threads of [false, true]) {
        const output = tmpPath(`recycle-${threads}.${to}`);
        await convert({ inputs: [input], to, output, threads });
        assert.ok(readFileSync(output).equals(want), `--to ${to}, threads ${threads}: not the reference's bytes`);
        rmSync(output);
      }
    }
  } finally {
    rmSync(input, { force: true });
  }
});

test('the decoding thread by default: when the tasks runnable now leave a CPU and the last minute was not saturated', async () => {
  const { coreIsFree } = await import('../src/convert.js');
  // 2 CPUs, idle now, the load average still high from the previous conversion
  assert.equal(coreIsFree(2, 1.6, 1), true);
  // another task is running: no free core, whatever the load average says
  assert.equal(coreIsFree(2, 0.3, 2), false);
  // idle at this instant after a minute of two-thread conversions
  assert.equal(coreIsFree(2, 2.4, 1), true);
  // idle at this instant, between the bursts of a minute that kept more than the CPUs busy
  assert.equal(coreIsFree(2, 3.5, 1), false);
  assert.equal(coreIsFree(8, 4.0, 5), true);
  assert.equal(coreIsFree(8, 4.0, 8), false);
  // one CPU: never
  assert.equal(coreIsFree(1, 0, 1), false);
  // no running count (not Linux): the 1-minute load below the CPUs less one
  assert.equal(coreIsFree(2, 0.5, null), true);
  assert.equal(coreIsFree(2, 1.2, null), false);
});
