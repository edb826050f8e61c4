#!/usr/bin/env node
// Conversions of several builds (and thread settings) side by side, alternating run by run (the
// order flips every round) so that the shared machine's load hits every variant alike. Each run
// is a child process calling convert() as the convert bench does (text formats to /dev/null,
// binary ones to a file; the time excludes Node's start-up and the imports). Prints medians of
// wall time, syscalls/s and CPU time (user + system, all threads) and the highest peak RSS.
//
//   node scripts/convert-alternate.mjs ROUNDS INPUT.bin FORMATS LABEL=CHECKOUT:THREADS...
//
// THREADS: auto (convert()'s default), true or false. Example, this checkout against an older
// one, by default and with the decoding thread forced on:
//   node scripts/convert-alternate.mjs 5 /tmp/vltrace-bench-1000000.bin text,csv,jsonl,parquet \
//     before=/path/to/old:auto now=.:auto now-threads=.:true
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

async function child([root, to, threads, input, dir]) {
  const { convert, BINARY_FORMATS } = await import(pathToFileURL(join(root, 'packages/convert/dist/src/index.js')).href);
  const { createWriteStream } = await import('node:fs');
  const th = threads === 'auto' ? {} : { threads: threads === 'true' };
  const output = BINARY_FORMATS.has(to) ? join(dir, `out.${to}`) : undefined;
  if (output) rmSync(output, { force: true });
  const out = output ? { output } : { stdout: createWriteStream('/dev/null') };
  const t0 = performance.now();
  const r = await convert({ inputs: [input], to, ...th, ...out });
  const s = (performance.now() - t0) / 1000;
  const u = process.resourceUsage();
  process.send({ s, rows: r.rows, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, rss: u.maxRSS / 1024 });
}

async function main([rounds, input, formats, ...specs]) {
  if (!rounds || !input || !formats || specs.length === 0) {
    console.error('usage: convert-alternate.mjs ROUNDS INPUT.bin FORMATS LABEL=CHECKOUT:auto|true|false...');
    process.exit(2);
  }
  const variants = specs.map((v) => {
    const [label, rest] = v.split('=');
    const i = rest.lastIndexOf(':');
    return { label, root: resolve(rest.slice(0, i)), threads: rest.slice(i + 1) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'vlt-alternate-'));
  const me = fileURLToPath(import.meta.url);
  const run = (v, f) => new Promise((res, rej) => {
    const p = fork(me, ['--child', v.root, f, v.threads, input, dir], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let m;
    p.on('message', (x) => (m = x));
    p.on('exit', (c) => (m ? res(m) : rej(new Error(`${v.label} ${f}: exit ${c}`))));
  });
  const load0 = loadavg().map((x) => x.toFixed(2)).join(' ');
  const { machineSpeed } = await import('@vltrace/testkit');
  const speed0 = machineSpeed();
  const res = new Map();
  for (let r = 0; r < Number(rounds); r++) {
    for (const f of formats.split(',')) {
      for (const v of r % 2 ? [...variants].reverse() : variants) {
        const k = `${f} | ${v.label}`;
        if (!res.has(k)) res.set(k, []);
        res.get(k).push(await run(v, f));
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log('| format | build | s | syscalls/s | CPU s | peak RSS MiB | runs (s) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [k, rs] of res) {
    const s = med(rs.map((r) => r.s));
    console.log(`| ${k} | ${s.toFixed(2)} | ${(rs[0].rows / s / 1e6).toFixed(2)} M/s | ${med(rs.map((r) => r.cpu)).toFixed(2)} | ${Math.max(...rs.map((r) => r.rss)).toFixed(0)} | ${rs.map((r) => r.s.toFixed(2)).join(' ')} |`);
  }
  console.log(`\nload average before: ${load0}, after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; machine speed (fixed loops) before: ${speed0}, after: ${machineSpeed()}`);
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main(process.argv.slice(2));
