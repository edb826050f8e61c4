/**
 * Where the recorder's time goes: kernel.bpf_stats_enabled run time of the syscall programs of
 * vltrace-record and of the floor (bench/floor.c, empty programs on the same hooks), and the CPU
 * of the recorder's drain thread, per syscall of each workload; prints a markdown table of medians.
 *
 *   node packages/recorder/dist/bench/bpf-stats.bench.js   (as root)
 *
 * BENCH_RUNS (default 3) rounds; tools take turns in each round. The traced command is a shell
 * that reads `bpftool -j prog show` and the recorder's per-thread run time (schedstat of its
 * parent, the recorder) just before and just after the workload, so loading, attaching and
 * draining at the end are outside the window. bpf_stats times each program run with two clock
 * reads of its own: compare with the floor's figures, measured the same way. The programs also
 * run (and return early) for other processes' syscalls meanwhile; those are in the totals too.
 * kernel.bpf_stats_enabled is put back as it was at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFloor, floorCommand } from './floor.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const PKG = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(PKG, 'bin', 'vltrace-record.js');
const BPFTOOL = process.env['BPFTOOL'] ?? '/usr/sbin/bpftool';
const STATS = '/proc/sys/kernel/bpf_stats_enabled';

const dir = mkdtempSync(join(tmpdir(), 'vltrace-bpfstats-'));
const prog = join(dir, 'syscalls');
execFileSync('cc', ['-O2', '-o', prog, join(PKG, 'test', 'prog', 'syscalls.c'), '-lpthread']);
const floorBin = buildFloor(dir);

/** Workloads and the syscalls they make (ls: counted by the recorder in each run). */
const WORKLOADS: { name: string; cmd: string[]; calls?: number }[] = [
  { name: 'getppid loop', cmd: [prog, 'loop', '1000000'], calls: 1_000_000 },
  { name: 'dd bs=1 count=500000', cmd: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=500000'], calls: 1_000_000 },
  { name: 'ls -laR /usr/share', cmd: ['ls', '-laR', '/usr/share'] },
];
type Tool = 'floor' | 'vltrace';
const TOOLS: Tool[] = ['floor', 'vltrace'];

// snapshots around the workload: programs' stats, then the parent's (the recorder's) threads
const SNAP = `snap() { ${BPFTOOL} -j prog show > "$d/$1.json"; for t in /proc/$PPID/task/*; do echo "\${t##*/} $(cut -d' ' -f1 $t/schedstat)"; done > "$d/$1.threads"; }`;
const SCRIPT = `d=$1; shift; ${SNAP}; snap a; "$@" >/dev/null 2>&1; s=$?; snap b; exit $s`;

interface Prog { id: number; name?: string; run_time_ns?: number; run_cnt?: number }
/** Run time over the window, ns: the two syscall programs, the drain thread. */
interface Sample { enter: number; exit: number; drain: number }

function progs(file: string): Map<number, Prog> {
  return new Map((JSON.parse(readFileSync(file, 'utf8')) as Prog[]).map((p) => [p.id, p]));
}

/** Run time added to the programs named `name` between the snapshots, ns. */
function ranNs(a: Map<number, Prog>, b: Map<number, Prog>, name: string): number {
  let ns = 0;
  for (const [id, p] of b) if (p.name === name && a.has(id)) ns += (p.run_time_ns ?? 0) - (a.get(id)!.run_time_ns ?? 0);
  return ns;
}

/** Run time of the recorder's busiest thread but its main one (the drain thread), ns. */
function drainNs(): number {
  const read = (f: string) => new Map(readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number) as [number, number]));
  const a = read('a.threads');
  const b = read('b.threads');
  const main = Math.min(...b.keys());
  let best = 0;
  for (const [tid, ns] of b) if (tid !== main && a.has(tid)) best = Math.max(best, ns - a.get(tid)!);
  return best;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

const before = readFileSync(STATS, 'utf8').trim();
const samples = new Map<string, Sample[]>();
try {
  execFileSync('sysctl', ['-qw', 'kernel.bpf_stats_enabled=1']);
  for (let i = 0; i < RUNS; i++) {
    for (const w of WORKLOADS) {
      for (const tool of TOOLS) {
        const inner = ['sh', '-c', SCRIPT, 'sh', dir, ...w.cmd];
        const argv = tool === 'floor' ? floorCommand(floorBin, inner) : [CLI, '-f', '-o', join(dir, 'v.bin'), '--', ...inner];
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: dir });
        if (r.status !== 0) throw new Error(`${tool} ${w.name}: exit ${r.status}: ${r.stderr.slice(-300)}`);
        // ls: the recorder's count (the shell's few syscalls around it included), for the
        // floor's runs too
        const counted = /(\d+) syscalls recorded/.exec(r.stderr);
        if (!w.calls && tool === 'vltrace' && counted) w.calls = Number(counted[1]);
        const a = progs(join(dir, 'a.json'));
        const b = progs(join(dir, 'b.json'));
        const [en, ex] = tool === 'floor' ? ['fl_sys_enter', 'fl_sys_exit'] : ['handle_sys_enter', 'handle_sys_exit'];
        const key = `${w.name}|${tool}`;
        if (!samples.has(key)) samples.set(key, []);
        // totals now, per syscall at the end (ls: the count comes with the recorder's run)
        samples.get(key)!.push({ enter: ranNs(a, b, en), exit: ranNs(a, b, ex), drain: tool === 'vltrace' ? drainNs() : NaN });
      }
    }
  }
} finally {
  spawnSync('sysctl', ['-qw', `kernel.bpf_stats_enabled=${before}`]);
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const lines = [
  `### BPF program time (bpf_stats), ns per workload syscall, medians of ${RUNS} rounds`,
  '',
  '| workload | tool | sys_enter | sys_exit | drain thread (CPU) |',
  '|---|---|---:|---:|---:|',
];
for (const w of WORKLOADS) {
  for (const tool of TOOLS) {
    const s = samples.get(`${w.name}|${tool}`) ?? [];
    const m = (k: keyof Sample) => fmt(median(s.map((x) => x[k])) / (w.calls ?? NaN));
    lines.push(`| ${w.name} (${w.calls ?? '?'} syscalls) | ${tool === 'floor' ? 'floor (empty programs)' : 'vltrace-record -f'} | ${m('enter')} | ${m('exit')} | ${tool === 'floor' ? '—' : m('drain')} |`);
  }
}
lines.push('', `- load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.stdout.write(lines.join('\n') + '\n');
rmSync(dir, { recursive: true, force: true });
