/** Packaging invariants of @vltrace/recorder (see the style guide: exports types first, files, bin). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PKG_DIR } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')) as {
  type: string; exports: Record<string, Record<string, string> | string>; files: string[];
  bin: Record<string, string>; dependencies: Record<string, string>;
};

describe('package.json', () => {
  it('is ESM with explicit exports, types first', () => {
    assert.equal(pkg.type, 'module');
    const main = pkg.exports['.'] as Record<string, string>;
    assert.deepEqual(Object.keys(main), ['types', 'default']);
  });

  it('ships dist/src, the bundle of the start path and the bin: an executable plain Node script', () => {
    assert.ok(pkg.files.includes('dist/src') && pkg.files.includes('dist/bundle') && pkg.files.includes('bin'));
    // the bundle is made by the prepack (after tsc), so that the packed package runs it
    assert.match((pkg as unknown as { scripts: Record<string, string> }).scripts['prepack']!, /^tsc -b && node scripts\/bundle\.mjs$/);
    const bin = join(PKG_DIR, pkg.bin['vltrace-record']!);
    assert.ok(statSync(bin).mode & 0o111, 'executable');
    assert.equal(readFileSync(bin, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  });

  it('depends on its siblings by version, and on nothing else', () => {
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['@vltrace/convert', '@vltrace/format']);
    assert.equal(pkg.dependencies['@vltrace/format'], '1.0.0');
  });
});
