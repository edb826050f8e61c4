// npm run bench, converter section: every output format on a synthetic recording of ≥ 1M
// syscalls. Each run is a child process (its own peak RSS); medians of VLT_BENCH_RUNS rounds.
// Compared with `perf trace -i` replaying a perf.data of a similar workload, when perf works.
// Prints a markdown table (BENCHMARKS.md records the figures).
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARY_FORMATS, convert, FORMATS, type Format } from '../src/index.js';
import { machineSpeed, synthesizeTrace } from '@vltrace/testkit';

const N = Number(process.env['VLT_BENCH_SYSCALLS'] ?? 1_000_000);
const RUNS = Number(process.env['VLT_BENCH_RUNS'] ?? 5);
/** the second table's recording (0: no second table) and its rounds */
const LARGE = Number(process.env['VLT_BENCH_LARGE'] ?? 5_000_000);
const LARGE_RUNS = Number(process.env['VLT_BENCH_LARGE_RUNS'] ?? 3);
const ONLY = process.env['VLT_BENCH_FORMATS']?.split(',') as Format[] | undefined;
/** syscalls/s: issue 13's for text, csv, jsonl and parquet; the earlier ones for the others */
const TARGETS: Partial<Record<Format, number>> = { text: 2e6, hex: 1e6, csv: 2e6, jsonl: 1e6, arrow: 2e6, arrows: 2e6, parquet: 1e6, perfetto: 5e5 };

interface Result { seconds: number; rows: number; rssMiB: number; bytes: number; cpu: number }

/** Child: one conversion, reported to the parent. */
async function child(format: Format, input: string, outDir: string): Promise<void> {
  const binary = BINARY_FORMATS.has(format);
  const output = binary ? join(outDir, `out.${format}`) : undefined;
  // the previous run's output is removed first: replacing a 161 MB file frees its page cache
  // in rename(), ~40 ms here, which is not conversion work
  if (output) rmSync(output, { force: true });
  const t0 = performance.now();
  const res = await convert({ inputs: [input], to: format, ...(output ? { output } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  const u = process.resourceUsage();
  const r: Result = { seconds, rows: res.rows, rssMiB: u.maxRSS / 1024, bytes: output ? statSync(output).size : 0, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 };
  process.send!(r);
}

function runChild(format: Format, input: string, outDir: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    // text formats write to stdout, which goes to /dev/null
    const p = fork(fileURLToPath(import.meta.url), ['--child', format, input, outDir], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let result: Result | undefined;
    p.on('message', (m) => (result = m as Result));
    p.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${format}: child exited with ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** perf trace -i on a perf.data of a dd loop (similar syscall mix), or a note why not. */
function perfTrace(dir: string): string {
  const data = join(dir, 'perf.data');
  try {
    execFileSync('perf', ['trace', 'record', '-o', data, '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=500000'], { stdio: 'ignore', timeout: 120_000 });
    // count the syscalls once through a pipe; time the replays to /dev/null, as the text
    // formats above are timed (through a pipe, perf writes line by line: ~2× slower)
    const counted = spawnSync('perf', ['trace', '-i', data], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300_000 });
    if (counted.status !== 0) throw new Error(counted.stderr.split('\n')[0]);
    const lines = (counted.stdout + counted.stderr).split('\n').filter((l) => /\): /.test(l) || / = /.test(l)).length;
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const out = spawnSync('perf', ['trace', '-i', data], { stdio: 'ignore', timeout: 300_000 });
      times.push((performance.now() - t0) / 1000);
      if (out.status !== 0) throw new Error(`perf trace -i: exit ${out.status}`);
    }
    const s = median(times);
    return `| perf trace -i (dd, ${lines} syscalls, to /dev/null) | ${s.toFixed(2)} | ${(lines / s / 1e6).toFixed(2)} M/s | – | – | – | reference |`;
  } catch (e) {
    return `| perf trace -i | – | – | – | – | – | skipped: ${(e as Error).message.split('\n')[0]} |`;
  }
}

/** Runs `formats` on `input` in `rounds` rounds and prints one table row per format. */
async function table(formats: readonly Format[], input: string, dir: string, rounds: number, perf: boolean): Promise<void> {
  const mb = statSync(input).size / 1e6;
  console.log(`vltrace-convert: ${mb.toFixed(1)} MB input; median of ${rounds} rounds over the formats, each run in its own process\n`);
  console.log('| format | s | syscalls/s | CPU s (all threads) | peak RSS MiB | output MB | target |');
  console.log('|---|---|---|---|---|---|---|');
  // rounds over all formats rather than each format's runs back to back: the machine is shared
  // and slows down for minutes at a time, which then weighs on every format alike
  const load0 = loadavg().map((l) => l.toFixed(2)).join(' ');
  const speed0 = machineSpeed();
  const runs = new Map<Format, Result[]>(formats.map((f) => [f, []]));
  const failed = new Map<Format, string>();
  for (let r = 0; r < rounds; r++) {
    for (const format of formats) {
      if (failed.has(format)) continue;
      try {
        runs.get(format)!.push(await runChild(format, input, dir));
      } catch (e) {
        failed.set(format, (e as Error).message);
      }
    }
  }
  for (const format of formats) {
    const rs = runs.get(format)!;
    if (failed.has(format) || rs.length === 0) {
      console.log(`| ${format} | – | – | – | – | – | failed: ${failed.get(format)} |`);
      continue;
    }
    const s = median(rs.map((r) => r.seconds));
    const rate = rs[0]!.rows / s;
    const target = TARGETS[format];
    const verdict = target === undefined ? '–' : `${rate >= target ? 'met' : 'missed'} (≥ ${target / 1e6} M/s)`;
    const rss = Math.max(...rs.map((r) => r.rssMiB));
    console.log(`| ${format} | ${s.toFixed(2)} | ${(rate / 1e6).toFixed(2)} M/s | ${median(rs.map((r) => r.cpu)).toFixed(2)} | ${rss.toFixed(0)}${rss > 300 ? ' (over 300)' : ''} | ${rs[0]!.bytes ? (rs[0]!.bytes / 1e6).toFixed(1) : 'stdout'} | ${verdict} |`);
  }
  if (perf) console.log(perfTrace(dir));
  console.log(`\nload average before: ${load0}, after: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs; machine speed (fixed loops) before: ${speed0}, after: ${machineSpeed()}\n`);
}

async function recording(n: number): Promise<string> {
  const input = join(tmpdir(), `vltrace-bench-${n}.bin`);
  if (!existsSync(input)) await synthesizeTrace(input, { syscalls: n });
  return input;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-convert-bench-'));
  console.log(`### ${N} syscalls, every format\n`);
  await table(ONLY ?? FORMATS, await recording(N), dir, RUNS, true);
  // the same conversions on a longer recording: a run of 1M syscalls takes 0.5–1 s, of which
  // ~0.1–0.2 s are fixed (the decoding thread's start, code not yet optimised); here they weigh
  // 5× less, so this is the rate a long recording converts at
  if (LARGE > 0) {
    console.log(`### ${LARGE} syscalls, the formats with a throughput target\n`);
    await table((ONLY ?? FORMATS).filter((f) => f in TARGETS && f !== 'hex' && f !== 'parquet'), await recording(LARGE), dir, LARGE_RUNS, false);
  }
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === '--child') await child(process.argv[3] as Format, process.argv[4]!, process.argv[5]!);
else await main();
