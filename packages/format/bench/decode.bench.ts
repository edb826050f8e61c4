// npm run bench, format section: decode a synthetic recording of ≥ 1M syscalls to batches.
// Prints packets/s, MB/s, peak RSS and peak JS heap; BENCHMARKS.md records the figures.
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrace } from '../src/reader.js';
import { machineSpeed, synthesizeTrace } from '@vltrace/testkit';

const N = Number(process.env['VLT_BENCH_SYSCALLS'] ?? 1_000_000);
const RUNS = Number(process.env['VLT_BENCH_RUNS'] ?? 5);
const file = join(tmpdir(), `vltrace-bench-${N}.bin`);
if (!existsSync(file)) await synthesizeTrace(file, { syscalls: N });
const mb = statSync(file).size / 1e6;

/** packets/s (issue 13) */
const TARGET = 10e6;
/** seconds of each run, without and with the batches given back (Trace.recycle, as vltrace-convert's sinks do) */
const times: Record<'plain' | 'recycled', number[]> = { plain: [], recycled: [] };
let packets = 0;
let rows = 0;
let peakRss = 0;
let peakHeap = 0;
for (let r = 0; r < RUNS; r++) {
  // alternating, the order flipped every round: the machine's load hits both alike
  for (const mode of r % 2 === 0 ? (['plain', 'recycled'] as const) : (['recycled', 'plain'] as const)) {
    const t0 = process.hrtime.bigint();
    const trace = await openTrace(file);
    rows = 0;
    for await (const b of trace.batches()) {
      rows += b.length;
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      if (mode === 'recycled') trace.recycle(b);
    }
    times[mode].push(Number(process.hrtime.bigint() - t0) / 1e9);
    packets = trace.stats.packets;
  }
}
const median = (t: number[]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
console.log(`format decode: ${rows} syscalls, ${packets} packets, ${mb.toFixed(1)} MB; medians of ${RUNS}, alternating`);
for (const mode of ['plain', 'recycled'] as const) {
  const med = median(times[mode]);
  const t = [...times[mode]].sort((a, b) => a - b);
  const what = mode === 'plain' ? 'batches dropped' : 'batches given back';
  console.log(`  ${what}: ${med.toFixed(3)} s, ${(packets / med / 1e6).toFixed(2)} M packets/s, ${(rows / med / 1e6).toFixed(2)} M syscalls/s, ${(mb / med).toFixed(0)} MB/s: target ≥ ${TARGET / 1e6} M packets/s ${packets / med >= TARGET ? 'met' : 'missed'} (min/max ${t[0]!.toFixed(3)}/${t[t.length - 1]!.toFixed(3)} s)`);
}
console.log(`  peak RSS ${(peakRss / 1048576).toFixed(0)} MiB, peak JS heap ${(peakHeap / 1048576).toFixed(0)} MiB`);
// after the runs: its 64 MiB would otherwise be in the peak RSS above
console.log(`  machine speed (fixed loops) after the runs: ${machineSpeed()}`);
