// npm run bench, query section: vltrace-query's reports on a 10M-syscall Parquet dataset and on a
// 1M-syscall .bin (end to end, conversion included), and the peak memory of converting a
// 5M-syscall .bin into the query cache (the CLI in a child process of its own: its peak RSS).
// The dataset is made once, in the temp dir: 10 synthetic recordings of 1M syscalls converted by
// @vltrace/convert's Parquet sink into a hive-partitioned directory (host=synth-01 …
// host=synth-10). Prints tables; BENCHMARKS.md records the figures. Targets: summary over 10M
// Parquet rows ≤ 0.5 s through the CLI (issue 13; the API row, in an open session, has ≤ 1 s);
// over a 1M .bin ≤ 1.5 s (end to end, the CLI as a user runs it); the
// conversion of 5M syscalls ≤ 300 MB, like the converter's.
//
// Environment: VLT_BENCH_RUNS (default 3) runs of each measurement; VLT_BENCH_LARGE (default 5M,
// 0 for none) and VLT_BENCH_LARGE_RUNS (default 3) for the memory table. BENCH_BEFORE=/path/to/
// an older checkout (built): the CLI measurements run that checkout's vltrace-query too,
// alternately with this one (the order flips every round, so that the machine's load hits both
// alike), and a second table gives both medians (wall-clock and CPU time of the process) side by
// side; the outputs of the two builds must be the same.
import { fork, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from '@vltrace/convert';
import { Session, summary, failed, slow, procs, files, lost } from '../src/index.js';
import { synthesizeTrace } from '@vltrace/testkit';

const ROOT = join(tmpdir(), 'vltrace-query-bench');
const DATASET = join(ROOT, 'dataset');
const BIN = join(ROOT, 'run-1m.bin');
const CLI = fileURLToPath(new URL('../../bin/vltrace-query.js', import.meta.url));
const BEFORE = process.env['BENCH_BEFORE'];
const CLI_BEFORE = BEFORE ? join(BEFORE, 'packages/query/bin/vltrace-query.js') : undefined;
const RUNS = Number(process.env['VLT_BENCH_RUNS'] ?? 3);
/** the recording of the memory table (0: none) and its rounds */
const LARGE = Number(process.env['VLT_BENCH_LARGE'] ?? 5_000_000);
const LARGE_RUNS = Number(process.env['VLT_BENCH_LARGE_RUNS'] ?? 3);
const LARGE_BIN = join(ROOT, `run-${LARGE / 1e6}m.bin`);

interface Peak { seconds: number; rssMiB: number; cpu: number; out: string }

/** Child: the CLI converting a recording (--refresh), in this process; reported to the parent. */
async function child(bin: string, cache: string): Promise<void> {
  const { main } = await import('../src/cli.js');
  const t0 = performance.now();
  await main(['sql', 'SELECT count(*) AS n FROM syscalls', bin, '--cache-dir', cache, '--refresh', '--format', 'csv']);
  if (process.exitCode) throw new Error(`vltrace-query exited with ${process.exitCode}`);
  const u = process.resourceUsage();
  const r: Omit<Peak, 'out'> = { seconds: (performance.now() - t0) / 1000, rssMiB: u.maxRSS / 1024, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 };
  process.send!(r);
}

function runChild(bin: string, cache: string): Promise<Peak> {
  return new Promise((resolve, reject) => {
    const p = fork(fileURLToPath(import.meta.url), ['--child', bin, cache], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let result: Omit<Peak, 'out'> | undefined;
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('message', (m) => (result = m as Omit<Peak, 'out'>));
    p.on('close', (code) => (result ? resolve({ ...result, out }) : reject(new Error(`conversion child exited with ${code}`))));
  });
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!);
  process.exit(0);
}

async function makeDataset(): Promise<void> {
  if (existsSync(join(DATASET, '.complete'))) return;
  rmSync(DATASET, { recursive: true, force: true });
  const tmp = `${DATASET}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (let k = 1; k <= 10; k++) {
    const host = `host=synth-${String(k).padStart(2, '0')}`;
    const bin = join(ROOT, `synth-${k}.bin`);
    process.stderr.write(`query bench: making the dataset, ${host} (1M syscalls)…\n`);
    await synthesizeTrace(bin, { syscalls: 1_000_000, seed: k });
    mkdirSync(join(tmp, host), { recursive: true });
    await convert({ inputs: [bin], to: 'parquet', output: join(tmp, host, 'part-0.parquet') });
    rmSync(bin);
  }
  renameSync(tmp, DATASET);
  mkdirSync(join(DATASET, '.complete'));
}

/** Best and median of RUNS runs of fn, in seconds. */
async function time(fn: () => Promise<unknown> | unknown, runs = RUNS): Promise<{ best: number; median: number }> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return { best: t[0]!, median: t[Math.floor(t.length / 2)]! };
}

/** CPU time (user + system, s) of this process's waited-for children so far (Linux: /proc). */
function childrenCpu(): number {
  // fields after the command name: state is field 3; cutime and cstime are fields 16 and 17
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // clock ticks: USER_HZ is 100 on Linux
}

/** Runs a vltrace-query executable as users run it: its stdout, wall-clock and CPU seconds. */
function runCli(exe: string, args: readonly string[]): { out: string; wall: number; cpu: number } {
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(exe, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${exe} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { out: r.stdout, wall, cpu: childrenCpu() - c0 };
}

function cli(...args: string[]): void {
  runCli(CLI, args);
}

interface SideBySide { name: string; now: { wall: number; cpu: number }[]; before: { wall: number; cpu: number }[] }
const sideBySide: SideBySide[] = [];

/**
 * A CLI measurement: this build RUNS times (the main table); with BENCH_BEFORE, alternately with
 * the older build (the side-by-side table). `args(build)` gives each build its own cache.
 */
async function cliRow(name: string, args: (build: 'now' | 'before') => string[], target: string): Promise<void> {
  if (!CLI_BEFORE) {
    rows.push([name, await time(() => cli(...args('now'))), target]);
    return;
  }
  const row: SideBySide = { name, now: [], before: [] };
  let outs: Record<string, string> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const b of i % 2 === 0 ? (['now', 'before'] as const) : (['before', 'now'] as const)) {
      const r = runCli(b === 'now' ? CLI : CLI_BEFORE, args(b));
      row[b].push({ wall: r.wall, cpu: r.cpu });
      outs[b] = r.out;
    }
  }
  if (outs['now'] !== outs['before']) throw new Error(`${name}: the two builds print different outputs`);
  outs = {};
  const walls = row.now.map((x) => x.wall).sort((a, b) => a - b);
  rows.push([name, { best: walls[0]!, median: walls[Math.floor(walls.length / 2)]! }, target]);
  sideBySide.push(row);
}

mkdirSync(ROOT, { recursive: true });
await makeDataset();
if (!existsSync(BIN)) await synthesizeTrace(BIN, { syscalls: 1_000_000, seed: 42 });
const CACHE = join(ROOT, 'cache');

const rows: [string, { best: number; median: number }, string][] = [];
const s = await Session.open(DATASET);
const check = await summary(s);
if (check.total.calls !== 10_000_000) throw new Error(`dataset holds ${check.total.calls} calls, not 10M`);
rows.push(['summary, 10M Parquet rows (API, session open)', await time(() => summary(s)), '≤ 1 s']);
rows.push(['failed, 10M Parquet rows (API)', await time(() => failed(s)), '']);
rows.push(['slow -n 20, 10M Parquet rows (API)', await time(() => slow(s)), '']);
rows.push(['procs, 10M Parquet rows (API)', await time(() => procs(s)), '']);
rows.push(['lost, 10M Parquet rows (API)', await time(() => lost(s)), '']);
s.close();
const one = await Session.open(join(DATASET, 'host=synth-01'));
rows.push(['files (fd → path resolution), 1M Parquet rows (API)', await time(() => files(one), 1), '']);
one.close();
const CACHE_BEFORE = join(ROOT, 'cache-before');
for (const d of [CACHE, CACHE_BEFORE]) {
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o700);
}
const cacheOf = (b: 'now' | 'before') => (b === 'now' ? CACHE : CACHE_BEFORE);
await cliRow('summary, 10M Parquet rows (CLI process, end to end)', () => ['summary', DATASET], '≤ 0.5 s');
// no current cache: summary reads the recording's batches itself (src/direct.ts), no conversion
await cliRow('summary, 1M .bin, no cache: from the batches, no conversion (CLI, end to end)', (b) => ['summary', BIN, '--cache-dir', cacheOf(b), '--refresh'], '≤ 1.5 s');
// the other reports convert once (convert's Parquet sink writes the cache)
await cliRow('failed, 1M .bin, cold: conversion included (CLI, end to end)', (b) => ['failed', BIN, '--cache-dir', cacheOf(b), '--refresh'], '');
await cliRow('summary, 1M .bin, cached (CLI, end to end)', (b) => ['summary', BIN, '--cache-dir', cacheOf(b)], '');
await cliRow('failed, 1M .bin, cached (CLI, end to end)', (b) => ['failed', BIN, '--cache-dir', cacheOf(b)], '');

const w = Math.max(...rows.map(([n]) => n.length));
console.log(`query: ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)} at the end; best and median of ${RUNS} runs`);
console.log(`| ${'measurement'.padEnd(w)} | best s | median s | target |`);
console.log(`|${'-'.repeat(w + 2)}|-------:|---------:|--------|`);
for (const [name, t, target] of rows) console.log(`| ${name.padEnd(w)} | ${t.best.toFixed(3).padStart(6)} | ${t.median.toFixed(3).padStart(8)} | ${target} |`);

if (sideBySide.length > 0) {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nside by side with ${BEFORE}: ${RUNS} alternating runs each, medians in s; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`);
  console.log(`| ${'CLI, end to end'.padEnd(w)} | now: wall | before: wall | now: CPU | before: CPU | now / before: wall | now / before: CPU |`);
  console.log(`|${'-'.repeat(w + 2)}|--:|--:|--:|--:|--:|--:|`);
  for (const r of sideBySide) {
    const [nw, bw, nc, bc] = [med(r.now.map((x) => x.wall)), med(r.before.map((x) => x.wall)), med(r.now.map((x) => x.cpu)), med(r.before.map((x) => x.cpu))];
    console.log(`| ${r.name.padEnd(w)} | ${nw.toFixed(3)} | ${bw.toFixed(3)} | ${nc.toFixed(2)} | ${bc.toFixed(2)} | ${(nw / bw).toFixed(2)} | ${(nc / bc).toFixed(2)} |`);
  }
}

if (LARGE > 0) {
  if (!existsSync(LARGE_BIN)) {
    process.stderr.write(`query bench: making a ${LARGE / 1e6}M-syscall recording…\n`);
    await synthesizeTrace(LARGE_BIN, { syscalls: LARGE, seed: 5 });
  }
  const peaks: Peak[] = [];
  for (let i = 0; i < LARGE_RUNS; i++) peaks.push(await runChild(LARGE_BIN, join(ROOT, 'cache-large')));
  if (peaks.some((p) => p.out !== `n\r\n${LARGE}\r\n`)) throw new Error(`the cache of ${LARGE_BIN} does not hold ${LARGE} rows: ${peaks.map((p) => p.out)}`);
  const med = (f: (p: Peak) => number) => [...peaks.map(f)].sort((a, b) => a - b)[Math.floor(peaks.length / 2)]!;
  console.log(`\nquery cache, conversion of a ${LARGE / 1e6}M-syscall .bin (CLI: sql --refresh, convert's Parquet sink), ${LARGE_RUNS} runs, load average ${loadavg()[0]!.toFixed(2)}`);
  console.log('| s (median) | CPU s (median, all threads) | peak RSS MiB (median) | peak RSS MiB (max) | target |');
  console.log('|--:|--:|--:|--:|---|');
  console.log(`| ${med((p) => p.seconds).toFixed(2)} | ${med((p) => p.cpu).toFixed(2)} | ${med((p) => p.rssMiB).toFixed(0)} | ${Math.max(...peaks.map((p) => p.rssMiB)).toFixed(0)} | ≤ 300 MB |`);
}
