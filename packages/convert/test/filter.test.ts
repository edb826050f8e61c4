import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveSyscallExpr } from '@vltrace/format';
import { convert, parseTimeBound, type ConvertOptions } from '../src/index.js';
import { edgeCases, expectedRows, META, parseJsonExact, tmpPath, writeTrace, type TextRow } from './helpers.js';
import { synthesizeTrace } from '@vltrace/testkit';

let synth: string | undefined;
async function synthFile(): Promise<string> {
  if (!synth) {
    synth = tmpPath('filter-synth.bin');
    await synthesizeTrace(synth, { syscalls: 20_000, seed: 11 });
  }
  return synth;
}

async function jsonl(opts: Omit<Partial<ConvertOptions>, 'inputs'> & { inputs: readonly string[] }): Promise<TextRow[]> {
  const out = tmpPath(`f-${Math.random()}.jsonl`);
  await convert({ to: 'jsonl', output: out, ...opts });
  return readFileSync(out, 'utf8').trim().split('\n').filter((l) => l).map((l) =>
    Object.fromEntries(Object.entries(parseJsonExact(l)).map(([k, v]) => [k, v === null ? null : String(v)])));
}

const start = BigInt(META.clock.realtimeNs); // wall time of the recording's start (monotonic 1 s)

test('-X, -e, -p, --tid, --since/--until select exactly the matching rows', async () => {
  const file = await synthFile();
  const all = await expectedRows(file, 'text');
  const fileSet = resolveSyscallExpr('%file');
  const at = (r: TextRow) => BigInt(r['ts_enter'] ?? r['ts_exit']!);
  const cases: [Partial<ConvertOptions>, (r: TextRow) => boolean][] = [
    [{ failed: true }, (r) => r['errno'] !== null],
    [{ trace: '%file' }, (r) => fileSet.has(Number(r['nr']))],
    [{ trace: 'trace=!read,write' }, (r) => r['syscall'] !== 'read' && r['syscall'] !== 'write'],
    [{ pids: [1001, 1003] }, (r) => r['pid'] === '1001' || r['pid'] === '1003'],
    [{ tids: [11000] }, (r) => r['tid'] === '11000'],
    [{ since: '+2ms', until: '+3.5ms' }, (r) => at(r) >= start + 2_000_000n && at(r) < start + 3_500_000n],
    [{ failed: true, trace: 'close,read', pids: [1000] }, (r) => r['errno'] !== null && ['close', 'read'].includes(r['syscall']!) && r['pid'] === '1000'],
  ];
  for (const [opts, keep] of cases) {
    const want = all.filter(keep);
    assert.ok(want.length > 0 && want.length < all.length, JSON.stringify(opts));
    assert.deepEqual(await jsonl({ inputs: [file], ...opts }), want, JSON.stringify(opts));
  }
});

test('time bounds: relative units and wall-clock ISO times', () => {
  const h = { meta: META } as never;
  assert.equal(parseTimeBound('+1.5s', h), 2_500_000_000n);
  assert.equal(parseTimeBound('250ms', h), 1_250_000_000n);
  assert.equal(parseTimeBound('+100us', h), 1_000_100_000n);
  assert.equal(parseTimeBound('42ns', h), 1_000_000_042n);
  assert.equal(parseTimeBound('2m', h), 121_000_000_000n);
  // the recording started at 1764150000 s (2025-11-26T09:40:00Z)
  assert.equal(parseTimeBound('2025-11-26T09:40:00.000000123Z', h), 1_000_000_123n);
  assert.equal(parseTimeBound('2025-11-26 10:40:01+01:00', h), 2_000_000_000n);
  assert.throws(() => parseTimeBound('soon', h), /invalid time 'soon'/);
});

test('lost-event rows survive every filter that could hide a gap; signals follow -p/--tid only, as strace -e trace= keeps them', async () => {
  const file = writeTrace('filter-edge.bin', edgeCases());
  const rows = await jsonl({ inputs: [file], failed: true, pids: [100], trace: 'openat' });
  assert.deepEqual(rows.map((r) => `${r['syscall'] ?? r['signal']}:${r['status']}`),
    ['openat:complete', 'SIGCHLD:signal', 'SIGSEGV:signal', 'SIGUSR2:ignored-signal', 'null:lost']);
  const worker = await jsonl({ inputs: [file], tids: [101], trace: 'openat' });
  assert.deepEqual(worker.map((r) => `${r['signal']}:${r['status']}`), ['SIGUSR2:ignored-signal', 'null:lost']);
});

test('several inputs merge in time order; the decoding thread changes nothing (small inputs decode in-thread by default: forced here)', async () => {
  const a = tmpPath('merge-a.bin');
  const b = tmpPath('merge-b.bin');
  await synthesizeTrace(a, { syscalls: 3000, seed: 1 });
  await synthesizeTrace(b, { syscalls: 2000, seed: 2 });
  const want = [...(await expectedRows(a, 'text')), ...(await expectedRows(b, 'text'))];
  const got = await jsonl({ inputs: [a, b], threads: true });
  assert.equal(got.length, 5000);
  const key = (r: TextRow) => BigInt(r['ts_enter'] ?? r['ts_exit']!);
  for (let i = 1; i < got.length; i++) assert.ok(key(got[i - 1]!) <= key(got[i]!), `row ${i} in time order`);
  const canon = (rows: TextRow[]) => rows.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(canon(got), canon(want));
  assert.deepEqual(await jsonl({ inputs: [a, b], threads: false }), got);
  const one = await synthFile();
  assert.deepEqual(await jsonl({ inputs: [one], threads: false }), await jsonl({ inputs: [one], threads: true }));
});
