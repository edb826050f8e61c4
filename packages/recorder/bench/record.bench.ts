/**
 * Recorder benchmark: the same workloads untraced, under vltrace-record (default -s, and -s 4096: the full string mode), `strace -f -o file`
 * and `perf trace record`, and under the floor, side by side in one run; prints a markdown table of medians.
 *
 *   node packages/recorder/dist/bench/record.bench.js   (as root)
 *
 * BENCH_RUNS (default 5) rounds of the throughput workloads, BENCH_START_RUNS (default 11) of
 * start-up; BENCH_BEFORE=/path/to/an/older/bin/vltrace-record.js adds that build as a column.
 * BENCH_TOOLS=vltrace,full,floor,before,beforefull,strace,perf picks the columns (default: all that run
 * here; `untraced` is always measured).
 *
 * The floor (bench/floor.c, built here with cc and the machine's libbpf): a program that only
 * returns 0 on each hook the recorder's BPF object attaches to (read from its sections), kept
 * attached while the workload runs. It is what any BPF recorder on these hooks adds at least
 * (the syscall tracepoint path, the trampoline, a program call); the "× floor" rows divide a
 * recorder's added time by the floor's.
 *
 * Workloads: `dd if=/dev/zero of=/dev/null bs=1 count=500000` (~1M syscalls; dd's own elapsed
 * time, so start-up is not counted; every read and write has its 1-byte buffer captured), a C
 * loop of getppid() calls that prints its own ns per call, wall-clock and the thread's CPU time
 * (the latter ignores waits for a CPU on a busy machine, but also strace's: ptrace stops are
 * waits; getppid has no memory to capture), and `ls -laR /usr/share` (stat-heavy: a statx
 * struct captured per file; its own elapsed time, timed by the bash that runs it, followed
 * with -f; per syscall over the count vltrace-record reports). dd and ls run under a bash (-f)
 * that then prints `times`: their own CPU time (user + system, where the BPF programs run too),
 * the figure the × floor rows use on a busy machine. Tools take turns in each round.
 *
 * Start-up: from the launch of `vltrace-record -o f -- true` (process.hrtime just before the
 * spawn, CLOCK_MONOTONIC) to the timestamp of the first traced syscall in the recording (the
 * command's execve entry, bpf_ktime_get_ns, the same clock); `node -e 0` in the same rounds
 * is the floor of any Node CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeaderPrefix, PT } from '@vltrace/format';
import { buildFloor, floorCommand } from './floor.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const START_RUNS = Number(process.env['BENCH_START_RUNS'] ?? 11);
const PKG = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(PKG, 'bin', 'vltrace-record.js');
const BEFORE = process.env['BENCH_BEFORE'];
// bash's `times` (its children's user and system CPU, wait4's rusage, to the ms) follows dd and
// ls: CPU time ignores the waits for a CPU that a busy machine adds to every wall-clock column
const DD = ['bash', '-c', 'dd if=/dev/zero of=/dev/null bs=1 count=500000; times'];
const DD_SYSCALLS = 1_000_000; // 500k read + 500k write (+ ~100 of start-up, negligible)
const LS = ['bash', '-c', 's=$(date +%s%N); ls -laR /usr/share >/dev/null 2>&1; e=$(date +%s%N); echo "ls_ns $((e-s))"; times'];
const LOOP = 1_000_000;
const STRACE_LOOP = 100_000; // strace is ~50x slower: fewer calls, same per-call figure

type Tool = 'untraced' | 'vltrace' | 'full' | 'before' | 'beforefull' | 'floor' | 'strace' | 'perf';
const TOOLS: Tool[] = ['untraced', 'vltrace', 'full', 'before', 'beforefull', 'floor', 'strace', 'perf'];
const LABEL: Record<Tool, string> = {
  untraced: 'untraced', vltrace: 'vltrace-record', full: 'vltrace-record -s 4096 (full mode)', before: 'vltrace-record (before)',
  beforefull: 'vltrace-record -s 4096 (before)',
  floor: 'floor (empty programs)', strace: 'strace -f -o file', perf: 'perf trace record',
};
const PICKED = process.env['BENCH_TOOLS']?.split(',').map((t) => t.trim()).filter(Boolean);
for (const t of PICKED ?? []) if (!TOOLS.includes(t as Tool)) throw new Error(`BENCH_TOOLS: unknown tool ${t} (${TOOLS.join(', ')})`);
const picked = (t: Tool) => t === 'untraced' || !PICKED || PICKED.includes(t);
const RECORDERS: Tool[] = ['vltrace', 'full', 'before', 'beforefull'];

const dir = mkdtempSync(join(tmpdir(), 'vltrace-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

/** The command line of `cmd` under a tool (`follow`: -f for the recorders). */
function wrap(tool: Tool, cmd: string[], out = join(dir, 'v.bin'), follow = false): string[] {
  const f = follow ? ['-f'] : [];
  switch (tool) {
    case 'untraced': return cmd;
    // launched as users launch it, as an executable (#!/usr/bin/env node); `node bin/…` is
    // measured separately in the start-up rounds
    case 'vltrace': return [CLI, ...f, '-o', out, '--', ...cmd];
    // the string mode for whole paths: every string and buffer up to 4096 bytes
    case 'full': return [CLI, ...f, '-s', '4096', '-o', out, '--', ...cmd];
    case 'before': return [process.execPath, BEFORE!, ...f, '-o', out, '--', ...cmd];
    case 'beforefull': return [process.execPath, BEFORE!, ...f, '-s', '4096', '-o', out, '--', ...cmd];
    case 'strace': return ['strace', '-f', '-o', join(dir, 's.txt'), ...cmd];
    case 'perf': return ['perf', 'trace', 'record', '-o', join(dir, 'p.data'), '--', ...cmd];
    // system-wide by nature, as the recorder's own programs run for every process
    case 'floor': return floorCommand(floorBin!, cmd);
  }
}

interface Run { out: string; err: string; status: number | null; wallMs: number }

/** The children's CPU time (user + system, ns) from the last line of bash's `times`. */
function childCpuNs(out: string): number {
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(out);
  return m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1e9 : NaN;
}

function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: dir, maxBuffer: 64 << 20, env });
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

/** Timestamp of the first ENTRY packet of a recording (the command's execve). */
function firstEntryTs(file: string): bigint {
  const b = readFileSync(file);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = parseHeaderPrefix(file, b).size; off + 24 <= b.length;) {
    const size = dv.getUint32(off, true);
    if ((dv.getUint32(off + 4, true) & 0xff) === PT.ENTRY) return dv.getBigUint64(off + 16, true);
    if (!size) break;
    off += size;
  }
  throw new Error(`${file}: no syscall recorded`);
}

/** The floor loader, or why there is none. */
function floorBuilt(): string | undefined {
  try {
    floorBin = buildFloor(dir);
  } catch (e) {
    return `floor skipped: building bench/floor.c (cc, libbpf-dev) failed: ${String((e as { stderr?: unknown }).stderr ?? e).trim().split('\n').pop()?.slice(0, 160)}`;
  }
  const r = run(wrap('floor', ['true']));
  return r.status === 0 ? undefined : `floor skipped: ${r.err.trim().split('\n').pop()?.slice(0, 160)}`;
}

let floorBin: string | undefined;
const notes: string[] = [];
const perfProblem = picked('perf') ? perfWorks() : undefined;
if (perfProblem) notes.push(`perf skipped: ${perfProblem}`);
const floorProblem = picked('floor') ? floorBuilt() : undefined;
if (floorProblem) notes.push(floorProblem);
const tools = TOOLS.filter((t) => picked(t) && (t !== 'perf' || !perfProblem) && (t !== 'floor' || !floorProblem) && ((t !== 'before' && t !== 'beforefull') || BEFORE));
const recorders = tools.filter((t) => RECORDERS.includes(t));
const prog = join(dir, 'syscalls');
execFileSync('cc', ['-O2', '-o', prog, join(PKG, 'test', 'prog', 'syscalls.c'), '-lpthread']);
// warm-up: the first ls -laR reads /usr/share's inodes from disk; every measured run finds them cached
run(LS);

// Tools take turns within each round, so a busy neighbour slows them all alike.
const ddSecs: Partial<Record<Tool, number[]>> = {};
const loopNs: Partial<Record<Tool, number[]>> = {};
const loopCpuNs: Partial<Record<Tool, number[]>> = {};
const ddLost: Partial<Record<Tool, number>> = {};
const lsNs: Partial<Record<Tool, number[]>> = {};
const ddCpuNs: Partial<Record<Tool, number[]>> = {};
const lsCpuNs: Partial<Record<Tool, number[]>> = {};
let lsCalls = 0;
for (let i = 0; i < RUNS; i++) {
  for (const tool of tools) {
    // strace: 1 run on dd (~10-45 s), 3 on the loop
    if (tool === 'strace' && i > 0) continue;
    const r = run(wrap(tool, DD, undefined, true));
    const s = /copied, ([\d.]+) s/.exec(r.err);
    if (!s) throw new Error(`${tool} dd: no timing in ${r.err.slice(-300)}`);
    (ddSecs[tool] ??= []).push(Number(s[1]));
    (ddCpuNs[tool] ??= []).push(childCpuNs(r.out));
    const lost = /(\d+) lost/.exec(r.err);
    if (RECORDERS.includes(tool)) {
      if (!lost) throw new Error(`${tool} dd: no totals in ${r.err.slice(-300)}`);
      ddLost[tool] = Math.max(ddLost[tool] ?? 0, Number(lost[1]));
    }
  }
  for (const tool of tools) {
    if (tool === 'strace' && i > 2) continue;
    const r = run(wrap(tool, [prog, 'loop', String(tool === 'strace' ? STRACE_LOOP : LOOP)]));
    const [wall, cpu] = (r.out.trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (!Number.isFinite(wall) || !Number.isFinite(cpu)) throw new Error(`${tool} loop: no result in ${r.out.slice(-200)} ${r.err.slice(-300)}`);
    (loopNs[tool] ??= []).push(wall!);
    (loopCpuNs[tool] ??= []).push(cpu!);
  }
  for (const tool of tools) {
    if (tool === 'strace' && i > 0) continue;
    const r = run(wrap(tool, LS, undefined, true));
    const ns = /ls_ns (\d+)/.exec(r.out);
    if (!ns) throw new Error(`${tool} ls: no timing in ${r.out.slice(-200)} ${r.err.slice(-300)}`);
    (lsNs[tool] ??= []).push(Number(ns[1]));
    (lsCpuNs[tool] ??= []).push(childCpuNs(r.out));
    const calls = /(\d+) syscalls recorded/.exec(r.err);
    if (RECORDERS.includes(tool) && calls) lsCalls = Math.max(lsCalls, Number(calls[1]));
  }
}

// start-up: launch -> first traced syscall; the whole run of `true`; the floors
const startMs: Partial<Record<Tool, number[]>> = {};
const trueMs: Partial<Record<Tool, number[]>> = {};
const trueBase: number[] = [];
const nodeBase: number[] = [];
const nodeBaseNoCa: number[] = [];
const startViaNode: number[] = [];
const { NODE_EXTRA_CA_CERTS: extraCa, ...envNoCa } = process.env;
for (let i = 0; i < START_RUNS; i++) {
  for (const tool of recorders) {
    const out = join(dir, `start-${tool}.bin`);
    const launch = process.hrtime.bigint();
    const r = run(wrap(tool, ['true'], out));
    if (r.status !== 0) throw new Error(`${tool} true: exit ${r.status}: ${r.err.slice(-300)}`);
    (trueMs[tool] ??= []).push(r.wallMs);
    (startMs[tool] ??= []).push(Number(firstEntryTs(out) - launch) / 1e6);
  }
  const out = join(dir, 'start-node.bin');
  const launch = process.hrtime.bigint();
  const r = run([process.execPath, CLI, '-o', out, '--', 'true']);
  if (r.status !== 0) throw new Error(`node ${CLI} true: exit ${r.status}: ${r.err.slice(-300)}`);
  startViaNode.push(Number(firstEntryTs(out) - launch) / 1e6);
  trueBase.push(run(['true']).wallMs);
  nodeBase.push(run([process.execPath, '-e', '0']).wallMs);
  nodeBaseNoCa.push(run([process.execPath, '-e', '0'], envNoCa).wallMs);
}

const med = (m: Partial<Record<Tool, number[]>>) => Object.fromEntries(tools.map((t) => [t, median(m[t] ?? [])])) as Record<Tool, number>;
const dd = med(ddSecs);
const loop = med(loopNs);
const loopCpu = med(loopCpuNs);
const ls = med(lsNs);
const ddCpu = med(ddCpuNs);
const lsCpu = med(lsCpuNs);
// the least CPU time of the rounds: a busy machine only ever adds to it (caches, the hypervisor)
const least = (m: Partial<Record<Tool, number[]>>) => Object.fromEntries(tools.map((t) => [t, Math.min(...(m[t] ?? [NaN]))])) as Record<Tool, number>;
const [loopCpuMin, ddCpuMin, lsCpuMin] = [least(loopCpuNs), least(ddCpuNs), least(lsCpuNs)];
const leastAdded = (t: Tool) => [loopCpuMin[t] - loopCpuMin.untraced, (ddCpuMin[t] - ddCpuMin.untraced) / DD_SYSCALLS, (lsCpuMin[t] - lsCpuMin.untraced) / lsCalls];
const ddCpuAdded = (t: Tool) => (ddCpu[t] - ddCpu.untraced) / DD_SYSCALLS;
const lsCpuAdded = (t: Tool) => (lsCpu[t] - lsCpu.untraced) / lsCalls;
const ddAdded = (t: Tool) => ((dd[t] - dd.untraced) * 1e9) / DD_SYSCALLS;
const lsAdded = (t: Tool) => (ls[t] - ls.untraced) / lsCalls;
const loopAdded = (t: Tool) => loop[t] - loop.untraced;
const cpuAdded = (t: Tool) => loopCpu[t] - loopCpu.untraced;
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');
const ratio = (t: Tool, added: (t: Tool) => number, base: Tool) => (tools.includes(t) ? fmt(added(t) / added(base), 0) + '×' : '—');
const onlyRec = (t: Tool, s: string) => (RECORDERS.includes(t) ? s : '—');
/** A recorder's added time as a multiple of the floor's (2 decimals). */
const xFloor = (t: Tool, added: (t: Tool) => number) => (RECORDERS.includes(t) && tools.includes('floor') ? fmt(added(t) / added('floor'), 2) + '×' : '—');

const cols = tools.map((t) => LABEL[t]);
const rows: string[][] = [
  ['start-up: launch → first traced syscall, ms', ...tools.map((t) => onlyRec(t, fmt(median(startMs[t] ?? []), 1)))],
  ['start-up: whole run of `true`, ms', ...tools.map((t) => (t === 'untraced' ? fmt(median(trueBase), 1) : onlyRec(t, fmt(median(trueMs[t] ?? []), 1))))],
  ['dd 1M syscalls: s (dd\'s own time)', ...tools.map((t) => fmt(dd[t], 3))],
  ['dd: added ns per syscall', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(ddAdded(t))))],
  ['dd: added CPU ns per syscall (dd\'s user + system)', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(ddCpuAdded(t))))],
  ['dd: lost packets (worst run, default ring)', ...tools.map((t) => onlyRec(t, String(ddLost[t] ?? '—')))],
  [`ls -laR /usr/share (${lsCalls} syscalls): ms`, ...tools.map((t) => fmt(ls[t] / 1e6, 0))],
  ['ls: added ns per syscall', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(lsAdded(t))))],
  ['ls: added CPU ns per syscall (ls\'s user + system)', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(lsCpuAdded(t))))],
  ['getppid loop: ns per call', ...tools.map((t) => fmt(loop[t], 1))],
  ['getppid: added ns per call', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(loopAdded(t))))],
  ['getppid: added CPU ns per call (thread CPU time)', ...tools.map((t) => (t === 'untraced' ? '—' : fmt(cpuAdded(t))))],
  ['getppid: fastest run, ns per call', ...tools.map((t) => fmt(Math.min(...(loopNs[t] ?? [])), 1))],
  ['getppid: added wall-clock, × floor', ...tools.map((t) => xFloor(t, loopAdded))],
  ['getppid: added CPU, × floor', ...tools.map((t) => xFloor(t, cpuAdded))],
  ['dd: added wall-clock, × floor', ...tools.map((t) => xFloor(t, ddAdded))],
  ['dd: added CPU, × floor', ...tools.map((t) => xFloor(t, ddCpuAdded))],
  ['ls -laR (captures): added wall-clock, × floor', ...tools.map((t) => xFloor(t, lsAdded))],
  ['ls -laR (captures): added CPU, × floor', ...tools.map((t) => xFloor(t, lsCpuAdded))],
  ['least CPU of the rounds: added ns per call (getppid / dd / ls)', ...tools.map((t) => (t === 'untraced' ? '—' : leastAdded(t).map((n) => fmt(n)).join(' / ')))],
  ['least CPU of the rounds: × floor (getppid / dd / ls)', ...tools.map((t) => (RECORDERS.includes(t) && tools.includes('floor') ? leastAdded(t).map((n, i) => fmt(n / leastAdded('floor')[i]!, 2) + '×').join(' / ') : '—'))],
  ['strace -f adds × more (getppid / dd)', ...tools.map((t) => onlyRec(t, `${ratio('strace', loopAdded, t)} / ${ratio('strace', ddAdded, t)}`))],
  ['perf trace record adds × more (getppid / dd)', ...tools.map((t) => onlyRec(t, `${ratio('perf', loopAdded, t)} / ${ratio('perf', ddAdded, t)}`))],
];
const lines = [
  `### Recorder (medians: ${RUNS} rounds of dd, ls and getppid, strace 1 × dd, 1 × ls and ${Math.min(RUNS, 3)} × ${STRACE_LOOP} calls; ${START_RUNS} rounds of start-up)`,
  '',
  `| | ${cols.join(' | ')} |`,
  `|---|${cols.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
  `- targets: ≤ 300 ns added per getppid call (vltrace-record: ${fmt(loopAdded('vltrace'))}); ≥ 50× less added time than strace -f ` +
    `(${ratio('strace', loopAdded, 'vltrace')} on getppid, ${ratio('strace', ddAdded, 'vltrace')} on dd); 0 lost on dd (${ddLost.vltrace ?? '—'}); ` +
    `start-up ≤ \`node -e 0\` + 60 ms (${fmt(median(startMs.vltrace ?? []), 1)} ms; ${fmt(median(nodeBase) + 60, 1)} ms)`,
  `- target: added time ≤ 1.3× the floor's (vltrace-record, CPU: getppid ${xFloor('vltrace', cpuAdded)}, dd ${xFloor('vltrace', ddCpuAdded)}, ` +
    `ls ${xFloor('vltrace', lsCpuAdded)}; the floor adds ${fmt(cpuAdded('floor'))} CPU ns per getppid, ${fmt(ddCpuAdded('floor'))} per dd syscall, ${fmt(lsCpuAdded('floor'))} per ls syscall)`,
  `- strace -f costs ${fmt(loopAdded('strace') / 1000, 1)} µs per getppid call and ${fmt(ddAdded('strace') / 1000, 1)} µs per dd syscall here ` +
    '(37–46 µs in the reference notes): the 50× ratio then needs ≤ ~200 ns from vltrace',
  `- floors in the same rounds: \`node -e 0\` ${fmt(median(nodeBase), 1)} ms` +
    (extraCa ? ` (NODE_EXTRA_CA_CERTS is set here; without it ${fmt(median(nodeBaseNoCa), 1)} ms)` : '') + `, \`true\` ${fmt(median(trueBase), 1)} ms`,
  `- start-up of \`node bin/vltrace-record.js -o f -- true\` (Node directly${extraCa ? ', so Node reads NODE_EXTRA_CA_CERTS' : ''}): ${fmt(median(startViaNode), 1)} ms`,
  `- load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other work on the machine inflates every column)`,
  ...notes.map((n) => `- ${n}`),
];
process.stdout.write(lines.join('\n') + '\n');
rmSync(dir, { recursive: true, force: true });
