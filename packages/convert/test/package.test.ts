import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

test('package.json: ESM, explicit exports (types first), files, bin', () => {
  assert.equal(pkg.type, 'module');
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'default']);
  assert.ok(pkg.exports['./package.json']);
  for (const f of ['dist/src', 'dist/bundle', 'dist/cli', 'bin', 'README.md', 'SCHEMA.md']) assert.ok(pkg.files.includes(f), f);
  assert.equal(pkg.bin['vltrace-convert'], 'bin/vltrace-convert.js'); // npm drops a ./ path
  for (const f of ['README.md', 'SCHEMA.md', 'bin/vltrace-convert.js']) assert.ok(existsSync(join(ROOT, f)), f);
});

test('dependencies: only what the sinks and the CLI need; DuckDB for tests only', () => {
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['@vltrace/format', 'apache-arrow', 'cli-progress', 'parquet-wasm']);
  assert.ok(pkg.devDependencies['@duckdb/node-api']);
});
