// SPDX-License-Identifier: BSD-3-Clause
/* `npm install`'s step for @vltrace/native: keeps the prebuilt addon when it loads here, else
 * builds the addon and vlt-start from the package's sources with node-gyp (a C/C++ compiler
 * and libbpf/libelf/zlib development files; the BPF skeleton is shipped, so neither clang nor
 * bpftool nor the kernel's BTF is needed). In a clone of the repository it does nothing:
 * `make -C native` (or scripts/setup) builds there. */
'use strict';
const { existsSync } = require('node:fs');
const { dirname, join, sep } = require('node:path');
const { spawnSync } = require('node:child_process');

const here = __dirname;
if (!here.split(sep).includes('node_modules')) process.exit(0);

try {
  require('./index.js').load();
  process.exit(0);
} catch (e) {
  process.stderr.write(`@vltrace/native: ${e.message}\n@vltrace/native: building from source with node-gyp\n`);
}

// npm puts its node-gyp on the PATH of install scripts. The headers of the running Node, when
// its installation has them, spare node-gyp a download.
const args = ['rebuild', '--jobs=max'];
const headers = join(dirname(dirname(process.execPath)), 'include', 'node');
if (existsSync(join(headers, 'node_api.h'))) args.push(`--nodedir=${dirname(dirname(process.execPath))}`);
const r = spawnSync('node-gyp', args, { cwd: here, stdio: 'inherit' });
if (r.error) process.stderr.write(`@vltrace/native: cannot run node-gyp: ${r.error.message}\n`);
process.exit(r.status ?? 1);
