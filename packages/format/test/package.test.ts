// Packaging invariants: @vltrace/format stays nearly dependency-free (like hyparquet) and
// exports its types first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  type: string; dependencies: Record<string, string>; exports: Record<string, unknown>; files: string[];
};

test('@vltrace/format: ESM, one runtime dependency, explicit exports with types first', () => {
  assert.equal(pkg.type, 'module');
  assert.deepEqual(Object.keys(pkg.dependencies), ['binary-parser']);
  assert.ok(/^\^?2\.(3|[4-9])/.test(pkg.dependencies['binary-parser']!), 'binary-parser ≥ 2.3.0 (code-injection fix)');
  const main = pkg.exports['.'] as Record<string, string>;
  assert.equal(Object.keys(main)[0], 'types');
  assert.ok(pkg.files.includes('FORMAT.md'));
});
