// Bundles vltrace-query's command line (src/cli.ts and what it imports, @vltrace/convert and
// @vltrace/format included) into dist/cli/, split where it imports lazily (a summary of Parquet
// still reads neither the recording reader nor the converter: test/lazy-load.test.ts checks the
// structure on dist/src). Node reads and compiles each ES module on its own, and a run reads
// a few of the 55 files instead of ~80 modules: `summary samples/ls.bin` in 0.82 of the time. Run after
// tsc -b (it bundles tsc's output): by `npm run build`, scripts/setup and the package's prepack.
//
// Left to Node: packages with code of their own to load (DuckDB, parquet-wasm, apache-arrow's
// one-file build, chart.js, cli-progress), and the converter's worker-paths.js, whose own place
// says where its threads' files are (a bundled module's import.meta.url is its chunk's). Nothing
// else loads @vltrace/convert or @vltrace/format in the process, so each is one copy (the
// converter's threads run in isolates of their own).
// The library (dist/src, the package's exports) is not bundled: its users bundle as they like.
import { fileURLToPath } from 'node:url';
import { bundleCli, leave } from '../../../scripts/node-bundle.mjs';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));

await bundleCli(PKG_DIR, [
  leave(/^(@duckdb\/|parquet-wasm|apache-arrow|chart\.js|cli-progress)(\/|$)/),
  leave(/\/worker-paths\.js$/, '@vltrace/convert/worker-paths'),
]);
