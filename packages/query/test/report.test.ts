// The report's data and page on a hand-built recording whose numbers are known: 45 processes
// (40 lanes + one merged), a call spanning many time bins, durations in known log2 buckets, a
// path made to break out of the page's markup; and the command's output file (-o, -, default).
// The page drawn by Chromium is tested on a recorded program (recorded.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AT_FDCWD, Script, tmpDir, writeTrace } from './fixture.js';
import { REPORT_LIMITS, reportData } from '../src/reports/report.js';
import { summary } from '../src/reports/summary.js';
import { REPORT_COLORS, reportHtml } from '../src/report-html.js';

const CLI = fileURLToPath(new URL('../../bin/vltrace-query.js', import.meta.url));
const HOSTILE = '</script><img src=x onerror=alert(1)>';
const PROCS = REPORT_LIMITS.lanes + 5;
const LONG_NS = 3_000_000n;

/** PROCS processes, each with pid-dependent time in read; pid 1000 also a long futex and a failing open of HOSTILE. */
function recording(): string {
  const s = new Script();
  for (let i = 0; i < PROCS; i++) {
    // 5 µs reads (bucket 12: 4096–8191 ns); later pids read more, so they get the lanes
    for (let k = 0; k <= i % 7; k++) s.call(1000 + i, 'read', [0n, 0x1000n, 10n], 10n, { dur: 5000n });
  }
  s.call(1000, 'futex', [0x4000n, 0n, 1n, 0n, 0n, 0n], 0n, { dur: LONG_NS });
  s.call(1000, 'openat', [AT_FDCWD, 0x1000n, 0n, 0n], -2n, { strs: [[1, HOSTILE]], dur: 700n });
  return writeTrace(s.w, 'run.bin', tmpDir('vq-report-'));
}

const bin = recording();
const dir = join(bin, '..');
const cacheDir = join(dir, 'cache');
const dataP = reportData(bin, { cacheDir });

test('report data: lanes hold all the time in syscalls, split at the bins, capped with a merged lane', async () => {
  const d = await dataP;
  const tl = d.timeline;
  assert.equal(tl.processes, PROCS);
  assert.equal(tl.lanes.length, REPORT_LIMITS.lanes + 1);
  const merged = tl.lanes.at(-1)!;
  assert.equal(merged.pid, null);
  assert.equal(merged.comm, `${PROCS - REPORT_LIMITS.lanes} more processes`);
  // the 40 with the most time (pid 1000's futex, then those with the most reads), in start order
  const kept = tl.lanes.slice(0, -1).map((l) => l.pid!);
  assert.deepEqual(kept, [...kept].sort((x, y) => x - y), 'in the order of their first call');
  assert.equal(kept[0], 1000);
  const reads = (pid: number) => ((pid - 1000) % 7) + 1;
  const left = Array.from({ length: PROCS }, (_, i) => 1000 + i).filter((p) => !kept.includes(p));
  assert.ok(Math.max(...left.map(reads)) <= Math.min(...kept.slice(1).map(reads)), 'the merged ones had the least time');
  // every lane's bins add up to its process's time in `summary --per-pid`, and the lanes to the total
  const perPid = new Map<number, number>();
  for (const r of (await summary(bin, { cacheDir, perPid: true })).rows) perPid.set(r.pid!, (perPid.get(r.pid!) ?? 0) + r.seconds);
  for (const l of tl.lanes) {
    assert.equal(l.busy.length, REPORT_LIMITS.timeBins);
    const binned = l.busy.reduce((a, b) => a + b, 0) * tl.binSeconds;
    assert.ok(Math.abs(binned - l.seconds) < 1e-12, `${l.pid}: ${binned} vs ${l.seconds}`);
    if (l.pid !== null) assert.ok(Math.abs(l.seconds - perPid.get(l.pid)!) < 1e-12, `${l.pid}: ${l.seconds} vs ${perPid.get(l.pid)}`);
  }
  const total = tl.lanes.reduce((a, l) => a + l.seconds, 0);
  assert.ok(Math.abs(total - d.summary.total.seconds) < 1e-12);
  // the long futex keeps pid 1000 in a syscall for whole bins: busy 1 in each bin it covers entirely
  const full = tl.lanes[0]!.busy.filter((b) => Math.abs(b - 1) < 1e-9).length;
  const expected = Math.floor(Number(LONG_NS) / 1e9 / tl.binSeconds) - 1;
  assert.ok(full >= expected && full <= expected + 1, `${full} full bins, ~${expected} expected`);
  assert.ok(tl.lanes[0]!.busy.every((b) => b <= 1 + 1e-9), 'one thread: never more than 1');
});

test('report data: latency buckets, failures by errno and path, the summary and tree as their reports give them', async () => {
  const d = await dataP;
  const read = d.latency.histograms.find((h) => h.syscall === 'read')!;
  assert.equal(read.calls, d.summary.rows.find((r) => r.syscall === 'read')!.calls);
  assert.equal(read.counts[12 - d.latency.firstBucket], read.calls, 'every 5 µs read in bucket 2^12 ns');
  const futex = d.latency.histograms.find((h) => h.syscall === 'futex')!;
  assert.equal(futex.counts[21 - d.latency.firstBucket], 1, '3 ms in bucket 2^21 ns');
  assert.equal(d.latency.firstBucket, 9, 'the 700 ns openat: 2^9');
  assert.deepEqual(d.failurePaths, [{ errno: 2, errnoName: 'ENOENT', path: HOSTILE, syscalls: ['openat'], count: 1, pids: 1 }]);
  assert.equal(d.failurePathsMore, 0);
  assert.equal(d.failed.length, 1);
  assert.equal(d.procs.length + d.procsMore, PROCS);
  assert.deepEqual(d.inputs, [bin]);
});

test('report page: self-contained, data intact, recording strings never markup', async () => {
  const d = await dataP;
  const html = reportHtml(d);
  assert.ok(!html.includes(HOSTILE) && !html.includes('<img'), 'the path is escaped');
  assert.doesNotMatch(html, /<(script|link|img|iframe)\b[^>]*\b(src|href)=/i, 'nothing loaded from elsewhere');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /Chart\.js v4/, 'the library inlined, with its licence header');
  const island = /<script type="application\/json" id="vltrace-data">(.*?)<\/script>/s.exec(html)![1]!;
  assert.deepEqual(JSON.parse(island), JSON.parse(JSON.stringify({ ...d, colors: REPORT_COLORS })));
  assert.ok(html.length < 600_000, `${html.length} bytes`);
});

function run(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 32 << 20 });
}

test('report command: -o file never more readable than the recording, - for stdout, run.html by default, one line for an unwritable output', () => {
  chmodSync(bin, 0o640);
  const out = join(dir, 'page.html');
  let r = run('report', bin, '-o', out, '--cache-dir', cacheDir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(statSync(out).mode & 0o777, 0o640 & ~process.umask());
  assert.match(readFileSync(out, 'utf8'), /^<!DOCTYPE html>/);

  r = run('report', bin, '-o', '-', '--cache-dir', cacheDir, '-p', '1001');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^<!DOCTYPE html>/);
  const island = JSON.parse(/id="vltrace-data">(.*?)<\/script>/s.exec(r.stdout)![1]!) as { timeline: { lanes: { pid: number }[] } };
  assert.deepEqual(island.timeline.lanes.map((l) => l.pid), [1001], '-p filters the lanes');

  r = run('report', bin, '--cache-dir', cacheDir);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'run.html')));

  r = run('report', bin, '-o', join(dir, 'no-such-dir', 'x.html'), '--cache-dir', cacheDir);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^vltrace-query: cannot write .*no-such-dir\/x\.html: no such file or directory \(ENOENT\)\n$/);
});
