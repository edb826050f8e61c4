/**
 * The native part of vltrace-record's start-up, side by side with an older build
 * (BENCH_BEFORE=/path/to/an/older/checkout, built): opening, loading and verifying the BPF object
 * and creating its maps (`new Recorder()` of the addon, synchronous: vlt_open), then attaching
 * (`start()`: vlt_start). Each measurement runs in a fresh Node process, as a recording does
 * (libbpf probes the kernel's features once per process); each round measures every build once,
 * in turn, so a busy neighbour slows them alike. Prints a markdown table of medians.
 *
 *   node test/dist/bench/load.bench.js        (as root)
 *
 * BENCH_LOAD_RUNS rounds (default 15). The addon is the one each checkout's @vltrace/native
 * loads (native/build/Release/ in a built clone).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env['BENCH_LOAD_RUNS'] ?? 15);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BEFORE = process.env['BENCH_BEFORE'];
const builds: [string, string][] = [['now', ROOT], ...(BEFORE ? [['before', BEFORE] as [string, string]] : [])];

const dir = mkdtempSync(join(tmpdir(), 'vltrace-load-'));
/** One measurement: node child.cjs NATIVE_DIR PID prints {open, attach, stop} in ms. The traced
 * pid sleeps, so the programs run for nothing but the measured process's own calls. */
const CHILD = join(dir, 'child.cjs');
writeFileSync(CHILD, `'use strict';
const { openSync } = require('node:fs');
const addon = require(process.argv[2]).load();
const pid = Number(process.argv[3]);
const ms = (a, b) => Number(b - a) / 1e6;
const t0 = process.hrtime.bigint();
const rec = new addon.Recorder({ ringSize: 16 << 20, systemWide: false, followForks: false, failedOnly: false,
  subreaper: false, debug: false, strMode: 0, strChunks: 1, dataLimit: 32 });
const t1 = process.hrtime.bigint();
rec.setSyscalls(new Uint32Array(512).fill(1 | 6 << 1), 1 | 6 << 1);
rec.addPid(pid, false);
const fd = openSync('/dev/null', 'w');
const t2 = process.hrtime.bigint();
rec.start(fd, new Uint8Array(64), new Uint8Array(0), 0);
const t3 = process.hrtime.bigint();
rec.stop(false).then(() => {
  const t4 = process.hrtime.bigint();
  rec.close();
  process.stdout.write(JSON.stringify({ open: ms(t0, t1), attach: ms(t2, t3), stop: ms(t3, t4) }));
});
`);
const sleeper = spawn('sleep', ['3600'], { stdio: 'ignore' });

interface Sample { open: number; attach: number; stop: number }
const samples = new Map<string, Sample[]>(builds.map(([tag]) => [tag, []]));
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [tag, root] of builds) {
      const r = spawnSync(process.execPath, [CHILD, join(root, 'native'), String(sleeper.pid)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${tag}: exit ${r.status}: ${r.stderr.slice(-300)}`);
      samples.get(tag)!.push(JSON.parse(r.stdout) as Sample);
    }
  }
} finally {
  sleeper.kill();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (n: number) => n.toFixed(1);
const steps: [string, (s: Sample) => number][] = [
  ['open + load + verify + maps (`new Recorder()`)', (s) => s.open],
  ['attach (`start()`)', (s) => s.attach],
  ['both', (s) => s.open + s.attach],
  ['detach + drain (`stop()`)', (s) => s.stop],
];
const cols = builds.map(([tag]) => tag);
const lines = [
  `| ${RUNS} rounds, medians in ms | ${cols.join(' | ')} |${BEFORE ? ' now / before |' : ''}`,
  `|---|${cols.map(() => '---:|').join('')}${BEFORE ? '---:|' : ''}`,
  ...steps.map(([name, f]) => {
    const m = cols.map((c) => median(samples.get(c)!.map(f)));
    return `| ${name} | ${m.map(fmt).join(' | ')} |${BEFORE ? ` ${(m[0]! / m[1]!).toFixed(2)} |` : ''}`;
  }),
  '',
  `- load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`,
];
process.stdout.write(lines.join('\n') + '\n');
