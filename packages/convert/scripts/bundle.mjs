// Bundles what runs on every conversion, from tsc's output (dist/src), into dist/: Node reads
// and compiles each ES module on its own, and fewer, larger files load faster. Run after tsc -b:
// by `npm run build`, scripts/setup and the package's prepack.
//
// - dist/bundle/decode-thread.js: the decoding thread (src/decode-thread.ts and all it imports,
//   @vltrace/format included) in one file: `new Worker` → recording open in 48 against 63 ms
//   (median of 8, 2026-12-05). The thread's copy of @vltrace/format is its own: what crosses to
//   the main thread is data (batches, the header, errors as plain objects).
// - dist/cli/: the command line (src/cli.ts and what it imports), split where it imports
//   lazily (the converter, each format's sink) so that a conversion reads only what it uses:
//   samples/ls.bin to text in 0.83, to strace lines in 0.74 of the time from dist/src.
//   Left to Node: the packages with code of their own to load (parquet-wasm, apache-arrow's
//   one-file build, cli-progress), and src/worker-paths.js, whose own place says where the
//   threads' files are (a bundled module's import.meta.url is its chunk's).
// The library (dist/src, the package's exports) is not bundled: its users bundle as they like.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleCli, leave, NODE_BUNDLE } from '../../../scripts/node-bundle.mjs';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));

rmSync(new URL('../dist/bundle', import.meta.url), { recursive: true, force: true }); // no stale files
await build({
  ...NODE_BUNDLE,
  absWorkingDir: PKG_DIR,
  entryPoints: ['dist/src/decode-thread.js'],
  outfile: 'dist/bundle/decode-thread.js',
});
await bundleCli(PKG_DIR, [leave(/^(parquet-wasm|apache-arrow|cli-progress)(\/|$)/), leave(/\/worker-paths\.js$/, '../src/worker-paths.js')]);
