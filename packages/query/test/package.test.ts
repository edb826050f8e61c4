// Packaging invariants: dependencies, explicit exports (types first), files, the bin shim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PKG = fileURLToPath(new URL('../../package.json', import.meta.url));
const pkg = JSON.parse(readFileSync(PKG, 'utf8')) as Record<string, any>;

test('package.json: ESM, exports with types first, files, bin', () => {
  assert.equal(pkg['name'], '@vltrace/query');
  assert.equal(pkg['type'], 'module');
  assert.deepEqual(Object.keys(pkg['exports']['.']), ['types', 'default']);
  assert.deepEqual(pkg['files'], ['dist/src', 'dist/cli', 'bin', 'man', 'README.md']);
  assert.equal(pkg['bin']['vltrace-query'], 'bin/vltrace-query.js'); // npm drops a ./ path
  assert.ok(statSync(fileURLToPath(new URL('../../bin/vltrace-query.js', import.meta.url))).mode & 0o111, 'the bin is executable');
});

test('dependencies: siblings by version, DuckDB and Chart.js pinned', () => {
  assert.deepEqual(Object.keys(pkg['dependencies']).sort(),
    ['@duckdb/node-api', '@duckdb/node-bindings', '@vltrace/convert', '@vltrace/format', 'apache-arrow', 'chart.js', 'cli-progress', 'parquet-wasm']);
  // the command line's bundle (scripts/bundle.mjs) holds the converter's code, which loads these
  // packages: the query package depends on them itself, in the converter's ranges
  const convert = JSON.parse(readFileSync(fileURLToPath(new URL('../../../convert/package.json', import.meta.url)), 'utf8')) as Record<string, any>;
  for (const d of ['apache-arrow', 'cli-progress', 'parquet-wasm']) assert.equal(pkg['dependencies'][d], convert['dependencies'][d], d);
  // the report inlines its standalone build, whose path the package does not export: pinned
  assert.equal(pkg['dependencies']['chart.js'], '4.5.1');
  assert.equal(pkg['dependencies']['@vltrace/format'], '1.0.0');
  assert.equal(pkg['dependencies']['@vltrace/convert'], '1.0.0');
  assert.equal(pkg['dependencies']['@duckdb/node-api'], '1.5.6-r.1');
  assert.equal(pkg['dependencies']['@duckdb/node-bindings'], pkg['dependencies']['@duckdb/node-api']);
});
