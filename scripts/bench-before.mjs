#!/usr/bin/env node
// Side by side with an older build: the converter's table formats and the query cache, each run
// a process of its own, this checkout and BEFORE alternately (the order flips every round), so
// that the machine's load hits both alike. Prints medians of wall time, CPU time (user + sys,
// all threads) and peak RSS, as Markdown.
//
//   node scripts/bench-before.mjs /path/to/older/checkout convert|query [rounds] [inputs…]
//
// convert: every table format (and text, untouched, as a control) of each input, to /dev/null
// or a file. query: `failed --refresh` (builds the cache), then failed, slow, summary, procs and
// files from the cache. Inputs: .bin recordings (default: the convert bench's 1M-syscall file).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [before, what = 'convert', roundsArg = '5', ...inputs] = process.argv.slice(2);
if (!before || !['convert', 'query'].includes(what)) {
  console.error('usage: bench-before.mjs BEFORE_CHECKOUT convert|query [rounds] [input.bin…]');
  process.exit(2);
}
const NOW = resolve(fileURLToPath(new URL('..', import.meta.url)));
const roots = { before: resolve(before), now: NOW };
const rounds = Number(roundsArg);
const files = inputs.length > 0 ? inputs : [join(tmpdir(), 'vltrace-bench-1000000.bin')];
const dir = mkdtempSync(join(tmpdir(), 'vlt-bench-before-'));
const FORMATS = ['csv', 'jsonl', 'arrow', 'parquet', 'text'];
const REPORTS = ['failed', 'slow', 'summary', 'procs', 'files'];

/** Runs a command under GNU time: [wall s, CPU s, peak RSS MiB]. */
function timed(args) {
  const out = join(dir, 'time');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, process.execPath, ...args], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}`);
  const [e, u, s, m] = spawnSync('cat', [out], { encoding: 'utf8' }).stdout.trim().split(/\s+/).map(Number);
  return [e, u + s, m / 1024];
}

const results = new Map();
const add = (key, build, v) => {
  if (!results.has(key)) results.set(key, { before: [], now: [] });
  results.get(key)[build].push(v);
};

for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['before', 'now'] : ['now', 'before'];
  for (const file of files) {
    const name = basename(file);
    if (what === 'convert') {
      for (const f of FORMATS) {
        for (const b of order) {
          const out = ['arrow', 'parquet'].includes(f) ? join(dir, `out.${f}`) : '/dev/null';
          rmSync(out === '/dev/null' ? join(dir, 'none') : out, { force: true });
          add(`${name} ${f}`, b, timed([join(roots[b], 'packages/convert/bin/vltrace-convert.js'), '--to', f, '-o', out, file]));
        }
      }
    } else {
      for (const b of order) {
        const q = join(roots[b], 'packages/query/bin/vltrace-query.js');
        const cache = join(dir, `cache-${b}`);
        add(`${name} failed, building the cache`, b, timed([q, 'failed', file, '--cache-dir', cache, '--refresh']));
        for (const rep of REPORTS) add(`${name} ${rep}, cached`, b, timed([q, rep, file, '--cache-dir', cache]));
      }
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${rounds} rounds, alternating; medians. before: ${roots.before}`);
console.log('| what | before s | now s | now/before | before CPU s | now CPU s | now/before CPU | before RSS MiB | now RSS MiB |');
console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const [key, { before: b, now: n }] of results) {
  const m = (xs, i) => median(xs.map((x) => x[i]));
  console.log(`| ${key} | ${m(b, 0).toFixed(2)} | ${m(n, 0).toFixed(2)} | ${(m(n, 0) / m(b, 0)).toFixed(2)} | ${m(b, 1).toFixed(2)} | ${m(n, 1).toFixed(2)} | ${(m(n, 1) / m(b, 1)).toFixed(2)} | ${m(b, 2).toFixed(0)} | ${m(n, 2).toFixed(0)} |`);
}
rmSync(dir, { recursive: true, force: true });
