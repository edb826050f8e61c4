/**
 * Recorder benchmark: the same workloads untraced, under vltrace-record, `strace -f -o file`
 * and `perf trace record`, side by side in one run; prints a markdown table of medians.
 *
 *   node packages/recorder/dist/bench/record.bench.js   (as root; BENCH_RUNS=5 by default)
 *
 * Workloads: `dd if=/dev/zero of=/dev/null bs=1 count=500000` (~1M syscalls; dd's own
 * elapsed time, so start-up is not counted) and a C loop of getppid() calls that prints its
 * own ns per call. Start-up: launch of vltrace-record to the command's execve (its EXEC
 * packet's timestamp, CLOCK_MONOTONIC like process.hrtime), and the whole run of `true`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTrace } from '@vltrace/format';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const PKG = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(PKG, 'bin', 'vltrace-record.js');
const DD = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=500000'];
const DD_SYSCALLS = 1_000_000; // 500k read + 500k write (+ ~100 of start-up, negligible)
const LOOP = 1_000_000;
const STRACE_LOOP = 100_000; // strace is ~100x slower: fewer calls, same per-call figure

type Tool = 'untraced' | 'vltrace' | 'strace' | 'perf';
const TOOLS: Tool[] = ['untraced', 'vltrace', 'strace', 'perf'];
const LABEL: Record<Tool, string> = { untraced: 'untraced', vltrace: 'vltrace-record', strace: 'strace -f -o file', perf: 'perf trace record' };

const dir = mkdtempSync(join(tmpdir(), 'vltrace-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

/** The command line of `cmd` under a tool. */
function wrap(tool: Tool, cmd: string[]): string[] {
  switch (tool) {
    case 'untraced': return cmd;
    case 'vltrace': return [process.execPath, CLI, '-o', join(dir, 'v.bin'), '--', ...cmd];
    case 'strace': return ['strace', '-f', '-o', join(dir, 's.txt'), ...cmd];
    case 'perf': return ['perf', 'trace', 'record', '-o', join(dir, 'p.data'), '--', ...cmd];
  }
}

interface Run { out: string; err: string; status: number | null; wallMs: number }

function run(argv: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: dir, maxBuffer: 64 << 20 });
  return { out: r.stdout ?? '', err: r.stderr ?? '', status: r.status, wallMs: performance.now() - t0 };
}

/** perf needs its trace subcommand and tracefs; install Debian's linux-perf if missing. */
function perfWorks(): string | undefined {
  if (spawnSync('perf', ['--version']).status !== 0) {
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'linux-perf'], { stdio: 'ignore' });
  }
  const r = run(wrap('perf', ['true']));
  return r.status === 0 ? undefined : `perf trace record failed: ${(r.err.trim().split('\n').pop() ?? '').slice(0, 120)}`;
}

const notes: string[] = [];
const perfProblem = perfWorks();
if (perfProblem) notes.push(`perf skipped: ${perfProblem}`);
const tools = TOOLS.filter((t) => t !== 'perf' || !perfProblem);
const prog = join(dir, 'syscalls');
execFileSync('cc', ['-O2', '-o', prog, join(PKG, 'test', 'prog', 'syscalls.c'), '-lpthread']);

// Tools take turns within each round, so a busy neighbour slows them all alike.
const ddSecs: Partial<Record<Tool, number[]>> = {};
const loopNs: Partial<Record<Tool, number[]>> = {};
let ddLost = 0;
for (let i = 0; i < RUNS; i++) {
  for (const tool of tools) {
    // strace: 1 run on dd (~13 s), 3 on the loop
    if (tool === 'strace' && i > 0) continue;
    const r = run(wrap(tool, DD));
    const s = /copied, ([\d.]+) s/.exec(r.err);
    if (!s) throw new Error(`${tool} dd: no timing in ${r.err.slice(-300)}`);
    (ddSecs[tool] ??= []).push(Number(s[1]));
    const lost = /(\d+) lost/.exec(r.err);
    if (tool === 'vltrace' && lost) ddLost = Math.max(ddLost, Number(lost[1]));
  }
  for (const tool of tools) {
    if (tool === 'strace' && i > 2) continue;
    const r = run(wrap(tool, [prog, 'loop', String(tool === 'strace' ? STRACE_LOOP : LOOP)]));
    const ns = Number(r.out.trim().split('\n').pop());
    if (!Number.isFinite(ns)) throw new Error(`${tool} loop: no result in ${r.out.slice(-200)} ${r.err.slice(-300)}`);
    (loopNs[tool] ??= []).push(ns);
  }
}

// start-up: launch -> the command's execve (EXEC packet), and the whole run of `true`
const startMs: number[] = [];
const trueMs: number[] = [];
const trueBase: number[] = [];
const nodeBase: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const launch = process.hrtime.bigint();
  const r = run(wrap('vltrace', ['true']));
  trueMs.push(r.wallMs);
  const t = await openTrace(join(dir, 'v.bin'));
  for await (const item of t.items()) {
    if (item.type === 'exec') {
      startMs.push(Number(item.ts - launch) / 1e6);
      break;
    }
  }
  await t.close();
  trueBase.push(run(['true']).wallMs);
  nodeBase.push(run([process.execPath, '-e', '']).wallMs);
}

const dd = Object.fromEntries(tools.map((t) => [t, median(ddSecs[t]!)])) as Record<Tool, number>;
const loop = Object.fromEntries(tools.map((t) => [t, median(loopNs[t]!)])) as Record<Tool, number>;
const ddAdded = (t: Tool) => ((dd[t] - dd.untraced) * 1e9) / DD_SYSCALLS;
const loopAdded = (t: Tool) => loop[t] - loop.untraced;
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');

const cols = tools.map((t) => LABEL[t]);
const rows: string[][] = [
  ['dd 1M syscalls: s (dd\'s own time)', ...tools.map((t) => fmt(dd[t], 3))],
  ['dd: added ns per syscall', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(ddAdded(t))))],
  ['dd: × untraced', ...tools.map((t) => fmt(dd[t] / dd.untraced, 2))],
  ['getppid loop: ns per call', ...tools.map((t) => fmt(loop[t], 1))],
  ['getppid: added ns per call', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(loopAdded(t))))],
  ['getppid: fastest run, ns per call', ...tools.map((t) => fmt(Math.min(...loopNs[t]!), 1))],
];
const lines = [
  `### Recorder (median of ${RUNS} runs; strace: 1 run on dd, ${Math.min(RUNS, 3)} × ${STRACE_LOOP} calls on the loop)`,
  '',
  `| | ${cols.join(' | ')} |`,
  `|---|${cols.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
  `- strace -f adds ${fmt(ddAdded('strace') / ddAdded('vltrace'), 0)}× more per syscall than vltrace-record on dd, ${fmt(loopAdded('strace') / loopAdded('vltrace'), 0)}× on getppid (target ≥ 50×)`,
  `- vltrace-record lost ${ddLost} packets on dd (default ring; worst of ${RUNS} runs)`,
  `- start-up: launch → command's execve ${fmt(median(startMs), 1)} ms; whole run of \`true\` ${fmt(median(trueMs), 1)} ms (untraced ${fmt(median(trueBase), 1)} ms; \`node -e ''\` alone ${fmt(median(nodeBase), 1)} ms)`,
  `- load average during the run: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other work on the machine inflates every column)`,
  ...notes.map((n) => `- ${n}`),
];
process.stdout.write(lines.join('\n') + '\n');
rmSync(dir, { recursive: true, force: true });
