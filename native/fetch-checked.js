// SPDX-License-Identifier: BSD-3-Clause
/* node fetch-checked.js URL SHA256 FILE: downloads URL into FILE only when its SHA-256 is the
 * given one (`make prebuild` takes libbpf's source this way; Node is there wherever the package
 * is built, curl need not be). Nothing is left at FILE when the download fails or differs. */
'use strict';
const { createHash } = require('node:crypto');
const { renameSync, writeFileSync } = require('node:fs');

const [url, sha256, file] = process.argv.slice(2);
if (!url || !/^[0-9a-f]{64}$/.test(sha256 ?? '') || !file) {
  process.stderr.write('usage: node fetch-checked.js URL SHA256 FILE\n');
  process.exit(2);
}

(async () => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  const body = Buffer.from(await res.arrayBuffer());
  const got = createHash('sha256').update(body).digest('hex');
  if (got !== sha256) throw new Error(`SHA-256 is ${got}, not the pinned ${sha256}`);
  const part = `${file}.part`;
  writeFileSync(part, body, { mode: 0o644 });
  renameSync(part, file);
})().catch((e) => {
  process.stderr.write(`fetch-checked: ${url}: ${e.message}\n`);
  process.exit(1);
});
