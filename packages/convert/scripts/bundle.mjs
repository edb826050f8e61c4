// Bundles the decoding thread (src/decode-thread.ts and all it imports, @vltrace/format
// included) into one file, dist/bundle/decode-thread.js: a thread reads and compiles a module
// graph of its own before it runs (~40 files here), and one file loads faster: `new Worker` →
// recording open in 48 against 63 ms (median of 8, 2026-12-05). Every threaded conversion waits
// for that before its first rows. Run after tsc -b (it bundles tsc's output): by `npm run
// build`, scripts/setup and the package's prepack.
//
// The thread's copy of @vltrace/format is its own: what crosses to the main thread is data
// (batches, the header, errors described as plain objects; threaded-source.ts revives them).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NODE_BUNDLE } from '../../../scripts/node-bundle.mjs';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));
const OUT = 'dist/bundle';

rmSync(new URL(`../${OUT}`, import.meta.url), { recursive: true, force: true }); // no stale files
await build({
  absWorkingDir: PKG_DIR,
  entryPoints: ['dist/src/decode-thread.js'],
  outfile: `${OUT}/decode-thread.js`,
  ...NODE_BUNDLE,
});
