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

  it('ships dist/src and the bin shim: executable, NODE_EXTRA_CA_CERTS hidden by its sh lines and put back', () => {
    assert.ok(pkg.files.includes('dist/src') && pkg.files.includes('bin'));
    const bin = join(PKG_DIR, pkg.bin['vltrace-record']!);
    assert.ok(statSync(bin).mode & 0o111, 'executable');
    const lines = readFileSync(bin, 'utf8').trim().split('\n');
    assert.equal(lines[0], '#!/bin/sh');
    assert.match(lines[1]!, /^':' \/\/; .*exec env -u NODE_EXTRA_CA_CERTS VLTRACE_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" node "\$0" "\$@"/);
    assert.match(lines.join('\n'), /process\.env\.NODE_EXTRA_CA_CERTS = process\.env\.VLTRACE_NODE_EXTRA_CA_CERTS/);
    assert.match(lines.at(-1)!, /import\('\.\.\/dist\/src\/cli\.js'\)/);
  });

  it('depends on its siblings by version, and on yargs only otherwise', () => {
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['@vltrace/convert', '@vltrace/format', 'yargs']);
    assert.equal(pkg.dependencies['@vltrace/format'], '1.0.0');
  });
});
