// `summary` of a recording without a current cache is computed straight from its batches
// (src/direct.ts), without DuckDB or a conversion. It must give exactly what the SQL over the
// converted rows gives: checked here option by option (sort keys, --per-pid, -e, -p, several
// inputs) on the fixture, on a recording with odd rows (unknown syscalls, lost, unfinished and
// no-entry rows, return values at the errno boundaries, durations across 2^32 ns and beyond
// 2^53 ns) and on 300k synthetic syscalls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PacketWriter, syscallByName } from '@vltrace/format';
import { Session, summary, type SummaryOptions, type SummaryResult } from '../src/index.js';
import { buildFixture, tmpDir, writeTrace } from './fixture.js';
import { synthesizeTrace } from '@vltrace/testkit';

/** strace -S nothing: by syscall number (per process with perPid). */
function inNumberOrder(r: SummaryResult, perPid: boolean): void {
  const key = (row: SummaryResult['rows'][number]): [number, number] => [perPid ? row.pid! : 0, syscallByName(row.syscall)?.nr ?? Infinity];
  for (let i = 1; i < r.rows.length; i++) {
    const [p0, n0] = key(r.rows[i - 1]!);
    const [p1, n1] = key(r.rows[i]!);
    assert.ok(p0 < p1 || (p0 === p1 && n0 <= n1), `${r.rows[i - 1]!.syscall} before ${r.rows[i]!.syscall}`);
  }
}

const OPTIONS: SummaryOptions[] = [
  {}, { sort: 'calls' }, { sort: 'errors' }, { sort: 'name' }, { sort: 'avg-time' }, { sort: 'min-time' }, { sort: 'max-time' }, { sort: 'nothing' },
  { perPid: true, sort: 'nothing' }, { perPid: true }, { perPid: true, sort: 'calls' }, { expr: '%file' }, { expr: 'read,write,openat' }, { expr: '!read' },
];

async function same(bins: string[], pids: number[]): Promise<void> {
  const dir = tmpDir('vq-direct-');
  const opts = [...OPTIONS, { pid: pids.slice(0, 1) }, { pid: pids, perPid: true }, { pid: [pids[0]!], expr: '%process' }];
  // no cache yet: the direct path, which must not convert
  const direct = [];
  for (const o of opts) direct.push(await summary(bins, { ...o, cacheDir: join(dir, 'cache') }));
  assert.ok(!existsSync(join(dir, 'cache')), 'summary converted a recording');
  // the same options over the SQL view of the converted recordings
  const s = await Session.open(bins, { cacheDir: join(dir, 'cache') });
  try {
    for (const [i, o] of opts.entries()) {
      const viaSql = await summary(s, o);
      assert.deepEqual(direct[i], viaSql, JSON.stringify(o));
      if (o.sort === 'nothing') inNumberOrder(viaSql, o.perPid === true);
    }
  } finally {
    s.close();
  }
  // with a current cache, summary() reads it (and still agrees)
  assert.deepEqual(await summary(bins, { cacheDir: join(dir, 'cache') }), direct[0]);
}

test('direct summary = SQL summary: the fixture', async () => {
  const bin = writeTrace(buildFixture(), 'fixture.bin', tmpDir('vq-direct-'));
  await same([bin], [100, 101]);
});

test('direct summary = SQL summary: unknown syscalls, lost/unfinished/no-entry rows, errno boundaries, long durations', async () => {
  const w = new PacketWriter();
  let ts = 1_000_000_000n;
  const call = (pid: number, nr: number, ret: bigint, dur: bigint, at = ts) => {
    w.entry({ pid, tid: pid, ts: at, nr, args: [1n, 2n] });
    w.exit({ pid, tid: pid, ts: at + dur, nr, ret });
    ts = at + dur + 10n;
  };
  call(7, 0, -1n, 100n); // EPERM
  call(7, 0, -4095n, 100n); // the last errno
  call(7, 0, -4096n, 100n); // not an errno
  call(7, 0, 0xffffffffn, 100n); // low half all ones, but positive
  call(7, 0, BigInt.asIntN(64, 0xffffffff00000001n), 100n); // high half all ones, low half positive
  call(7, 1, 5n, 50n, (1n << 32n) - 20n); // across a 2^32 ns boundary
  call(8, 1, 5n, 1n << 40n);
  call(8, 1, 5n, (1n << 53n) + 3n); // more than 2^52 ns: summed exactly
  call(8, 999, -38n, 70n); // beyond the syscall tables: syscall NULL
  call(8, 469, 0n, 20n);
  w.lost({ ts, cpu: 1, count: 42n, firstTs: ts - 5n, lastTs: ts });
  w.exit({ pid: 9, tid: 9, ts: ts + 100n, nr: 56, ret: 0n }); // no entry
  w.entry({ pid: 7, tid: 7, ts: ts + 200n, nr: 231, args: [0n] }); // unfinished
  const dir = tmpDir('vq-direct-');
  await same([writeTrace(w, 'odd.bin', dir)], [7, 8, 9]);
});

test('direct summary = SQL summary: 300k synthetic syscalls, one input and two', async () => {
  const dir = tmpDir('vq-direct-');
  const a = join(dir, 'a.bin');
  const b = join(dir, 'b.bin');
  await synthesizeTrace(a, { syscalls: 300_000, seed: 3 });
  await synthesizeTrace(b, { syscalls: 50_000, seed: 4 });
  const pids = (await summary(a, { perPid: true, cacheDir: join(dir, 'x') })).rows.map((r) => r.pid!);
  await same([a], [...new Set(pids)].slice(0, 3));
  await same([a, b], [...new Set(pids)].slice(0, 3));
});
