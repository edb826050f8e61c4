// What a `summary` run loads: a summary of Parquet needs the CLI, the session, DuckDB's binding
// and its small reader (duck-plain.ts) — not @duckdb/node-api (~120 CommonJS files), not
// @vltrace/format's reader and tables, not @vltrace/convert. Each costs more to load than the
// query over 10M rows takes (BENCHMARKS.md); this test keeps them out of that path. It runs the
// command line from tsc's output (dist/src), where each module is a file of its own; the
// launcher's bundle (scripts/bundle.mjs) splits at the same dynamic imports, and the last test
// checks what can be seen of it: the packages it leaves to Node.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildFixture, tmpDir, writeTrace } from './fixture.js';
import { writeParquetWithDuckDB } from './duck-writer.js';

const BIN = fileURLToPath(new URL('../../bin/vltrace-query.js', import.meta.url));
const dir = tmpDir('vq-lazy-');
// the command line as tsc wrote it, one file per module
const CLI = join(dir, 'cli-src.mjs');
writeFileSync(CLI, `import { main } from ${JSON.stringify(new URL('../src/cli.js', import.meta.url).href)};\nawait main(process.argv.slice(2));\n`);
const bin = writeTrace(buildFixture(), 'fixture.bin', dir);
const pq = join(dir, 'fixture.parquet');
// a preload that prints, at exit, every ESM module and CommonJS file the process loaded
const probe = join(dir, 'probe.cjs');
writeFileSync(probe, `
const seen = new Set();
const { registerHooks } = require('node:module');
if (registerHooks) registerHooks({ load(url, ctx, next) { seen.add(url); return next(url, ctx); } });
else require('node:module').register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});
process.on('exit', () => {
  for (const f of Object.keys(require.cache)) seen.add(f);
  require('node:fs').writeFileSync(process.env.VQ_LOADED, [...seen].join('\\n'));
});
`);
writeFileSync(join(dir, 'hooks.mjs'), `
import { writeFileSync, appendFileSync } from 'node:fs';
export async function load(url, ctx, next) { appendFileSync(process.env.VQ_LOADED + '.esm', url + '\\n'); return next(url, ctx); }
`);

before(async () => {
  await writeParquetWithDuckDB(bin, pq);
});

function loaded(...args: string[]): string[] {
  return loadedBy(CLI, ...args);
}

function loadedBy(cli: string, ...args: string[]): string[] {
  const out = join(dir, `loaded-${args[0]}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(`${out}.esm`, '');
  const r = spawnSync(process.execPath, ['--require', probe, cli, ...args], { encoding: 'utf8', env: { ...process.env, VQ_LOADED: out }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const esm = spawnSync('cat', [`${out}.esm`], { encoding: 'utf8' }).stdout;
  const cjs = spawnSync('cat', [out], { encoding: 'utf8' }).stdout;
  return [...new Set([...esm.split('\n'), ...cjs.split('\n')].filter(Boolean))];
}

const has = (mods: string[], part: string) => mods.some((m) => m.includes(part));

test('summary of Parquet loads neither node-api nor the recording reader nor convert', () => {
  const mods = loaded('summary', pq);
  assert.ok(has(mods, '/query/dist/src/duck-plain.js'), 'the plain reader is used');
  assert.ok(has(mods, 'node-bindings'), 'the binding is loaded');
  for (const heavy of ['@duckdb/node-api', '/format/dist/src/index.js', '/format/dist/src/reader.js', '/format/dist/src/tables/', '/convert/dist/', '/query/dist/src/recording.js', '/query/dist/src/processes.js', '/query/dist/src/filters.js']) {
    assert.ok(!has(mods, heavy), `summary of Parquet loaded ${heavy}`);
  }
});

test('summary -e loads the syscall tables, still not node-api', () => {
  const mods = loaded('summary', pq, '-e', 'trace=%file');
  assert.ok(has(mods, '/format/dist/src/tables/'));
  assert.ok(!has(mods, '@duckdb/node-api'));
});

test('a report whose results have timestamps and lists loads node-api for them', () => {
  const mods = loaded('procs', pq);
  assert.ok(has(mods, '@duckdb/node-api'));
  assert.ok(has(mods, '/query/dist/src/processes.js'));
});

test('the launcher runs the bundle, which leaves node-api out of a summary of Parquet and loads it for procs', () => {
  const summary = loadedBy(BIN, 'summary', pq);
  assert.ok(has(summary, '/query/dist/cli/cli.js'), 'the bundle runs');
  assert.ok(!has(summary, '/query/dist/src/'), 'no module of tsc\'s output');
  assert.ok(has(summary, 'node-bindings'));
  assert.ok(!has(summary, '@duckdb/node-api'));
  assert.ok(!has(summary, 'parquet-wasm') && !has(summary, 'apache-arrow'), 'nor the converter\'s packages');
  assert.ok(has(loadedBy(BIN, 'procs', pq), '@duckdb/node-api'));
});
