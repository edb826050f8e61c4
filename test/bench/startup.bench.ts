/**
 * Start-up of the three CLIs, side by side with `node -e 0` (the floor of any Node program on
 * this machine, with its environment) and, with BENCH_BEFORE=/path/to/an/older/checkout (built),
 * that build's CLIs; each round runs every command once, in turn, so a busy neighbour slows
 * them all alike. Prints a markdown table of medians.
 *
 *   node test/dist/bench/startup.bench.js        (as root: vltrace-record loads eBPF)
 *
 * BENCH_START_RUNS rounds (default 15). BENCH_START_ONLY=TEXT: only the commands whose row names
 * contain TEXT (more rounds in the same time on a busy machine, e.g. BENCH_START_ONLY=first).
 * vltrace-record: from the launch of
 * `vltrace-record -o f -- true` (process.hrtime just before the spawn, CLOCK_MONOTONIC) to the
 * timestamp of the first traced syscall in the recording (the command's execve entry,
 * bpf_ktime_get_ns, the same clock). The others: the whole run, as spawnSync sees it. Every
 * command also has its CPU time (user + system, from wait4 in a small C wrapper): on a machine
 * that other work keeps busy, wall-clock times grow with the load, CPU times much less.
 * Target: vltrace-record's launch → first traced syscall ≤ `node -e 0` + 60 ms.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeaderPrefix, PT } from '@vltrace/format';

const RUNS = Number(process.env['BENCH_START_RUNS'] ?? 15);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BEFORE = process.env['BENCH_BEFORE'];
const ONLY = process.env['BENCH_START_ONLY'];
const SAMPLE = join(ROOT, 'samples', 'ls.bin');
/** What the target allows above `node -e 0`, ms. */
const TARGET_MS = 60;

const dir = mkdtempSync(join(tmpdir(), 'vltrace-startup-'));
/** cputime CMD...: runs CMD, then writes its user + system CPU time in µs to fd 3. */
const CPUTIME = join(dir, 'cputime');
writeFileSync(`${CPUTIME}.c`, `#include <stdio.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  (void)argc;
  pid_t pid = fork();
  if (pid == 0) { execvp(argv[1], argv + 1); _exit(127); }
  int st; struct rusage ru;
  wait4(pid, &st, 0, &ru);
  dprintf(3, "%ld", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}
`);
execFileSync('cc', ['-O2', '-o', CPUTIME, `${CPUTIME}.c`]);
const bins = (root: string) => ({
  record: join(root, 'packages/recorder/bin/vltrace-record.js'),
  convert: join(root, 'packages/convert/bin/vltrace-convert.js'),
  query: join(root, 'packages/query/bin/vltrace-query.js'),
});
const builds: [string, ReturnType<typeof bins>][] = [['now', bins(ROOT)], ...(BEFORE ? [['before', bins(BEFORE)] as [string, ReturnType<typeof bins>]] : [])];

/** The CPU time of the last run, ms. */
let lastCpuMs = 0;

function wallMs(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(CPUTIME, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${String(r.stderr).slice(-300)}`);
  lastCpuMs = Number(String(r.output[3])) / 1000;
  return ms;
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

/** The measured commands of one build: name → one measurement in ms. */
function commands(b: ReturnType<typeof bins>, tag: string): [string, () => number][] {
  return allCommands(b, tag).filter(([name]) => ONLY === undefined || name.includes(ONLY));
}

function allCommands(b: ReturnType<typeof bins>, tag: string): [string, () => number][] {
  return [
    ['vltrace-record: launch → first traced syscall', () => {
      const out = join(dir, `start-${tag}.bin`);
      const launch = process.hrtime.bigint();
      wallMs([b.record, '-o', out, '--', 'true']);
      return Number(firstEntryTs(out) - launch) / 1e6;
    }],
    ['vltrace-record --help', () => wallMs([b.record, '--help'])],
    ['vltrace-convert --help', () => wallMs([b.convert, '--help'])],
    ['vltrace-convert samples/ls.bin (text, 5.6k lines)', () => wallMs([b.convert, SAMPLE, '-o', join(dir, `ls-${tag}.txt`)])],
    ['vltrace-convert samples/ls.bin --to strace -f', () => wallMs([b.convert, SAMPLE, '--to', 'strace', '-f', '-o', join(dir, `ls-${tag}.strace`)])],
    ['vltrace-query --help', () => wallMs([b.query, '--help'])],
    // no cache: summary reads the recording's batches directly (no DuckDB)
    ['vltrace-query summary samples/ls.bin (no cache)', () => wallMs([b.query, 'summary', SAMPLE, '--cache-dir', join(dir, `cache-${tag}-${Math.random()}`)])],
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const times = new Map<string, number[]>();
const add = (k: string, v: number) => times.set(k, [...(times.get(k) ?? []), v]);
for (let i = 0; i < RUNS; i++) {
  add('node -e 0', wallMs([process.execPath, '-e', '0']));
  add('cpu\tnode -e 0', lastCpuMs);
  for (const [tag, b] of builds) {
    for (const [name, measure] of commands(b, tag)) {
      add(`${tag}\t${name}`, measure());
      add(`cpu\t${tag}\t${name}`, lastCpuMs);
    }
  }
}
rmSync(dir, { recursive: true, force: true });

const floor = median(times.get('node -e 0')!);
const cpuFloor = median(times.get('cpu\tnode -e 0')!);
const fmt = (n: number) => n.toFixed(1);
const names = commands(builds[0]![1], 'x').map(([n]) => n);
const cols = builds.map(([tag]) => tag);
const lines = [
  `| ${RUNS} rounds, medians in ms | ${cols.map((c) => `${c}: wall`).join(' | ')} | ${cols.map((c) => `${c}: CPU`).join(' | ')} | now − \`node -e 0\`: wall / CPU |${BEFORE ? ' now / before: wall / CPU |' : ''}`,
  `|---|${cols.map(() => '---:|---:').join('|')}|---:|${BEFORE ? '---:|' : ''}`,
  `| \`node -e 0\` (floor) | ${cols.map(() => fmt(floor)).join(' | ')} | ${cols.map(() => fmt(cpuFloor)).join(' | ')} | — |${BEFORE ? ' — |' : ''}`,
  ...names.map((n) => {
    const m = cols.map((c) => median(times.get(`${c}\t${n}`)!));
    const cpu = cols.map((c) => median(times.get(`cpu\t${c}\t${n}`)!));
    return `| ${n} | ${m.map(fmt).join(' | ')} | ${cpu.map(fmt).join(' | ')} | ${fmt(m[0]! - floor)} / ${fmt(cpu[0]! - cpuFloor)} |` +
      (BEFORE ? ` ${(m[0]! / m[1]!).toFixed(2)} / ${(cpu[0]! / cpu[1]!).toFixed(2)} |` : '');
  }),
];
const recTimes = times.get(`now\tvltrace-record: launch → first traced syscall`);
const rec = recTimes && median(recTimes);
lines.push(
  '',
  ...(rec === undefined ? [] : [`- target: vltrace-record launch → first traced syscall ≤ \`node -e 0\` + ${TARGET_MS} ms: ${fmt(rec)} ≤ ${fmt(floor + TARGET_MS)} ms — ${rec <= floor + TARGET_MS ? 'met' : 'NOT met'}`]),
  `- NODE_EXTRA_CA_CERTS ${process.env['NODE_EXTRA_CA_CERTS'] !== undefined ? 'is set (Node reads it at start, in every column)' : 'is not set'}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`,
);
process.stdout.write(lines.join('\n') + '\n');
