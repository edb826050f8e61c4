// Bundles vltrace-record's start path into dist/bundle/: a recording's start waits for Node's
// ESM loader, which resolves, reads and compiles each module on its own (~30 modules, 1-2 ms
// each at best); two files load faster. Run after tsc -b (it bundles tsc's output,
// dist/src/*.js): by `npm run build`, scripts/setup and the package's prepack.
//
// - vltrace-record.js: src/start.ts with launch.ts, native.ts and errors.ts: what starts the BPF
//   load, small so that the load starts soon after Node does.
// - vltrace-record-cli.js: src/cli.ts and all it imports (record.ts, the parts of
//   @vltrace/format it uses), imported by start.ts once the load runs. Its own dynamic imports
//   (record.ts, status.ts, ...) become functions run when first imported: their code is read
//   with the file but runs when it ran before. The first file's modules are imported from it,
//   not copied: one `early` load (launch.ts) and one class per error (`instanceof` in cli.ts).
//
// Left to Node at run time: node: modules, @vltrace/native (a require of its .node), the
// converter (imported for -l text/hex) and @vltrace/format's main entry (the reader, imported
// with the converter, which needs the same copy of it); @vltrace/format/write, /files and /cli
// are bundled.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leave, NODE_BUNDLE } from '../../../scripts/node-bundle.mjs';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));
const SRC = 'dist/src';
const OUT = 'dist/bundle';
const ENTRY = 'vltrace-record.js';
const CLI = 'vltrace-record-cli.js';
/** The modules of the first file (besides start.js), which the second one imports from it. */
const FIRST = ['launch', 'native', 'errors'];

const common = { ...NODE_BUNDLE, absWorkingDir: PKG_DIR, outdir: OUT };
const SRC_DIR = join(PKG_DIR, SRC);
const packages = leave(/^@vltrace\/(native|convert|format)$/);

rmSync(new URL(`../${OUT}`, import.meta.url), { recursive: true, force: true }); // no stale files
const first = await build({
  ...common,
  metafile: true,
  // start.js's main, and what the second file needs of the first
  stdin: {
    contents: [`export { main } from './start.js';`, ...FIRST.map((m) => `export * from './${m}.js';`)].join('\n'),
    resolveDir: SRC_DIR,
    sourcefile: 'vltrace-record.js',
  },
  outfile: `${OUT}/${ENTRY}`,
  outdir: undefined,
  plugins: [packages, leave(/^\.\/cli\.js$/, `./${CLI}`, SRC_DIR)],
});
// a module in both files would have two states: start.js's imports must be FIRST's
const inFirst = Object.keys(first.metafile.inputs).filter((p) => p.startsWith(`${SRC}/`)).map((p) => p.slice(SRC.length + 1, -3));
const unexpected = inFirst.filter((m) => m !== 'start' && m !== ENTRY.slice(0, -3) && !FIRST.includes(m));
if (unexpected.length) throw new Error(`bundle: start.js imports ${unexpected.join(', ')}: add them to FIRST in ${fileURLToPath(import.meta.url)}`);
await build({
  ...common,
  entryPoints: [`${SRC}/cli.js`],
  outfile: `${OUT}/${CLI}`,
  outdir: undefined,
  plugins: [packages, leave(new RegExp(`^\\./(${FIRST.join('|')})\\.js$`), `./${ENTRY}`, SRC_DIR)],
});
